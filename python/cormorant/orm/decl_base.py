"""Declarative mapping: DeclarativeBase, mapped_column and the annotation
rules of SQLAlchemy 2.0 (Mapped[T], Optional[T] means nullable, mixins)."""

from __future__ import annotations

import sys
import types
import typing
from typing import Any, ClassVar, Union

from ..sql.elements import ColumnOperators
from ..sql.schema import NO_DEFAULT, Column, Constraint, Index, MetaData, Table
from ..sql.sqltypes import NullType, type_for_python
from .attributes import Mapped
from .descriptor_props import DescriptorProperty
from .mapper import Mapper
from .properties import ColumnProperty
from .relationships import Relationship
from .validators import install_validators


class MappedColumn(ColumnOperators):
    """What mapped_column() returns: a Column template resolved at class creation.
    In the class body it is already a SQL expression of its column, for
    column_property(first + " " + last)."""

    #: The Column this template became in its mapped class (set at class creation).
    resolved: Column[Any] | None = None

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.nullable_given = kw.get("nullable", NO_DEFAULT)
        kw.pop("init", None)
        kw.pop("repr", None)
        kw.pop("compare", None)
        kw.pop("kw_only", None)
        self.deferred_group: str | None = kw.pop("deferred_group", None)
        self.deferred_raiseload = bool(kw.pop("deferred_raiseload", False))
        given = kw.pop("deferred", None)
        self.deferred = bool(given or (given is None and (self.deferred_group or self.deferred_raiseload)))
        self.column = Column(*args, **kw)

    __hash__ = object.__hash__

    def __clause_element__(self) -> Column[Any]:
        return self.column

    @property
    def type(self) -> Any:  # type: ignore[override]
        return self.column.type

    def _column_for(self, key: str, annotation: Any, own: bool = False) -> Column[Any]:
        # A template of the class's own body becomes the table's column itself,
        # so the expressions its body built from it read that table.
        column = self.column if own and self.column.table is None else self.column._copy()
        column.name = column.name or key
        column.key = key
        if annotation is not None:
            inner, optional = _unwrap_annotation(annotation)
            if isinstance(column.type, NullType) and not column.foreign_keys:
                column.type = _type_from_annotation(inner, key)
            if self.nullable_given is NO_DEFAULT and not column.primary_key:
                column.nullable = optional
        return column


def mapped_column(*args: Any, **kw: Any) -> Any:
    """Declares a mapped column; its type and nullability default from the annotation."""
    return MappedColumn(*args, **kw)


def _unwrap_annotation(annotation: Any) -> tuple[Any, bool]:
    """Mapped[Optional[int]] -> (int, True)."""
    if typing.get_origin(annotation) is Mapped:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is Union or (hasattr(types, "UnionType") and origin is types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        return (args[0] if len(args) == 1 else annotation), optional
    return annotation, False


def _type_from_annotation(py_type: Any, key: str) -> Any:
    if typing.get_origin(py_type) is typing.Annotated:
        py_type = typing.get_args(py_type)[0]
    type_ = type_for_python(py_type)
    if type_ is None:
        raise TypeError(
            f"Could not locate a column type for attribute '{key}' annotated as {py_type!r}; pass one to mapped_column()"
        )
    return type_


def _resolve_annotation(klass: type, annotation: Any) -> Any:
    if not isinstance(annotation, str):
        return annotation
    namespace = dict(vars(sys.modules[klass.__module__])) if klass.__module__ in sys.modules else {}
    namespace.setdefault("Mapped", Mapped)
    try:
        return eval(annotation, namespace, dict(vars(klass)))  # noqa: S307 - annotations are code
    except NameError:
        return None


def _is_mapped_annotation(annotation: Any) -> bool:
    return typing.get_origin(annotation) is Mapped or annotation is Mapped


def add_mapped_attribute(target: type, key: str, attr: Any) -> None:
    """Maps `attr` (a column_property(), relationship()...) as attribute `key`
    of the already mapped class `target`; other values are set as they are."""
    mapper = target.__dict__.get("__mapper__")
    if mapper is None or not isinstance(attr, (ColumnProperty, Relationship, MappedColumn, Column)):
        type.__setattr__(target, key, attr)
    elif isinstance(attr, ColumnProperty) and not attr.maps_table_column:
        mapper.add_expression(key, attr)
    elif isinstance(attr, Relationship):
        if mapper.relationships.get(key) is attr:  # mapping itself installing it
            type.__setattr__(target, key, attr)
            return
        rel = attr._copy() if attr.key else attr
        rel._declare(key, mapper, None)
        mapper.add_relationship(key, rel)
        type.__setattr__(target, key, rel)
    else:
        raise NotImplementedError(
            f"adding a table column ({target.__name__}.{key}) to a class after it is mapped is not supported "
            "yet; declare it in the class body"
        )


class DeclarativeAttributeIntercept(type):
    """Metaclass of DeclarativeBase: an attribute assigned to a mapped class
    after its creation (`User.n = column_property(...)`) joins its mapping."""

    def __setattr__(cls, key: str, value: Any) -> None:
        add_mapped_attribute(cls, key, value)


class DeclarativeBase(metaclass=DeclarativeAttributeIntercept):
    """Subclass once to make a declarative base; subclass that to map classes."""

    metadata: ClassVar[MetaData]
    registry: ClassVar[Any]
    __table__: ClassVar[Table]
    __mapper__: ClassVar[Mapper]
    __tablename__: ClassVar[str]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if DeclarativeBase in cls.__bases__:
            _setup_base(cls)
        elif (
            "__tablename__" in _own_or_mixin(cls)
            or "__table__" in cls.__dict__
            or _inherited_mapper(cls) is not None
        ):
            if not cls.__dict__.get("__abstract__", False):
                _map_class(cls)

    def __init__(self, **kwargs: Any) -> None:
        cls = type(self)
        for key, value in kwargs.items():
            if not hasattr(cls, key):
                raise TypeError(f"{key!r} is an invalid keyword argument for {cls.__name__}")
            setattr(self, key, value)
        mapper = cls.__dict__.get("__mapper__")
        if mapper is not None and mapper.polymorphic_identity is not None:
            mapper.set_polymorphic_identity(self)


class _Registry:
    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata
        self.mappers: list[Mapper] = []
        self.classes_by_name: dict[str, type] = {}  # for relationship("Name") and "Name.attr" strings

    def dispose(self) -> None:
        self.mappers.clear()


def _setup_base(base: type) -> None:
    metadata = base.__dict__.get("metadata") or MetaData()
    base.metadata = metadata  # type: ignore[attr-defined]
    base.registry = _Registry(metadata)  # type: ignore[attr-defined]


def _own_or_mixin(cls: type) -> dict[str, Any]:
    """Attributes of cls and of its non-mapped bases."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if "__mapper__" in klass.__dict__ or klass is object:
            continue
        found.update(klass.__dict__)
    return found


def _mapping_sources(cls: type) -> list[type]:
    """The classes whose bodies declare cls's own mapped attributes: cls and
    its mixins, not the mapped class it inherits from (nor that one's bases)."""
    parent = _inherited_mapper(cls)
    inherited = set(parent.class_.__mro__) if parent is not None else set()
    return [
        k
        for k in reversed(cls.__mro__)
        if k not in (object, DeclarativeBase, typing.Generic)
        and DeclarativeBase not in k.__bases__
        and k not in inherited
    ]


def _inherited_mapper(cls: type) -> Mapper | None:
    """The mapper of the nearest mapped class cls inherits from (inheritance)."""
    for klass in cls.__mro__[1:]:
        mapper = klass.__dict__.get("__mapper__")
        if isinstance(mapper, Mapper):
            return mapper
    return None


def _mapper_args(cls: type) -> dict[str, Any]:
    """cls's own __mapper_args__ (or a mixin's): a parent's belong to the parent."""
    if "__mapper_args__" not in _own_or_mixin(cls):
        return {}
    return dict(cls.__mapper_args__ or {})  # type: ignore[attr-defined]


def _map_class(cls: type) -> None:
    registry = cls.registry  # type: ignore[attr-defined]
    columns: dict[str, Column[Any]] = {}
    deferred: set[str] = set()
    deferrals: dict[str, tuple[str | None, bool]] = {}
    expressions: dict[str, ColumnProperty] = {}
    relationships: dict[str, tuple[Relationship, Any]] = {}
    descriptors: dict[str, DescriptorProperty] = {}
    for klass in _mapping_sources(cls):
        annotations = klass.__dict__.get("__annotations__", {})
        # Declared order: annotated attributes as they appear, then columns
        # assigned without an annotation.
        for key in [*annotations, *(k for k in klass.__dict__ if k not in annotations)]:
            raw = annotations.get(key)
            annotation = _resolve_annotation(klass, raw)
            value = klass.__dict__.get(key)
            if isinstance(value, Relationship):
                relationships[key] = (value, raw)
            elif isinstance(value, ColumnProperty) and _maps_own_table_column(cls, key, value):
                if value.deferred:  # deferred(__table__.c.x) of a class mapped to a Table
                    deferred.add(key)
                    deferrals[key] = (value.group, value.raiseload)
            elif isinstance(value, ColumnProperty) and not value.maps_table_column:
                expressions[key] = value
            elif isinstance(value, DescriptorProperty):  # synonym(), composite()
                descriptors[key] = value
                columns.update(value._declared_columns(key, annotation))
            elif isinstance(value, (MappedColumn, Column, ColumnProperty)):
                template = value if isinstance(value, MappedColumn) else _wrap_column(value)
                columns[key] = template.resolved = template._column_for(key, annotation, klass is cls)
                if template.deferred:
                    deferred.add(key)
                    deferrals[key] = (template.deferred_group, template.deferred_raiseload)
            elif raw is not None:
                if annotation is None and isinstance(raw, str) and "Mapped" in raw:
                    raise TypeError(f"Could not resolve the annotation {raw!r} of {cls.__name__}.{key}")
                if _is_mapped_annotation(annotation) and key not in columns:
                    columns[key] = MappedColumn()._column_for(key, annotation)
    parent = _inherited_mapper(cls)
    table = cls.__dict__.get("__table__")
    if table is None and parent is not None and "__tablename__" not in _own_or_mixin(cls):
        table = parent.local_table  # single-table inheritance: the parent's table gains the columns
        for column in columns.values():
            table.append_column(column)
        attributes = columns
    elif table is None:
        table = Table(cls.__tablename__, registry.metadata, *columns.values(), *_table_args(cls))  # type: ignore[attr-defined]
        cls.__table__ = table  # type: ignore[attr-defined]
        attributes = columns
    else:
        attributes = {c.key or c.name: c for c in table.columns}
    for key, descriptor in descriptors.items():
        descriptor._map_columns(key, attributes, cls)
    mapper = Mapper(
        cls, table, attributes, frozenset(deferred), inherits=parent, mapper_args=_mapper_args(cls)
    )
    _add_properties(mapper, deferrals, expressions)
    cls.__mapper__ = mapper  # type: ignore[attr-defined]
    mapper.instrument()
    for key, (declared, annotation) in relationships.items():
        rel = declared._copy() if declared.key else declared
        rel._declare(key, mapper, annotation)
        mapper.add_relationship(key, rel)
        setattr(cls, key, rel)
    install_validators(cls, mapper, [k for k in reversed(cls.__mro__) if k is not object])
    registry.mappers.append(mapper)
    registry.classes_by_name[cls.__name__] = cls


def _maps_own_table_column(cls: type, key: str, prop: ColumnProperty) -> bool:
    """True for `key = deferred(__table__.c.key)` in a class mapped to a Table."""
    column = prop.expression
    return isinstance(column, Column) and column.table is cls.__dict__.get("__table__") and column.key == key


def _add_properties(
    mapper: Mapper, deferrals: dict[str, tuple[str | None, bool]], expressions: dict[str, ColumnProperty]
) -> None:
    """The deferred loading of columns, and the column_property() expressions, of a new mapper."""
    for key, (group, raiseload) in deferrals.items():
        mapper.set_deferral(key, group, raiseload)
    for key, prop in expressions.items():
        mapper.add_expression(key, prop)


def _wrap_column(declared: Column[Any] | ColumnProperty) -> MappedColumn:
    """A Column (or column_property(Column(...))) of a class body, as a mapped_column() template."""
    prop = declared if isinstance(declared, ColumnProperty) else None
    if prop is not None and prop.active_history:
        raise NotImplementedError("column_property(Column(...), active_history=True) is not supported yet")
    column: Column[Any] = prop.expression if prop is not None else declared  # type: ignore[assignment]
    template = MappedColumn.__new__(MappedColumn)
    template.column = column
    template.nullable_given = column.nullable
    template.deferred = prop.deferred if prop is not None else False
    template.deferred_group = prop.group if prop is not None else None
    template.deferred_raiseload = prop.raiseload if prop is not None else False
    return template


def _table_args(cls: type) -> list[Any]:
    args = getattr(cls, "__table_args__", ())
    if isinstance(args, dict):
        return []
    items = list(args)
    if items and isinstance(items[-1], dict):
        items.pop()
    for item in items:
        if not isinstance(item, (Constraint, Index)):
            raise TypeError(f"__table_args__ of {cls.__name__} holds {item!r}, not a constraint or index")
    return items


class declared_attr:
    """Marks a mixin method whose result is computed per mapped class."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __get__(self, instance: Any, owner: Any) -> Any:
        return self.fn(owner)
