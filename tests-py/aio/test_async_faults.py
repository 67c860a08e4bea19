"""A PostgreSQL backend killed during an async transaction (issue 14): a clear
error naming the server's reason, the pool heals, and the next session works."""

import asyncio

import pytest
from cormorant import exc, text
from cormorant.ext.asyncio import AsyncSession, create_async_engine


@pytest.mark.postgresql_only
def test_a_killed_backend_fails_once_and_the_pool_heals(async_url, backend):
    async def main():
        engine = create_async_engine(async_url, pool_size=2, pool_pre_ping=False)
        killer = create_async_engine(async_url)
        try:
            async with AsyncSession(engine) as session:
                pid = await session.scalar(text("SELECT pg_backend_pid()"))
                async with killer.connect() as conn:
                    await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                with pytest.raises(exc.OperationalError) as info:
                    await session.execute(text("SELECT 1"))
                await session.rollback()
            async with AsyncSession(engine) as session:
                again = await session.scalar(text("SELECT 2"))
            return info.value, again, engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()
            await killer.dispose()

    error, again, checked_out = asyncio.run(main())
    assert error.connection_invalidated
    assert "terminating connection due to administrator command" in str(error)
    assert again == 2
    assert checked_out == 0
