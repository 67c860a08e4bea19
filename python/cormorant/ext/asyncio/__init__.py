"""The asyncio API, as sqlalchemy.ext.asyncio: create_async_engine,
AsyncEngine, AsyncConnection, AsyncSession, async_sessionmaker, AsyncAttrs.

It drives the same native engine and the same ORM as the synchronous API;
waits for the database go through the running event loop (see
cormorant.util.concurrency)."""

from .engine import (
    AsyncConnection,
    AsyncEngine,
    AsyncTransaction,
    async_engine_from_config,
    create_async_engine,
    create_async_pool_from_url,
)
from .result import AsyncMappingResult, AsyncResult, AsyncScalarResult, AsyncTupleResult
from .scoping import async_scoped_session
from .session import (
    AsyncAttrs,
    AsyncSession,
    AsyncSessionTransaction,
    async_object_session,
    async_session,
    async_sessionmaker,
    close_all_sessions,
)

__all__ = [
    "AsyncAttrs",
    "AsyncConnection",
    "AsyncEngine",
    "AsyncMappingResult",
    "AsyncResult",
    "AsyncScalarResult",
    "AsyncSession",
    "AsyncSessionTransaction",
    "AsyncTransaction",
    "AsyncTupleResult",
    "async_engine_from_config",
    "async_object_session",
    "async_scoped_session",
    "async_session",
    "async_sessionmaker",
    "close_all_sessions",
    "create_async_engine",
    "create_async_pool_from_url",
]
