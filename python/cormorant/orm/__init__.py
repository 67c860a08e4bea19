"""The ORM: declarative mapping, the Session and the unit of work."""

from ..exc import DetachedInstanceError, NoResultFound, ObjectDeletedError, UnmappedInstanceError
from .attributes import InstanceState, InstrumentedAttribute, Mapped
from .decl_base import DeclarativeBase, MappedColumn, declared_attr, mapped_column
from .mapper import Mapper
from .session import Session, SessionTransaction, object_session, sessionmaker

__all__ = [
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
]
