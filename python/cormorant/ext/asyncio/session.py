"""AsyncSession and async_sessionmaker: the asyncio face of the ORM Session.

An AsyncSession holds an ordinary Session (`sync_session`) and runs each
awaited method in a greenlet, so the unit of work, the identity map and the
loaders are the synchronous ones. Lazy loads cannot happen implicitly:
load relationships up front (selectinload) or through `awaitable_attrs`."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

from ...engine.base import Connection, Engine
from ...engine.result import Result, ScalarResult
from ...exc import ArgumentError
from ...orm.attributes import STATE_KEY, owning_session
from ...orm.session import Session
from ...sql.selectable import Select
from ...util import IdentitySet
from ...util.concurrency import greenlet_spawn
from .engine import AsyncConnection, AsyncEngine, _OneCallAtATime, _open_stream, _StartableContext, _Streamed
from .result import AsyncResult, AsyncScalarResult

if TYPE_CHECKING:
    from ...engine.base import _ExecuteParams

_T = TypeVar("_T")
_P = ParamSpec("_P")
_S = TypeVar("_S", bound="AsyncSession")
_TP = TypeVar("_TP", bound=tuple[Any, ...])

# Every AsyncSession still open, for close_all_sessions().
_open_sessions: weakref.WeakSet[AsyncSession] = weakref.WeakSet()


def _sync_bind(bind: Any) -> Engine | Connection | None:
    """The synchronous Engine or Connection behind an AsyncEngine or AsyncConnection."""
    if bind is None or isinstance(bind, (Engine, Connection)):
        if isinstance(bind, Engine) and not bind.dialect.is_async:
            raise ArgumentError(
                "AsyncSession needs an AsyncEngine (create_async_engine()); this Engine blocks its thread"
            )
        return bind
    if isinstance(bind, AsyncEngine):
        return bind.sync_engine
    if isinstance(bind, AsyncConnection):
        return bind._connection()
    raise ArgumentError(f"AsyncSession's bind must be an AsyncEngine or AsyncConnection, not {bind!r}")


class AsyncSession(_OneCallAtATime):
    """An asyncio ORM Session: `async with AsyncSession(engine) as session:`."""

    sync_session_class: type[Session] = Session

    def __init__(
        self,
        bind: AsyncEngine | AsyncConnection | None = None,
        *,
        sync_session_class: type[Session] | None = None,
        **kw: Any,
    ) -> None:
        if kw.get("binds"):
            raise NotImplementedError("AsyncSession(binds=...): cormorant sessions have a single bind")
        kw.pop("binds", None)
        self.bind = bind
        if sync_session_class is not None:
            self.sync_session_class = sync_session_class
        self.sync_session = self.sync_session_class(bind=_sync_bind(bind), **kw)
        self.sync_session._async_session = weakref.ref(self)  # type: ignore[attr-defined]
        _open_sessions.add(self)

    # --- what needs no I/O --------------------------------------------------------------

    def add(self, instance: object, _warn: bool = True) -> None:
        self.sync_session.add(instance, _warn)

    def add_all(self, instances: Iterable[object]) -> None:
        self.sync_session.add_all(instances)

    def expunge(self, instance: object) -> None:
        self.sync_session.expunge(instance)

    def expunge_all(self) -> None:
        self.sync_session.expunge_all()

    def expire(self, instance: object, attribute_names: Iterable[str] | None = None) -> None:
        self.sync_session.expire(instance, attribute_names)

    def expire_all(self) -> None:
        self.sync_session.expire_all()

    def in_transaction(self) -> bool:
        return self.sync_session.in_transaction()

    def in_nested_transaction(self) -> bool:
        return self.sync_session.in_nested_transaction()

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.sync_session.get_bind(*args, **kwargs)

    def __contains__(self, instance: object) -> bool:
        return instance in self.sync_session

    def __iter__(self) -> Iterator[Any]:
        return iter(self.sync_session)

    @property
    def new(self) -> IdentitySet:
        return self.sync_session.new

    @property
    def dirty(self) -> IdentitySet:
        return self.sync_session.dirty

    @property
    def deleted(self) -> IdentitySet:
        return self.sync_session.deleted

    @property
    def identity_map(self) -> Any:
        return self.sync_session.identity_map

    @property
    def is_active(self) -> bool:
        return self.sync_session.is_active

    @property
    def info(self) -> dict[str, Any]:
        return self.sync_session.info

    @property
    def autoflush(self) -> bool:
        return self.sync_session.autoflush

    @autoflush.setter
    def autoflush(self, value: bool) -> None:
        self.sync_session.autoflush = value

    @property
    def no_autoflush(self) -> Any:
        return self.sync_session.no_autoflush

    # --- queries ----------------------------------------------------------------------

    @overload
    async def execute(
        self,
        statement: Select[_TP],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[_TP]: ...
    @overload
    async def execute(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]: ...
    async def execute(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]:
        """Runs a statement; the Result is buffered, so reading it needs no await."""
        return await self._run(
            self.sync_session.execute,
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def scalar(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Any:
        return await self._run(
            self.sync_session.scalar,
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def scalars(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> ScalarResult[Any]:
        return await self._run(
            self.sync_session.scalars,
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def get(
        self,
        entity: type[_T],
        ident: Any,
        *,
        options: Sequence[Any] | None = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Mapping[str, Any] | None = None,
    ) -> _T | None:
        """The object with this primary key: from the identity map, else one SELECT."""
        return await self._run(
            self.sync_session.get,
            entity,
            ident,
            options=options,
            populate_existing=populate_existing,
            with_for_update=with_for_update,
            identity_token=identity_token,
            execution_options=execution_options,
        )

    async def get_one(self, entity: type[_T], ident: Any, **kw: Any) -> _T:
        """get(), raising NoResultFound when there is no such row."""
        return await self._run(self.sync_session.get_one, entity, ident, **kw)

    def stream(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> _Streamed[AsyncResult[Any]]:
        """Runs a statement whose rows are read as they are consumed (with
        `yield_per` for ORM entities): `result = await session.stream(...)`."""
        return _open_stream(
            lambda options: self._run(
                self.sync_session.execute,
                statement,
                params,
                execution_options=options,
                bind_arguments=bind_arguments,
            ),
            execution_options,
        )

    def stream_scalars(
        self,
        statement: Any,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> _Streamed[AsyncScalarResult[Any]]:
        """stream(), yielding each row's first column."""
        return self.stream(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        ).scalars()

    # --- the unit of work ---------------------------------------------------------------

    async def delete(self, instance: object) -> None:
        """Marks an object for deletion (its cascades may load related rows, hence the await)."""
        await self._run(self.sync_session.delete, instance)

    async def merge(self, instance: _T, *, load: bool = True, options: Sequence[Any] | None = None) -> _T:
        if options:
            raise NotImplementedError("AsyncSession.merge(options=...): loader options on merge")
        return await self._run(self.sync_session.merge, instance, load=load)

    async def flush(self, objects: Sequence[Any] | None = None) -> None:
        await self._run(self.sync_session.flush, objects)

    async def refresh(
        self,
        instance: object,
        attribute_names: Iterable[str] | None = None,
        with_for_update: Any = None,
    ) -> None:
        """Reloads an object's columns (or only `attribute_names`, relationships included)."""
        await self._run(self.sync_session.refresh, instance, attribute_names, with_for_update)

    async def commit(self) -> None:
        await self._run(self.sync_session.commit)

    async def rollback(self) -> None:
        await self._run(self.sync_session.rollback)

    async def close(self) -> None:
        """Releases the connection and detaches every object; the AsyncSession can be used again."""
        await self._run(self.sync_session.reset)  # SQLAlchemy's close() leaves the session reusable
        _open_sessions.discard(self)

    async def reset(self) -> None:
        await self._run(self.sync_session.reset)

    async def aclose(self) -> None:
        await self.close()

    async def invalidate(self) -> None:
        """Drops the session's connection without returning it to the pool, then closes the session."""
        await self._run(self.sync_session.invalidate)
        self.sync_session.reset()  # usable again, as after close()
        _open_sessions.discard(self)

    async def connection(self, **kw: Any) -> AsyncConnection:
        """The AsyncConnection of the current transaction."""
        if kw:
            raise NotImplementedError(f"AsyncSession.connection({', '.join(kw)}=...)")
        sync = await self._run(self.sync_session.connection)
        engine = AsyncEngine(sync.engine)
        return AsyncConnection(engine, sync)

    async def run_sync(
        self, fn: Callable[Concatenate[Session, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """Calls `fn(sync_session, *args, **kwargs)` where synchronous ORM code,
        lazy loads included, works as usual."""
        return await self._run(fn, self.sync_session, *args, **kwargs)

    def begin(self) -> AsyncSessionTransaction:
        """`async with session.begin():` commits at the end, or rolls back on error."""
        return AsyncSessionTransaction(self)

    def begin_nested(self) -> AsyncSessionTransaction:
        """`async with session.begin_nested():` a SAVEPOINT released at the end, or rolled back to on error."""
        return AsyncSessionTransaction(self, nested=True)

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @classmethod
    async def close_all(cls) -> None:
        await close_all_sessions()

    def __repr__(self) -> str:
        return f"<AsyncSession bound to {self.bind!r}>"


class AsyncSessionTransaction(_StartableContext["AsyncSessionTransaction"]):
    """The transaction (or SAVEPOINT) begun by AsyncSession.begin() / begin_nested()."""

    def __init__(self, session: AsyncSession, nested: bool = False) -> None:
        self.session = session
        self.nested = nested
        self.sync_transaction: Any = None

    async def start(self, is_ctxmanager: bool = False) -> AsyncSessionTransaction:
        sync = self.session.sync_session
        self.sync_transaction = await self.session._run(sync.begin_nested if self.nested else sync.begin)
        return self

    @property
    def is_active(self) -> bool:
        return self.sync_transaction is not None and bool(getattr(self.sync_transaction, "is_active", True))

    async def commit(self) -> None:
        await self.session._run(self.sync_transaction.commit)

    async def rollback(self) -> None:
        await self.session._run(self.sync_transaction.rollback)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.session._run(self.sync_transaction.__exit__, exc_type, exc, tb)


class async_sessionmaker(Generic[_S]):
    """A factory of AsyncSessions with fixed options:
    `SessionLocal = async_sessionmaker(engine, expire_on_commit=False)`."""

    @overload
    def __init__(
        self: async_sessionmaker[AsyncSession],
        bind: AsyncEngine | AsyncConnection | None = None,
        *,
        autoflush: bool = ...,
        expire_on_commit: bool = ...,
        info: dict[str, Any] | None = ...,
        **kw: Any,
    ) -> None: ...
    @overload
    def __init__(
        self,
        bind: AsyncEngine | AsyncConnection | None = None,
        *,
        class_: type[_S],
        autoflush: bool = ...,
        expire_on_commit: bool = ...,
        info: dict[str, Any] | None = ...,
        **kw: Any,
    ) -> None: ...
    def __init__(
        self,
        bind: AsyncEngine | AsyncConnection | None = None,
        *,
        class_: type[Any] = AsyncSession,
        **kw: Any,
    ) -> None:
        if not (isinstance(class_, type) and issubclass(class_, AsyncSession)):
            raise ArgumentError(
                f"async_sessionmaker's class_ must be AsyncSession or a subclass, not {class_!r}"
            )
        self.class_: type[_S] = cast("type[_S]", class_)
        self.kw = {**kw, "bind": bind}

    def __call__(self, **local_kw: Any) -> _S:
        return self.class_(**{**self.kw, **local_kw})

    def begin(self) -> _SessionBegin[_S]:
        """`async with factory.begin() as session:` a new session in a transaction,
        committed (or rolled back on error) and closed at the end."""
        return _SessionBegin(self())

    def configure(self, **kw: Any) -> None:
        self.kw.update(kw)

    def __repr__(self) -> str:
        return f"async_sessionmaker(class_={self.class_.__name__!r}, {self.kw!r})"


class _SessionBegin(Generic[_S]):
    def __init__(self, session: _S) -> None:
        self._session = session
        self._transaction = session.begin()

    async def __aenter__(self) -> _S:
        await self._transaction.start()
        return self._session

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self._transaction.__aexit__(exc_type, exc, tb)
        finally:
            await self._session.close()


def async_object_session(instance: object) -> AsyncSession | None:
    """The AsyncSession `instance` belongs to, if any."""
    state = instance.__dict__.get(STATE_KEY)
    session = owning_session(state) if state is not None else None
    ref = getattr(session, "_async_session", None)
    return ref() if ref is not None else None


def async_session(session: Session) -> AsyncSession | None:
    """The AsyncSession proxying a synchronous Session, if any."""
    ref = getattr(session, "_async_session", None)
    return ref() if ref is not None else None


async def close_all_sessions() -> None:
    """Closes every AsyncSession still open."""
    for session in list(_open_sessions):
        await session.close()


class _AwaitableAttrs:
    __slots__ = ("_instance",)

    def __init__(self, instance: object) -> None:
        self._instance = instance

    def __getattr__(self, name: str) -> Any:
        return greenlet_spawn(getattr, self._instance, name)


class AsyncAttrs:
    """A mixin for mapped classes: `await obj.awaitable_attrs.posts` loads a
    lazy relationship (or an expired column) inside an awaited call."""

    __slots__ = ()

    @property
    def awaitable_attrs(self) -> Any:
        return _AwaitableAttrs(self)


__all__ = [
    "AsyncAttrs",
    "AsyncSession",
    "AsyncSessionTransaction",
    "async_object_session",
    "async_session",
    "async_sessionmaker",
    "close_all_sessions",
]
