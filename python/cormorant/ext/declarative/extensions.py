"""ConcreteBase: a concrete-table hierarchy whose base class SELECTs every
class's rows, through a polymorphic_union() of the tables. DeferredReflection:
declarative classes whose tables are read from the database when
prepare(engine) is called, instead of declared column by column.

A SELECT of a ConcreteBase class first reads the discriminator and primary key
of the matching rows from the union, with its criteria and ordering moved onto
the union's columns, then loads each class's objects by primary key from its
own table (one SELECT per class found), so every object has its own class's
identity, as SQLAlchemy's concrete mappers give it.

Until prepare(), a DeferredReflection class such a class is declared but not mapped; prepare() reads each
class's table with the Inspector (columns, primary key, foreign keys), adds
the columns the class does not declare itself, and maps it. Tables those
foreign keys refer to, if no class maps them, are reflected into the same
MetaData so joins and relationships find them."""

from __future__ import annotations

import contextvars
from typing import Any, ClassVar

from ... import _native
from ... import event as _event
from ...engine.base import Connection, Engine
from ...engine.result import Result
from ...exc import ArgumentError, InvalidRequestError
from ...orm.decl_base import MappedColumn, _install_mapper, _map_class, _polymorphic_identity_on_init
from ...orm.events import ORMExecuteState
from ...orm.interfaces import UserDefinedOption
from ...orm.mapper import Mapper
from ...orm.properties import _replaced
from ...orm.session import Session
from ...orm.util import polymorphic_union
from ...sql.elements import and_, or_
from ...sql.schema import Column, ForeignKeyConstraint, MetaData, Table
from ...sql.selectable import Select, Subquery, select

# --- ConcreteBase -----------------------------------------------------------------------------


class ConcreteBase:
    """Mixin of the base class of a concrete-table hierarchy (each class
    `"concrete": True` with a complete table of its own): a SELECT of the base
    returns the objects of every class of the hierarchy, in the order and
    with the criteria given, from a UNION ALL of the tables whose column
    `_concrete_discriminator_name` ("type") holds each row's polymorphic_identity."""

    _concrete_discriminator_name: ClassVar[str] = "type"

    def __init_subclass__(cls, **kw: Any) -> None:
        if cls.__module__ == __name__:  # AbstractConcreteBase itself
            super().__init_subclass__(**kw)
            return
        if ConcreteBase in cls.__bases__ or AbstractConcreteBase in cls.__bases__:
            type.__setattr__(cls, "_cm_concrete_root", True)
        identity = _take_polymorphic_identity(cls)
        super().__init_subclass__(**kw)
        mapper = cls.__dict__.get("__mapper__")
        if mapper is not None:
            mapper.polymorphic_identity = identity  # the discriminator is the union's, not a column
            _listen_for_selects()

    @classmethod
    def _cm_family(cls) -> list[Any]:
        """The mappers whose tables the union of this root class reads: its
        own, and those of its mapped concrete subclasses."""
        return [cls.__dict__["__mapper__"], *_concrete_descendants(cls, concrete_only=True)]


def _concrete_descendants(cls: type, concrete_only: bool) -> list[Any]:
    found = []
    sub: type
    for sub in cls.__subclasses__():
        mapper = sub.__dict__.get("__mapper__")
        if mapper is not None and (mapper.concrete or not concrete_only):
            found.append(mapper)
        found.extend(_concrete_descendants(sub, concrete_only))
    return found


class _AbstractRootMapper:
    """The `__mapper__` of an AbstractConcreteBase class: made on first use,
    once its subclasses are declared (other classes have none from here)."""

    def __get__(self, obj: Any, owner: Any) -> Any:
        if owner is None or not owner.__dict__.get("_cm_abstract_root"):
            raise AttributeError("__mapper__")
        return _map_abstract_root(owner)


class AbstractConcreteBase(ConcreteBase):
    """Mixin of an unmapped base of concrete-table classes: its columns are
    copied to each subclass (as a mixin's), and on first use (a SELECT of
    it, or inspect()) it is mapped onto the polymorphic union of their tables,
    so that SELECTs of it return the objects of every subclass. Declare
    every subclass before that first use, as SQLAlchemy's configure step wants."""

    __mapper__ = _AbstractRootMapper()

    def __init_subclass__(cls, **kw: Any) -> None:
        if AbstractConcreteBase in cls.__bases__:
            # declared now, mapped on first use: declarative mapping passes over an abstract class
            type.__setattr__(cls, "__abstract__", True)
            type.__setattr__(cls, "_cm_abstract_root", True)
        else:
            for klass in cls.__mro__[1:]:
                if klass.__dict__.get("_cm_abstract_root") and "_cm_abstract_mapped" in klass.__dict__:
                    raise InvalidRequestError(
                        f"{cls.__name__} is declared after {klass.__name__} (an AbstractConcreteBase) was "
                        "first used: declare every subclass before selecting or inspecting the base"
                    )
        super().__init_subclass__(**kw)

    @classmethod
    def _cm_family(cls) -> list[Any]:
        if cls.__dict__.get("_cm_abstract_root"):  # no table of its own
            return _concrete_descendants(cls, concrete_only=False)
        return super()._cm_family()


def _map_abstract_root(root: Any) -> Any:
    """Maps the AbstractConcreteBase class `root` onto a table that stands
    for the union of its subclasses' tables (its SELECTs read the union)."""
    mapped = root.__dict__.get("_cm_abstract_mapped")
    if mapped is not None:
        return mapped
    family = _concrete_descendants(root, concrete_only=False)
    if not family:
        raise InvalidRequestError(f"{root.__name__} (an AbstractConcreteBase) has no mapped subclass yet")
    union = polymorphic_union(
        {_identity_of(m): m.local_table for m in family}, root._concrete_discriminator_name
    )
    keys = {c.name for m in family for c in m.primary_key}
    stand_in = Table(
        "pjoin", MetaData(), *(Column(c.name, c.type, primary_key=c.name in keys) for c in union.c)
    )
    mapper = Mapper(root, stand_in, {c.name: c for c in stand_in.columns})
    type.__setattr__(root, "_cm_abstract_mapped", mapper)
    type.__delattr__(root, "__abstract__")
    _install_mapper(root, mapper, root.registry, {})
    _listen_for_selects()
    return mapper


def _take_polymorphic_identity(cls: type) -> Any:
    """Moves the polymorphic_identity out of cls's __mapper_args__: in a
    concrete hierarchy it names the class in the union, not a column value."""
    args = cls.__dict__.get("__mapper_args__")
    if not isinstance(args, dict) or "polymorphic_identity" not in args:
        if args is not None and not isinstance(args, dict):
            raise NotImplementedError(f"ConcreteBase: {cls.__name__}.__mapper_args__ must be a dict")
        return None
    type.__setattr__(cls, "__mapper_args__", {k: v for k, v in args.items() if k != "polymorphic_identity"})
    return args["polymorphic_identity"]


_listening: list[bool] = []
_loading_by_class: contextvars.ContextVar[bool] = contextvars.ContextVar("_loading_by_class", default=False)


def _listen_for_selects() -> None:
    if not _listening:
        _event.listen(Session, "do_orm_execute", _polymorphic_select)
        _listening.append(True)


def _concrete_root(state: ORMExecuteState) -> Any:
    """The ConcreteBase class the statement SELECTs alone, when it has concrete subclasses; else None."""
    statement = state.statement
    if not isinstance(statement, Select) or _loading_by_class.get():
        return None
    entries = statement.result_entries
    if len(entries) != 1 or entries[0].mapper is None:
        return None
    cls = entries[0].mapper.class_
    if entries[0].expr is not cls or not cls.__dict__.get("_cm_concrete_root"):
        return None
    return cls if _is_polymorphic(cls) else None


def _is_polymorphic(cls: Any) -> bool:
    """Whether a SELECT of the root class `cls` reads other tables than its own."""
    family = cls._cm_family()
    return len(family) > 1 or (len(family) == 1 and family[0].class_ is not cls)


def _polymorphic_select(state: ORMExecuteState) -> Result[Any] | None:
    root = _concrete_root(state)
    if root is None:
        if isinstance(state.statement, Select) and not _loading_by_class.get():
            return _select_from_union_subqueries(state)
        return None
    statement: Select[Any] = state.statement
    _refuse_unsupported(root, statement)
    family = root._cm_family()
    union = _union_of(root, family)
    discriminator = root._concrete_discriminator_name
    by_identity = {_identity_of(m): m for m in family}
    key_names = list(dict.fromkeys(c.name for m in family for c in m.primary_key))
    rows = state.invoke_statement(_keys_statement(root, statement, union, discriminator, key_names)).all()
    wanted: dict[Any, list[tuple[Any, ...]]] = {}
    for row in rows:
        mapper = _mapper_for(by_identity, row[0], root)
        wanted.setdefault(mapper, []).append(
            tuple(row[1 + key_names.index(c.name)] for c in mapper.primary_key)
        )
    loaded = _load_by_key(state, statement, wanted)
    objects = [
        loaded[_mapper_for(by_identity, row[0], root), _key_of(row, key_names, by_identity, root)]
        for row in rows
    ]
    return Result(objects, _native.RowKeys([statement.result_entries[0].name]), True, len(objects))


def _select_from_union_subqueries(state: ORMExecuteState) -> Result[Any] | None:
    """A statement reading a subquery of a SELECT of a ConcreteBase class
    (Query.count() does) runs with that subquery reading the union instead."""
    statement: Select[Any] = state.statement
    replace: dict[int, Any] = {}
    item: Any
    for item in statement._froms():
        root = _subquery_root(item)
        if root is not None:
            element = item.element
            _refuse_unsupported(root, element)
            union = _union_of(root, root._cm_family())
            rows = _keys_statement(
                root, element, union, root._concrete_discriminator_name, list(union.c.keys())
            )
            replacement = rows.subquery(None if item._anonymous else item.name)
            replace[id(item)] = replacement
            for column in item.c:
                replace[id(column)] = replacement.c[column.name]
    if not replace:
        return None
    rewritten = statement._clone()
    rewritten._entries = [_replaced(e, replace) for e in statement._entries]
    rewritten._select_from = [_replaced(f, replace) for f in statement._select_from]
    rewritten._where = [_replaced(w, replace) for w in statement._where]
    rewritten._order_by = [_replaced(o, replace) for o in statement._order_by]
    result: Result[Any] = state.invoke_statement(rewritten)
    return result


def _subquery_root(item: Any) -> Any:
    """The ConcreteBase class (with concrete subclasses) that `item`, a subquery, SELECTs alone; else None."""
    element = getattr(item, "element", None)
    if not isinstance(item, Subquery) or not isinstance(element, Select):
        return None
    entries = element.result_entries
    if len(entries) != 1 or entries[0].mapper is None or entries[0].expr is not entries[0].mapper.class_:
        return None
    cls = entries[0].mapper.class_
    return cls if cls.__dict__.get("_cm_concrete_root") and _is_polymorphic(cls) else None


def _key_of(row: Any, key_names: list[str], by_identity: dict[Any, Any], root: type) -> tuple[Any, ...]:
    mapper = _mapper_for(by_identity, row[0], root)
    return tuple(row[1 + key_names.index(c.name)] for c in mapper.primary_key)


def _identity_of(mapper: Any) -> Any:
    if mapper.polymorphic_identity is None:
        raise InvalidRequestError(
            f"ConcreteBase: {mapper.class_.__name__} needs a polymorphic_identity in its __mapper_args__ "
            "to be selected through its base class"
        )
    return mapper.polymorphic_identity


def _mapper_for(by_identity: dict[Any, Any], identity: Any, root: type) -> Any:
    mapper = by_identity.get(identity)
    if mapper is None:
        raise AssertionError(f"No such polymorphic_identity {identity!r} is defined for {root!r}")
    return mapper


def _refuse_unsupported(root: type, statement: Select[Any]) -> None:
    given = [
        name
        for name, value in (
            ("join()", statement._joins),
            ("select_from()", statement._select_from),
            ("group_by()", statement._group_by),
            ("having()", statement._having),
            ("distinct()", statement._distinct),
            ("with_for_update()", statement._for_update),
            ("loader options", [o for o in statement.loader_options if not isinstance(o, UserDefinedOption)]),
        )
        if value
    ]
    if given:
        raise NotImplementedError(
            f"A SELECT of the ConcreteBase class {root.__name__} with {', '.join(given)} is not supported"
        )


def _union_of(root: Any, family: list[Any]) -> Any:
    """The union of the family's tables, kept while the family stays the same."""
    key = tuple(family)
    cached = root.__dict__.get("_cm_union")
    if cached is None or cached[0] != key:
        tables = {_identity_of(m): m.local_table for m in family}
        cached = (key, polymorphic_union(tables, root._concrete_discriminator_name, "pjoin"))
        type.__setattr__(root, "_cm_union", cached)
    return cached[1]


def _keys_statement(
    root: Any, statement: Select[Any], union: Any, discriminator: str, keys: list[str]
) -> Any:
    """SELECT discriminator, primary key columns FROM the union, with the
    statement's criteria, ordering, LIMIT and OFFSET read from the union."""
    table = root.__mapper__.local_table
    replace: dict[int, Any] = {id(table): union}
    for column in table.columns:
        replace[id(column)] = union.c[column.name]
    keyed = select(*dict.fromkeys([union.c[discriminator], *(union.c[name] for name in keys)]))
    keyed._where = [_replaced(w, replace) for w in statement._where]
    keyed._order_by = [_replaced(o, replace) for o in statement._order_by]
    keyed._limit, keyed._offset = statement._limit, statement._offset
    return keyed


def _load_by_key(
    state: ORMExecuteState, statement: Select[Any], wanted: dict[Any, list[tuple[Any, ...]]]
) -> dict[tuple[Any, tuple[Any, ...]], Any]:
    """Each class's objects of the keys wanted, by (mapper, primary key)."""
    options = statement._execution_options
    loaded: dict[tuple[Any, tuple[Any, ...]], Any] = {}
    token = _loading_by_class.set(True)
    try:
        for mapper, keys in wanted.items():
            columns = mapper.primary_key
            criteria = or_(*(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in keys))
            by_key = select(mapper.class_).where(criteria).execution_options(**options)
            for obj in state.session.execute(
                by_key, execution_options=state.local_execution_options
            ).scalars():
                loaded[mapper, tuple(getattr(obj, mapper.column_keys[c]) for c in columns)] = obj
    finally:
        _loading_by_class.reset(token)
    return loaded


# --- DeferredReflection -----------------------------------------------------------------------

_DEFERRED = "_cm_deferred_reflection"


class DeferredReflection:
    """Mixin of declarative classes mapped by `prepare(engine)` onto the tables
    the database has::

        class Reflected(DeferredReflection):
            __abstract__ = True

        class Person(Reflected, Base):
            __tablename__ = "person"

        Reflected.prepare(engine)"""

    _cm_pending: ClassVar[list[type]] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        deferred = "__abstract__" not in cls.__dict__ and hasattr(cls, "registry")
        if deferred:
            # declared now, mapped by prepare(): declarative mapping passes over an abstract class
            type.__setattr__(cls, "__abstract__", True)
            type.__setattr__(cls, _DEFERRED, True)
            DeferredReflection._cm_pending.append(cls)
        super().__init_subclass__(**kw)

    @classmethod
    def prepare(cls, bind: Engine | Connection, **reflect_kw: Any) -> None:
        """Reflects the tables of this class's (not yet mapped) subclasses and maps them."""
        if not isinstance(bind, (Engine, Connection)):
            raise ArgumentError(f"DeferredReflection.prepare() needs an Engine or Connection, not {bind!r}")
        schema = reflect_kw.pop("schema", None)
        if reflect_kw:
            raise NotImplementedError(
                f"DeferredReflection.prepare(): {', '.join(sorted(reflect_kw))} not supported by cormorant"
            )
        if schema is not None:
            raise NotImplementedError(
                "DeferredReflection.prepare(schema=): schema-qualified tables are not supported"
            )
        pending = [k for k in DeferredReflection._cm_pending if issubclass(k, cls)]
        for klass in pending:
            DeferredReflection._cm_pending.remove(klass)
            _add_reflected_columns(klass, bind)
            type.__delattr__(klass, "__abstract__")
            type.__delattr__(klass, _DEFERRED)
            _map_class(klass, klass.registry)  # type: ignore[attr-defined]
            _polymorphic_identity_on_init(klass)
        mapped_names = {getattr(k, "__tablename__", None) for k in pending}
        for klass in pending:
            _reflect_referred_tables(klass.__table__, bind, mapped_names)  # type: ignore[attr-defined]


def _declared_column_names(cls: type) -> set[str]:
    """The attribute names of cls (and bases), and the column names its mapped_column()s give."""
    names = set(dir(cls))
    for klass in cls.__mro__:
        for value in vars(klass).values():
            column = value.column if isinstance(value, MappedColumn) else value
            if isinstance(column, Column) and column.name:
                names.add(column.name)
    return names


def _add_reflected_columns(cls: type, bind: Engine | Connection) -> None:
    """Puts the columns of cls's table that cls does not declare on it, as Column
    attributes, read as Table(autoload_with=) reads them."""
    if "__table__" in cls.__dict__:
        return  # mapped onto a Table it gives itself
    table_name = getattr(cls, "__tablename__", None)
    if table_name is None:
        return  # single-table inheritance: the parent's table
    reflected = Table(table_name, MetaData(), autoload_with=bind, resolve_fks=False)
    composite = [c for c in reflected.constraints if isinstance(c, ForeignKeyConstraint)]
    if composite:
        raise NotImplementedError(
            f"DeferredReflection: the composite foreign key {composite[0].column_names} of '{table_name}' "
            "is not supported; declare it in __table_args__"
        )
    declared = _declared_column_names(cls)
    for column in reflected.columns:
        if column.name not in declared:
            type.__setattr__(cls, column.name, column._copy())


def _reflect_referred_tables(table: Table, bind: Engine | Connection, mapped_names: set[Any]) -> None:
    """Reflects into table's MetaData the tables its foreign keys refer to that are
    neither there nor mapped by this prepare() (Table(autoload_with=) follows theirs)."""
    for fk in table.foreign_keys:
        target = fk.target_table_name
        if target not in table.metadata.tables and target not in mapped_names:
            Table(target, table.metadata, autoload_with=bind)


__all__ = ["DeferredReflection"]
