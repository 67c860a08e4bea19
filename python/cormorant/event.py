"""event.listen / listens_for / remove / contains, as in SQLAlchemy.

Targets (Engine, Pool) keep a Dispatch: a list of listeners per event name.
Pool events given to an Engine go to its pool. The ORM (orm/events.py)
registers a resolver for its own targets (Session, mapped classes, Mapper,
attributes): Core never imports the ORM.

Any class can take events of its own as SQLAlchemy's do: an Events subclass
declares them as methods and names its `_dispatch_target`, which gets a
`dispatch` (a dispatcher); `target.dispatch.<event>(...)` fires them."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

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


_ET = TypeVar("_ET")


class _Symbol(int):
    """A named constant, as SQLAlchemy's util.symbol: an int that shows its name."""

    name: str

    def __new__(cls, name: str) -> _Symbol:
        obj = super().__new__(cls, hash(name))
        obj.name = name
        return obj

    def __repr__(self) -> str:
        return f"symbol({self.name!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Symbol, (self.name,))


#: SQLAlchemy's legacy return values for listeners; as in SQLAlchemy 2.0 no
#: event acts on them, they are there for code that names them.
CANCEL = _Symbol("CANCEL")
NO_RETVAL = _Symbol("NO_RETVAL")


class Dispatch:
    """Listeners of one target, by event name. `dispatch.<event>` is the
    RefCollection of that event's listeners (call it to fire them)."""

    # events whose listeners may be given with retval=True
    retval_events: frozenset[str] | set[str] = frozenset()

    def __init__(self, allowed: set[str] | frozenset[str], parent: Dispatch | None = None) -> None:
        self._allowed = allowed
        self._listeners: dict[str, list[tuple[Callable[..., Any], bool]]] = {}
        self._parent = parent
        # Whether any event has a listener here: one attribute read lets the
        # hot paths (checkout, execute) skip every per-event check when none does.
        self.listening = False

    def __getattr__(self, name: str) -> RefCollection[Any]:
        if not name.startswith("_") and name in self._allowed:
            return RefCollection(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute or event {name!r}")

    def entries(self, name: str) -> list[tuple[Callable[..., Any], bool]]:
        """(listener, retval) for each listener of `name`: its class's first (for
        a dispatcher's targets), then this target's own, in order."""
        own = list(self._listeners.get(name, ()))
        return own if self._parent is None else self._parent.entries(name) + own

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
        self.listening = True

    def remove(self, name: str, fn: Callable[..., Any]) -> None:
        entries = self._listeners.get(name, [])
        for i, (listener, _) in enumerate(entries):
            if _registered_as(listener, fn):
                del entries[i]
                self.listening = any(self._listeners.values())
                return
        raise InvalidRequestError(f"No listener {fn!r} is registered for event '{name}'")

    def contains(self, name: str, fn: Callable[..., Any]) -> bool:
        return any(_registered_as(listener, fn) for listener, _ in self._listeners.get(name, []))

    def has(self, name: str) -> bool:
        """Whether `name` has a listener here or, for a dispatcher's target, on its class."""
        return bool(self._listeners.get(name)) or (self._parent is not None and self._parent.has(name))

    def listeners(self, name: str) -> list[Callable[..., Any]]:
        return [fn for fn, _ in self._listeners.get(name, ())]

    def fire(self, name: str, *args: Any) -> None:
        for fn, _ in list(self._listeners.get(name, ()) if self._parent is None else self.entries(name)):
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
Dispatch.retval_events = RETVAL_EVENTS


class RefCollection(Generic[_ET]):
    """The listeners of one event on one target (`target.dispatch.<event>`):
    iterate them, count them, or call the collection to fire the event.
    `ref` is a weak reference to it, as SQLAlchemy's registry keeps them."""

    __slots__ = ("_dispatch", "name", "__weakref__")

    def __init__(self, dispatch: Dispatch, name: str) -> None:
        self._dispatch = dispatch
        self.name = name

    @property
    def ref(self) -> weakref.ref[RefCollection[_ET]]:
        return weakref.ref(self)

    def __call__(self, *args: Any) -> None:
        self._dispatch.fire(self.name, *args)

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter([_listener_fn(fn) for fn, _ in self._dispatch.entries(self.name)])

    def __len__(self) -> int:
        return len(self._dispatch.entries(self.name))

    def __bool__(self) -> bool:
        return bool(self._dispatch.entries(self.name))

    def __repr__(self) -> str:
        return f"<RefCollection {self.name!r} ({len(self)} listeners)>"


def _listener_fn(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn.fn if isinstance(fn, _once) else fn


class EventTarget:
    """Base of the objects that take listeners: their `dispatch` holds them
    (Engine and Pool, and the targets of an Events subclass)."""

    __slots__ = ()

    dispatch: Any


class Events(Generic[_ET]):
    """Declares the events of a kind of target, as SQLAlchemy's: each public
    method is one event, its signature the arguments listeners receive (the
    body is documentation). A subclass naming `_dispatch_target` gives that
    class a `dispatch` accepting these events::

        class WidgetEvents(event.Events):
            _dispatch_target = Widget

            def resized(self, widget, size): ...

        event.listen(Widget, "resized", fn)   # every Widget
        widget.dispatch.resized(widget, 3)    # fires the listeners"""

    _dispatch_target: type[Any] | None = None

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        target = cls.__dict__.get("_dispatch_target")
        if target is not None:
            target.dispatch = dispatcher(cls)

    @classmethod
    def _event_names(cls) -> frozenset[str]:
        return frozenset(
            name
            for klass in cls.__mro__
            if issubclass(klass, Events) and klass is not Events
            for name, value in vars(klass).items()
            if not name.startswith("_") and inspect.isfunction(value)
        )


class dispatcher(Generic[_ET]):
    """The `dispatch` descriptor an Events subclass gives its target class:
    on the class, the Dispatch of listeners for all its instances (and its
    subclasses'); on an instance, that instance's own Dispatch, which fires
    the class's listeners first."""

    def __init__(self, events: type[Events[_ET]]) -> None:
        self.events = events
        self._names = events._event_names()
        self._by_class: weakref.WeakKeyDictionary[type, Dispatch] = weakref.WeakKeyDictionary()

    def for_class(self, owner: type) -> Dispatch:
        found = self._by_class.get(owner)
        if found is None:
            parent = None
            for base in owner.__mro__[1:]:
                if inspect.getattr_static(base, "dispatch", None) is self:
                    parent = self.for_class(base)
                    break
            found = self._by_class[owner] = _user_dispatch(self._names, parent)
        return found

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self.for_class(owner if owner is not None else type(obj))
        found = _user_dispatch(self._names, self.for_class(type(obj)))
        try:
            obj.__dict__["dispatch"] = found
        except AttributeError:  # a target without __dict__ gets a fresh one each time
            pass
        return found


def _user_dispatch(names: frozenset[str], parent: Dispatch | None) -> Dispatch:
    dispatch = Dispatch(names, parent)
    dispatch.retval_events = names
    return dispatch


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
    dispatch = _dispatch_for(target, identifier)
    _check_core_flags(dispatch, identifier, kw)
    if kw.get("once"):
        fn = _once(fn)
    dispatch.add(identifier, fn, bool(kw.get("retval")), insert=bool(kw.get("insert")))


def _check_core_flags(dispatch: Dispatch, identifier: str, kw: dict[str, Any]) -> None:
    unknown = sorted(set(kw) - _CORE_FLAGS - _ORM_ONLY_FLAGS)
    if unknown:
        raise TypeError(f"listen() got an unexpected keyword argument {unknown[0]!r}")
    refused = sorted(k for k in _ORM_ONLY_FLAGS if kw.get(k))
    if kw.get("retval") and identifier not in dispatch.retval_events:
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
