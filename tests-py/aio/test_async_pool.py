"""The pool under asyncio (issue 14): a checkout waits on the event loop, up
to pool_timeout, and every connection comes back."""

import asyncio
import time

import pytest
from cormorant import exc, select, text
from cormorant.ext.asyncio import async_sessionmaker, create_async_engine


def test_200_sessions_on_a_pool_of_ten_succeed_or_time_out(async_url):
    """Each session holds its connection 0.2 s; with pool_timeout=1 some wait
    their turn, some time out after about a second, none hangs."""

    async def one(sessions):
        started = time.monotonic()
        try:
            async with sessions() as session, session.begin():
                await session.execute(select(1))
                await asyncio.sleep(0.2)
            return "ok", time.monotonic() - started
        except exc.TimeoutError:
            return "timeout", time.monotonic() - started

    async def main():
        engine = create_async_engine(async_url, pool_size=5, max_overflow=5, pool_timeout=1)
        try:
            sessions = async_sessionmaker(engine)
            outcomes = await asyncio.wait_for(asyncio.gather(*(one(sessions) for _ in range(200))), 30)
            return outcomes, engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    outcomes, checked_out = asyncio.run(main())
    kinds = [kind for kind, _ in outcomes]
    assert kinds.count("ok") >= 40  # ten connections, 0.2 s each, for about a second
    assert kinds.count("timeout") > 0
    assert all(0.9 <= elapsed < 2.5 for kind, elapsed in outcomes if kind == "timeout")
    assert checked_out == 0


def test_the_timeout_names_the_pool_limits(async_url):
    async def main():
        engine = create_async_engine(async_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
        try:
            async with engine.connect() as held:
                await held.execute(text("SELECT 1"))
                started = time.monotonic()
                with pytest.raises(exc.TimeoutError) as info:
                    async with engine.connect() as second:
                        await second.execute(text("SELECT 1"))
                return str(info.value), time.monotonic() - started
        finally:
            await engine.dispose()

    message, elapsed = asyncio.run(main())
    assert "QueuePool limit of size 1 overflow 0 reached" in message and "timeout 0.20" in message
    assert 0.15 <= elapsed < 1.5


def test_an_engine_serves_several_event_loops_in_turn(async_url):
    """Pooled connections keep no loop state between waits, so an engine made
    in one asyncio.run() keeps working in the next (asyncpg would refuse)."""
    engine = create_async_engine(async_url)

    async def query():
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT 41 + 1"))).scalar()

    try:
        assert asyncio.run(query()) == 42
        assert asyncio.run(query()) == 42
        assert engine.sync_engine.pool.checkedout() == 0
    finally:
        asyncio.run(engine.dispose())
