"""async_scoped_session: one AsyncSession per scope (for example per asyncio
task, with scopefunc=asyncio.current_task), reached through a registry."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from ...exc import InvalidRequestError
from .session import AsyncSession, async_sessionmaker

_S = TypeVar("_S", bound=AsyncSession)


class async_scoped_session(Generic[_S]):
    """A registry of AsyncSessions keyed by `scopefunc()`; calling it, or using
    an AsyncSession method on it, reaches the current scope's session."""

    def __init__(self, session_factory: async_sessionmaker[_S], scopefunc: Callable[[], Hashable]) -> None:
        if scopefunc is None:
            raise InvalidRequestError("async_scoped_session needs a scopefunc, such as asyncio.current_task")
        self.session_factory = session_factory
        self._scopefunc = scopefunc
        self._sessions: dict[Hashable, _S] = {}

    def __call__(self, **kw: Any) -> _S:
        scope = self._scopefunc()
        session = self._sessions.get(scope)
        if session is not None:
            if kw:
                raise InvalidRequestError(
                    "Scoped session is already present; no new arguments may be specified."
                )
            return session
        session = self._sessions[scope] = self.session_factory(**kw)
        return session

    def registry_has(self) -> bool:
        return self._scopefunc() in self._sessions

    def configure(self, **kw: Any) -> None:
        if self.registry_has():
            raise InvalidRequestError(
                "the current scope already has a session; configure() would not reach it"
            )
        self.session_factory.configure(**kw)

    async def remove(self) -> None:
        """Closes the current scope's session and forgets it."""
        session = self._sessions.pop(self._scopefunc(), None)
        if session is not None:
            await session.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self(), name)
