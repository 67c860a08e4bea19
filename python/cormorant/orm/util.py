"""aliased(): a mapped class read from another FROM item (a table alias for
self-joins, or a subquery, CTE or set operation that returns its columns);
with_polymorphic(): an inheritance hierarchy's base loaded with subclass
columns; with_parent(): the criterion "related to this instance"; join() / outerjoin()
of entities on relationships; polymorphic_union() of concrete tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from ..exc import ArgumentError, InvalidRequestError
from ..sql.base import FromClause, Join, as_from
from ..sql.elements import ColumnElement, and_, cast, literal_column, null, type_coerce
from ..sql.selectable import ResultEntry, Select, Subquery, select, union_all
from .mapper import Mapper, mapper_of
from .properties import adapt_to_selectable

_O = TypeVar("_O")


class AliasedClass(Generic[_O]):
    """The class `aliased()` returns: attributes give the alias's columns
    (`boss.name`), select(alias) loads instances of the mapped class, and the
    alias can be joined to and selected from like the class itself."""

    def __init__(self, mapper: Mapper, selectable: FromClause, name: str | None) -> None:
        self._mapper = mapper
        self._selectable = selectable
        self._name = name

    def __getattr__(self, key: str) -> Any:
        mapper = self.__dict__["_mapper"]
        column = mapper.attr_columns.get(key)
        if column is not None:
            return self._selectable.corresponding_column(column)  # type: ignore[attr-defined]
        prop = mapper.expressions.get(key)
        if prop is not None:
            adapted = adapt_to_selectable(prop.expression, mapper.table, self._selectable)
            if adapted is None:
                raise NotImplementedError(
                    f"{self._row_key}.{key}: this column_property() cannot be read from the aliased selectable"
                )
            return adapted
        if key in mapper.relationships:
            raise NotImplementedError(
                f"relationship attributes of an aliased() entity ({self._row_key}.{key}) are not supported yet; "
                "join with an explicit ON clause instead"
            )
        declared = next((k.__dict__[key] for k in mapper.class_.__mro__ if key in k.__dict__), None)
        if hasattr(declared, "_for_alias"):  # a hybrid: its SQL side over the alias's columns
            return declared._for_alias(self)  # type: ignore[union-attr]
        raise AttributeError(f"aliased({mapper.class_.__name__}) has no attribute '{key}'")

    def __clause_element__(self) -> FromClause:
        return self._selectable

    @property
    def _row_key(self) -> str:
        """The entity's key in result rows: the alias's name, else the class's."""
        return self._name or self._mapper.class_.__name__

    def __result_entry__(self) -> ResultEntry:
        from .loading import EntityLoad

        load = EntityLoad.every_column(self._mapper)
        load.alias = self._selectable
        return ResultEntry(mapper=self._mapper, load=load, name=self._row_key, expr=self)

    def __repr__(self) -> str:
        return f"<AliasedClass {self._row_key}({self._mapper.class_.__name__})>"


def aliased(
    element: Any, alias: Any = None, name: str | None = None, flat: bool = False, adapt_on_names: bool = False
) -> Any:
    """The mapped class `element` under another name (`FROM emp AS boss`), or
    read from `alias`: a subquery, CTE or set operation returning its columns.
    A Table or other FROM item gives its `.alias(name)`. Columns are matched
    to `alias` by what it selected, then by name, so `adapt_on_names=True`
    holds either way; `flat` concerns joined-inheritance classes, which
    cannot be aliased yet, so every alias is already flat."""
    mapper = getattr(element, "__mapper__", None)
    if mapper is None or not isinstance(element, type):
        if isinstance(element, AliasedClass):
            return aliased(element._mapper.class_, alias if alias is not None else element._selectable, name)
        if alias is not None:
            raise ArgumentError(f"aliased({element!r}, alias) needs a mapped class")
        return element.alias(name)
    mapper = mapper_of(element)
    if alias is None and mapper.entity_from is not None:
        raise NotImplementedError(
            f"aliased({mapper.class_.__name__}): aliasing a joined-table inheritance class is not supported yet"
        )
    if alias is None:
        selectable: Any = mapper.table.alias(name)
    else:
        selectable = alias.alias(name) if name is not None and hasattr(alias, "alias") else alias
        missing = [c.name for c in mapper.columns if c.name not in selectable.c]
        if missing:
            raise InvalidRequestError(
                f"aliased({mapper.class_.__name__}, ...): the selectable has no column named "
                f"{', '.join(missing)}"
            )
    return AliasedClass(mapper, selectable, name)


def with_parent(instance: Any, prop: Any, from_entity: Any = None) -> ColumnElement[bool]:
    """The criterion selecting the objects related to `instance` through the
    relationship `prop` (`select(Address).where(with_parent(user, User.addresses))`)."""
    rel = getattr(prop, "property", prop)
    if from_entity is not None:
        raise NotImplementedError("with_parent(from_entity=...) is not supported yet")
    rel._ensure()
    mapper = mapper_of(instance)
    if not issubclass(mapper.class_, rel.parent.class_):
        raise ArgumentError(f"{rel} is not a relationship of {mapper.class_.__name__}")
    return and_(*rel.related_criteria(instance))


class WithPolymorphic(Generic[_O]):
    """What `with_polymorphic()` returns: select() of it loads the base class
    and the given subclasses' columns in one SELECT (outer joins of their
    tables, for joined-table inheritance); `poly.Sub.attr` is a subclass
    column, `poly.attr` a base one."""

    def __init__(
        self, mapper: Mapper, subclasses: list[Mapper], from_clause: FromClause, name: str | None
    ) -> None:
        self._mapper = mapper
        self._subclasses = subclasses
        self._from_clause = from_clause
        self._name = name

    def __getattr__(self, key: str) -> Any:
        for sub in self.__dict__["_subclasses"]:
            if sub.class_.__name__ == key:
                return _SubclassColumns(sub)
        return getattr(self.__dict__["_mapper"].class_, key)

    def __clause_element__(self) -> FromClause:
        return self._from_clause

    def __result_entry__(self) -> ResultEntry:
        from .loading import EntityLoad

        load = EntityLoad.every_column(self._mapper)
        load.add_subclasses(self._subclasses)
        load.from_clause = self._from_clause
        name = self._name or self._mapper.class_.__name__
        return ResultEntry(mapper=self._mapper, load=load, name=name, expr=self)

    def __repr__(self) -> str:
        names = ", ".join(m.class_.__name__ for m in self._subclasses)
        return f"<with_polymorphic({self._mapper.class_.__name__}, [{names}])>"


class _SubclassColumns:
    """`poly.Sub`: the columns of one subclass of a with_polymorphic() entity."""

    def __init__(self, mapper: Mapper) -> None:
        self._mapper = mapper

    def __getattr__(self, key: str) -> Any:
        column = self.__dict__["_mapper"].attr_columns.get(key)
        if column is None:
            raise AttributeError(f"{self._mapper.class_.__name__} has no mapped column '{key}'")
        return column


def with_polymorphic(
    base: Any,
    classes: Any,
    selectable: Any = False,
    flat: bool = False,
    polymorphic_on: Any = None,
    aliased: bool = False,
    innerjoin: bool = False,
    adapt_on_names: bool = False,
    name: str | None = None,
) -> Any:
    """The base class of an inheritance hierarchy, selected with the columns
    of `classes` (a list of subclasses, or "*" for all of them), so that
    their objects load fully in one SELECT: `select(with_polymorphic(Party, [Person, Company]))`."""
    for option, value in (
        ("selectable", selectable),
        ("polymorphic_on", polymorphic_on),
        ("aliased", aliased),
    ):
        if value not in (False, None):
            raise NotImplementedError(f"with_polymorphic({option}=...) is not supported yet")
    mapper = mapper_of(base)
    if classes == "*":
        subclasses = [m for m in mapper.self_and_descendants if m is not mapper]
    else:
        subclasses = [mapper_of(c) for c in (classes if isinstance(classes, (list, tuple)) else [classes])]
    for sub in subclasses:
        if not issubclass(sub.class_, mapper.class_):
            raise ArgumentError(
                f"with_polymorphic(): {sub.class_.__name__} is not a subclass of {mapper.class_.__name__}"
            )
    subclasses = sorted(subclasses, key=lambda m: len(m.class_.__mro__))  # parents before their subclasses
    return WithPolymorphic(mapper, subclasses, joined_subclass_tables(mapper, subclasses, innerjoin), name)


def joined_subclass_tables(mapper: Mapper, subclasses: list[Mapper], innerjoin: bool = False) -> FromClause:
    """The base's FROM item, (outer) joined to each subclass table on its inherit condition."""
    joined: Any = mapper.selectable
    tables = set(mapper.tables)
    for sub in subclasses:
        lineage = sub.lineage
        for level in reversed(lineage[: lineage.index(mapper)]):
            if level.local_table not in tables:
                tables.add(level.local_table)
                onclause = and_(*(parent == own for parent, own in level.inherit_pairs))
                joined = Join(joined, level.local_table, onclause, not innerjoin, False)
    return joined  # type: ignore[no-any-return]


class _ORMJoin(Join):
    """What orm.join() returns: a Join that further joins take relationship attributes too."""

    def join(self, right: Any, onclause: Any = None, isouter: bool = False, full: bool = False) -> _ORMJoin:
        return join(self, right, onclause, isouter, full)

    def outerjoin(self, right: Any, onclause: Any = None, full: bool = False) -> _ORMJoin:
        return join(self, right, onclause, True, full)


def join(left: Any, right: Any, onclause: Any = None, isouter: bool = False, full: bool = False) -> _ORMJoin:
    """left JOIN right, where left and right may be mapped classes or aliases,
    and the ON clause a relationship attribute (`join(User, Address,
    User.addresses)`), an expression, or inferred from the foreign keys."""
    joined: FromClause = as_from(left)
    for target, on in Select._resolve_join_target(right, onclause):
        joined = _ORMJoin(joined, target, on, isouter, full)
    assert isinstance(joined, _ORMJoin)
    return joined


def outerjoin(left: Any, right: Any, onclause: Any = None, full: bool = False) -> _ORMJoin:
    """left LEFT OUTER JOIN right, as join()."""
    return join(left, right, onclause, True, full)


def polymorphic_union(
    table_map: Mapping[Any, Any],
    typecolname: str | None,
    aliasname: str = "p_union",
    cast_nulls: bool = True,
) -> Subquery:
    """A UNION ALL of the tables of `table_map` (discriminator value -> table),
    each SELECTing every column name any of them has (NULL where it lacks
    one) and, unless `typecolname` is None, its key as the column
    `typecolname`: the FROM item of a concrete-table hierarchy's polymorphic loads."""
    types: dict[str, Any] = {}
    for table in table_map.values():
        for column in table.c:
            if column.key == typecolname:
                raise InvalidRequestError(
                    f"Polymorphic union can't use '{typecolname}' as the discriminator column due to mapped "
                    f"column {column!r}; please apply the 'typecolname' argument; this is available on "
                    "ConcreteBase as '_concrete_discriminator_name'"
                )
            types.setdefault(column.key, column.type)

    def column_of(table: Any, name: str) -> Any:
        if name in table.c:
            return table.c[name]
        missing = cast(null(), types[name]) if cast_nulls else type_coerce(null(), types[name])
        return missing.label(name)

    selects = []
    for key, table in table_map.items():
        columns = [column_of(table, name) for name in types]
        if typecolname is not None:
            columns.append(literal_column(_sql_literal(key)).label(typecolname))
        selects.append(select(*columns).select_from(table))
    return union_all(*selects).subquery(aliasname)


def _sql_literal(value: Any) -> str:
    """A discriminator value written into the SQL (as SQLAlchemy does, so the
    union's column has the literal's type on every backend)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ArgumentError(f"polymorphic_union(): a discriminator value is a str or an int, not {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"
