"""AsyncEngine, AsyncConnection and AsyncTransaction: the asyncio face of
Engine, Connection and Transaction.

Each awaited method runs the synchronous method in a greenlet
(util.concurrency.greenlet_spawn); the native driver's waits are awaited on
the running event loop, so nothing here blocks it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

from ...engine.base import Connection, Engine, NestedTransaction, Transaction
from ...engine.create import build_engine, check_async_driver, config_options
from ...engine.result import Result
from ...engine.url import URL, make_url
from ...exc import ArgumentError, InvalidRequestError
from ...pool import Pool
from ...util.concurrency import greenlet_spawn
from .exc import AsyncContextAlreadyStarted, AsyncContextNotStarted
from .result import AsyncResult, AsyncScalarResult

if TYPE_CHECKING:
    from ...engine.base import _ExecuteParams

_T = TypeVar("_T")
_P = ParamSpec("_P")
_Started = TypeVar("_Started")

# Execution options of a streamed result: rows are read as they are consumed.
_STREAMING = {"stream_results": True}


def create_async_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An AsyncEngine for an async driver URL (sqlite+aiosqlite://,
    postgresql+asyncpg://, postgresql+psycopg://); takes create_engine()'s
    options. cormorant's native drivers serve these URLs; aiosqlite and
    asyncpg are never imported."""
    parsed = make_url(url)
    check_async_driver(parsed)
    return AsyncEngine(build_engine(parsed, kwargs, cooperative=True))


def async_engine_from_config(
    configuration: Mapping[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any
) -> AsyncEngine:
    """create_async_engine() from the `prefix`-ed keys of a configuration
    mapping (sqlalchemy.url, sqlalchemy.echo, ...), as engine_from_config() does."""
    url, options = config_options(configuration, prefix, kwargs)
    return create_async_engine(url, **options)


def create_async_pool_from_url(url: str | URL, **kwargs: Any) -> Pool:
    """The pool create_async_engine() would make for `url`, on its own."""
    pool: Pool = create_async_engine(url, **kwargs).sync_engine.pool
    return pool


class _StartableContext(Generic[_Started]):
    """What connect(), begin() and stream() return: await it, or use it with `async with`."""

    async def start(self) -> _Started:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, _Started]:
        return self.start().__await__()

    async def __aenter__(self) -> _Started:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        raise NotImplementedError


class _OneCallAtATime:
    """Runs each operation in a greenlet; a second one started meanwhile
    (another task sharing the object) is refused rather than interleaved on
    the connection."""

    _running = False

    async def _run(self, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        if self._running:
            name = type(self).__name__
            raise InvalidRequestError(
                f"This {name} is already running an operation; concurrent operations on one {name} "
                f"are not permitted (give each task its own {name})"
            )
        self._running = True
        try:
            return await greenlet_spawn(fn, *args, **kwargs)
        finally:
            self._running = False


def _open_stream(
    run: Callable[[dict[str, Any]], Awaitable[Result[Any]]], execution_options: Mapping[str, Any] | None
) -> _Streamed[AsyncResult[Any]]:
    """The stream() of AsyncConnection and AsyncSession: `run(options)` executes
    with stream_results added to the caller's execution options."""
    options = {**(execution_options or {}), **_STREAMING}

    async def open_stream() -> AsyncResult[Any]:
        return AsyncResult(await run(options))

    return _Streamed(open_stream)


class AsyncEngine:
    """An asyncio Engine: a pool of connections whose waits go through the event loop."""

    def __init__(self, sync_engine: Engine) -> None:
        if not sync_engine.dialect.is_async:
            raise ArgumentError(
                "AsyncEngine needs an engine made by create_async_engine(); this one blocks its thread"
            )
        self.sync_engine = sync_engine

    @property
    def url(self) -> URL:
        return self.sync_engine.url

    @property
    def pool(self) -> Pool:
        pool: Pool = self.sync_engine.pool
        return pool

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def name(self) -> str:
        return self.sync_engine.name

    @property
    def driver(self) -> str:
        driver: str = self.sync_engine.dialect.driver
        return driver

    @property
    def echo(self) -> bool | str:
        return self.sync_engine.echo

    @echo.setter
    def echo(self, value: bool | str) -> None:
        self.sync_engine.echo = value

    def connect(self) -> AsyncConnection:
        """An AsyncConnection; `async with engine.connect() as conn:` or `conn = await engine.connect()`."""
        return AsyncConnection(self)

    def begin(self) -> _EngineBegin:
        """`async with engine.begin() as conn:` commits at the end, or rolls back on error."""
        return _EngineBegin(self)

    async def dispose(self, close: bool = True) -> None:
        """Closes the pooled connections; new ones are opened on demand."""
        await greenlet_spawn(self.sync_engine.dispose, close)

    async def raw_connection(self) -> Any:
        return await greenlet_spawn(self.sync_engine.raw_connection)

    def execution_options(self, **options: Any) -> AsyncEngine:
        return AsyncEngine(self.sync_engine.execution_options(**options))

    def get_execution_options(self) -> dict[str, Any]:
        return self.sync_engine.get_execution_options()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AsyncEngine) and other.sync_engine is self.sync_engine

    def __hash__(self) -> int:
        return hash(self.sync_engine)

    def __repr__(self) -> str:
        return f"AsyncEngine({self.url})"


class _EngineBegin(_StartableContext["AsyncConnection"]):
    def __init__(self, engine: AsyncEngine) -> None:
        self._connection = engine.connect()
        self._transaction: AsyncTransaction | None = None

    async def start(self) -> AsyncConnection:
        await self._connection.start()
        self._transaction = await self._connection.begin()
        return self._connection

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._transaction is not None:
                await self._transaction.__aexit__(exc_type, exc, tb)
        finally:
            await self._connection.close()


class AsyncConnection(_OneCallAtATime, _StartableContext["AsyncConnection"]):
    """An asyncio Connection: one pooled connection, checked out by start()
    (`await`, or `async with`) and returned by close()."""

    def __init__(self, engine: AsyncEngine, sync_connection: Connection | None = None) -> None:
        self.engine = engine
        self.sync_engine = engine.sync_engine
        self._sync_connection = sync_connection

    async def start(self, is_ctxmanager: bool = False) -> AsyncConnection:
        if self._sync_connection is not None:
            raise AsyncContextAlreadyStarted("this AsyncConnection has already been started")
        self._sync_connection = await greenlet_spawn(self.sync_engine.connect)
        if self.sync_engine.dialect._default_isolation_level is None:  # read once per engine
            await greenlet_spawn(lambda: self._connection().default_isolation_level)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def sync_connection(self) -> Connection | None:
        return self._sync_connection

    def _connection(self) -> Connection:
        if self._sync_connection is None:
            raise AsyncContextNotStarted(
                "AsyncConnection context has not been started and object has not been awaited."
            )
        return self._sync_connection

    @property
    def closed(self) -> bool:
        return self._sync_connection is not None and self._sync_connection.closed

    @property
    def invalidated(self) -> bool:
        return self._sync_connection is not None and self._sync_connection.invalidated

    @property
    def dialect(self) -> Any:
        return self.sync_engine.dialect

    @property
    def info(self) -> dict[str, Any]:
        return self._connection().info

    # --- transactions ----------------------------------------------------------------

    def begin(self) -> AsyncTransaction:
        """A transaction: `async with conn.begin():` or `trans = await conn.begin()`."""
        self._connection()
        return AsyncTransaction(self)

    def begin_nested(self) -> AsyncTransaction:
        """A SAVEPOINT inside the current transaction."""
        self._connection()
        return AsyncTransaction(self, nested=True)

    def in_transaction(self) -> bool:
        return self._connection().in_transaction()

    def in_nested_transaction(self) -> bool:
        return self._connection().in_nested_transaction()

    def get_transaction(self) -> AsyncTransaction | None:
        transaction = self._connection().get_transaction()
        return None if transaction is None else AsyncTransaction._wrapping(self, transaction)

    async def commit(self) -> None:
        await self._run(self._connection().commit)

    async def rollback(self) -> None:
        await self._run(self._connection().rollback)

    async def close(self) -> None:
        """Rolls back anything uncommitted and returns the connection to the pool."""
        if self._sync_connection is not None:
            await self._run(self._sync_connection.close)

    async def aclose(self) -> None:
        await self.close()

    async def invalidate(self, exception: BaseException | None = None) -> None:
        await self._run(self._connection().invalidate, exception)

    async def get_raw_connection(self) -> Any:
        """The pooled DB-API-style connection under this AsyncConnection."""
        return await self._run(lambda: self._connection().connection)

    async def execution_options(self, **options: Any) -> AsyncConnection:
        await self._run(self._connection().execution_options, **options)
        return self

    def get_execution_options(self) -> dict[str, Any]:
        return self._connection().get_execution_options()

    async def get_isolation_level(self) -> str:
        """The isolation level in effect on the database connection (never AUTOCOMMIT)."""
        return await self._run(self._connection().get_isolation_level)

    @property
    def default_isolation_level(self) -> str | None:
        """The level of a newly opened connection (read when the first AsyncConnection started)."""
        return self._connection().default_isolation_level

    # --- statements ------------------------------------------------------------------

    async def execute(
        self,
        statement: Any,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Result[Any]:
        """Runs a statement; the Result is buffered, so reading it needs no await."""
        return await self._run(
            self._connection().execute, statement, parameters, execution_options=execution_options
        )

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Result[Any]:
        return await self._run(self._connection().exec_driver_sql, statement, parameters)

    async def scalar(
        self,
        statement: Any,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        result = await self.execute(statement, parameters, execution_options=execution_options)
        return result.scalar()

    async def scalars(
        self,
        statement: Any,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        result = await self.execute(statement, parameters, execution_options=execution_options)
        return result.scalars()

    def stream(
        self,
        statement: Any,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> _Streamed[AsyncResult[Any]]:
        """Runs a statement whose rows are read as they are consumed:
        `result = await conn.stream(...)` or `async with conn.stream(...) as result:`."""
        return _open_stream(
            lambda options: self._run(
                self._connection().execute, statement, parameters, execution_options=options
            ),
            execution_options,
        )

    def stream_scalars(
        self,
        statement: Any,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> _Streamed[AsyncScalarResult[Any]]:
        """stream(), yielding each row's first column."""
        return self.stream(statement, parameters, execution_options=execution_options).scalars()

    async def run_sync(
        self, fn: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """Calls `fn(sync_connection, *args, **kwargs)`, where synchronous code
        (metadata.create_all, inspection, ...) can use the connection as usual."""
        return await self._run(fn, self._connection(), *args, **kwargs)


class _Streamed(_StartableContext[_Started]):
    """A streamed result being opened: awaitable, or an `async with` that closes it."""

    def __init__(self, opener: Callable[[], Awaitable[_Started]]) -> None:
        self._opener = opener
        self._result: _Started | None = None

    async def start(self) -> _Started:
        self._result = await self._opener()
        return self._result

    def scalars(self: _Streamed[AsyncResult[Any]]) -> _Streamed[AsyncScalarResult[Any]]:
        """The same stream, yielding each row's first column (stream_scalars())."""

        async def open_scalars() -> AsyncScalarResult[Any]:
            return (await self.start()).scalars()

        return _Streamed(open_scalars)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._result is not None:
            await self._result.close()  # type: ignore[attr-defined]


class AsyncTransaction(_StartableContext["AsyncTransaction"]):
    """A transaction (or SAVEPOINT) of an AsyncConnection."""

    def __init__(self, connection: AsyncConnection, nested: bool = False) -> None:
        self.connection = connection
        self.nested = nested
        self.sync_transaction: Transaction | None = None

    @classmethod
    def _wrapping(cls, connection: AsyncConnection, transaction: Transaction) -> AsyncTransaction:
        made = cls(connection, nested=isinstance(transaction, NestedTransaction))
        made.sync_transaction = transaction
        return made

    async def start(self, is_ctxmanager: bool = False) -> AsyncTransaction:
        sync = self.connection._connection()
        begin = sync.begin_nested if self.nested else sync.begin
        self.sync_transaction = await self.connection._run(begin)
        return self

    def _transaction(self) -> Transaction:
        if self.sync_transaction is None:
            raise AsyncContextNotStarted(
                "AsyncTransaction context has not been started and object has not been awaited."
            )
        return self.sync_transaction

    @property
    def is_active(self) -> bool:
        return self.sync_transaction is not None and self.sync_transaction.is_active

    async def commit(self) -> None:
        await self.connection._run(self._transaction().commit)

    async def rollback(self) -> None:
        await self.connection._run(self._transaction().rollback)

    async def close(self) -> None:
        await self.connection._run(self._transaction().close)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        transaction = self._transaction()
        if not transaction.is_active:
            return
        if exc_type is None:
            await self.connection._run(transaction.commit)
        else:
            await self.connection._run(transaction.rollback)


__all__ = [
    "AsyncConnection",
    "AsyncEngine",
    "AsyncTransaction",
    "async_engine_from_config",
    "create_async_engine",
    "create_async_pool_from_url",
]
