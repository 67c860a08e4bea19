"""create_engine(): URL + options → Engine with the right native driver and pool."""

from __future__ import annotations

from typing import Any

from .. import _native
from ..exc import ArgumentError
from ..pool import Pool, QueuePool, StaticPool
from ..util.concurrency import LOOP_SCHEDULER
from .base import Engine
from .url import URL, connect_timeout, is_memory_sqlite, make_url, sqlite_path

_POOL_OPTIONS = {"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_pre_ping"}
_IGNORED = {
    "future",
    "pool_use_lifo",
    "pool_reset_on_return",
    "echo_pool",
    "hide_parameters",
    "query_cache_size",
    "execution_options",
    "isolation_level",
    "json_serializer",
    "json_deserializer",
    "insertmanyvalues_page_size",
    "logging_name",
    "pool_logging_name",
    "plugins",
    "paramstyle",
    "implicit_returning",
}
_PG_CONNECT_TIMEOUT = 5.0  # seconds; libpq's own default is to wait forever
_SQLITE_CONNECT_ARGS = {
    "check_same_thread",
    "timeout",
    "uri",
    "isolation_level",
    "detect_types",
    "cached_statements",
}


# Driver names that only exist as asyncio drivers, and those only used synchronously.
ASYNC_DRIVERS = {"aiosqlite", "asyncpg", "psycopg_async"}
_SYNC_ONLY_DRIVERS = {None, "pysqlite", "psycopg2", "pg8000"}


def create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for `url`; accepts SQLAlchemy's pool and engine options."""
    parsed = make_url(url)
    if parsed.driver in ASYNC_DRIVERS:
        raise ArgumentError(
            f"The URL {parsed} names the asyncio driver '{parsed.driver}', which create_engine() "
            "cannot use; call cormorant.ext.asyncio.create_async_engine(), or name a sync driver "
            f"('{parsed.backend}://')"
        )
    return build_engine(parsed, kwargs, cooperative=False)


def check_async_driver(url: URL) -> None:
    """Refuses, for create_async_engine(), a URL whose driver is synchronous only."""
    if url.driver in _SYNC_ONLY_DRIVERS:
        raise ArgumentError(
            f"The asyncio extension requires an async driver to be used; the URL {url} names the "
            f"synchronous driver '{url.driver or 'default'}'. Use "
            + (
                "'sqlite+aiosqlite://'"
                if url.backend == "sqlite"
                else "'postgresql+asyncpg://' or '+psycopg'"
            )
        )


def build_engine(parsed: URL, kwargs: dict[str, Any], cooperative: bool) -> Engine:
    """The Engine for create_engine() and, with `cooperative` (waits through
    the event loop), for create_async_engine()'s sync_engine."""
    unknown = set(kwargs) - _POOL_OPTIONS - _IGNORED - {"echo", "poolclass", "connect_args", "pool"}
    if unknown:
        raise ArgumentError(
            f"Invalid argument(s) {', '.join(repr(k) for k in sorted(unknown))} sent to create_engine()"
        )
    connect_args = dict(kwargs.get("connect_args") or {})
    scheduler = LOOP_SCHEDULER if cooperative else None
    if parsed.backend == "sqlite":
        connector, default_pool = _sqlite_connector(parsed, connect_args, scheduler)
    else:
        connector, default_pool = _postgres_connector(parsed, connect_args, scheduler), QueuePool
    pool = kwargs.get("pool") or _make_pool(
        kwargs.get("poolclass") or default_pool, connector, kwargs, cooperative
    )
    if pool.cooperative != cooperative:
        kind = "an async" if pool.cooperative else "a sync"
        raise ArgumentError(f"pool= was made for {kind} engine; pass pool options instead")
    return Engine(parsed, pool, parsed.backend, echo=kwargs.get("echo", False))


def _sqlite_connector(url: URL, connect_args: dict[str, Any], scheduler: Any) -> tuple[Any, type[Pool]]:
    unknown = set(connect_args) - _SQLITE_CONNECT_ARGS
    if unknown:
        raise ArgumentError(f"Unsupported SQLite connect_args: {', '.join(sorted(unknown))}")
    connector = _native.sqlite_connector(
        sqlite_path(url, connect_args), connect_timeout(connect_args, url=url), scheduler
    )
    return connector, StaticPool if is_memory_sqlite(url) else QueuePool


def _postgres_connector(url: URL, connect_args: dict[str, Any], scheduler: Any) -> Any:
    """libpq parameters from the URL, its query string and connect_args (which win)."""
    parameters = {**url.query, **{k: str(v) for k, v in connect_args.items()}}
    timeout = float(parameters.pop("connect_timeout", _PG_CONNECT_TIMEOUT))
    for key in ("host", "port", "user", "password", "dbname"):
        if key in parameters:
            raise ArgumentError(f"give the PostgreSQL {key} in the URL, not as a connect argument ({url})")
    options = _native.PostgresOptions(
        host=url.host or "localhost",
        port=url.port or 5432,
        user=url.username or "",
        password=url.password or "",
        dbname=url.database or "",
        connect_timeout=timeout,
        parameters=parameters,
    )
    return _native.postgres_connector(options, scheduler)


def _make_pool(poolclass: type[Pool], connector: Any, kwargs: dict[str, Any], cooperative: bool) -> Pool:
    if not (isinstance(poolclass, type) and issubclass(poolclass, Pool)):
        raise ArgumentError(f"poolclass must be one of cormorant.pool's classes, not {poolclass!r}")
    return poolclass(
        connector,
        pool_size=kwargs.get("pool_size", 5),
        max_overflow=kwargs.get("max_overflow", 10),
        timeout=kwargs.get("pool_timeout", 30.0),
        recycle=kwargs.get("pool_recycle", -1),
        pre_ping=kwargs.get("pool_pre_ping", False),
        cooperative=cooperative,
    )
