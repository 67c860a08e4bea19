"""The ORM: declarative mapping, the Session and the unit of work."""

from ..exc import DetachedInstanceError, NoResultFound, ObjectDeletedError, UnmappedInstanceError
from .attributes import InstanceState, InstrumentedAttribute, Mapped
from .collections import InstrumentedList
from .decl_base import DeclarativeBase, MappedColumn, declared_attr, mapped_column
from .events import ORMExecuteState
from .mapper import Mapper
from .relationships import Relationship, relationship
from .session import (
    Session,
    SessionTransaction,
    make_transient,
    make_transient_to_detached,
    object_session,
    sessionmaker,
)
from .strategy_options import (
    Load,
    contains_eager,
    defaultload,
    defer,
    immediateload,
    joinedload,
    lazyload,
    load_only,
    noload,
    raiseload,
    selectinload,
    subqueryload,
    undefer,
)
from .util import AliasedClass, aliased, with_parent

__all__ = [
    "AliasedClass",
    "aliased",
    "with_parent",
    "InstrumentedList",
    "Load",
    "Relationship",
    "contains_eager",
    "defaultload",
    "defer",
    "immediateload",
    "joinedload",
    "lazyload",
    "load_only",
    "noload",
    "raiseload",
    "relationship",
    "selectinload",
    "subqueryload",
    "undefer",
    "DeclarativeBase",
    "DetachedInstanceError",
    "InstanceState",
    "InstrumentedAttribute",
    "Mapped",
    "MappedColumn",
    "Mapper",
    "NoResultFound",
    "ObjectDeletedError",
    "Session",
    "SessionTransaction",
    "UnmappedInstanceError",
    "declared_attr",
    "mapped_column",
    "object_session",
    "sessionmaker",
    "ORMExecuteState",
    "make_transient",
    "make_transient_to_detached",
    "NO_VALUE",
    "AttributeEventToken",
    "UOWTransaction",
]
