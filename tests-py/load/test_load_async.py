"""The async form of the load test (issue 13's last item, with issue 14's
API): 200 tasks on one event loop each run sessions of transfers between
accounts (SELECT ... FOR UPDATE, UPDATE, COMMIT) and reads, through a pool
of 5 + 5, retrying on deadlocks and "database is locked". Afterwards the
total is preserved, every balance equals its start plus the committed
deltas, every read saw the total, nothing hangs and no connection is left
checked out."""

import asyncio
import os
import random
import time
from collections import Counter

from cormorant import exc, func, select
from cormorant.ext.asyncio import async_sessionmaker, create_async_engine
from test_load_invariants import ACCOUNTS, START_BALANCE, Account, Base, retryable  # the same model and rules

TASKS = int(os.environ.get("CORMORANT_LOAD_TASKS", 200))
SESSIONS_PER_TASK = int(os.environ.get("CORMORANT_LOAD_TASK_SESSIONS", 5))
DEADLINE = 120


def test_200_tasks_of_transfers_keep_invariants(backend, async_url):
    total = ACCOUNTS * START_BALANCE
    applied = Counter()
    stats = Counter()
    bad_reads = []

    async def transfer(session, rng):
        src, dst = rng.sample(range(ACCOUNTS), 2)
        amount = rng.randint(1, 50)
        a = (await session.execute(select(Account).where(Account.id == src).with_for_update())).scalar_one()
        b = (await session.execute(select(Account).where(Account.id == dst).with_for_update())).scalar_one()
        a.balance -= amount
        b.balance += amount
        await session.commit()
        return {src: -amount, dst: amount}

    async def read(session, rng):
        seen = await session.scalar(select(func.sum(Account.balance)))
        if seen != total:
            bad_reads.append(seen)
        await session.commit()
        return {}

    async def task(sessions, seed):
        rng = random.Random(seed)
        for _ in range(SESSIONS_PER_TASK):
            op = read if rng.random() < 0.3 else transfer
            for attempt in range(200):
                async with sessions() as session:
                    try:
                        deltas = await op(session, rng)
                    except exc.DBAPIError as e:
                        await session.rollback()
                        if not retryable(e):
                            raise
                        stats["retries"] += 1
                        await asyncio.sleep(rng.uniform(0, 0.002 * min(attempt + 1, 10)))
                        continue
                stats[op.__name__] += 1
                for account, delta in deltas.items():
                    applied[account] += delta
                break
            else:
                raise AssertionError(f"{op.__name__} still failing after 200 attempts")

    async def main():
        options = (
            {"connect_args": {"timeout": 10}}
            if backend == "sqlite"
            else {"connect_args": {"options": "-c deadlock_timeout=50ms"}}
        )
        engine = create_async_engine(async_url, pool_size=5, max_overflow=5, pool_timeout=60, **options)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            async with sessions.begin() as session:
                session.add_all([Account(id=i, balance=START_BALANCE) for i in range(ACCOUNTS)])
            started = time.monotonic()
            await asyncio.wait_for(asyncio.gather(*(task(sessions, seed) for seed in range(TASKS))), DEADLINE)
            wall = time.monotonic() - started
            async with sessions() as session:
                balances = dict((await session.execute(select(Account.id, Account.balance))).all())
            return balances, wall, engine.sync_engine.pool.checkedout()
        finally:
            await engine.dispose()

    balances, wall, checked_out = asyncio.run(main())
    print(f"\n{backend}: {TASKS} tasks x {SESSIONS_PER_TASK} sessions in {wall:.2f} s; {dict(stats)}")
    assert stats["transfer"] + stats["read"] == TASKS * SESSIONS_PER_TASK
    assert sum(balances.values()) == total
    assert all(balances[a] == START_BALANCE + applied[a] for a in range(ACCOUNTS))
    assert bad_reads == []
    assert checked_out == 0
