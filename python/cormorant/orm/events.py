"""ORM events, as SQLAlchemy 2.0's: Session events (flush, commit, rollback,
transactions, do_orm_execute), mapper persistence events, instance events
(init, load, refresh) and attribute events (set, append, remove).

cormorant.event.listen() hands ORM targets to this module through the hook
it registers below. Every hook in the ORM first checks `active(name)`, a
count of listeners per event name, so an event nobody listens to costs one
dict lookup per flush, commit or statement, and nothing per row or per
attribute access (attributes with listeners get an evented descriptor class)."""

from __future__ import annotations

import functools
import inspect
import sys
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import event as _core_event
from ..exc import ArgumentError, InvalidRequestError
from ..sql.dml import Delete, Insert, Update
from ..sql.selectable import CompoundSelect, FromStatement, Select
from .attributes import NO_VALUE, InstrumentedAttribute, state_of
from .mapper import Mapper, removed_mapper_function

if TYPE_CHECKING:
    from ..engine.result import Result
    from .session import Session

# --- the events: each class documents its events as methods, whose parameters are
# what listeners receive (and the names named=True passes) ---------------------------------


class SessionEvents(_core_event.Events[Any]):
    """Events of a Session: listen on a Session, a sessionmaker, the Session
    class or a subclass of it."""

    def before_flush(self, session: Session, flush_context: Any, instances: Any) -> None:
        """A flush is about to begin; objects may still be added, changed or deleted."""

    def after_flush(self, session: Session, flush_context: Any) -> None:
        """The flush has sent its SQL; the session's lists still show what it wrote."""

    def after_flush_postexec(self, session: Session, flush_context: Any) -> None:
        """The flush is complete and the session's state reflects it."""

    def before_commit(self, session: Session) -> None:
        """A commit is about to flush and commit."""

    def after_commit(self, session: Session) -> None:
        """The transaction has committed."""

    def after_rollback(self, session: Session) -> None:
        """The database transaction (or savepoint) has rolled back."""

    def after_soft_rollback(self, session: Session, previous_transaction: Any) -> None:
        """A rollback has ended `previous_transaction`, whether or not the database's rolled back."""

    def after_begin(self, session: Session, transaction: Any, connection: Any) -> None:
        """A transaction has begun on `connection`."""

    def after_transaction_create(self, session: Session, transaction: Any) -> None:
        """A SessionTransaction (or savepoint) was created."""

    def after_transaction_end(self, session: Session, transaction: Any) -> None:
        """A SessionTransaction (or savepoint) has ended."""

    def do_orm_execute(self, orm_execute_state: ORMExecuteState) -> None:
        """A statement is about to run through Session.execute(); a listener may
        change it, or run it itself and return the Result."""


class MapperEvents(_core_event.Events[Any]):
    """Persistence events of mapped classes: listen on a mapped class, its
    Mapper, or the Mapper class (every mapper)."""

    def before_insert(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target` is about to be INSERTed."""

    def after_insert(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target` was INSERTed."""

    def before_update(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target`, modified, is about to be UPDATEd."""

    def after_update(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target` was UPDATEd."""

    def before_delete(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target` is about to be DELETEd."""

    def after_delete(self, mapper: Mapper, connection: Any, target: Any) -> None:
        """`target` was DELETEd."""


class InstanceEvents(_core_event.Events[Any]):
    """Lifecycle events of mapped objects: listen on a mapped class (or Mapper)."""

    def init(self, target: Any, args: Any, kwargs: Any) -> None:
        """The object's constructor is about to run with `args` and `kwargs`."""

    def load(self, target: Any, context: QueryContext) -> None:
        """The object was created from a row loaded from the database."""

    def refresh(self, target: Any, context: QueryContext, attrs: Any) -> None:
        """Attributes of the object (`attrs`, or all when None) were loaded again."""


class AttributeEvents(_core_event.Events[Any]):
    """Events of a mapped attribute: listen on the attribute (User.name)."""

    def set(self, target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
        """A value is being assigned; with retval=True the listener returns the value to set."""

    def append(self, target: Any, value: Any, initiator: Any) -> None:
        """An item is being added to a collection; with retval=True the listener returns the item."""

    def remove(self, target: Any, value: Any, initiator: Any) -> None:
        """An item is being removed from a collection."""


class QueryEvents(_core_event.Events[Any]):
    """Events of the legacy Query: listen on the Query class (or a subclass)."""

    def before_compile(self, query: Any) -> None:
        """The query is about to build and run its SELECT; with retval=True
        the listener returns the Query to run instead."""

    def before_compile_update(self, query: Any, update_context: Any) -> None:
        """Query.update() is about to build its UPDATE; with retval=True the
        listener returns the Query whose criteria it takes instead."""

    def before_compile_delete(self, query: Any, delete_context: Any) -> None:
        """Query.delete() is about to build its DELETE; with retval=True the
        listener returns the Query whose criteria it takes instead."""


class InstrumentationEvents(_core_event.Events[Any]):
    """Events of classes becoming mapped: listen on a class, to hear about its
    subclasses (and itself)."""

    def class_instrument(self, cls: type) -> None:
        """`cls` was mapped: its attributes are about to be instrumented."""

    def class_uninstrument(self, cls: type) -> None:
        """`cls` is no longer mapped (clear_mappers(), registry.dispose())."""

    def attribute_instrument(self, cls: type, key: str, inst: Any) -> None:
        """The mapped attribute `key` of `cls` is in place as `inst`."""


def _arguments(events: type[_core_event.Events[Any]]) -> dict[str, tuple[str, ...]]:
    """Event name -> the names of its arguments, read from the methods of `events`."""
    return {
        name: tuple(inspect.signature(method).parameters)[1:]
        for name, method in vars(events).items()
        if not name.startswith("_") and inspect.isfunction(method)
    }


SESSION_EVENTS = _arguments(SessionEvents)
MAPPER_EVENTS = _arguments(MapperEvents)
INSTANCE_EVENTS = _arguments(InstanceEvents)
ATTRIBUTE_EVENTS = _arguments(AttributeEvents)
QUERY_EVENTS = _arguments(QueryEvents)
INSTRUMENTATION_EVENTS = _arguments(InstrumentationEvents)
# SQLAlchemy events cormorant does not fire: listening to one is refused by name.
_NOT_SUPPORTED = {
    "session": {
        "after_attach",
        "before_attach",
        "after_bulk_update",
        "after_bulk_delete",
        "transient_to_pending",
        "pending_to_transient",
        "pending_to_persistent",
        "persistent_to_transient",
        "persistent_to_detached",
        "persistent_to_deleted",
        "deleted_to_detached",
        "deleted_to_persistent",
        "detached_to_persistent",
        "loaded_as_persistent",
    },
    "mapper": {
        "instrument_class",
        "after_mapper_constructed",
        "before_mapper_configured",
        "mapper_configured",
        "before_configured",
        "after_configured",
    },
    "instance": {"first_init", "init_failure", "refresh_flush", "expire", "pickle", "unpickle"},
    "attribute": {
        "bulk_replace",
        "init_scalar",
        "init_collection",
        "dispose_collection",
        "modified",
        "append_wo_mutation",
    },
    "query": set(),
    "instrumentation": set(),
}
# bake_ok=True (QueryEvents): the listener is safe with statement caching, which
# cormorant applies to every statement regardless
_FLAGS = {"propagate", "raw", "retval", "once", "insert", "named", "bake_ok"}

# listeners per event name, over every target (names without any are left
# out): the ORM's hooks check this first
_active: dict[str, int] = {}
_version = [0]  # bumped on every change, so cached listener lists know to refresh

#: active(name): whether some listener of `name` exists anywhere. A bound
#: dict method, as the hooks call it on every flush, commit and statement.
active = _active.__contains__


class Listener:
    """One registered function with its listen() flags."""

    __slots__ = ("fn", "propagate", "raw", "retval", "once", "named", "arg_names", "fired")

    def __init__(self, fn: Callable[..., Any], arg_names: tuple[str, ...], flags: dict[str, bool]) -> None:
        self.fn = fn
        self.propagate = flags.get("propagate", False)
        self.raw = flags.get("raw", False)
        self.retval = flags.get("retval", False)
        self.once = flags.get("once", False)
        self.named = flags.get("named", False)
        self.arg_names = arg_names
        self.fired = False

    def __call__(self, *args: Any) -> Any:
        if self.once:
            if self.fired:
                return None
            self.fired = True
        if self.named:
            return self.fn(**dict(zip(self.arg_names, args)))
        return self.fn(*args)


class _Registry:
    """Listeners of one kind of event, by target key and event name."""

    def __init__(self, kind: str, events: Mapping[str, tuple[str, ...]], flags: set[str]) -> None:
        self.kind = kind
        self.events = events
        self.flags = flags
        self.by_target: dict[Any, dict[str, list[Listener]]] = defaultdict(lambda: defaultdict(list))

    def check(self, identifier: str, kw: dict[str, Any]) -> None:
        if identifier not in self.events:
            if identifier in _NOT_SUPPORTED[self.kind]:
                raise NotImplementedError(
                    f"The {self.kind} event '{identifier}' is not supported by cormorant; "
                    f"supported: {', '.join(self.events)}"
                )
            known = list(self.events)
            if self.kind == "mapper":  # a class also takes instance events
                known += list(INSTANCE_EVENTS)
            raise InvalidRequestError(f"No such {self.kind} event '{identifier}'; known: {', '.join(known)}")
        unknown = sorted(set(kw) - _FLAGS)
        if unknown:
            raise TypeError(f"listen() got an unexpected keyword argument {unknown[0]!r}")
        refused = sorted(k for k, v in kw.items() if v and k not in self.flags)
        if refused:
            raise ArgumentError(
                f"{', '.join(refused)}=True does not apply to the {self.kind} event '{identifier}'"
            )

    def add(self, key: Any, identifier: str, fn: Callable[..., Any], kw: dict[str, Any]) -> Listener:
        self.check(identifier, kw)
        return _add_listener(self, self.by_target[key][identifier], identifier, fn, kw)

    def remove(self, key: Any, identifier: str, fn: Callable[..., Any]) -> None:
        _remove_listener(self.by_target.get(key, {}).get(identifier, []), identifier, fn)

    def contains(self, key: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        return any(listener.fn is fn for listener in self.by_target.get(key, {}).get(identifier, []))

    def listeners(self, key: Any, identifier: str) -> list[Listener]:
        targets = self.by_target.get(key)
        return targets.get(identifier, []) if targets else []


def _add_listener(
    registry: _Registry, entries: list[Listener], identifier: str, fn: Callable[..., Any], kw: dict[str, Any]
) -> Listener:
    """Adds the Listener of a listen() call `registry` has checked to `entries`."""
    listener = Listener(fn, registry.events[identifier], kw)
    if kw.get("insert"):
        entries.insert(0, listener)
    else:
        entries.append(listener)
    _changed(identifier, +1)
    return listener


def _remove_listener(entries: list[Listener], identifier: str, fn: Callable[..., Any]) -> None:
    for i, listener in enumerate(entries):
        if listener.fn is fn:
            del entries[i]
            _changed(identifier, -1)
            return
    raise InvalidRequestError(f"No listener {fn!r} is registered for event '{identifier}'")


def _forget(listeners: dict[str, list[Listener]]) -> None:
    """A collected Session's own listeners: no longer active."""
    for identifier, entries in listeners.items():
        if entries:
            _changed(identifier, -len(entries))


def _changed(identifier: str, delta: int) -> None:
    count = _active.get(identifier, 0) + delta
    if count > 0:
        _active[identifier] = count
    else:
        _active.pop(identifier, None)
    _version[0] += 1


_session_registry = _Registry("session", SESSION_EVENTS, {"insert", "once", "named"})
_mapper_registry = _Registry("mapper", MAPPER_EVENTS, {"propagate", "raw", "insert", "once", "named"})
_instance_registry = _Registry("instance", INSTANCE_EVENTS, {"propagate", "raw", "insert", "once", "named"})
_attribute_registry = _Registry(
    "attribute", ATTRIBUTE_EVENTS, {"propagate", "raw", "retval", "insert", "once", "named"}
)
_query_registry = _Registry(
    "query", QUERY_EVENTS, {"propagate", "retval", "insert", "once", "named", "bake_ok"}
)
_instrumentation_registry = _Registry(
    "instrumentation", INSTRUMENTATION_EVENTS, {"propagate", "insert", "once", "named"}
)
ALL_MAPPERS = "all mappers"  # the key of listeners given to the Mapper class


# --- Session events --------------------------------------------------------------------------


def _session_key(target: Any) -> Any:
    """The class or instance whose sessions a Session event applies to, or None."""
    from .session import Session, sessionmaker

    if isinstance(target, type) and issubclass(target, Session):
        return target
    if isinstance(target, Session):
        return _InstanceKey(target)
    if isinstance(target, sessionmaker):
        return target.class_
    if "cormorant.ext.asyncio.session" not in sys.modules:
        return None  # no AsyncSession exists to be given
    from ..ext.asyncio.session import AsyncSession, async_sessionmaker

    if (isinstance(target, type) and issubclass(target, AsyncSession)) or isinstance(
        target, (AsyncSession, async_sessionmaker)
    ):
        raise NotImplementedError(
            "asynchronous events are not implemented at this time.  Apply synchronous listeners to "
            "the AsyncSession.sync_session or AsyncSession.sync_session_class (or to the "
            "async_sessionmaker's sync_session_class)"
        )
    return None


class _InstanceKey:
    """The key of a Session instance's own listeners: they are kept on the
    session itself (not in the registry), so they go away with it."""

    __slots__ = ("session",)

    def __init__(self, session: Session) -> None:
        self.session = session


def session_listeners(session: Session, name: str) -> list[Listener]:
    """Listeners of `name` for this session: its class's (and bases'), then its own."""
    registry = _session_registry
    found: list[Listener] = []
    for cls in type(session).__mro__:
        found.extend(registry.listeners(cls, name))
    own = session.__dict__.get("_event_listeners")
    if own:
        found.extend(own.get(name, ()))
    return found


def fire_session(session: Session, name: str, *args: Any) -> None:
    for listener in session_listeners(session, name):
        listener(session, *args)


def _listen_session(key: Any, identifier: str, fn: Callable[..., Any], kw: dict[str, Any]) -> None:
    if isinstance(key, _InstanceKey):
        _session_registry.check(identifier, kw)
        own = key.session.__dict__.get("_event_listeners")
        if own is None:
            own = key.session.__dict__["_event_listeners"] = defaultdict(list)
            # the session's listeners stop counting as active when it goes away
            weakref.finalize(key.session, _forget, own)
        _add_listener(_session_registry, own[identifier], identifier, fn, kw)
        return
    _session_registry.add(key, identifier, fn, kw)


def _remove_session(key: Any, identifier: str, fn: Callable[..., Any]) -> None:
    if not isinstance(key, _InstanceKey):
        _session_registry.remove(key, identifier, fn)
        return
    _remove_listener(key.session.__dict__.get("_event_listeners", {}).get(identifier, []), identifier, fn)


def _contains_session(key: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    if not isinstance(key, _InstanceKey):
        return _session_registry.contains(key, identifier, fn)
    entries = key.session.__dict__.get("_event_listeners", {}).get(identifier, [])
    return any(listener.fn is fn for listener in entries)


class ORMExecuteState:
    """What do_orm_execute listeners receive: the statement about to run
    through Session.execute(), which they may inspect, replace (assign
    `statement`, `parameters`, or call update_execution_options()), or run
    themselves with invoke_statement() and return that Result instead."""

    def __init__(
        self,
        session: Session,
        statement: Any,
        parameters: Any,
        execution_options: Mapping[str, Any] | None,
        bind_arguments: Mapping[str, Any] | None,
        listeners: list[Listener],
    ) -> None:
        self.session = session
        self.statement = statement
        self.parameters = parameters
        self.local_execution_options: dict[str, Any] = dict(execution_options or {})
        self.bind_arguments: dict[str, Any] = dict(bind_arguments or {})
        self._remaining = listeners
        self.lazy_loaded_from: Any = None

    @property
    def execution_options(self) -> dict[str, Any]:
        """The statement's own execution options, overridden by the ones given to execute()."""
        return {**(getattr(self.statement, "_execution_options", None) or {}), **self.local_execution_options}

    def update_execution_options(self, **opts: Any) -> None:
        self.local_execution_options.update(opts)

    @property
    def user_defined_options(self) -> list[Any]:
        """The UserDefinedOption objects among the statement's options()."""
        from .interfaces import UserDefinedOption

        options = getattr(self.statement, "loader_options", ())
        return [option for option in options if isinstance(option, UserDefinedOption)]

    @property
    def is_select(self) -> bool:
        return isinstance(self.statement, (Select, FromStatement, CompoundSelect))

    @property
    def is_insert(self) -> bool:
        return isinstance(self.statement, Insert)

    @property
    def is_update(self) -> bool:
        return isinstance(self.statement, Update)

    @property
    def is_delete(self) -> bool:
        return isinstance(self.statement, Delete)

    @property
    def is_dml(self) -> bool:
        return self.is_insert or self.is_update or self.is_delete

    @property
    def is_executemany(self) -> bool:
        return isinstance(self.parameters, list) and len(self.parameters) > 1

    @property
    def is_from_statement(self) -> bool:
        return isinstance(self.statement, FromStatement)

    @property
    def is_orm_statement(self) -> bool:
        return bool(self.all_mappers)

    # expired or deferred attributes load without this event; lazy relationship loads pass through it
    is_column_load = False

    @property
    def is_relationship_load(self) -> bool:
        """True for the SELECT of a lazy load (lazy_loaded_from is the owner's InstanceState)."""
        return self.lazy_loaded_from is not None

    @property
    def all_mappers(self) -> list[Mapper]:
        entries = getattr(self.statement, "result_entries", None)
        if entries is not None:
            return [e.mapper for e in entries if e.mapper is not None]
        entity = getattr(self.statement, "entity", None)
        mapper = getattr(entity, "__mapper__", None)
        return [mapper] if isinstance(mapper, Mapper) else []

    @property
    def bind_mapper(self) -> Mapper | None:
        mappers = self.all_mappers
        return mappers[0] if mappers else None

    def invoke_statement(
        self,
        statement: Any = None,
        params: Any = None,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Mapping[str, Any] | None = None,
    ) -> Result[Any]:
        """Runs the statement (or `statement`) now, through the listeners
        after this one, and returns its Result."""
        if params is not None and self.parameters is not None and not isinstance(params, list):
            params = {**self.parameters, **params}
        return self.session._execute_with_events(
            self.statement if statement is None else statement,
            self.parameters if params is None else params,
            {**self.local_execution_options, **(execution_options or {})},
            {**self.bind_arguments, **(bind_arguments or {})},
            self._remaining,
            self.lazy_loaded_from,
        )


def run_do_orm_execute(
    session: Session,
    statement: Any,
    params: Any,
    execution_options: Mapping[str, Any] | None,
    bind_arguments: Mapping[str, Any] | None,
    listeners: list[Listener],
    lazy_loaded_from: Any = None,
) -> tuple[Any, ORMExecuteState]:
    """Calls the listeners in turn; returns the Result one of them produced
    (else None) and the state holding the statement as they left it."""
    state = ORMExecuteState(session, statement, params, execution_options, bind_arguments, listeners)
    state.lazy_loaded_from = lazy_loaded_from
    for i, listener in enumerate(listeners):
        state._remaining = listeners[i + 1 :]
        result = listener(state)
        if result is not None:
            return result, state
    return None, state


# --- mapper and instance events --------------------------------------------------------------


def _class_key(target: Any) -> Any:
    """The key of class-level ORM listeners: a class, or ALL_MAPPERS."""
    if target is Mapper or target is removed_mapper_function:
        return ALL_MAPPERS
    if isinstance(target, Mapper):
        return target.class_
    if isinstance(target, type):
        return target
    return None


def class_listeners(registry: _Registry, cls: type, name: str) -> list[Listener]:
    """Listeners of `name` for objects of `cls`: the class's own, those its
    bases gave with propagate=True, and those given to Mapper."""
    found = list(registry.listeners(cls, name))
    for base in cls.__mro__[1:]:
        found.extend(listener for listener in registry.listeners(base, name) if listener.propagate)
    found.extend(registry.listeners(ALL_MAPPERS, name))
    return found


_class_cache: dict[tuple[type, str], tuple[int, list[Listener]]] = {}


def listeners_for_class(cls: type, name: str) -> list[Listener]:
    """class_listeners() of a mapper event for `cls`, cached until listeners change."""
    key = (cls, name)
    cached = _class_cache.get(key)
    if cached is not None and cached[0] == _version[0]:
        return cached[1]
    found = class_listeners(_mapper_registry, cls, name)
    _class_cache[key] = (_version[0], found)
    return found


def fire_mapper(mapper: Mapper, name: str, connection: Any, objects: Iterable[Any]) -> None:
    """before_/after_insert, _update, _delete for each object (of `mapper`, or of
    a subclass: each object hears its own class's listeners, with its own mapper)."""
    for obj in objects:
        cls = type(obj)
        listeners = listeners_for_class(cls, name)
        if listeners:
            obj_mapper = cls.__dict__.get("__mapper__", mapper)
            for listener in listeners:
                listener(obj_mapper, connection, state_of(obj) if listener.raw else obj)


def fire_instance(name: str, objects: Iterable[Any], *args: Any) -> None:
    """load / refresh for each of `objects` (listeners resolved once per class)."""
    by_class: dict[type, list[Listener]] = {}
    for obj in objects:
        cls = type(obj)
        listeners = by_class.get(cls)
        if listeners is None:
            listeners = by_class[cls] = class_listeners(_instance_registry, cls, name)
        for listener in listeners:
            listener(state_of(obj) if listener.raw else obj, *args)


class QueryContext:
    """The `context` of load and refresh events: the loading Session and statement."""

    def __init__(self, session: Session, statement: Any = None) -> None:
        self.session = session
        self.statement = statement


def _instrument_init(cls: type) -> None:
    """Gives `cls` an __init__ that fires the init event before running its own."""
    original = cls.__dict__.get("__init__") or getattr(cls, "__init__")  # noqa: B009
    if getattr(original, "_fires_init", False):
        return

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if type(self).__init__ is __init__ and active("init"):
            arg_list = list(args)
            for listener in class_listeners(_instance_registry, type(self), "init"):
                listener(state_of(self) if listener.raw else self, arg_list, kwargs)
            args = tuple(arg_list)
        original(self, *args, **kwargs)

    __init__._fires_init = True  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[misc]


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    sub: type
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def _instrument_init_for(key: Any) -> None:
    """Wraps __init__ of the listened class and of every subclass defining its own."""
    if key is ALL_MAPPERS:
        from .decl_base import DeclarativeBase

        roots = [c for c in DeclarativeBase.__subclasses__()]
    else:
        roots = [key]
    for root in roots:
        _instrument_init(root)
        for sub in _subclasses(root)[1:]:
            if "__init__" in sub.__dict__:
                _instrument_init(sub)
        _instrument_future_subclasses(root)


def _instrument_future_subclasses(root: type) -> None:
    """Subclasses of `root` created later that define their own __init__
    (a dataclass model, say) get it wrapped too, once they are complete."""
    if root.__dict__.get("_cm_wraps_subclass_init"):
        return
    own = root.__dict__.get("__init_subclass__")

    def __init_subclass__(cls: Any, /, **kw: Any) -> None:
        if own is not None:
            own.__func__(cls, **kw)
        else:
            super(root, cls).__init_subclass__(**kw)  # type: ignore[arg-type]
        if "__init__" in cls.__dict__:
            _instrument_init(cls)

    setattr(root, "__init_subclass__", classmethod(__init_subclass__))  # noqa: B010
    root._cm_wraps_subclass_init = True  # type: ignore[attr-defined]


# --- attribute events ------------------------------------------------------------------------


class AttributeEventToken:
    """The `initiator` of an attribute event: which attribute, and which operation."""

    __slots__ = ("key", "op", "impl")

    def __init__(self, attribute: Any, op: str) -> None:
        self.impl = attribute
        self.key = attribute.key
        self.op = op

    def __repr__(self) -> str:
        return f"<AttributeEventToken {self.impl!r} {self.op}>"


def attribute_listeners(attribute: Any, name: str) -> list[Listener]:
    return _attribute_registry.listeners(id(attribute), name)


def fire_set(attribute: Any, target: Any, value: Any, old: Any) -> Any:
    """Runs the set listeners of `attribute`; retval=True ones may replace the value."""
    token = AttributeEventToken(attribute, "set")
    for listener in attribute_listeners(attribute, "set"):
        result = listener(state_of(target) if listener.raw else target, value, old, token)
        if listener.retval:
            value = result
    return value


def fire_append(attribute: Any, target: Any, value: Any) -> Any:
    token = AttributeEventToken(attribute, "append")
    for listener in attribute_listeners(attribute, "append"):
        result = listener(state_of(target) if listener.raw else target, value, token)
        if listener.retval:
            value = result
    return value


def fire_remove(attribute: Any, target: Any, value: Any) -> None:
    token = AttributeEventToken(attribute, "remove")
    for listener in attribute_listeners(attribute, "remove"):
        listener(state_of(target) if listener.raw else target, value, token)


class EventedAttribute(InstrumentedAttribute[Any]):
    """The class a column attribute takes once it has set listeners."""

    __slots__ = ()

    def __set__(self, instance: Any, value: Any) -> None:
        if attribute_listeners(self, "set"):
            value = fire_set(self, instance, value, instance.__dict__.get(self.key, NO_VALUE))
        InstrumentedAttribute.__set__(self, instance, value)


_attributes: dict[int, Any] = {}  # id -> attribute with listeners (keeps the id valid)


def _attribute_targets(target: Any, propagate: bool) -> list[Any]:
    """`target`, and with propagate=True the attributes of the same key on its class's subclasses."""
    found = [target]
    if propagate:
        for sub in _subclasses(target.class_)[1:]:
            own = sub.__dict__.get(target.key)
            if own is not None and own is not target:
                found.append(own)
    return found


def _is_attribute(target: Any) -> bool:
    from .relationships import Relationship

    return isinstance(target, (InstrumentedAttribute, Relationship))


def _listen_attribute(target: Any, identifier: str, fn: Callable[..., Any], kw: dict[str, Any]) -> None:
    from .relationships import Relationship

    _attribute_registry.check(identifier, kw)
    for attribute in _attribute_targets(target, kw.get("propagate", False)):
        if identifier in ("append", "remove") and not (
            isinstance(attribute, Relationship) and attribute._ensure().uselist
        ):
            raise InvalidRequestError(f"'{identifier}' events apply to collections; {attribute} is not one")
        _attribute_registry.add(id(attribute), identifier, fn, kw)
        _attributes[id(attribute)] = attribute
        if isinstance(attribute, InstrumentedAttribute) and type(attribute) is InstrumentedAttribute:
            attribute.__class__ = EventedAttribute
        elif isinstance(attribute, Relationship):
            attribute._has_events = True


# --- query and instrumentation events ---------------------------------------------------------


def _is_query_class(target: Any) -> bool:
    from .query import Query

    return isinstance(target, type) and issubclass(target, Query)


def run_query_event(query: Any, name: str, *args: Any) -> Any:
    """Runs the `name` listeners of the query's class (and bases); a
    retval=True listener's Query replaces the one the next listener sees."""
    for cls in type(query).__mro__:
        for listener in _query_registry.listeners(cls, name):
            result = listener(query, *args)
            if listener.retval and result is not None:
                query = result
    return query


def fire_instrumentation(cls: type, name: str, *args: Any) -> None:
    """class_instrument / class_uninstrument / attribute_instrument for `cls`:
    heard by listeners on it and on any of its bases."""
    for base in cls.__mro__:
        for listener in _instrumentation_registry.listeners(base, name):
            listener(cls, *args)


class BulkUD:
    """The `update_context` / `delete_context` of before_compile_update and
    before_compile_delete: the Query, its mapper and (for an UPDATE) the values."""

    def __init__(self, query: Any, mapper: Mapper | None, values: Any = None) -> None:
        self.query = query
        self.mapper = mapper
        self.values = values


# --- the hook cormorant.event calls ----------------------------------------------------------


class _OrmTarget:
    """How event.listen/remove/contains reach one ORM target."""

    def __init__(self, target: Any, identifier: str) -> None:
        self.target = target
        self.identifier = identifier

    def listen(self, fn: Callable[..., Any], kw: dict[str, Any]) -> None:
        target, identifier = self.target, self.identifier
        session_key = _session_key(target)
        if session_key is not None:
            _listen_session(session_key, identifier, fn, kw)
        elif _is_attribute(target):
            _listen_attribute(target, identifier, fn, kw)
        else:
            registry = self._class_registry()
            key = _class_key(target)
            registry.add(key, identifier, fn, kw)
            if identifier == "init":
                _instrument_init_for(key)

    def _class_registry(self) -> _Registry:
        identifier = self.identifier
        if identifier in INSTRUMENTATION_EVENTS:
            return _instrumentation_registry
        if _is_query_class(self.target):
            return _query_registry
        if identifier in INSTANCE_EVENTS or identifier in _NOT_SUPPORTED["instance"]:
            return _instance_registry
        if identifier in ATTRIBUTE_EVENTS:
            raise InvalidRequestError(
                f"'{identifier}' is an attribute event: listen on a mapped attribute (Class.attr), "
                f"not on {self.target!r}"
            )
        return _mapper_registry

    def remove(self, fn: Callable[..., Any]) -> None:
        target, identifier = self.target, self.identifier
        session_key = _session_key(target)
        if session_key is not None:
            _remove_session(session_key, identifier, fn)
        elif _is_attribute(target):
            for attribute in _attribute_targets(target, True):
                if _attribute_registry.contains(id(attribute), identifier, fn):
                    _attribute_registry.remove(id(attribute), identifier, fn)
        else:
            self._class_registry().remove(_class_key(target), identifier, fn)

    def contains(self, fn: Callable[..., Any]) -> bool:
        target, identifier = self.target, self.identifier
        session_key = _session_key(target)
        if session_key is not None:
            return _contains_session(session_key, identifier, fn)
        if _is_attribute(target):
            return _attribute_registry.contains(id(target), identifier, fn)
        return self._class_registry().contains(_class_key(target), identifier, fn)


def _resolve(target: Any, identifier: str) -> _OrmTarget | None:
    """The ORM handle of `target`, or None when it is no ORM target."""
    if _is_query_class(target) or (identifier in INSTRUMENTATION_EVENTS and isinstance(target, type)):
        return _OrmTarget(target, identifier)

    if _session_key(target) is not None or _is_attribute(target):
        return _OrmTarget(target, identifier)
    if target is Mapper or target is removed_mapper_function or isinstance(target, Mapper):
        return _OrmTarget(target, identifier)
    if isinstance(target, type) and (
        hasattr(target, "__mapper__") or hasattr(target, "registry") or hasattr(target, "__tablename__")
    ):
        return _OrmTarget(target, identifier)
    return None


_core_event.register_target_resolver(_resolve)
