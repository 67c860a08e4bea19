"""A task cancelled mid-query (issue 14): the statement stops, the
connection is dropped or rolled back (never pooled mid-transaction), nothing
it did is committed, and the next session works."""

import asyncio
import time

import pytest
from cormorant import Column, Integer, MetaData, Table, func, insert, select, text
from cormorant.ext.asyncio import AsyncSession, create_async_engine

metadata = MetaData()
items = Table("items", metadata, Column("id", Integer, primary_key=True))


async def prepared_engine(async_url):
    engine = create_async_engine(async_url, pool_size=2)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return engine


async def cancel_mid_statement(engine, slow_statement, params=None):
    """Inserts a row, then runs `slow_statement` in the same transaction and
    cancels the task 0.2 s in; returns how long the cancellation took."""
    started = asyncio.Event()

    async def work():
        async with AsyncSession(engine) as session:
            await session.execute(insert(items), [{"id": 1}])
            started.set()
            await session.execute(slow_statement, params)
            await session.commit()

    task = asyncio.ensure_future(work())
    await started.wait()
    await asyncio.sleep(0.2)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return time.monotonic() - cancelled_at


async def after_cancellation(engine):
    async with AsyncSession(engine) as session:
        return await session.scalar(select(func.count()).select_from(items))


@pytest.mark.postgresql_only
def test_cancelling_a_pg_query_stops_it_and_rolls_back(async_url, backend):
    async def main():
        engine = await prepared_engine(async_url)
        try:
            took = await cancel_mid_statement(engine, text("SELECT pg_sleep(5)"))
            count = await after_cancellation(engine)
            async with engine.connect() as conn:
                running = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)' AND state = 'active'"
                    )
                )
            return took, count, running, engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    took, count, running, checked_out = asyncio.run(main())
    assert took < 1.0
    assert count == 0  # the insert before the cancelled statement was not committed
    assert running == 0  # the server stopped the statement too
    assert checked_out == 0


SLOW_SQLITE = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT sum(i) FROM n"
)


@pytest.mark.sqlite_only
def test_cancelling_a_sqlite_statement_interrupts_it_and_rolls_back(async_url, backend):
    async def main():
        engine = await prepared_engine(async_url)
        try:
            took = await cancel_mid_statement(engine, SLOW_SQLITE)
            count = await after_cancellation(engine)
            return took, count, engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    took, count, checked_out = asyncio.run(main())
    assert took < 1.0
    assert count == 0
    assert checked_out == 0


def test_wait_for_timeout_leaves_the_pool_usable(async_url):
    """asyncio.wait_for() cancelling a slow session is the everyday form of the above."""
    slow = text("SELECT pg_sleep(3)") if async_url.startswith("postgresql") else SLOW_SQLITE

    async def main():
        engine = await prepared_engine(async_url)
        try:

            async def slow_session():
                async with AsyncSession(engine) as session:
                    await session.execute(slow)

            for _ in range(3):  # more times than the pool has connections
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(slow_session(), 0.2)
            return await after_cancellation(engine), engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    assert asyncio.run(main()) == (0, 0)
