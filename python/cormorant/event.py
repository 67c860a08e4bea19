"""event.listen / listens_for / remove / contains, as in SQLAlchemy.

Targets (Engine, Pool) keep a Dispatch: a list of listeners per event name.
Pool events given to an Engine go to its pool. The ORM (orm/events.py)
registers a resolver for its own targets (Session, mapped classes, Mapper,
attributes): Core never imports the ORM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .exc import ArgumentError, InvalidRequestError

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

    def add(self, name: str, fn: Callable[..., Any], retval: bool = False, *, insert: bool = False) -> None:
        if name not in self._allowed:
            raise InvalidRequestError(
                f"No such event '{name}' for this target; known: {', '.join(sorted(self._allowed))}"
            )
        entries = self._listeners.setdefault(name, [])
        if insert:
            entries.insert(0, (fn, retval))
        else:
            entries.append((fn, retval))

    def remove(self, name: str, fn: Callable[..., Any]) -> None:
        entries = self._listeners.get(name, [])
        for i, (listener, _) in enumerate(entries):
            if _registered_as(listener, fn):
                del entries[i]
                return
        raise InvalidRequestError(f"No listener {fn!r} is registered for event '{name}'")

    def contains(self, name: str, fn: Callable[..., Any]) -> bool:
        return any(_registered_as(listener, fn) for listener, _ in self._listeners.get(name, []))

    def has(self, name: str) -> bool:
        return bool(self._listeners.get(name))

    def listeners(self, name: str) -> list[Callable[..., Any]]:
        return [fn for fn, _ in self._listeners.get(name, ())]

    def entries(self, name: str) -> list[tuple[Callable[..., Any], bool]]:
        """(listener, retval) for each listener of `name`, in order."""
        return list(self._listeners.get(name, ()))

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


# Core events whose listeners may return a value that replaces the arguments.
RETVAL_EVENTS = {"before_cursor_execute", "before_execute"}
_CORE_FLAGS = {"retval", "once", "insert"}
_ORM_ONLY_FLAGS = {"propagate", "raw", "named"}

# Functions (target, identifier) -> handle with listen(fn, kw)/remove(fn)/contains(fn),
# or None when the target is not theirs: how the ORM takes its own targets.
_target_resolvers: list[Callable[[Any, str], Any]] = []


def register_target_resolver(resolver: Callable[[Any, str], Any]) -> None:
    _target_resolvers.append(resolver)


def _foreign_target(target: Any, identifier: str) -> Any:
    for resolver in _target_resolvers:
        handle = resolver(target, identifier)
        if handle is not None:
            return handle
    return None


def _dispatch_for(target: Any, name: str) -> Dispatch:
    if name in POOL_EVENTS and hasattr(target, "pool"):
        target = target.pool
    dispatch = getattr(target, "dispatch", None)
    if not isinstance(dispatch, Dispatch):
        raise InvalidRequestError(f"No such event '{name}' for target {target!r}")
    return dispatch


def listen(target: Any, identifier: str, fn: Callable[..., Any], **kw: Any) -> None:
    """Calls `fn` whenever `identifier` happens on `target`. Keyword flags as
    SQLAlchemy's: retval, once, insert (Core and ORM), propagate, raw, named (ORM)."""
    handle = _foreign_target(target, identifier)
    if handle is not None:
        handle.listen(fn, kw)
        return
    _check_core_flags(identifier, kw)
    if kw.get("once"):
        fn = _once(fn)
    _dispatch_for(target, identifier).add(
        identifier, fn, bool(kw.get("retval")), insert=bool(kw.get("insert"))
    )


def _check_core_flags(identifier: str, kw: dict[str, Any]) -> None:
    unknown = sorted(set(kw) - _CORE_FLAGS - _ORM_ONLY_FLAGS)
    if unknown:
        raise TypeError(f"listen() got an unexpected keyword argument {unknown[0]!r}")
    refused = sorted(k for k in _ORM_ONLY_FLAGS if kw.get(k))
    if kw.get("retval") and identifier not in RETVAL_EVENTS:
        refused.append("retval")
    if refused:
        raise ArgumentError(f"{', '.join(refused)}=True does not apply to the Core event '{identifier}'")


def _registered_as(listener: Callable[..., Any], fn: Callable[..., Any]) -> bool:
    """Whether `listener` is what listen() registered for `fn` (itself, or its once=True wrapper)."""
    return listener is fn or (isinstance(listener, _once) and listener.fn is fn)


class _once:
    """A listener that runs on its first event only (listen(..., once=True));
    remove() still finds it by the function given."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.fired = False

    def __call__(self, *args: Any) -> Any:
        if self.fired:
            return None
        self.fired = True
        return self.fn(*args)


def listens_for(
    target: Any, identifier: str, **kw: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of listen()."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        listen(target, identifier, fn, **kw)
        return fn

    return decorate


def remove(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    handle = _foreign_target(target, identifier)
    if handle is not None:
        handle.remove(fn)
        return
    _dispatch_for(target, identifier).remove(identifier, fn)


def contains(target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    handle = _foreign_target(target, identifier)
    if handle is not None:
        return bool(handle.contains(fn))
    return _dispatch_for(target, identifier).contains(identifier, fn)
