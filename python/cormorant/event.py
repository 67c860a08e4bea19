"""event.listen / listens_for / remove / contains, as in SQLAlchemy.

Targets (Engine, Pool) keep a Dispatch: a list of listeners per event name.
Pool events given to an Engine go to its pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .exc import InvalidRequestError

POOL_EVENTS = {"connect", "first_connect", "checkout", "checkin", "close", "reset", "invalidate", "detach"}
ENGINE_EVENTS = {
    "before_cursor_execute",
    "after_cursor_execute",
    "before_execute",
    "after_execute",
    "begin",
    "commit",
    "rollback",
    "handle_error",
    "engine_connect",
    "engine_disposed",
}


class Dispatch:
    """Listeners of one target, by event name."""

    def __init__(self, allowed: set[str]) -> None:
        self._allowed = allowed
        self._listeners: dict[str, list[tuple[Callable[..., Any], bool]]] = {}

    def add(self, name: str, fn: Callable[..., Any], retval: bool = False) -> None:
        if name not in self._allowed:
            raise InvalidRequestError(
                f"No such event '{name}' for this target; known: {', '.join(sorted(self._allowed))}"
            )
        self._listeners.setdefault(name, []).append((fn, retval))

    def remove(self, name: str, fn: Callable[..., Any]) -> None:
        entries = self._listeners.get(name, [])
        for i, (listener, _) in enumerate(entries):
            if listener is fn:
                del entries[i]
                return
        raise InvalidRequestError(f"No listener {fn!r} is registered for event '{name}'")

    def contains(self, name: str, fn: Callable[..., Any]) -> bool:
        return any(listener is fn for listener, _ in self._listeners.get(name, []))

    def has(self, name: str) -> bool:
        return bool(self._listeners.get(name))

    def fire(self, name: str, *args: Any) -> None:
        for fn, _ in list(self._listeners.get(name, ())):
            fn(*args)

    def fire_retval(self, name: str, statement: str, params: Any, *rest: Any) -> tuple[str, Any]:
        """For before_cursor_execute: retval=True listeners may replace statement and parameters."""
        for fn, retval in list(self._listeners.get(name, ())):
            result = fn(rest[0], rest[1], statement, params, *rest[2:])
            if retval and result is not None:
                statement, params = result
        return statement, params


def _dispatch_for(target: Any, name: str) -> Dispatch:
    if name in POOL_EVENTS and hasattr(target, "pool"):
        target = target.pool
    dispatch = getattr(target, "dispatch", None)
    if not isinstance(dispatch, Dispatch):
        raise InvalidRequestError(f"No such event '{name}' for target {target!r}")
    return dispatch


def listen(target: Any, identifier: str, fn: Callable[..., Any], *, retval: bool = False, **kw: Any) -> None:
    """Calls `fn` whenever `identifier` happens on `target`."""
    _dispatch_for(target, identifier).add(identifier, fn, retval)


def listens_for(
    target: Any, identifier: str, **kw: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of listen()."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        listen(target, identifier, fn, **kw)
        return fn

    return decorate


def remove(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    _dispatch_for(target, identifier).remove(identifier, fn)


def contains(target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    return _dispatch_for(target, identifier).contains(identifier, fn)
