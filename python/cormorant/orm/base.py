"""Markers shared by the ORM's attributes: the inspection flags every mapped
attribute and mapper carries (InspectionAttr), what kind of extension made an
attribute (its `extension_type`), the directions of a relationship, as
sqlalchemy.orm exports them; and the check of the dataclass options these
attribute functions accept but do not support."""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

_T = TypeVar("_T")
_O = TypeVar("_O", covariant=True)

DATACLASS_OPTIONS = (
    "init",
    "repr",
    "default",
    "default_factory",
    "compare",
    "kw_only",
    "hash",
    "dataclass_metadata",
)


class InspectionAttrExtensionType(enum.Enum):
    """Base of the enums naming an attribute's extension (hybrid, association proxy)."""


class NotExtension(InspectionAttrExtensionType):
    """The `extension_type` of an attribute that no extension made."""

    NOT_EXTENSION = "not_extension"


# --- the constants of attribute loading and of events ------------------------------------------


class LoaderCallableStatus(enum.Enum):
    """What loading an attribute may produce instead of a value. NO_VALUE
    (also named NEVER_SET) is the ORM's "nothing here": the old value an
    attribute event receives when the attribute was never loaded or set."""

    PASSIVE_NO_RESULT = 0
    PASSIVE_CLASS_MISMATCH = 1
    ATTR_WAS_SET = 2
    ATTR_EMPTY = 3
    NO_VALUE = 4
    NEVER_SET = NO_VALUE


class PassiveFlag(enum.IntFlag):
    """How far an attribute load may go (SQL, callables, autoflush...), as
    SQLAlchemy's: single flags combine into the PASSIVE_* presets."""

    NO_CHANGE = 0
    CALLABLES_OK = 1
    SQL_OK = 2
    RELATED_OBJECT_OK = 4
    INIT_OK = 8
    NON_PERSISTENT_OK = 16
    LOAD_AGAINST_COMMITTED = 32
    NO_AUTOFLUSH = 64
    NO_RAISE = 128
    DEFERRED_HISTORY_LOAD = 256
    INCLUDE_PENDING_MUTATIONS = 512
    PASSIVE_OFF = CALLABLES_OK | SQL_OK | RELATED_OBJECT_OK | INIT_OK | NON_PERSISTENT_OK
    PASSIVE_RETURN_NO_VALUE = PASSIVE_OFF ^ INIT_OK
    PASSIVE_NO_INITIALIZE = PASSIVE_RETURN_NO_VALUE ^ CALLABLES_OK
    PASSIVE_NO_FETCH = PASSIVE_OFF ^ SQL_OK
    PASSIVE_NO_FETCH_RELATED = PASSIVE_OFF ^ RELATED_OBJECT_OK
    PASSIVE_ONLY_PERSISTENT = PASSIVE_OFF ^ NON_PERSISTENT_OK
    PASSIVE_MERGE = PASSIVE_OFF | NO_RAISE


class EventConstants(enum.Enum):
    """Return values and markers of ORM events: EXT_CONTINUE, EXT_STOP,
    EXT_SKIP (a listener's answer), NO_KEY (no collection key applies)."""

    EXT_CONTINUE = 1
    EXT_STOP = 2
    EXT_SKIP = 3
    NO_KEY = 4


EXT_CONTINUE, EXT_STOP, EXT_SKIP, NO_KEY = tuple(EventConstants)


def refuse_dataclass_options(what: str, options: dict[str, Any]) -> None:
    """TypeError for a keyword `what`() does not know; NotImplementedError for
    a dataclass option (`what` takes them as SQLAlchemy's does, but cannot apply them)."""
    unknown = sorted(set(options) - set(DATACLASS_OPTIONS))
    if unknown:
        raise TypeError(f"{what}() got unexpected keyword argument(s): {', '.join(unknown)}")
    if options:
        raise NotImplementedError(
            f"{what}(): the dataclass options {', '.join(sorted(options))} are not supported"
        )


class InspectionAttr:
    """Base of what inspect() and Mapper.attrs hand out (mappers, mapped
    properties, class attributes): flags saying which kind of thing it is."""

    __slots__ = ()

    is_selectable = False
    is_aliased_class = False
    is_instance = False
    is_mapper = False
    is_bundle = False
    is_property = False
    is_attribute = False
    is_clause_element = False
    extension_type: ClassVar[InspectionAttrExtensionType] = NotExtension.NOT_EXTENSION

    @property
    def _is_internal_proxy(self) -> bool:
        return False


class _InfoDictionary:
    """`info`: an empty dictionary made on first access and kept in the
    object's __dict__ (where a class may also assign one)."""

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        info: dict[Any, Any] = obj.__dict__.setdefault("info", {})
        return info


class InspectionAttrInfo(InspectionAttr):
    """An InspectionAttr with an `info` dictionary of the user's own data."""

    __slots__ = ()

    info: Any = _InfoDictionary()


class ORMDescriptor(Generic[_T]):
    """Base of the class-level descriptors the ORM puts on mapped classes."""

    __slots__ = ()


class SQLORMExpression(Generic[_T]):
    """An ORM attribute usable where a SQL column expression is expected."""

    __slots__ = ()


class MappedClassProtocol(Protocol[_O]):
    """What a mapped class offers: its Mapper and its table."""

    __name__: str
    __mapper__: Any
    __table__: Any

    def __call__(self, *arg: Any, **kw: Any) -> _O: ...


class RelationshipDirection(enum.Enum):
    """Which side holds the foreign key: `Relationship.direction`."""

    ONETOMANY = 1
    """The related rows hold a foreign key to the parent's (User.addresses)."""

    MANYTOONE = 2
    """The parent row holds a foreign key to the related one (Address.user)."""

    MANYTOMANY = 3
    """An association table (`secondary`) links the two."""


ONETOMANY = RelationshipDirection.ONETOMANY
MANYTOONE = RelationshipDirection.MANYTOONE
MANYTOMANY = RelationshipDirection.MANYTOMANY
