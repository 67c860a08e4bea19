"""The declarative API besides DeclarativeBase: registry() (mapped,
mapped_as_dataclass, map_imperatively, generate_base), declarative_base() and
DeclarativeMeta for 1.x-style code, and MappedAsDataclass for dataclass
models, as SQLAlchemy 2.0 has them."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..exc import ArgumentError, InvalidRequestError
from ..sql.schema import Column, MetaData, Table
from . import events as _events
from .decl_base import (
    _FRAMEWORK_CLASSES,
    DeclarativeAttributeIntercept,
    DeclarativeBase,
    DeclarativeBaseNoMeta,
    MappedColumn,
    _declare_class,
    _install_mapper,
    _prepare_dataclass,
    mapped_column,
)
from .decl_dataclass import ABSENT, OPTIONS_ATTRIBUTE, class_options
from .mapper import Mapper
from .relationships import Relationship, relationship

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        """Static typing only (PEP 681): the decorated object is unchanged."""
        return lambda target: target


_O = TypeVar("_O", bound=type)

#: Every registry alive, for configure_mappers() and clear_mappers().
_registries: weakref.WeakSet[registry] = weakref.WeakSet()


def _declarative_constructor(self: Any, **kwargs: Any) -> None:
    """The __init__ a mapped class gets when it has none: DeclarativeBase's
    (each keyword names an attribute of the class)."""
    DeclarativeBase.__init__(self, **kwargs)


_declarative_constructor.__name__ = "__init__"


class registry:
    """A set of mapped classes sharing one MetaData, class namespace (for
    relationship("Name") strings) and type_annotation_map."""

    def __init__(
        self,
        *,
        metadata: MetaData | None = None,
        class_registry: dict[str, type] | None = None,
        type_annotation_map: Mapping[Any, Any] | None = None,
        constructor: Callable[..., None] | None = _declarative_constructor,
    ) -> None:
        self.metadata = metadata if metadata is not None else MetaData()
        self.classes_by_name: dict[str, type] = class_registry if class_registry is not None else {}
        self.type_annotation_map: dict[Any, Any] = {}
        self.update_type_annotation_map(type_annotation_map or {})
        self.constructor = constructor
        self._mappers: list[Mapper] = []
        _registries.add(self)

    @property
    def mappers(self) -> frozenset[Mapper]:
        """Every Mapper of this registry."""
        return frozenset(self._mappers)

    def update_type_annotation_map(self, type_annotation_map: Mapping[Any, Any]) -> None:
        """Adds Python type -> column type entries, used when a Mapped[...]
        annotation gives a column its type."""
        self.type_annotation_map.update(type_annotation_map)

    def _add_mapper(self, mapper: Mapper) -> None:
        self._mappers.append(mapper)
        self.classes_by_name[mapper.class_.__name__] = mapper.class_

    # --- mapping classes -------------------------------------------------------------------

    def mapped(self, cls: _O) -> _O:
        """Class decorator: maps a plain class declaratively (its __tablename__
        or __table__ and its mapped_column / Column / relationship attributes)."""
        _refuse_mapped_twice(cls)
        self._install_constructor(cls)
        _declare_class(cls, self)
        return cls

    def map_declaratively(self, cls: type) -> Mapper:
        """Maps `cls` as mapped() does and returns its Mapper."""
        self.mapped(cls)
        mapper: Mapper = cls.__mapper__  # type: ignore[attr-defined]
        return mapper

    @overload
    @dataclass_transform(field_specifiers=(MappedColumn, Relationship, mapped_column, relationship))
    def mapped_as_dataclass(self, cls: _O, /) -> _O: ...

    @overload
    def mapped_as_dataclass(
        self,
        cls: None = None,
        /,
        *,
        init: bool = ...,
        repr: bool = ...,
        eq: bool = ...,
        order: bool = ...,
        unsafe_hash: bool = ...,
        match_args: bool = ...,
        kw_only: bool = ...,
        dataclass_callable: Callable[..., Any] = ...,
    ) -> Callable[[_O], _O]: ...

    def mapped_as_dataclass(self, cls: Any = None, /, **options: Any) -> Any:
        """Class decorator: maps a plain class declaratively and makes it a
        dataclass (with these class-level dataclass arguments)."""
        chosen = class_options(**options)

        def decorate(target: Any) -> Any:
            _refuse_mapped_twice(target)
            type.__setattr__(target, OPTIONS_ATTRIBUTE, chosen)
            _declare_class(target, self)
            return target

        return decorate(cls) if cls is not None else decorate

    def map_imperatively(
        self,
        class_: type,
        local_table: Table | None = None,
        *,
        properties: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> Mapper:
        """Maps a plain class onto a Table: each column is an attribute of its
        key; `properties` adds relationships, or maps an attribute name onto
        another Column."""
        if kw:
            raise NotImplementedError(f"map_imperatively() does not support {', '.join(sorted(kw))} yet")
        if local_table is None:
            raise NotImplementedError(
                "map_imperatively() needs a Table: mapping onto no table is not supported"
            )
        _refuse_mapped_twice(class_)
        attributes: dict[str, Column[Any]] = {
            column.key or column.name: column for column in local_table.columns
        }
        relationships: dict[str, tuple[Relationship, Any]] = {}
        for key, value in (properties or {}).items():
            if isinstance(value, Relationship):
                relationships[key] = (value, None)
            elif isinstance(value, Column):
                attributes = {k: c for k, c in attributes.items() if c is not value}
                attributes[key] = value
            else:
                raise ArgumentError(
                    f"properties[{key!r}] of map_imperatively() is {value!r}: expected a Column or a relationship()"
                )
        self._install_constructor(class_)
        class_.__table__ = local_table  # type: ignore[attr-defined]
        mapper = Mapper(class_, local_table, attributes)
        _install_mapper(class_, mapper, self, relationships)
        return mapper

    def _install_constructor(self, cls: type) -> None:
        if self.constructor is not None and _plain_init(cls):
            type.__setattr__(cls, "__init__", self.constructor)

    # --- declarative bases -----------------------------------------------------------------

    def generate_base(
        self,
        mapper: Any = None,
        cls: type | tuple[type, ...] = object,
        name: str = "Base",
        metaclass: type = None,  # type: ignore[assignment]
    ) -> Any:
        """A new declarative base class (of `metaclass`, DeclarativeMeta by
        default) whose subclasses this registry maps."""
        if mapper is not None:
            raise NotImplementedError(
                "generate_base(mapper=...) is not supported: mappers are cormorant's own"
            )
        bases = cls if isinstance(cls, tuple) else (cls,)
        namespace: dict[str, Any] = {"registry": self, "metadata": self.metadata, "__abstract__": True}
        if isinstance(cls, type):
            namespace["__doc__"] = cls.__doc__
        if self.constructor is not None:
            namespace["__init__"] = self.constructor
        return (metaclass or DeclarativeMeta)(name, bases, namespace)

    def as_declarative_base(self, **kw: Any) -> Callable[[type], Any]:
        """Class decorator: the decorated class becomes a declarative base of this registry."""

        def decorate(cls: type) -> Any:
            return self.generate_base(cls=cls, name=cls.__name__, **kw)

        return decorate

    # --- lifecycle -------------------------------------------------------------------------

    def configure(self, cascade: bool = False) -> None:
        """Configures every relationship of this registry's mappers now (they
        configure themselves on first use otherwise), so that a wrong target
        name or join raises here."""
        if cascade:
            raise NotImplementedError(
                "registry.configure(cascade=True): registries do not depend on each other"
            )
        for mapper in list(self._mappers):
            for rel in list(mapper.relationships.values()):
                rel._ensure()

    def dispose(self, cascade: bool = False) -> None:
        """Unmaps every class of this registry: their mapped attributes and
        __mapper__ are removed, and the registry is empty again."""
        if cascade:
            raise NotImplementedError(
                "registry.dispose(cascade=True): registries do not depend on each other"
            )
        if _events.active("class_uninstrument"):
            for mapper in self._mappers:
                _events.fire_instrumentation(mapper.class_, "class_uninstrument")
        for mapper in self._mappers:
            cls = mapper.class_
            for key in [*mapper.instrumented, *mapper.relationships.keys(), "__mapper__"]:
                if key in cls.__dict__:
                    type.__delattr__(cls, key)
        self._mappers.clear()
        self.classes_by_name.clear()

    def __repr__(self) -> str:
        return f"<cormorant.orm.registry object with {len(self._mappers)} mappers>"


def _refuse_mapped_twice(cls: type) -> None:
    if "__mapper__" in cls.__dict__:
        raise ArgumentError(f"Class '{cls}' already has a primary mapper defined.")


def _plain_init(cls: type) -> bool:
    """True when `cls` has no __init__ of its own or inherited but object's."""
    return getattr(cls, "__init__", None) is object.__init__


class DeclarativeMeta(DeclarativeAttributeIntercept):
    """The metaclass of declarative_base() classes: maps each subclass of the
    base when it is created."""

    metadata: MetaData
    registry: registry

    def __init__(cls, classname: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any) -> None:
        super().__init__(classname, bases, namespace, **kw)
        own_registry = cls.__dict__.get("registry")
        if isinstance(own_registry, registry):
            _prepare_dataclass(cls)  # the base itself
            return
        found = getattr(cls, "registry", None)
        if not isinstance(found, registry):
            raise InvalidRequestError(
                f"Declarative base class {cls} has no 'registry' attribute, or it is not a registry"
            )
        _declare_class(cls, found)


def declarative_base(
    *,
    metadata: MetaData | None = None,
    mapper: Any = None,
    cls: type | tuple[type, ...] = object,
    name: str = "Base",
    class_registry: dict[str, type] | None = None,
    type_annotation_map: Mapping[Any, Any] | None = None,
    constructor: Callable[..., None] | None = _declarative_constructor,
    metaclass: type = DeclarativeMeta,
) -> Any:
    """A declarative base class for 1.x-style code: `Base = declarative_base()`,
    then `class User(Base)` with Column (or mapped_column) attributes."""
    return registry(
        metadata=metadata,
        class_registry=class_registry,
        type_annotation_map=type_annotation_map,
        constructor=constructor,
    ).generate_base(mapper=mapper, cls=cls, name=name, metaclass=metaclass)


def as_declarative(**kw: Any) -> Callable[[type], Any]:
    """Class decorator: the decorated class becomes a declarative base
    (keywords as declarative_base()'s metadata, class_registry,
    type_annotation_map, constructor, metaclass)."""
    registry_keys = ("metadata", "class_registry", "type_annotation_map", "constructor")
    base_keys = ("mapper", "metaclass")
    unknown = sorted(set(kw) - set(registry_keys) - set(base_keys))
    if unknown:
        raise TypeError(f"as_declarative() got unexpected keyword argument(s): {', '.join(unknown)}")
    made = registry(**{k: v for k, v in kw.items() if k in registry_keys})
    return made.as_declarative_base(**{k: v for k, v in kw.items() if k in base_keys})


@dataclass_transform(field_specifiers=(MappedColumn, Relationship, mapped_column, relationship))
class MappedAsDataclass:
    """Mixin for a declarative base (`class Base(MappedAsDataclass,
    DeclarativeBase)`) or a mixin: each subclass becomes a dataclass, with the
    dataclass arguments of its mapped_column()s and relationship()s, and the
    class-level ones given in its class statement."""

    def __init_subclass__(
        cls,
        init: bool = ABSENT,  # type: ignore[assignment]
        repr: bool = ABSENT,  # type: ignore[assignment]  # noqa: A002 - dataclasses' name
        eq: bool = ABSENT,  # type: ignore[assignment]
        order: bool = ABSENT,  # type: ignore[assignment]
        unsafe_hash: bool = ABSENT,  # type: ignore[assignment]
        match_args: bool = ABSENT,  # type: ignore[assignment]
        kw_only: bool = ABSENT,  # type: ignore[assignment]
        dataclass_callable: Callable[..., Any] = ABSENT,  # type: ignore[assignment]
        **kw: Any,
    ) -> None:
        options = class_options(
            init=init,
            repr=repr,
            eq=eq,
            order=order,
            unsafe_hash=unsafe_hash,
            match_args=match_args,
            kw_only=kw_only,
            dataclass_callable=dataclass_callable,
        )
        # a base's class-level arguments hold for its subclasses
        inherited = getattr(cls, OPTIONS_ATTRIBUTE, {})
        type.__setattr__(cls, OPTIONS_ATTRIBUTE, {**inherited, **options})
        super().__init_subclass__(**kw)
        if not issubclass(cls, (DeclarativeBase, DeclarativeBaseNoMeta)) and not isinstance(
            cls, DeclarativeMeta
        ):
            _prepare_dataclass(cls)  # a dataclass mixin, never mapped itself


_FRAMEWORK_CLASSES.add(MappedAsDataclass)


@dataclass_transform(field_specifiers=(MappedColumn, Relationship, mapped_column, relationship))
def mapped_as_dataclass(
    registry: registry,
    /,
    *,
    init: bool = ABSENT,  # type: ignore[assignment]
    repr: bool = ABSENT,  # type: ignore[assignment]  # noqa: A002 - dataclasses' name
    eq: bool = ABSENT,  # type: ignore[assignment]
    order: bool = ABSENT,  # type: ignore[assignment]
    unsafe_hash: bool = ABSENT,  # type: ignore[assignment]
    match_args: bool = ABSENT,  # type: ignore[assignment]
    kw_only: bool = ABSENT,  # type: ignore[assignment]
    dataclass_callable: Callable[..., Any] = ABSENT,  # type: ignore[assignment]
) -> Callable[[_O], _O]:
    """Class decorator factory: `@mapped_as_dataclass(reg)` maps the class in
    `registry` as a dataclass, as registry.mapped_as_dataclass does."""
    decorate: Callable[[_O], _O] = registry.mapped_as_dataclass(
        init=init,
        repr=repr,
        eq=eq,
        order=order,
        unsafe_hash=unsafe_hash,
        match_args=match_args,
        kw_only=kw_only,
        dataclass_callable=dataclass_callable,
    )
    return decorate


def configure_mappers() -> None:
    """Configures the relationships of every mapped class of every registry now."""
    for each in list(_registries):
        each.configure()


def clear_mappers() -> None:
    """Unmaps every mapped class of every registry (registry.dispose() on each)."""
    for each in list(_registries):
        each.dispose()


def declarative_mixin(cls: _O) -> _O:
    """Marks a mixin class for declarative mapping; the class is returned as is."""
    return cls


def has_inherited_table(cls: type) -> bool:
    """True when a superclass of `cls` is mapped to a table (`cls` would then
    inherit it rather than declare its own)."""
    return any(getattr(klass, "__table__", None) is not None for klass in cls.__mro__[1:])
