"""inspect(): an Inspector for an Engine or Connection, the Mapper of a mapped
class, or the state of a mapped instance."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from .exc import NoInspectionAvailable

_T = TypeVar("_T")


class Inspectable(Generic[_T]):
    """Marks a class whose objects inspect() accepts; the type parameter is
    what inspect() returns for them (an Engine's is its Inspector, a Mapper's
    is itself)."""

    __slots__ = ()


def inspect(subject: Any, raiseerr: bool = True) -> Any:
    """An Engine or Connection gives an Inspector of its database; a mapped
    class (or its Mapper) gives the Mapper; a mapped instance gives its
    InstanceState. Anything else raises NoInspectionAvailable, or returns None when
    raiseerr is False."""
    from .engine.base import Connection, Engine
    from .engine.reflection import Inspector
    from .orm.mapper import Mapper

    if isinstance(subject, (Engine, Connection)):
        return Inspector(subject)
    if isinstance(subject, (Inspector, Mapper)):
        return subject
    mapper = getattr(subject, "__mapper__", None)
    if isinstance(mapper, Mapper):
        if isinstance(subject, type):
            return mapper
        from .orm.instance_state import InstanceState

        return InstanceState(subject)
    if raiseerr:
        raise NoInspectionAvailable(f"No inspection system is available for object of type {type(subject)}")
    return None
