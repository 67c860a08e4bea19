"""async_scoped_session: one AsyncSession per scope (for example per asyncio
task, with scopefunc=asyncio.current_task), reached through a registry
shared with the ORM's scoped_session."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from ...exc import InvalidRequestError
from ...orm.scoping import ScopedSessionRegistry
from .session import AsyncSession, async_sessionmaker

_S = TypeVar("_S", bound=AsyncSession)


class async_scoped_session(ScopedSessionRegistry[_S]):
    """A registry of AsyncSessions keyed by `scopefunc()`; calling it, or using
    an AsyncSession method on it, reaches the current scope's session."""

    def __init__(self, session_factory: async_sessionmaker[_S], scopefunc: Callable[[], Hashable]) -> None:
        if scopefunc is None:
            raise InvalidRequestError("async_scoped_session needs a scopefunc, such as asyncio.current_task")
        self._set_registry(session_factory, scopefunc)

    def registry_has(self) -> bool:
        return self.registry.has()

    async def remove(self) -> None:
        """Closes the current scope's session and forgets it."""
        if self.registry.has():
            await self.registry().close()
        self.registry.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self(), name)
