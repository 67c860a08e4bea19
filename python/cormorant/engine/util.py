"""Helpers for dialect-level code, as SQLAlchemy's sqlalchemy.engine.util."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


def connection_memoize(key: str) -> Callable[[Callable[[Any, Any], _T]], Callable[[Any, Any], _T]]:
    """Decorates a method `fn(self, connection)` (a Connection) so that its
    result is kept in `connection.info[key]`: computed once per database connection."""

    def decorate(fn: Callable[[Any, Any], _T]) -> Callable[[Any, Any], _T]:
        @functools.wraps(fn)
        def memoized(self: Any, connection: Any) -> _T:
            try:
                value: _T = connection.info[key]
            except KeyError:
                value = connection.info[key] = fn(self, connection)
            return value

        return memoized

    return decorate
