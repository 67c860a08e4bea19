"""scoped_session: one Session per scope (per thread by default, or per
whatever key `scopefunc()` returns), reached through a registry. The
registries are shared with ext.asyncio's async_scoped_session."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..exc import InvalidRequestError, SAWarning
from .session import Session, object_session

if TYPE_CHECKING:
    from ..engine.base import Connection, Engine, _ExecuteParams
    from ..engine.result import Result, ScalarResult
    from ..sql.elements import ClauseElement
    from ..sql.selectable import Select
    from .identity import IdentityMap
    from .query import Query
    from .session import SessionNestedTransaction, SessionTransaction

_T = TypeVar("_T")
_S = TypeVar("_S")
_TP = TypeVar("_TP", bound=tuple[Any, ...])


class ScopedRegistry(Generic[_T]):
    """One object per scope, made by `createfunc()` the first time the
    scope (the key `scopefunc()` returns) asks for it."""

    def __init__(self, createfunc: Callable[[], _T], scopefunc: Callable[[], Hashable]) -> None:
        self.createfunc = createfunc
        self.scopefunc = scopefunc
        self.registry: dict[Hashable, _T] = {}

    def __call__(self) -> _T:
        key = self.scopefunc()
        try:
            return self.registry[key]
        except KeyError:
            return self.registry.setdefault(key, self.createfunc())

    def has(self) -> bool:
        """Whether the current scope has its object yet."""
        return self.scopefunc() in self.registry

    def set(self, obj: _T) -> None:
        self.registry[self.scopefunc()] = obj

    def clear(self) -> None:
        """Forgets the current scope's object."""
        self.registry.pop(self.scopefunc(), None)


class ThreadLocalRegistry(ScopedRegistry[_T]):
    """A ScopedRegistry whose scope is the current thread."""

    def __init__(self, createfunc: Callable[[], _T]) -> None:
        self.createfunc = createfunc
        self.registry = threading.local()  # type: ignore[assignment]

    def __call__(self) -> _T:
        try:
            value: _T = self.registry.value  # type: ignore[attr-defined]
        except AttributeError:
            value = self.registry.value = self.createfunc()  # type: ignore[attr-defined]
        return value

    def has(self) -> bool:
        return hasattr(self.registry, "value")

    def set(self, obj: _T) -> None:
        self.registry.value = obj  # type: ignore[attr-defined]

    def clear(self) -> None:
        try:
            del self.registry.value  # type: ignore[attr-defined]
        except AttributeError:
            pass


class ScopedSessionRegistry(Generic[_S]):
    """What scoped_session and async_scoped_session share: the registry of
    their sessions, calling to reach (or create) the current one, configure()."""

    session_factory: Any
    registry: ScopedRegistry[_S]

    def _set_registry(self, session_factory: Any, scopefunc: Callable[[], Hashable] | None) -> None:
        self.session_factory = session_factory
        if scopefunc is not None:
            self.registry = ScopedRegistry(session_factory, scopefunc)
        else:
            self.registry = ThreadLocalRegistry(session_factory)

    def __call__(self, **kw: Any) -> _S:
        """The current scope's session; with arguments, a new one made with
        them (refused when the scope already has one)."""
        if not kw:
            return self.registry()
        if self.registry.has():
            raise InvalidRequestError("Scoped session is already present; no new arguments may be specified.")
        session: _S = self.session_factory(**kw)
        self.registry.set(session)
        return session

    def configure(self, **kwargs: Any) -> None:
        """Reconfigures the session factory for sessions made from now on."""
        if self.registry.has():
            warnings.warn(
                "At least one scoped session is already present.  "
                "configure() can not affect sessions that have already been created.",
                SAWarning,
                stacklevel=2,
            )
        self.session_factory.configure(**kwargs)


class scoped_session(ScopedSessionRegistry[_S]):
    """Provides scoped management of Session objects: `Session = scoped_session(sessionmaker(engine))`,
    then `Session()` (or Session.add(), Session.query()...) reaches the current thread's session."""

    def __init__(
        self, session_factory: Callable[..., _S], scopefunc: Callable[[], Hashable] | None = None
    ) -> None:
        self._set_registry(session_factory, scopefunc)

    def remove(self) -> None:
        """Closes the current scope's session and forgets it; the next use makes a new one."""
        if self.registry.has():
            self.registry().close()  # type: ignore[attr-defined]
        self.registry.clear()

    def query_property(self, query_cls: type[Query[Any]] | None = None) -> QueryPropertyDescriptor:
        """A class attribute giving a Query of that class in the current session (`User.query.all()`)."""
        return QueryPropertyDescriptor(self, query_cls)

    @property
    def _proxied(self) -> Session:
        session: Session = self.registry()  # type: ignore[assignment]
        return session

    # --- the current Session's methods ----------------------------------------------------

    def __contains__(self, instance: object) -> bool:
        return instance in self._proxied

    def __iter__(self) -> Iterator[Any]:
        return iter(self._proxied)

    def add(self, instance: object, _warn: bool = True) -> None:
        self._proxied.add(instance, _warn)

    def add_all(self, instances: Iterable[object]) -> None:
        self._proxied.add_all(instances)

    def begin(self) -> SessionTransaction:
        return self._proxied.begin()

    def begin_nested(self) -> SessionNestedTransaction:
        return self._proxied.begin_nested()

    def close(self) -> None:
        self._proxied.close()

    def reset(self) -> None:
        self._proxied.reset()

    def commit(self) -> None:
        self._proxied.commit()

    def rollback(self) -> None:
        self._proxied.rollback()

    def connection(self) -> Connection:
        return self._proxied.connection()

    def delete(self, instance: object) -> None:
        self._proxied.delete(instance)

    @overload
    def execute(
        self,
        statement: Select[_TP],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[_TP]: ...
    @overload
    def execute(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]: ...
    def execute(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]:
        return self._proxied.execute(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        )

    @overload
    def scalars(
        self,
        statement: Select[tuple[_T]],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> ScalarResult[_T]: ...
    @overload
    def scalars(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> ScalarResult[Any]: ...
    def scalars(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> ScalarResult[Any]:
        return self._proxied.scalars(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        )

    @overload
    def scalar(
        self,
        statement: Select[tuple[_T]],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> _T | None: ...
    @overload
    def scalar(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Any: ...
    def scalar(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Any:
        return self._proxied.scalar(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        )

    def expire(self, instance: object, attribute_names: Iterable[str] | None = None) -> None:
        self._proxied.expire(instance, attribute_names)

    def expire_all(self) -> None:
        self._proxied.expire_all()

    def expunge(self, instance: object) -> None:
        self._proxied.expunge(instance)

    def expunge_all(self) -> None:
        self._proxied.expunge_all()

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        self._proxied.flush(objects)

    def get(self, entity: type[_T], ident: Any, **kw: Any) -> _T | None:
        return self._proxied.get(entity, ident, **kw)

    def get_one(self, entity: type[_T], ident: Any, **kw: Any) -> _T:
        return self._proxied.get_one(entity, ident, **kw)

    def get_bind(self, *args: Any, **kw: Any) -> Any:
        return self._proxied.get_bind(*args, **kw)

    def merge(self, instance: _T, load: bool = True) -> _T:
        return self._proxied.merge(instance, load)

    def query(self, *entities: Any, **kwargs: Any) -> Query[Any]:
        query: Query[Any] = self._proxied.query(*entities, **kwargs)
        return query

    def refresh(
        self, instance: object, attribute_names: Iterable[str] | None = None, with_for_update: Any = None
    ) -> None:
        self._proxied.refresh(instance, attribute_names, with_for_update)

    @classmethod
    def object_session(cls, instance: object) -> Session | None:
        """The Session `instance` belongs to, if any."""
        return object_session(instance)

    # --- the current Session's attributes -----------------------------------------------

    @property
    def bind(self) -> Engine | Connection | None:
        return self._proxied.bind

    @bind.setter
    def bind(self, value: Engine | Connection | None) -> None:
        self._proxied.bind = value

    @property
    def autoflush(self) -> bool:
        return self._proxied.autoflush

    @autoflush.setter
    def autoflush(self, value: bool) -> None:
        self._proxied.autoflush = value

    @property
    def info(self) -> dict[str, Any]:
        return self._proxied.info

    @property
    def new(self) -> Any:
        return self._proxied.new

    @property
    def dirty(self) -> Any:
        return self._proxied.dirty

    @property
    def deleted(self) -> Any:
        return self._proxied.deleted

    @property
    def identity_map(self) -> IdentityMap:
        return self._proxied.identity_map

    @property
    def is_active(self) -> bool:
        return self._proxied.is_active

    @property
    def no_autoflush(self) -> Any:
        return self._proxied.no_autoflush


class QueryPropertyDescriptor:
    """What query_property() returns: on a mapped class, `Model.query` is a
    Query of that class in the scoped_session's current Session."""

    def __init__(self, scoped: scoped_session[Any], query_cls: type[Query[Any]] | None) -> None:
        self._scoped = scoped
        self._query_cls = query_cls

    def __get__(self, instance: object, owner: type[_T]) -> Query[_T]:
        session: Session = self._scoped.registry()
        if self._query_cls is not None:
            return self._query_cls(owner, session=session)
        return session.query(owner)
