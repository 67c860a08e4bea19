"""The bridge between asyncio and the synchronous engine and ORM.

The async API (cormorant.ext.asyncio) runs each awaited call's synchronous
code in a greenlet (greenlet_spawn). Where that code must wait for the
database, the native driver calls back into await_only(), which switches to
the task's coroutine and awaits there: the event loop runs other tasks until
the socket is ready, then switches back. One ORM, one unit of work, no thread
per query. This is SQLAlchemy's design, on the same well-kept library.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import greenlet

from .. import _native
from ..exc import MissingGreenlet

_T = TypeVar("_T")


class _BridgeGreenlet(greenlet.greenlet):  # type: ignore[misc]
    """Runs one awaited call's synchronous code. Its parent is the greenlet of
    the coroutine awaiting it, to which await_only() hands its awaitables."""

    __slots__ = ("used_connection",)  # whether the call went to the database


def in_greenlet() -> bool:
    """True inside greenlet_spawn(): database I/O may wait for the event loop here."""
    return isinstance(greenlet.getcurrent(), _BridgeGreenlet)


NOT_AWAITED = (
    "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an "
    "unexpected place? An async engine's connection can only be used inside an awaited call: "
    "await the AsyncSession/AsyncConnection method, load relationships with selectinload() or "
    "read them with `await obj.awaitable_attrs.<name>`, and call synchronous helpers through run_sync()"
)


def require_greenlet() -> None:
    """Raises MissingGreenlet outside greenlet_spawn(): an async engine's
    connection is refused I/O there before anything is sent. Inside, notes
    that the awaited call uses the connection."""
    current = greenlet.getcurrent()
    if not isinstance(current, _BridgeGreenlet):
        raise MissingGreenlet(NOT_AWAITED)
    current.used_connection = True


def await_only(awaitable: Awaitable[_T]) -> _T:
    """Awaits `awaitable` from synchronous code running under greenlet_spawn()."""
    current = greenlet.getcurrent()
    if not isinstance(current, _BridgeGreenlet):
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        raise MissingGreenlet(NOT_AWAITED)
    result: _T = current.parent.switch(awaitable)
    return result


async def greenlet_spawn(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Runs `fn(*args, **kwargs)` in a greenlet, awaiting whatever it hands to await_only()."""
    context = _BridgeGreenlet(fn, greenlet.getcurrent())
    context.used_connection = False
    result = context.switch(*args, **kwargs)
    if context.dead:
        # Done without waiting. If it went to the database (SQLite, which
        # never waits on a socket) it still gives the event loop one turn, as
        # a driver's round trip would, so a task awaiting many quick queries
        # never starves the others; an identity-map hit costs no turn.
        if context.used_connection:
            await asyncio.sleep(0)
        return result  # type: ignore[no-any-return]
    while not context.dead:
        try:
            value = await result
        except BaseException:
            result = context.throw(*sys.exc_info())
        else:
            result = context.switch(value)
    return result  # type: ignore[no-any-return]


def wake(future: asyncio.Future[None]) -> None:
    """Resolves `future` unless it is already done (a callback for loop events and timers)."""
    if not future.done():
        future.set_result(None)


def _wait_socket(fd: int, write: bool) -> None:
    """The native driver's socket wait: suspends this greenlet until `fd` is
    readable (or writable), the event loop running other tasks meanwhile."""
    require_greenlet()
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    loop.add_reader(fd, wake, ready)
    if write:
        loop.add_writer(fd, wake, ready)
    try:
        await_only(ready)
    finally:
        loop.remove_reader(fd)
        if write:
            loop.remove_writer(fd)


def _pause(seconds: float) -> None:
    """Gives the event loop `seconds` (0: one turn). Outside a greenlet there
    is no loop to give them to, and the thread sleeps as a sync driver would."""
    if in_greenlet():
        await_only(asyncio.sleep(seconds))
    elif seconds > 0:
        time.sleep(seconds)


# The native Scheduler of every connection an async engine opens.
LOOP_SCHEDULER = _native.LoopScheduler(_wait_socket, _pause)
