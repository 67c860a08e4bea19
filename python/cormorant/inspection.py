"""inspect(): the mapper of a class, or the state of an instance."""

from __future__ import annotations

from typing import Any

from .exc import ArgumentError


def inspect(subject: Any, raiseerr: bool = True) -> Any:
    mapper = getattr(subject, "__mapper__", None)
    if isinstance(subject, type) and mapper is not None:
        return mapper
    if mapper is not None:
        from .orm.attributes import state_of

        return state_of(subject)
    if raiseerr:
        raise ArgumentError(f"No inspection system is available for object of type {type(subject)}")
    return None
