"""Declarative mapping: DeclarativeBase, mapped_column and the annotation
rules of SQLAlchemy 2.0 (Mapped[T], Optional[T] means nullable, mixins)."""

from __future__ import annotations

import functools
import re
import sys
import types
import typing
import warnings
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, Union

from ..exc import ArgumentError, InvalidRequestError, SADeprecationWarning
from ..sql.elements import ColumnOperators
from ..sql.schema import NO_DEFAULT, Column, Constraint, Index, MetaData, Table
from ..sql.sqltypes import Integer, NullType, to_instance, type_for_python
from . import events as _events
from .attributes import Mapped
from .decl_dataclass import (
    OPTIONS_ATTRIBUTE,
    FieldSpec,
    make_dataclass,
    pop_field_arguments,
    refuse_field_arguments,
)
from .descriptor_props import DescriptorProperty
from .exc import MappedAnnotationError
from .mapper import Mapper
from .properties import ColumnProperty
from .relationships import Relationship
from .validators import install_validators

_T = TypeVar("_T")


class MappedColumn(ColumnOperators):
    """What mapped_column() returns: a Column template resolved at class creation.
    In the class body it is already a SQL expression of its column, for
    column_property(first + " " + last)."""

    #: The Column this template became in its mapped class (set at class creation).
    resolved: Column[Any] | None = None

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.nullable_given = kw.get("nullable", NO_DEFAULT)
        # init/repr/default_factory/compare/kw_only/hash describe the dataclass
        # field; `default` is both the field's default and the INSERT default,
        # unless insert_default names another one.
        self.dataclass_arguments = pop_field_arguments(kw)
        insert_default = kw.pop("insert_default", self.dataclass_arguments.get("default"))
        if insert_default is not None:
            kw["default"] = insert_default
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

    def _column_for(
        self, key: str, annotation: Any, own: bool = False, type_map: Mapping[Any, Any] | None = None
    ) -> Column[Any]:
        # A template of the class's own body becomes the table's column itself,
        # as in SQLAlchemy, so that what the body built from it (column_property(first + " " + last),
        # 1.x-style __mapper_args__ = {"polymorphic_on": type}, foreign_keys=[owner_id])
        # names the table's column.
        column = self.column if own and self.column.table is None else self.column._copy()
        column.name = column.name or key
        column.key = key
        if annotation is not None:
            inner, optional = _unwrap_annotation(annotation)
            if isinstance(column.type, NullType) and not column.foreign_keys:
                column.type = _type_from_annotation(inner, key, type_map)
            if self.nullable_given is NO_DEFAULT and not column.primary_key:
                column.nullable = optional
        return column


def mapped_column(*args: Any, **kw: Any) -> Any:
    """Declares a mapped column; its type and nullability default from the annotation."""
    return MappedColumn(*args, **kw)


def orm_insert_sentinel(
    name: str | None = None,
    type_: Any = None,
    *,
    default: Any = None,
    omit_from_statements: bool = True,
) -> Any:
    """A declarative insert_sentinel(): the column is the table's, left out of
    the class's SELECTs and INSERTs, as SQLAlchemy's."""
    args = [name] if name is not None else []
    return mapped_column(
        *args,
        type_=type_ if type_ is not None else Integer(),
        default=default,
        nullable=True,
        insert_sentinel=True,
        _omit_from_statements=omit_from_statements,
    )


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


def _type_from_annotation(py_type: Any, key: str, type_map: Mapping[Any, Any] | None = None) -> Any:
    if type_map:
        mapped = _lookup_type_map(py_type, type_map)
        if mapped is not None:
            return to_instance(mapped)
    if typing.get_origin(py_type) is typing.Annotated:
        py_type = typing.get_args(py_type)[0]
    type_ = type_for_python(py_type)
    if type_ is None:
        raise MappedAnnotationError(
            f"Could not locate a column type for attribute '{key}' annotated as {py_type!r}; pass one to mapped_column()"
        )
    return type_


def _lookup_type_map(py_type: Any, type_map: Mapping[Any, Any]) -> Any:
    """The type a registry's type_annotation_map gives `py_type`: for the type
    itself (an Annotated one included), then what Annotated wraps, then the
    nearest base class."""
    candidates = [py_type]
    if typing.get_origin(py_type) is typing.Annotated:
        candidates.append(typing.get_args(py_type)[0])
    if isinstance(candidates[-1], type):
        candidates.extend(candidates[-1].__mro__[1:])
    for candidate in candidates:
        try:
            if candidate in type_map:
                return type_map[candidate]
        except TypeError:  # an unhashable annotation
            continue
    return None


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

    #: Marks the classes whose direct subclasses are declarative bases.
    _cm_declarative_root: ClassVar[bool] = True

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        _declarative_subclass(cls)

    def __init__(self, **kwargs: Any) -> None:
        cls = type(self)
        for key, value in kwargs.items():
            if not hasattr(cls, key) and not _configured_has(cls, key):
                raise TypeError(f"{key!r} is an invalid keyword argument for {cls.__name__}")
            setattr(self, key, value)
        mapper = cls.__dict__.get("__mapper__")
        if mapper is not None and mapper.polymorphic_identity is not None:
            mapper.set_polymorphic_identity(self)


class DeclarativeBaseNoMeta:
    """DeclarativeBase without a metaclass, for classes that need one of their
    own: `class Base(DeclarativeBaseNoMeta)`, then map its subclasses."""

    metadata: ClassVar[MetaData]
    registry: ClassVar[Any]
    __table__: ClassVar[Table]
    __mapper__: ClassVar[Mapper]
    __tablename__: ClassVar[str]

    _cm_declarative_root: ClassVar[bool] = True

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        _declarative_subclass(cls)

    __init__ = DeclarativeBase.__init__


def _declarative_subclass(cls: type) -> None:
    """A new subclass of DeclarativeBase(NoMeta): a declarative base when it
    subclasses one of those directly, else a class to map."""
    if any(base.__dict__.get("_cm_declarative_root") for base in cls.__bases__):
        _setup_base(cls)
    else:
        _declare_class(cls, cls.registry)  # type: ignore[attr-defined]


def _setup_base(base: type) -> None:
    """A new declarative base: its registry (given as `registry = registry(...)`,
    or made from the `metadata` and `type_annotation_map` class attributes)."""
    from .decl_api import registry as registry_class  # decl_api builds on this module

    registry = base.__dict__.get("registry")
    type_map = base.__dict__.get("type_annotation_map")
    if isinstance(registry, registry_class):
        if type_map:
            registry.update_type_annotation_map(type_map)
    else:
        registry = registry_class(metadata=base.__dict__.get("metadata"), type_annotation_map=type_map)
    base.registry = registry  # type: ignore[attr-defined]
    base.metadata = registry.metadata  # type: ignore[attr-defined]
    _prepare_dataclass(base)


def _declare_class(cls: type, registry: Any) -> None:
    """Maps a class of a declarative hierarchy (DeclarativeBase, declarative_base(),
    registry.mapped): as a dataclass first when declared as one, then on its
    table, or its mapped parent's (inheritance); not at all when __abstract__."""
    _prepare_dataclass(cls)
    if not cls.__dict__.get("__abstract__", False):
        _map_class(cls, registry)
        _polymorphic_identity_on_init(cls)


def _own_or_mixin(cls: type) -> dict[str, Any]:
    """Attributes of cls and of its non-mapped bases."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if "__mapper__" in klass.__dict__ or klass is object:
            continue
        found.update(klass.__dict__)
    return found


#: Classes of the declarative machinery itself, which declare no mapped attributes.
_FRAMEWORK_CLASSES: set[type] = {object, typing.Generic}


def _mapping_sources(cls: type) -> list[type]:
    """cls and the classes it takes mapped attributes from (mixins, abstract
    classes, the declarative base), most basic first; not the mapped class it
    inherits from (inheritance), nor that one's bases."""
    parent = _inherited_mapper(cls)
    inherited = set(parent.class_.__mro__) if parent is not None else set()
    return [k for k in reversed(cls.__mro__) if k not in _FRAMEWORK_CLASSES and k not in inherited]


def _declaring_classes(cls: type) -> list[tuple[type, bool]]:
    """(class, cascading only) for each class whose body declares cls's
    mapped attributes: its mapping sources, after, for a subclass with a table
    of its own (joined inheritance), the classes of its mapped parent that
    hold declared_attr.cascading attributes, computed again for it."""
    own = [(klass, False) for klass in _mapping_sources(cls)]
    parent = _inherited_mapper(cls)
    if parent is None or "__table__" in cls.__dict__ or _own_table_name(cls) is None:
        return own
    holders = [
        (klass, True)
        for klass in reversed(parent.class_.__mro__)
        if klass not in _FRAMEWORK_CLASSES and any(_is_cascading(v) for v in klass.__dict__.values())
    ]
    return holders + own


def _is_cascading(value: Any) -> bool:
    return isinstance(value, declared_attr) and value.is_cascading


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


def _own_table_name(cls: type) -> str | None:
    """cls's own __tablename__ (or a mixin's, a declared_attr's result
    included; a mapped parent's belongs to the parent)."""
    if "__tablename__" not in _own_or_mixin(cls):
        return None
    name: str | None = getattr(cls, "__tablename__", None)
    return name


def _attribute_value(cls: type, klass: type, key: str) -> Any:
    """What `key` declares in `klass`'s body for the mapped class `cls`: a
    declared_attr is evaluated for `cls`."""
    value = klass.__dict__.get(key)
    if isinstance(value, declared_attr):
        return value.fn(cls)
    return value


def _map_class(cls: type, registry: Any = None) -> None:
    registry = registry if registry is not None else cls.registry  # type: ignore[attr-defined]
    type_map = registry.type_annotation_map
    columns: dict[str, Column[Any]] = {}
    deferred: set[str] = set()
    deferrals: dict[str, tuple[str | None, bool]] = {}
    expressions: dict[str, ColumnProperty] = {}
    relationships: dict[str, tuple[Relationship, Any]] = {}
    descriptors: dict[str, DescriptorProperty] = {}
    for klass, cascading_only in _declaring_classes(cls):
        annotations = klass.__dict__.get("__annotations__", {})
        # Declared order: annotated attributes as they appear, then columns
        # assigned without an annotation.
        for key in [*annotations, *(k for k in klass.__dict__ if k not in annotations)]:
            if cascading_only and not _is_cascading(klass.__dict__.get(key)):
                continue
            raw = annotations.get(key)
            value = _attribute_value(cls, klass, key)
            if raw is None and isinstance(klass.__dict__.get(key), declared_attr):
                raw = klass.__dict__[key].return_annotation
            annotation = _resolve_annotation(klass, raw)
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
                columns[key] = template.resolved = template._column_for(
                    key, annotation, klass is cls, type_map
                )
                if template.deferred:
                    deferred.add(key)
                    deferrals[key] = (template.deferred_group, template.deferred_raiseload)
            elif raw is not None:
                if annotation is None and isinstance(raw, str) and "Mapped" in raw:
                    raise TypeError(f"Could not resolve the annotation {raw!r} of {cls.__name__}.{key}")
                if _is_mapped_annotation(annotation) and key not in columns:
                    columns[key] = MappedColumn()._column_for(key, annotation, type_map=type_map)
    parent = _inherited_mapper(cls)
    table = cls.__dict__.get("__table__")
    tablename = _own_table_name(cls) if table is None else None
    if table is None and parent is not None and tablename is None:
        table = parent.local_table  # single-table inheritance: the parent's table gains the columns
        for column in columns.values():
            if column.name in table.c and table.c[column.name] is not column:
                raise ArgumentError(
                    f"Column '{column.name}' on class {cls.__name__} conflicts with existing column "
                    f"'{table.name}.{column.name}'"
                )
            table.append_column(column)
        attributes = columns
    elif table is None:
        if tablename is None:
            raise InvalidRequestError(
                f"Class {cls} does not have a __table__ or __tablename__ specified and does not inherit "
                "from an existing table-mapped class."
            )
        items, options = _table_args(cls)
        table = Table(tablename, registry.metadata, *columns.values(), *items, **options)
        cls.__table__ = table  # type: ignore[attr-defined]
        attributes = columns
    else:
        attributes = {c.key or c.name: c for c in table.columns}
    for key, descriptor in descriptors.items():
        descriptor._map_columns(key, attributes, cls)
    # an insert sentinel (orm_insert_sentinel()) is the table's, never loaded or set
    attributes = {k: c for k, c in attributes.items() if not getattr(c, "_omit_from_statements", False)}
    mapper = Mapper(
        cls, table, attributes, frozenset(deferred), inherits=parent, mapper_args=_mapper_args(cls)
    )
    _add_properties(mapper, deferrals, expressions)
    _install_mapper(cls, mapper, registry, relationships)


def _install_mapper(
    cls: type, mapper: Mapper, registry: Any, relationships: Mapping[str, tuple[Relationship, Any]]
) -> None:
    """Puts the mapper's attributes on the class and records it in its registry."""
    cls.__mapper__ = mapper  # type: ignore[attr-defined]
    mapper.registry = registry
    if _events.active("class_instrument"):
        _events.fire_instrumentation(cls, "class_instrument")
    mapper.instrument()
    for key, (declared, annotation) in relationships.items():
        rel = declared._copy() if declared.key else declared
        rel._declare(key, mapper, annotation)
        mapper.add_relationship(key, rel)
        setattr(cls, key, rel)
    install_validators(cls, mapper, [k for k in reversed(cls.__mro__) if k is not object])
    registry._add_mapper(mapper)
    if _events.active("attribute_instrument"):
        for key in dict.fromkeys([*mapper.column_order, *mapper.expressions, *mapper.relationships]):
            if key in cls.__dict__:
                _events.fire_instrumentation(cls, "attribute_instrument", key, cls.__dict__[key])


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
    template.dataclass_arguments = {}
    return template


# --- dataclass mappings ------------------------------------------------------------------


def _prepare_dataclass(cls: type) -> None:
    """A class declared as a dataclass mapping becomes a dataclass; any other
    refuses the dataclass arguments of its mapped attributes."""
    options = cls.__dict__.get(OPTIONS_ATTRIBUTE)
    if options is None:
        _refuse_dataclass_arguments(cls)
    else:
        make_dataclass(cls, _dataclass_fields(cls), options)


def _polymorphic_identity_on_init(cls: type) -> None:
    """A dataclass's generated __init__ sets the discriminator of a class with
    a polymorphic identity, as DeclarativeBase.__init__ does."""
    init = cls.__dict__.get("__init__")
    mapper: Any = cls.__dict__.get("__mapper__")
    if OPTIONS_ATTRIBUTE not in cls.__dict__ or init is None or mapper.polymorphic_identity is None:
        return

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kw: Any) -> None:
        init(self, *args, **kw)
        type(self).__mapper__.set_polymorphic_identity(self)

    type.__setattr__(cls, "__init__", __init__)


def _refuse_dataclass_arguments(cls: type) -> None:
    for klass in _mapping_sources(cls):
        if "__mapper__" in klass.__dict__ or "__dataclass_fields__" in klass.__dict__:
            continue
        for key, value in klass.__dict__.items():
            arguments = getattr(value, "dataclass_arguments", None)
            if arguments and isinstance(value, (MappedColumn, Relationship, ColumnProperty)):
                refuse_field_arguments(cls, key, arguments)


def _dataclass_fields(cls: type) -> list[FieldSpec]:
    """The fields `cls` adds to the dataclasses it inherits from: its own
    annotated attributes, after those of mixins that are not dataclasses."""
    fields: dict[str, FieldSpec] = {}
    for klass in _mapping_sources(cls):
        if klass is not cls and ("__dataclass_fields__" in klass.__dict__ or "__mapper__" in klass.__dict__):
            continue
        found = [
            spec
            for key, raw in klass.__dict__.get("__annotations__", {}).items()
            if (spec := _field_spec(key, raw, klass.__dict__.get(key), own=klass is cls)) is not None
        ]
        if found and klass is not cls:
            _warn_mixin_fields(cls, klass, [spec.key for spec in found])
        fields.update((spec.key, spec) for spec in found)
    return list(fields.values())


def _warn_mixin_fields(cls: type, mixin: type, keys: list[str]) -> None:
    names = ", ".join(repr(key) for key in keys)
    warnings.warn(
        f"When transforming {cls} to a dataclass, attribute(s) {names} originates from superclass {mixin}, "
        "which is not a dataclass. This usage is deprecated (SQLAlchemy 2.1 refuses it): make every mixin "
        "or superclass that declares attributes a subclass of MappedAsDataclass too.",
        SADeprecationWarning,
        stacklevel=5,
    )


def _field_spec(key: str, raw: Any, value: Any, own: bool) -> FieldSpec | None:
    if key.startswith("__") or isinstance(value, declared_attr):
        return None
    if isinstance(value, (MappedColumn, Relationship, ColumnProperty)):
        return FieldSpec(key, _field_type(raw), dict(value.dataclass_arguments))
    if _names_mapped(raw):
        return FieldSpec(key, _field_type(raw), {})
    return FieldSpec(key, raw, None) if own else None


_MAPPED_TEXT = re.compile(r"^\s*(?:\w+\.)*\w*Mapped\[(.*)\]\s*$", re.DOTALL)


def _names_mapped(raw: Any) -> bool:
    if isinstance(raw, str):
        return _MAPPED_TEXT.match(raw) is not None
    origin = typing.get_origin(raw) or raw
    return isinstance(origin, type) and issubclass(origin, Mapped)


def _field_type(raw: Any) -> Any:
    """Mapped[int] -> int: the type of a dataclass field for a mapped attribute."""
    if isinstance(raw, str):
        match = _MAPPED_TEXT.match(raw)
        return match.group(1) if match else raw
    if _names_mapped(raw) and typing.get_args(raw):
        return typing.get_args(raw)[0]
    return raw


def _table_args(cls: type) -> tuple[list[Any], dict[str, Any]]:
    """__table_args__ as Table()'s positional items and keyword options: a dict
    alone, or a tuple whose last member may be the dict."""
    args = getattr(cls, "__table_args__", ())
    if isinstance(args, dict):
        return [], dict(args)
    items = list(args)
    options = items.pop() if items and isinstance(items[-1], dict) else {}
    for item in items:
        if not isinstance(item, (Constraint, Index)):
            raise TypeError(f"__table_args__ of {cls.__name__} holds {item!r}, not a constraint or index")
    return items, dict(options)


class _declared_directive(Generic[_T]):
    """A declarative directive (__tablename__, __table_args__, __mapper_args__)
    computed by a method, per mapped class."""

    def __init__(self, fn: Callable[..., _T], cascading: bool = False) -> None:
        self.fn = fn
        self.is_cascading = cascading
        self.__doc__ = fn.__doc__

    @property
    def return_annotation(self) -> Any:
        """The method's return annotation (Mapped[int]...), for the column's type."""
        return getattr(self.fn, "__annotations__", {}).get("return")

    def __get__(self, instance: Any, owner: Any) -> _T:
        return self.fn(owner)


class declared_attr(_declared_directive[Any]):
    """Marks a mixin method whose result (a mapped_column(), a Column, a
    relationship(), or a directive such as __tablename__) is computed for each
    mapped class that inherits it."""

    @staticmethod
    def directive(fn: Callable[..., _T]) -> _declared_directive[_T]:
        """@declared_attr.directive: for __tablename__, __table_args__ and __mapper_args__."""
        return declared_attr(fn)

    @staticmethod
    def cascading(fn: Callable[..., Any]) -> declared_attr:
        """@declared_attr.cascading: computed again for every mapped subclass,
        also the subclasses of a mapped class (inheritance)."""
        return declared_attr(fn, cascading=True)


_FRAMEWORK_CLASSES.update((DeclarativeBase, DeclarativeBaseNoMeta))


def _configured_has(cls: type, key: str) -> bool:
    """Whether `key` is an attribute of `cls` once mappers are configured (a
    backref made by another class's relationship appears then)."""
    from .decl_api import configure_mappers

    configure_mappers()
    return hasattr(cls, key)
