"""The ORM: declarative mapping, the Session and the unit of work."""

from ..exc import NoResultFound
from .attributes import NO_VALUE, InstanceState, InstrumentedAttribute, Mapped
from .base import InspectionAttrExtensionType, NotExtension
from .bundle import Bundle
from .collections import InstrumentedList
from .decl_api import (
    DeclarativeMeta,
    MappedAsDataclass,
    as_declarative,
    clear_mappers,
    configure_mappers,
    declarative_base,
    declarative_mixin,
    has_inherited_table,
    mapped_as_dataclass,
    registry,
)
from .decl_base import (
    DeclarativeBase,
    DeclarativeBaseNoMeta,
    MappedColumn,
    add_mapped_attribute,
    declared_attr,
    mapped_column,
)
from .descriptor_props import (
    Composite,
    CompositeProperty,
    Synonym,
    SynonymProperty,
    composite,
    synonym,
    synonym_for,
)
from .dynamic import AppenderQuery
from .events import AttributeEventToken, ORMExecuteState
from .exc import DetachedInstanceError, ObjectDeletedError, UnmappedInstanceError
from .mapper import Mapper
from .properties import ColumnProperty, MappedSQLExpression, column_property, deferred, query_expression
from .query import Query
from .relationships import Relationship, dynamic_loader, relationship
from .scoping import QueryPropertyDescriptor, scoped_session
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
    selectin_polymorphic,
    selectinload,
    subqueryload,
    undefer,
    undefer_group,
    with_expression,
)
from .unitofwork import UOWTransaction
from .util import AliasedClass, aliased, with_parent, with_polymorphic
from .validators import validates
from .writeonly import DynamicMapped, WriteOnlyCollection, WriteOnlyMapped

__all__ = [
    "AliasedClass",
    "aliased",
    "with_parent",
    "with_polymorphic",
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
    "selectin_polymorphic",
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
    "Query",
    "QueryPropertyDescriptor",
    "scoped_session",
    "validates",
    "Bundle",
    "Composite",
    "CompositeProperty",
    "Synonym",
    "SynonymProperty",
    "composite",
    "synonym",
    "synonym_for",
    "InspectionAttrExtensionType",
    "NotExtension",
    "DeclarativeMeta",
    "MappedAsDataclass",
    "as_declarative",
    "declarative_base",
    "mapped_as_dataclass",
    "registry",
    "DeclarativeBaseNoMeta",
    "clear_mappers",
    "configure_mappers",
    "declarative_mixin",
    "has_inherited_table",
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
    "AppenderQuery",
    "dynamic_loader",
    "ORMExecuteState",
    "make_transient",
    "make_transient_to_detached",
    "NO_VALUE",
    "AttributeEventToken",
    "UOWTransaction",
]
