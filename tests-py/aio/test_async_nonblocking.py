"""The event loop keeps running while the database works (issue 14):
PostgreSQL waits for its socket through the loop, and SQLite, which runs
statements inline, gives the loop a turn every millisecond of a long
statement and waits for a locked file through the loop."""

import asyncio
import time

import pytest
from cormorant import text
from cormorant.ext.asyncio import AsyncSession, create_async_engine


async def ticks_during(work, period=0.01):
    """How many times a coroutine sleeping `period` in a loop ran while `work` was awaited."""
    ticks = 0
    done = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(period)

    task = asyncio.ensure_future(ticker())
    try:
        result = await work
    finally:
        done.set()
        await task
    return ticks, result


def run(coro_fn, *args):
    return asyncio.run(coro_fn(*args))


@pytest.mark.postgresql_only
def test_pg_sleep_does_not_block_the_loop(async_url, backend):
    async def main():
        engine = create_async_engine(async_url)
        try:
            async with AsyncSession(engine) as session:
                await session.execute(text("SELECT 1"))  # connected beforehand
                started = time.monotonic()
                ticks, _ = await ticks_during(session.execute(text("SELECT pg_sleep(0.5)")))
                elapsed = time.monotonic() - started
        finally:
            await engine.dispose()
        return ticks, elapsed

    ticks, elapsed = run(main)
    assert elapsed >= 0.5
    assert ticks >= 30, f"the loop ran only {ticks} times in {elapsed:.2f}s"


# About half a second of SQLite work in one statement.
SLOW_SQLITE = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) SELECT sum(i) FROM n"
)


@pytest.mark.sqlite_only
def test_a_long_sqlite_statement_gives_the_loop_turns(async_url, backend):
    async def main():
        engine = create_async_engine(async_url)
        try:
            async with AsyncSession(engine) as session:
                started = time.monotonic()
                ticks, result = await ticks_during(session.scalar(SLOW_SQLITE, {"count": 3_000_000}))
                elapsed = time.monotonic() - started
        finally:
            await engine.dispose()
        return ticks, result, elapsed

    ticks, result, elapsed = run(main)
    assert result == 3_000_000 * 3_000_001 // 2
    # one tick per 10 ms the statement ran, less what the ticker itself loses
    assert ticks >= 0.6 * elapsed / 0.01, f"{ticks} ticks in {elapsed:.2f}s"


@pytest.mark.sqlite_only
def test_a_locked_sqlite_file_is_awaited_on_the_loop(async_url, backend):
    """A writer waiting for another task's write lock lets that task finish."""

    async def main():
        engine = create_async_engine(async_url, connect_args={"timeout": 5})
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)"))
            first_locked = asyncio.Event()

            async def holder():
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO t (who) VALUES ('holder')"))
                    first_locked.set()
                    await asyncio.sleep(0.3)  # keeps the write lock while the other task waits

            async def waiter():
                await first_locked.wait()
                started = time.monotonic()
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO t (who) VALUES ('waiter')"))
                return time.monotonic() - started

            _, waited = await asyncio.gather(holder(), waiter())
            async with engine.connect() as conn:
                rows = (await conn.execute(text("SELECT who FROM t ORDER BY id"))).scalars().all()
        finally:
            await engine.dispose()
        return waited, rows

    waited, rows = run(main)
    assert rows == ["holder", "waiter"]
    assert 0.2 <= waited < 3
