"""Mapper: the link between a class and its table, and the native entity plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..exc import ArgumentError, InvalidRequestError
from ..sql.base import Join
from ..sql.elements import BindParameter, ColumnElement, and_
from ..sql.schema import Column, Table
from ..sql.selectable import expect_implied_criteria
from .attributes import InstrumentedAttribute
from .base import InspectionAttr
from .properties import ColumnProperty


class TableRows:
    """What Mapper and TableMapping share: the rows of a table keyed by a
    primary key, and statements built once and kept."""

    primary_key: list[Column[Any]]
    pk_keys: list[str]
    _memo: dict[Any, Any]

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """What `build()` returns, built once per mapper and kept under `key`:
        the statements the Session and the unit of work reuse for this class."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def pk_criteria(self, bind_name: Callable[[Column[Any]], str] | None = None) -> list[ColumnElement[Any]]:
        """WHERE pk = :bind for each primary-key column; binds are named after
        the attributes unless `bind_name(column)` says otherwise."""
        return [
            column
            == BindParameter(bind_name(column) if bind_name else attr, type_=column.type, label=column.key)
            for column, attr in zip(self.primary_key, self.pk_keys)
        ]

    def pk_params(self, identity: Any, names: list[str] | None = None) -> dict[str, Any]:
        """The values of pk_criteria()'s binds (`names`, else the attributes) for
        an identity (a tuple for a composite key)."""
        names = names or self.pk_keys
        return dict(zip(names, identity)) if len(names) > 1 else {names[0]: identity}


# Run on each mapper once its column attributes exist, to specialise some of
# them (cormorant.ext.mutable adds one); empty unless an extension needs it.
ATTRIBUTE_INSTRUMENTERS: list[Callable[[Mapper], None]] = []


class Mapper(TableRows, InspectionAttr):
    """Maps a class's attributes onto the columns of one table, or, for a
    subclass of a mapped class (inheritance), onto its parent's table
    (single-table) or its parent's tables joined to its own (joined-table)."""

    def __init__(
        self,
        class_: type,
        table: Table,
        attributes: dict[str, Column[Any]],
        deferred: frozenset[str] = frozenset(),
        *,
        inherits: Mapper | None = None,
        mapper_args: dict[str, Any] | None = None,
    ) -> None:
        args = dict(mapper_args or {})
        # concrete-table inheritance: the subclass maps its own table alone,
        # with its own identity; SELECTs of the parent do not return it
        self.concrete = bool(args.pop("concrete", False))
        if self.concrete:
            inherits = None
        self.class_ = class_
        self.inherits: Mapper | None = inherits
        self.base_mapper: Mapper = inherits.base_mapper if inherits is not None else self
        self.table = table
        self.local_table = table
        self.single = inherits is not None and table is inherits.local_table
        self.tables: list[Table] = [*inherits.tables, table] if inherits and not self.single else [table]
        # joined-table inheritance: (parent key column, own column) pairs
        self.inherit_pairs: list[tuple[Column[Any], Column[Any]]] = []
        if inherits is not None:
            attributes = {**inherits.attr_columns, **attributes}
            deferred = deferred | inherits.deferred
        self.deferred: frozenset[str] = deferred
        self.attr_columns: dict[str, Column[Any]] = attributes
        self.column_keys: dict[Column[Any], str] = {c: k for k, c in attributes.items()}
        if inherits is not None:
            self.column_keys = {**inherits.column_keys, **self.column_keys}
        self.columns: list[Column[Any]] = [attributes[k] for k in self._column_order(inherits)]
        self.persist_selectable: Any = self._joined_tables(inherits)
        # what SELECTs of the class read from beyond its columns' own tables
        self.entity_from = self.persist_selectable if len(self.tables) > 1 else None
        self.primary_key: list[Column[Any]] = (
            [attributes[k] for k in inherits.pk_keys]
            if inherits is not None
            else [c for c in self.columns if c.primary_key]
        )
        if not self.primary_key:
            raise ArgumentError(
                f"Mapper Mapper[{class_.__name__}({table.name})] could not assemble any primary key columns "
                f"for mapped table '{table.name}'"
            )
        self.pk_keys: list[str] = [self.column_keys[c] for c in self.primary_key]
        self.identity_class = self.base_mapper.class_
        # the class attribute and the ColumnProperty of each column and column_property()
        self.instrumented: dict[str, InstrumentedAttribute[Any]] = {}
        self.column_props: dict[str, ColumnProperty] = {}
        self.relationships: RelationshipsByKey = RelationshipsByKey(
            inherits.relationships if inherits else {}
        )
        self.column_order = [self.column_keys[c] for c in self.columns]
        self.default_load_keys = [k for k in self.column_order if k not in deferred]
        self._memo: dict[Any, Any] = {}
        # column_property() expressions by attribute, and how deferred attributes load
        self.expressions: dict[str, Any] = {}
        self.deferred_groups: dict[str, str] = dict(inherits.deferred_groups) if inherits is not None else {}
        self.raiseload_keys: frozenset[str] = inherits.raiseload_keys if inherits is not None else frozenset()
        self.registry: Any = None  # the registry that mapped the class (set by declarative mapping)
        self.hierarchy: list[Mapper] = [self]  # on a base mapper: it and every mapper inheriting from it
        if inherits is not None:
            self.base_mapper.hierarchy.append(self)
        self._configure_polymorphism(args)

    def _column_order(self, inherits: Mapper | None) -> list[str]:
        """The attribute keys in SELECT order: the parent's, then this class's
        own columns in table order."""
        own = [self.column_keys[c] for c in self.local_table.columns if c in self.column_keys]
        if inherits is None:
            return own
        inherited = list(inherits.column_order)
        return inherited + [k for k in dict.fromkeys(own) if k not in inherited]

    def _joined_tables(self, inherits: Mapper | None) -> Any:
        """What the class is selected from: its table, or for joined-table
        inheritance its parent's tables JOIN its own on the primary key."""
        if inherits is None or self.single:
            return self.local_table
        pairs = [
            (parent_column, column)
            for column in self.local_table.columns
            for fk in column.foreign_keys
            for parent_column in inherits.local_table.columns
            if fk.target_fullname == f"{inherits.local_table.name}.{parent_column.name}"
        ]
        if not pairs:
            raise ArgumentError(
                f"Can't determine the inherit condition between '{inherits.local_table.name}' and "
                f"'{self.local_table.name}' for {self.class_.__name__}: '{self.local_table.name}' has no "
                f"foreign key to '{inherits.local_table.name}'"
            )
        self.inherit_pairs = pairs
        return Join(
            inherits.persist_selectable, self.local_table, and_(*(p == c for p, c in pairs)), False, False
        )

    # --- polymorphism ---------------------------------------------------------------

    def _configure_polymorphism(self, args: dict[str, Any]) -> None:
        on = args.pop("polymorphic_on", None)
        self.polymorphic_identity = args.pop("polymorphic_identity", None)
        self.polymorphic_load = args.pop("polymorphic_load", None)
        self.polymorphic_abstract = bool(args.pop("polymorphic_abstract", False))
        if args:
            raise ArgumentError(
                f"__mapper_args__ of {self.class_.__name__}: {', '.join(sorted(args))} "
                "not supported by cormorant's mapper"
            )
        if self.polymorphic_load not in (None, "inline", "selectin"):
            raise ArgumentError(
                f"polymorphic_load must be 'inline' or 'selectin', not {self.polymorphic_load!r}"
            )
        if self.inherits is None:
            self.polymorphic_on: Column[Any] | None = self._discriminator(on)
            self.polymorphic_map: dict[Any, Mapper] = {}
        else:
            if on is not None:
                raise ArgumentError(
                    f"polymorphic_on belongs on the base class of {self.class_.__name__}'s hierarchy"
                )
            self.polymorphic_on = self.inherits.polymorphic_on
            self.polymorphic_map = self.inherits.polymorphic_map
        if self.single and self.polymorphic_on is not None:
            expect_implied_criteria()
        if self.polymorphic_identity is not None:
            if self.polymorphic_on is None:
                raise ArgumentError(
                    f"{self.class_.__name__} has a polymorphic_identity but its hierarchy has no polymorphic_on column"
                )
            self.polymorphic_map[self.polymorphic_identity] = self
        self.base_mapper._hierarchy_changed()

    def _discriminator(self, on: Any) -> Column[Any] | None:
        if on is None:
            return None
        if isinstance(on, str):
            column = self.attr_columns.get(on)
            if column is None:
                raise ArgumentError(f"polymorphic_on {on!r} names no mapped column of {self.class_.__name__}")
            return column
        column = getattr(on, "column", on)
        if column not in self.column_keys:
            raise ArgumentError(f"polymorphic_on {on!r} is not a mapped column of {self.class_.__name__}")
        return column  # type: ignore[no-any-return]

    def _hierarchy_changed(self) -> None:
        """A mapper joined this base's hierarchy: what was worked out from the
        hierarchy (criteria, the plain-loading fast path) is worked out again."""
        self.__dict__["_hierarchy_version"] = self.__dict__.get("_hierarchy_version", 0) + 1
        for mapper in self.hierarchy:
            mapper.__dict__.pop("_plain_loading", None)

    @property
    def lineage(self) -> list[Mapper]:
        """This mapper and those it inherits from, nearest first."""
        chain = [self]
        while chain[-1].inherits is not None:
            chain.append(chain[-1].inherits)
        return chain

    @property
    def self_and_descendants(self) -> list[Mapper]:
        """This mapper and those of its mapped subclasses with an identity."""
        return [
            self,
            *(
                m
                for m in self.polymorphic_map.values()
                if m is not self and issubclass(m.class_, self.class_)
            ),
        ]

    @property
    def polymorphic_identities(self) -> list[Any]:
        return [
            m.polymorphic_identity for m in self.self_and_descendants if m.polymorphic_identity is not None
        ]

    @property
    def inline_subclasses(self) -> list[Mapper]:
        """Subclasses declared polymorphic_load="inline": their columns come with every SELECT of this class."""
        return [m for m in self.self_and_descendants if m is not self and m.polymorphic_load == "inline"]

    @property
    def selectin_subclasses(self) -> list[Mapper]:
        """Subclasses declared polymorphic_load="selectin": their columns load by a
        second SELECT after a SELECT of this class."""
        return [m for m in self.self_and_descendants if m is not self and m.polymorphic_load == "selectin"]

    @property
    def single_criterion(self) -> ColumnElement[bool] | None:
        """WHERE discriminator IN (...) that a single-table subclass's SELECTs
        carry (None for other mappers); one object while the hierarchy stays
        as it is, so a statement can tell it already has it."""
        if not self.single or self.polymorphic_on is None:
            return None
        version = self.base_mapper.__dict__.get("_hierarchy_version")
        cached = self.__dict__.get("_single_criterion")
        if cached is None or cached[0] != version:
            cached = self.__dict__["_single_criterion"] = (
                version,
                self.polymorphic_on.in_(self.polymorphic_identities),
            )
        return cached[1]

    @property
    def polymorphic(self) -> bool:
        """Whether a row's discriminator may name another class than this one."""
        return self.polymorphic_on is not None and len(self.self_and_descendants) > 1

    def set_polymorphic_identity(self, obj: Any) -> None:
        """Sets a new object's discriminator to its class's identity, unless set."""
        if self.polymorphic_identity is not None and self.polymorphic_on is not None:
            key = self.column_keys[self.polymorphic_on]
            if key not in obj.__dict__:
                setattr(obj, key, self.polymorphic_identity)

    @property
    def table_mappings(self) -> list[Any]:
        """What the unit of work writes, a table at a time, base table first:
        the mapper itself, or for joined-table inheritance a TableMapping per table."""
        mappings: list[Any] | None = self.__dict__.get("_table_mappings")
        if mappings is None:
            mappings = [self] if len(self.tables) == 1 else [TableMapping(self, t) for t in self.tables]
            self.__dict__["_table_mappings"] = mappings
        return mappings

    def table_keys(self, table: Table) -> list[tuple[Column[Any], str]]:
        """The mapped columns of one of this class's tables, with their attributes."""
        return [(c, self.column_keys[c]) for c in table.columns if c in self.column_keys]

    def table_rows(self, table: Table) -> TableRows:
        """The rows of one of the class's tables, keyed by that table's own
        primary key (the mapper itself when it has one table)."""
        rows: TableRows = next(part for part in self.table_mappings if part.table is table)
        return rows

    @property
    def eager_relationships(self) -> list[Any]:
        """Relationships declared with lazy="joined" or "selectin"."""
        return [r for r in self.relationships.values() if r.lazy in ("joined", "selectin")]

    @property
    def plain_loading(self) -> bool:
        """True when a SELECT of this class loads every column and nothing else."""
        plain = self.__dict__.get("_plain_loading")
        if plain is None:
            plain = self._plain_loading = not (
                self.deferred
                or self.expressions
                or self.eager_relationships
                or self.inline_subclasses
                or self.selectin_subclasses
            )
        return plain

    @property
    def expire_keys(self) -> list[str]:
        """Every attribute that expiry removes: columns and relationships."""
        return [*self.attr_columns, *self.expressions, *self.relationships.keys()]

    def add_relationship(self, key: str, rel: Any) -> None:
        self.relationships[key] = rel
        self.__dict__.pop("_plain_loading", None)

    def loadable(self, key: str) -> Any:
        """What a SELECT reads for attribute `key`: its column or its SQL expression."""
        column = self.attr_columns.get(key)
        return column if column is not None else self.expressions[key].expression

    def add_expression(self, key: str, prop: Any) -> None:
        """Maps attribute `key` to a column_property() SQL expression (read-only),
        here and on the mapped subclasses."""
        self.expressions[key] = prop
        if prop.parent is None:
            prop.key, prop.parent = key, self
        self.column_props[key] = prop
        attr: InstrumentedAttribute[Any] = InstrumentedAttribute(key, prop.expression, self)
        self.instrumented[key] = attr
        type.__setattr__(self.class_, key, attr)
        if prop.deferred:
            self.deferred = self.deferred | {key}
        else:
            self.default_load_keys = [*self.default_load_keys, key]
        self.set_deferral(key, prop.group, prop.raiseload)
        self.__dict__.pop("_plain_loading", None)
        for sub in self.base_mapper.hierarchy:
            if sub.inherits is self and key not in sub.expressions:
                sub.add_expression(key, prop)

    def set_deferral(self, key: str, group: str | None, raiseload: bool) -> None:
        """A deferred attribute loads with its `group`; with `raiseload` its access raises instead."""
        if group is not None:
            self.deferred_groups[key] = group
        if raiseload:
            self.raiseload_keys = self.raiseload_keys | {key}

    def group_keys(self, group: str) -> list[str]:
        return [k for k, g in self.deferred_groups.items() if g == group]

    @property
    def selectable(self) -> Any:
        return self.persist_selectable

    @property
    def entity(self) -> type:
        return self.class_

    # --- the mapped properties, as SQLAlchemy's Mapper lists them ------------------------------

    is_mapper = True

    @property
    def mapper(self) -> Mapper:
        return self

    @property
    def column_attrs(self) -> Properties:
        """The ColumnProperty of each column and column_property(), by key."""
        props = self.column_props
        return Properties({k: props[k] for k in (*self.column_order, *self.expressions)})

    @property
    def synonyms(self) -> Properties:
        from .descriptor_props import SynonymProperty

        return Properties({k: p for k, p in self._descriptors().items() if isinstance(p, SynonymProperty)})

    @property
    def composites(self) -> Properties:
        from .descriptor_props import CompositeProperty

        return Properties({k: p for k, p in self._descriptors().items() if isinstance(p, CompositeProperty)})

    def _descriptors(self) -> dict[str, Any]:
        """The synonym() and composite() attributes of the class and its mapped bases."""
        from .descriptor_props import DescriptorProperty

        found: dict[str, Any] = {}
        for cls in reversed(self.class_.__mro__):
            for key, value in vars(cls).items():
                if isinstance(value, DescriptorProperty):
                    if getattr(value, "parent", None) is None:
                        value.parent = self
                    found[key] = value
        return found

    @property
    def attrs(self) -> Properties:
        """Every MapperProperty of the class by key: ColumnProperty for columns
        and column_property(), then relationships, synonyms and composites."""
        return Properties({**self.column_attrs, **self.relationships, **self._descriptors()})

    @property
    def iterate_properties(self) -> Iterator[Any]:
        return iter(self.attrs.values())

    @property
    def all_orm_descriptors(self) -> Properties:
        """The class attributes the ORM manages, hybrids and association proxies included."""
        found: dict[str, Any] = {}
        for cls in reversed(self.class_.__mro__):
            for key, value in vars(cls).items():
                if isinstance(value, InspectionAttr) or key in self.attrs:
                    found[key] = getattr(self.class_, key) if key in self.attrs else value
        return Properties(found)

    def has_property(self, key: str) -> bool:
        return key in self.attrs

    def get_property(self, key: str, _configure_mappers: bool = False) -> Any:
        """The MapperProperty named `key`; InvalidRequestError when there is none."""
        try:
            return self.attrs[key]
        except KeyError:
            raise InvalidRequestError(f"Mapper '{self}' has no property '{key}'.") from None

    def get_property_by_column(self, column: Column[Any]) -> Any:
        return self.column_props[self.column_keys[column]]

    def instrument(self) -> None:
        """Class attributes for every mapped column, inherited ones included:
        a subclass's attributes carry its mapper (and so its criteria)."""
        for key, column in self.attr_columns.items():
            attr: InstrumentedAttribute[Any] = InstrumentedAttribute(key, column, self)
            self.instrumented[key] = attr
            prop = self.column_props[key] = ColumnProperty(column)
            prop.key, prop.parent = key, self
            setattr(self.class_, key, attr)
        if self.inherits is not None:
            for key, prop in self.inherits.expressions.items():
                if key not in self.expressions:
                    self.add_expression(key, prop)
        for instrumenter in ATTRIBUTE_INSTRUMENTERS:
            instrumenter(self)
        _listen_for_reconstructor(self)

    def identity_key_from_values(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return (self.identity_class, values[0] if len(values) == 1 else tuple(values))

    def identity_of(self, obj: Any) -> tuple[Any, ...] | None:
        d = obj.__dict__
        values = tuple(d.get(k) for k in self.pk_keys)
        if any(v is None for v in values):
            return None
        return self.identity_key_from_values(values)

    def __repr__(self) -> str:
        return f"<Mapper {self.class_.__name__}>"


class Properties(Mapping[str, Any]):
    """A read-only mapping of a Mapper's properties by key; also readable as
    attributes (mapper.attrs.name) and iterated over its values, as SQLAlchemy's."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data.values())

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def keys(self) -> Any:
        return self._data.keys()

    def values(self) -> Any:
        return self._data.values()

    def items(self) -> Any:
        return self._data.items()

    def __repr__(self) -> str:
        return f"Properties({list(self._data)!r})"


class RelationshipsByKey(dict[str, Any]):
    """Mapper.relationships: the relationships by key, iterated over the
    relationships themselves (as SQLAlchemy's mapper.relationships is)."""

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values())


def mapper_of(obj_or_class: Any) -> Mapper:
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    mapper = getattr(cls, "__mapper__", None)
    if type(mapper) is not Mapper:
        from .exc import UnmappedClassError, UnmappedInstanceError

        if obj_or_class is cls:
            raise UnmappedClassError(cls)
        raise UnmappedInstanceError(obj_or_class)
    return mapper


def class_mapper(class_: type, configure: bool = True) -> Mapper:
    """The Mapper of a mapped class; UnmappedClassError for a class that is
    not mapped, ArgumentError for anything that is not a class."""
    if not isinstance(class_, type):
        raise ArgumentError(f"Class object expected, got '{class_!r}'.")
    mapper = mapper_of(class_)
    if configure:
        from .decl_api import configure_mappers

        configure_mappers()
    return mapper


def object_mapper(instance: object) -> Mapper:
    """The Mapper of a mapped object's class; UnmappedInstanceError otherwise."""
    if isinstance(instance, type):
        from .exc import UnmappedInstanceError

        raise UnmappedInstanceError(instance)
    return mapper_of(instance)


RECONSTRUCTOR_MARK = "_cm_reconstructor"


def reconstructor(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates the method a mapped class runs on each object the ORM loads
    from a row (where __init__ is not called), once its attributes are set."""
    setattr(fn, RECONSTRUCTOR_MARK, True)
    return fn


def _find_reconstructor(cls: type) -> Callable[..., Any] | None:
    for base in cls.__mro__:
        for value in vars(base).values():
            if getattr(value, RECONSTRUCTOR_MARK, False) is True:
                return value  # type: ignore[no-any-return]
    return None


def _listen_for_reconstructor(mapper: Mapper) -> None:
    """A class with a @reconstructor method runs it through its own "load"
    instance event; a class without one costs nothing."""
    method = _find_reconstructor(mapper.class_)
    if method is None:
        return
    from .. import event

    def run_reconstructor(target: Any, context: Any) -> None:
        method(target)

    event.listen(mapper.class_, "load", run_reconstructor)


def removed_mapper_function(*args: Any, **kwargs: Any) -> Any:
    """sqlalchemy.orm.mapper(): the classical mapping function SQLAlchemy 2.0
    removed. It remains a target of mapper events (the same as Mapper: every
    mapper); calling it raises, pointing at registry.map_imperatively()."""
    raise InvalidRequestError(
        "The 'cormorant.orm.mapper()' function is removed, as in SQLAlchemy 2.0.  Use the "
        "'cormorant.orm.registry.map_imperatively()' method of the 'cormorant.orm.registry' "
        "class to perform classical mapping."
    )


class TableMapping(TableRows):
    """One table of a joined-table inheritance class, as the unit of work
    writes it: its mapped columns and their attributes, and its primary key
    (equal, value for value, to the identity of the class)."""

    def __init__(self, mapper: Mapper, table: Table) -> None:
        self.mapper = mapper
        self.table = table
        pairs = mapper.table_keys(table)
        self.columns = [c for c, _ in pairs]
        self.column_keys = dict(pairs)
        self.attr_columns = {k: c for c, k in reversed(pairs)}
        self.primary_key = [c for c in self.columns if c.primary_key]
        self.pk_keys = [self.column_keys[c] for c in self.primary_key]
        # parent key -> own key, where this table's key column has another attribute name
        self.inherited_keys = [
            (mapper.column_keys[parent], mapper.column_keys[own])
            for m in mapper.lineage
            for parent, own in m.inherit_pairs
            if own.table is table and mapper.column_keys[parent] != mapper.column_keys[own]
        ]
        self._memo: dict[Any, Any] = {}
