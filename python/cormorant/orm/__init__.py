"""The ORM: declarative mapping, the Session and the unit of work."""

from ..exc import DetachedInstanceError, NoResultFound, ObjectDeletedError, UnmappedInstanceError
from .attributes import InstanceState, InstrumentedAttribute, Mapped
from .collections import InstrumentedList
from .decl_base import DeclarativeBase, MappedColumn, add_mapped_attribute, declared_attr, mapped_column
from .mapper import Mapper
from .properties import ColumnProperty, MappedSQLExpression, column_property, deferred, query_expression
from .relationships import Relationship, relationship
from .session import Session, SessionTransaction, object_session, sessionmaker
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
    undefer_group,
    with_expression,
)
from .util import AliasedClass, aliased, with_parent
from .writeonly import DynamicMapped, WriteOnlyCollection, WriteOnlyMapped

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
    "ColumnProperty",
    "MappedSQLExpression",
    "add_mapped_attribute",
    "column_property",
    "deferred",
    "query_expression",
    "undefer_group",
    "with_expression",
    "DynamicMapped",
    "WriteOnlyCollection",
    "WriteOnlyMapped",
]
