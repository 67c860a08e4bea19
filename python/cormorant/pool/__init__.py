"""Connection pools. The waiting, counting, recycling and pre-ping happen in
the native pool; this layer adds the Python event hooks, and for an async
engine waits for a free connection on the event loop rather than the thread."""

from __future__ import annotations

import asyncio
import collections
import enum
import logging
import time
from collections.abc import Callable
from typing import Any

from .. import _native
from ..engine.errors import translate
from ..engine.interfaces import AdaptedConnection
from ..event import POOL_EVENTS, Dispatch, EventTarget
from ..exc import DisconnectionError, InvalidRequestError, TimeoutError
from ..util.concurrency import await_only, require_greenlet, wake

# Checkouts tried when checkout listeners report a disconnect, as SQLAlchemy tries.
_CHECKOUT_ATTEMPTS = 2


class ResetStyle(enum.Enum):
    """What the pool does to a connection given back inside a transaction
    (create_engine(pool_reset_on_return=...)); the native pool rolls back."""

    reset_rollback = 0
    reset_commit = 1
    reset_none = 2


reset_rollback, reset_commit, reset_none = (
    ResetStyle.reset_rollback,
    ResetStyle.reset_commit,
    ResetStyle.reset_none,
)


class PoolResetState:
    """What a `reset` listener receives about a connection being given back:
    whether its transaction was already ended by its Connection
    (transaction_was_reset), and whether it is being discarded rather than
    pooled (terminate_only)."""

    __slots__ = ("transaction_was_reset", "terminate_only", "asyncio_safe")

    def __init__(self, transaction_was_reset: bool, terminate_only: bool, asyncio_safe: bool) -> None:
        self.transaction_was_reset = transaction_was_reset
        self.terminate_only = terminate_only
        self.asyncio_safe = asyncio_safe

    def __repr__(self) -> str:
        return (
            f"PoolResetState(transaction_was_reset={self.transaction_was_reset}, "
            f"terminate_only={self.terminate_only}, asyncio_safe={self.asyncio_safe})"
        )


class ManagesConnection:
    """A pooled connection's handle: its `info` dictionary, shared by every
    checkout of the same database connection."""

    info: dict[str, Any]


class ConnectionPoolEntry(ManagesConnection):
    """The pool's record of one database connection, as pool listeners
    receive it (`connection_record`)."""


class ConnectionRecord(ConnectionPoolEntry):
    """What pool event listeners receive as `connection_record`."""

    __slots__ = ("id", "info")

    def __init__(self, lease_id: int) -> None:
        self.id = lease_id
        self.info: dict[str, Any] = {}


class PoolProxiedConnection(ManagesConnection):
    """A checked-out pooled connection with a DB-API face: what
    engine.raw_connection() returns and pool listeners receive."""


class DBAPIConnection(PoolProxiedConnection, AdaptedConnection):
    """A minimal DB-API view of a pooled connection, for event listeners
    (for example to run `PRAGMA foreign_keys=ON` on connect). One from
    engine.raw_connection() goes back to its pool on close()."""

    def __init__(
        self,
        lease: Any,
        cooperative: bool = False,
        pool: Pool | None = None,
        record: ConnectionRecord | None = None,
    ) -> None:
        self._lease = lease
        self._cooperative = cooperative  # an async engine's: I/O only inside an awaited call
        self._pool = pool  # the pool close() returns the connection to (raw_connection())
        self._entry = record

    @property
    def info(self) -> dict[str, Any]:  # type: ignore[override]
        """The pool record's info: kept with the database connection while it is pooled."""
        if self._entry is None:
            self._entry = ConnectionRecord(self._lease.id)
        return self._entry.info

    @property
    def record_info(self) -> dict[str, Any]:
        """The same dictionary as `info`: a pooled connection's record lives as long as it."""
        return self.info

    @property
    def _connection(self) -> Any:
        return self._lease

    @property
    def dbapi_connection(self) -> DBAPIConnection:
        return self

    @property
    def is_valid(self) -> bool:
        return self._lease is not None and not self._lease.invalidated

    def invalidate(self, e: BaseException | None = None, soft: bool = False) -> None:
        if self._lease is not None:
            self._lease.invalidate()

    def cursor(self) -> DBAPICursor:
        return DBAPICursor(self._lease, self._cooperative)

    def commit(self) -> None:
        if self._lease.in_transaction():
            if self._cooperative:
                require_greenlet()
            self._lease.commit()

    def rollback(self) -> None:
        if self._lease.in_transaction():
            if self._cooperative:
                require_greenlet()
            self._lease.rollback()

    def execute(self, sql: str, params: Any = ()) -> DBAPICursor:
        cursor = self.cursor()
        cursor.execute(sql, params)
        return cursor

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.release(self._lease)  # which rolls back a transaction left open


class DBAPICursor:
    def __init__(self, lease: Any, cooperative: bool = False) -> None:
        self._lease = lease
        self._cooperative = cooperative
        self._rows: list[tuple[Any, ...]] = []
        self.rowcount = -1
        self.description: list[tuple[Any, ...]] | None = None

    def execute(self, sql: str, params: Any = ()) -> DBAPICursor:
        if self._cooperative:
            require_greenlet()  # refused before anything is sent
        try:
            cursor = self._lease.execute(sql, list(params))
            names = cursor.column_names
            if names:
                keys = _native.RowKeys(names)
                plan = _native.ResultPlan([_native.CONVERT_RAW] * len(names), list(range(len(names))), keys)
                self._rows = [tuple(r) for r in _native.fetch_all(cursor, plan, None, None)]
                self.description = [(n, None, None, None, None, None, None) for n in names]
            self.rowcount = cursor.rowcount
            cursor.close()
        except _native.Error as e:
            raise translate(e, sql, params) from e
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def close(self) -> None:
        self._rows = []


class Pool(EventTarget):
    """Base pool: hands out native leases and fires connect/checkout/checkin events."""

    _kind = "queue"

    def __init__(
        self,
        connector: Any,
        pool_size: int = 5,
        max_overflow: int = 10,
        timeout: float = 30.0,
        recycle: float = -1,
        pre_ping: bool = False,
        echo: bool | str = False,
        cooperative: bool = False,
        logging_name: str | None = None,
        use_lifo: bool = False,
        **_: Any,
    ) -> None:
        self._connector = connector
        self._size = pool_size
        self._max_overflow = max_overflow
        self._timeout = timeout
        self._recycle = recycle
        self._pre_ping = pre_ping
        # An async engine's pool: checkouts wait on the event loop (the native
        # pool is asked without waiting, then again after each checkin).
        self.cooperative = cooperative
        native_timeout = 0.0 if cooperative else timeout
        self._use_lifo = use_lifo
        self._native = _native.Pool(
            connector,
            self._kind,
            pool_size,
            max_overflow,
            native_timeout,
            recycle,
            pre_ping,
            **({"lifo": True} if use_lifo else {}),  # a QueuePool's idle connections, newest first
        )
        self.dispatch = Dispatch(POOL_EVENTS)
        self._records: dict[int, ConnectionRecord] = {}
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._fresh_setup: list[Callable[[Any], None]] = []  # run on each new connection
        self._echo = echo
        self.logging_name = logging_name
        self.logger = logging.getLogger(
            f"cormorant.pool.impl.{type(self).__name__}" + (f".{logging_name}" if logging_name else "")
        )
        if echo:
            _show_log(self.logger, echo)

    def on_fresh_connection(self, setup: Callable[[Any], None]) -> None:
        """Runs `setup(lease)` on each connection this pool opens, before its
        first checkout is handed out (an engine's isolation level)."""
        self._fresh_setup.append(setup)

    def _set_up_fresh(self, lease: Any) -> None:
        try:
            for setup in self._fresh_setup:
                setup(lease)
        except BaseException:
            lease.invalidate()
            self.release(lease)
            raise

    def proxied(self, lease: Any) -> DBAPIConnection:
        """The DB-API view of `lease` that listeners receive."""
        return DBAPIConnection(lease, self.cooperative, record=self._record(lease))

    def _record(self, lease: Any) -> ConnectionRecord:
        record = self._records.get(lease.id)
        if record is None:
            record = self._records[lease.id] = ConnectionRecord(lease.id)
        return record

    def lease(self) -> Any:
        """A native connection lease for an engine Connection (firing connect
        and checkout); hand it back with release(). A checkout listener
        raising DisconnectionError has the connection replaced (and with
        InvalidatePoolError every older one invalidated), as in SQLAlchemy."""
        lease = self._checkout()
        if lease.fresh or self._echo or self.dispatch.listening:
            return self._prepared(lease)
        return lease

    def _prepared(self, lease: Any) -> Any:
        """lease() for a new connection, an echoing pool or one with listeners."""
        for attempt in range(1, _CHECKOUT_ATTEMPTS + 1):
            if lease.fresh:
                if self._fresh_setup:
                    self._set_up_fresh(lease)
                if self.dispatch.has("connect"):
                    self.dispatch.fire("connect", self.proxied(lease), self._record(lease))
            if self._echo:
                self.logger.debug("Connection %s checked out from pool", lease.id)
            if not self.dispatch.has("checkout"):
                return lease
            try:
                self.dispatch.fire("checkout", self.proxied(lease), self._record(lease), lease)
                return lease
            except DisconnectionError as e:
                self._discard(lease, invalidate_pool=getattr(e, "invalidate_pool", False))
            if attempt < _CHECKOUT_ATTEMPTS:
                lease = self._checkout()
        raise InvalidRequestError("This connection is closed")

    def _announce_return(self, lease: Any) -> None:
        """release()'s echo line and reset / checkin events."""
        if self._echo:
            self.logger.debug("Connection %s being returned to pool", lease.id)
        if self.dispatch.has("reset"):
            state = PoolResetState(not lease.in_transaction(), lease.invalidated, True)
            self.dispatch.fire("reset", self.proxied(lease), self._record(lease), state)
        if self.dispatch.has("checkin"):
            self.dispatch.fire("checkin", self.proxied(lease), self._record(lease))

    def _checkout(self) -> Any:
        if self.cooperative:
            return self._checkout_on_loop()
        try:
            return self._native.checkout()
        except _native.Error as e:
            raise translate(e) from e

    def _discard(self, lease: Any, invalidate_pool: bool) -> None:
        """Closes a connection a checkout listener found disconnected."""
        lease.invalidate()
        self._records.pop(lease.id, None)
        self._native.checkin(lease)
        if invalidate_pool:
            self.invalidate_older()

    def _checkout_on_loop(self) -> Any:
        """A lease, waiting up to the pool timeout for a checkin on the event loop."""
        require_greenlet()
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                return self._native.checkout()
            except _native.Error as e:
                if e.kind != "pool_timeout":
                    raise translate(e) from e
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"QueuePool limit of size {self._size} overflow {self._max_overflow} reached, "
                    f"connection timed out, timeout {self._timeout:.2f}"
                )
            # A checkin wakes one waiter; the timer covers connections returned
            # by other means (garbage collection, another thread).
            await_only(self._next_checkin(min(remaining, 0.05)))

    async def _next_checkin(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(timeout, wake, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if not waiter.done():
                waiter.cancel()

    def _wake_one_waiter(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            try:
                waiter.get_loop().call_soon_threadsafe(wake, waiter)
                return
            except RuntimeError:  # its event loop has closed
                continue

    def release(self, lease: Any) -> None:
        """Returns a lease from lease() to the pool (firing checkin)."""
        if self._echo or self.dispatch.listening:
            self._announce_return(lease)
        if lease.invalidated:
            self._records.pop(lease.id, None)
        try:
            self._native.checkin(lease)
        except _native.Error as e:
            raise translate(e) from e
        finally:
            if self._waiters:
                self._wake_one_waiter()

    def connect(self) -> Any:
        return self.lease()

    def dispose(self) -> None:
        self._native.dispose()
        self._records.clear()

    def invalidate_older(self) -> None:
        """Invalidates every connection opened until now, after one was found
        dead: idle ones close at once, checked-out ones when they come back
        (SQLAlchemy's pool-wide invalidation on a disconnect)."""
        self._native.dispose()

    def recreate(self) -> Pool:
        pool = type(self)(
            self._connector,
            self._size,
            self._max_overflow,
            self._timeout,
            self._recycle,
            self._pre_ping,
            echo=self._echo,
            cooperative=self.cooperative,
            logging_name=self.logging_name,
            use_lifo=self._use_lifo,
        )
        pool._fresh_setup = list(self._fresh_setup)
        return pool

    def checkedout(self) -> int:
        return self._native.checked_out()

    def checkedin(self) -> int:
        return self._native.idle()

    def overflow(self) -> int:
        return self._native.overflow()

    def size(self) -> int:
        return self._size

    def timeout(self) -> float:
        return self._timeout

    def status(self) -> str:
        return (
            f"Pool size: {self.size()}  Connections in pool: {self.checkedin()} "
            f"Current Overflow: {self.overflow()} Current Checked out connections: {self.checkedout()}"
        )


def _show_log(logger: logging.Logger, echo: bool | str) -> None:
    """echo_pool=True logs the pool's checkouts and checkins (and "debug" as
    much) to stderr, as SQLAlchemy's echo_pool does."""
    logger.setLevel(logging.DEBUG)
    base = logging.getLogger("cormorant.pool")
    if not base.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        base.addHandler(handler)


class QueuePool(Pool):
    """Keeps up to pool_size connections, opens up to max_overflow more, waits up to timeout."""

    _kind = "queue"


class StaticPool(Pool):
    """Exactly one connection, shared by every checkout (an in-memory SQLite database)."""

    _kind = "static"


class NullPool(Pool):
    """Opens a connection per checkout and closes it at checkin."""

    _kind = "null"


class AssertionPool(Pool):
    """One connection, checked out by one user at a time: a second checkout
    while it is out raises AssertionError (to catch code that holds two)."""

    _kind = "static"

    def _checkout(self) -> Any:
        if self._native.checked_out() > 0:
            raise AssertionError("connection is already checked out")
        return super()._checkout()


SingletonThreadPool = StaticPool
AsyncAdaptedQueuePool = QueuePool


class FallbackAsyncAdaptedQueuePool(AsyncAdaptedQueuePool):
    """The QueuePool of an async engine (SQLAlchemy's choice for some asyncio drivers)."""


__all__ = [
    "Pool",
    "QueuePool",
    "StaticPool",
    "NullPool",
    "SingletonThreadPool",
    "AsyncAdaptedQueuePool",
    "AssertionPool",
    "FallbackAsyncAdaptedQueuePool",
    "ConnectionPoolEntry",
    "ManagesConnection",
    "PoolProxiedConnection",
    "PoolResetState",
    "ResetStyle",
    "reset_commit",
    "reset_none",
    "reset_rollback",
]
