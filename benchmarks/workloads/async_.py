"""async: the asyncio APIs of cormorant and SQLAlchemy 2.0 (create_async_engine,
async_sessionmaker, AsyncSession on sqlite+aiosqlite:// and postgresql+asyncpg://
URLs) against the raw async drivers, aiosqlite and asyncpg. Four cases, sized
from the workload's size N (100,000 by default):

  load    N Customer objects: (await session.execute(select(Customer))).scalars().all();
          raw: fetch every row and read its three columns
  get     N/10 lookups at random ids, a session each: await session.get(Customer, id);
          raw: a single-row SELECT by primary key, one connection
  insert  N/10 rows, each added in a session of its own and committed;
          raw: INSERT, then COMMIT, one connection
  gather  100 sessions at once (asyncio.gather), each looking up N/1,000 distinct ids
          with session.get(); raw: 100 tasks, each taking a connection from a pool

Each stack runs on an event loop of its own, created before the first run and
closed after the last; a run is loop.run_until_complete(case()). Engines, pools
and connections are opened on that loop outside the timing and warmed by the
untimed checking round, as the sync workloads' are.

Pools: every engine, and the raw drivers' pools, hold POOL_SIZE = 20 connections
with no overflow, so the 100 sessions of the gather case share 20 connections and
80 of them wait in the pool's queue at any moment. Overflow would not help: a
QueuePool closes every connection beyond pool_size at check-in, so with
max_overflow=80 each run would open 80 connections anew and time PostgreSQL's
backend start-up rather than the library, while asyncpg's own pool keeps its
connections.

SQLite: each stack inserts into an in-memory database of its own, as in
single_inserts (a file would time fsync); the other cases read a file. PostgreSQL:
inserts go to a table of their own (bench_inserted), truncated before every run.

On SQLite the same cases also run through cormorant's sync API (the stack
"cormorant sync"; its gather case runs the 100 sessions one after another), so the
report can show cormorant async ÷ cormorant sync. A stack whose package has no
asyncio extension is left out, and the runner says why (notes())."""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..stacks import (
    CORMORANT_ASYNC,
    CORMORANT_SYNC,
    CUSTOMER,
    INSERTED,
    RAW,
    SQLALCHEMY_ASYNC,
    Database,
    OrmStack,
    create_customers,
    customer_ddl,
    run_script,
    touch,
)
from ..workload import Case, Context

NAME = "async"
UNIT = "rows"
DEFAULT_SIZE = 100_000
# Enough rows for a load to span several of cormorant's 1,024-row fetch batches
# (its prefetch thread), which --quick should exercise too.
QUICK_SIZE = 3_000
TABLES = [CUSTOMER, INSERTED]
SESSIONS = 100
POOL_SIZE = 20
POOL = {"pool_size": POOL_SIZE, "max_overflow": 0}
ASYNC_NAMES = {"cormorant": CORMORANT_ASYNC, "SQLAlchemy": SQLALCHEMY_ASYNC}


@dataclass(frozen=True)
class Plan:
    """What one run of each case does, derived from the size."""

    rows: int
    ids: list[int]  # the get case's lookups; repeats allowed, a session each
    inserts: int
    batches: list[list[int]]  # the gather case: distinct ids per session

    @classmethod
    def of(cls, size: int) -> "Plan":
        pick = random.Random(42)
        ids = pick.choices(range(1, size + 1), k=max(1, size // 10))
        per_session = min(size, max(1, size // 1000))
        batches = [pick.sample(range(1, size + 1), per_session) for _ in range(SESSIONS)]
        return cls(size, ids, len(ids), batches)

    def level(self, case: str, raw: bool) -> str:
        per_session = len(self.batches[0])
        raw_levels = {
            "load": f"raw fetch {self.rows:,} rows",
            "get": f"raw SELECT by id × {len(self.ids):,}",
            "insert": f"raw INSERT + COMMIT × {self.inserts:,}",
            "gather": f"raw {SESSIONS} tasks × {per_session} SELECT by id (gather)",
        }
        orm_levels = {
            "load": f"ORM load {self.rows:,} objects",
            "get": f"ORM session.get() × {len(self.ids):,}",
            "insert": f"ORM add() + commit() × {self.inserts:,}",
            "gather": f"ORM {SESSIONS} sessions × {per_session} get() (gather)",
        }
        return (raw_levels if raw else orm_levels)[case]


def async_apis(stacks: list[OrmStack]) -> tuple[list[tuple[OrmStack, ModuleType]], list[str]]:
    """The stacks whose package has an asyncio extension, with it; and why the others are left out."""
    found, missing = [], []
    for stack in stacks:
        try:
            found.append((stack, stack.asyncio()))
        except ImportError as e:
            name = ASYNC_NAMES[stack.name]
            missing.append(f"{name} is left out: {stack.sa.__name__}.ext.asyncio cannot be imported ({e})")
    return found, missing


def notes(stacks: list[OrmStack]) -> list[str]:
    return async_apis(stacks)[1]


def setup(ctx: Context) -> None:
    conn = ctx.raw()
    create_customers(ctx.db, conn, ctx.size)
    if ctx.db.backend == "postgresql":
        run_script(conn, customer_ddl(ctx.db, INSERTED))


def cases(ctx: Context) -> list[Case]:
    plan = Plan.of(ctx.size)
    raw: Any = RawAiosqlite(ctx.db) if ctx.db.backend == "sqlite" else RawAsyncpg(ctx.db)
    out = on_own_loop(ctx, RAW, raw, plan)
    for stack, api in async_apis(ctx.stacks)[0]:
        out += on_own_loop(ctx, ASYNC_NAMES[stack.name], AsyncOrm(ctx.db, stack, api), plan)
    for stack in ctx.stacks:
        if stack.name == "cormorant" and ctx.db.backend == "sqlite":
            out += make_cases(CORMORANT_SYNC, SyncOrm(ctx, stack), plan, lambda fn: fn())
    return out


def empty_sql(db: Database) -> str:
    if db.backend == "postgresql":
        return f"TRUNCATE {INSERTED} RESTART IDENTITY"
    return f"DELETE FROM {INSERTED}"


def new_customer(i: int) -> tuple[str, str]:
    return f"customer name {i}", f"customer description {i}"


def make_cases(stack: str, impl: Any, plan: Plan, call: Callable[[Callable[[], Any]], Any]) -> list[Case]:
    """The four cases of one stack. `impl` has load(), get(ids), insert(n),
    gather(batches), empty() and count(); `call(fn)` runs fn() to its result (on
    the stack's event loop when fn returns a coroutine)."""
    raw = stack == RAW

    def case(name: str, run: Callable[[], Any], expected: int, **more: Any) -> Case:
        floor = None if raw else plan.level(name, raw=True)
        return Case(plan.level(name, raw), stack, lambda: call(run), expected, floor=floor, **more)

    return [
        case("load", impl.load, plan.rows),
        case("get", lambda: impl.get(plan.ids), len(plan.ids)),
        case(
            "insert",
            lambda: impl.insert(plan.inserts),
            plan.inserts,
            prepare=lambda: call(impl.empty),
            count=lambda: call(impl.count),
        ),
        case("gather", lambda: impl.gather(plan.batches), sum(map(len, plan.batches))),
    ]


def on_own_loop(ctx: Context, stack: str, impl: Any, plan: Plan) -> list[Case]:
    """Opens `impl` on a new event loop that lives until ctx closes, and its cases on that loop."""
    loop = asyncio.new_event_loop()

    def close_loop() -> None:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()

    ctx.on_close(close_loop)
    loop.run_until_complete(impl.open())
    ctx.on_close(lambda: loop.run_until_complete(impl.close()))
    return make_cases(stack, impl, plan, lambda fn: loop.run_until_complete(fn()))


class RawAiosqlite:
    """aiosqlite: one connection to the file, a pool of POOL_SIZE (an asyncio.Queue)
    for the gather case, and an in-memory database for the inserts."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.select_all = f"SELECT id, name, description FROM {CUSTOMER}"
        self.select_one = f"{self.select_all} WHERE id = ?"
        self.insert_sql = f"INSERT INTO {INSERTED} (name, description) VALUES (?, ?)"

    async def open(self) -> None:
        import aiosqlite

        self.conn = await aiosqlite.connect(self.db.path)
        self.pooled = [await aiosqlite.connect(self.db.path) for _ in range(POOL_SIZE)]
        self.pool: asyncio.Queue = asyncio.Queue()
        for conn in self.pooled:
            self.pool.put_nowait(conn)
        self.memory = await aiosqlite.connect(":memory:")
        for sql in customer_ddl(self.db, INSERTED):
            await self.memory.execute(sql)
        await self.memory.commit()

    async def close(self) -> None:
        for conn in [self.conn, *self.pooled, self.memory]:
            await conn.close()

    async def load(self) -> int:
        rows = await self.conn.execute_fetchall(self.select_all)
        for row in rows:
            _ = row[0], row[1], row[2]
        return len(rows)

    async def get(self, ids: list[int]) -> int:
        found = 0
        for id in ids:
            (row,) = await self.conn.execute_fetchall(self.select_one, (id,))
            _ = row[0], row[1], row[2]
            found += 1
        return found

    async def insert(self, n: int) -> None:
        for i in range(n):
            await self.memory.execute(self.insert_sql, new_customer(i))
            await self.memory.commit()

    async def gather(self, batches: list[list[int]]) -> int:
        async def task(ids: list[int]) -> int:
            conn = await self.pool.get()
            try:
                for id in ids:
                    (row,) = await conn.execute_fetchall(self.select_one, (id,))
                    _ = row[0], row[1], row[2]
            finally:
                self.pool.put_nowait(conn)
            return len(ids)

        return sum(await asyncio.gather(*(task(ids) for ids in batches)))

    async def empty(self) -> None:
        await self.memory.execute(empty_sql(self.db))
        await self.memory.commit()

    async def count(self) -> int:
        ((n,),) = await self.memory.execute_fetchall(f"SELECT count(*) FROM {INSERTED}")
        return n


class RawAsyncpg:
    """asyncpg: one connection, and asyncpg's pool (POOL_SIZE connections) for the
    gather case. asyncpg runs outside transactions unless asked, so each insert
    opens one (conn.transaction()) to commit it, as the ORMs' sessions do."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.select_all = f"SELECT id, name, description FROM {CUSTOMER}"
        self.select_one = f"{self.select_all} WHERE id = $1"
        self.insert_sql = f"INSERT INTO {INSERTED} (name, description) VALUES ($1, $2)"

    async def open(self) -> None:
        import asyncpg

        self.conn = await asyncpg.connect(self.db.url)
        self.pool = await asyncpg.create_pool(self.db.url, min_size=POOL_SIZE, max_size=POOL_SIZE)

    async def close(self) -> None:
        await self.pool.close()
        await self.conn.close()

    async def load(self) -> int:
        rows = await self.conn.fetch(self.select_all)
        for row in rows:
            _ = row[0], row[1], row[2]
        return len(rows)

    async def get(self, ids: list[int]) -> int:
        found = 0
        for id in ids:
            row = await self.conn.fetchrow(self.select_one, id)
            _ = row[0], row[1], row[2]
            found += 1
        return found

    async def insert(self, n: int) -> None:
        for i in range(n):
            async with self.conn.transaction():
                await self.conn.execute(self.insert_sql, *new_customer(i))

    async def gather(self, batches: list[list[int]]) -> int:
        async def task(ids: list[int]) -> int:
            async with self.pool.acquire() as conn:
                for id in ids:
                    row = await conn.fetchrow(self.select_one, id)
                    _ = row[0], row[1], row[2]
            return len(ids)

        return sum(await asyncio.gather(*(task(ids) for ids in batches)))

    async def empty(self) -> None:
        await self.conn.execute(empty_sql(self.db))

    async def count(self) -> int:
        return await self.conn.fetchval(f"SELECT count(*) FROM {INSERTED}")


class AsyncOrm:
    """cormorant's or SQLAlchemy's asyncio API: an async engine with POOL on the
    workload's database, and on SQLite a second one on an in-memory database
    for the inserts."""

    def __init__(self, db: Database, stack: OrmStack, api: ModuleType) -> None:
        self.db, self.sa, self.api = db, stack.sa, api
        self.Customer, self.Inserted = stack.models.Customer, stack.models.Inserted

    async def open(self) -> None:
        api = self.api
        self.engine = api.create_async_engine(self.db.async_url, **POOL)
        self.Session = api.async_sessionmaker(self.engine, class_=api.AsyncSession, expire_on_commit=False)
        self.insert_engine = self.engine
        if self.db.backend == "sqlite":
            self.insert_engine = api.create_async_engine(self.db.in_memory().async_url)
            async with self.insert_engine.begin() as conn:
                await conn.run_sync(self.Inserted.__table__.create)
        self.InsertSession = api.async_sessionmaker(
            self.insert_engine, class_=api.AsyncSession, expire_on_commit=False
        )

    async def close(self) -> None:
        if self.insert_engine is not self.engine:
            await self.insert_engine.dispose()
        await self.engine.dispose()

    async def load(self) -> int:
        async with self.Session() as session:
            objects = (await session.execute(self.sa.select(self.Customer))).scalars().all()
            for obj in objects:
                touch(obj)
            return len(objects)

    async def get(self, ids: list[int]) -> int:
        found = 0
        for id in ids:
            async with self.Session() as session:
                touch(await session.get(self.Customer, id))
                found += 1
        return found

    async def insert(self, n: int) -> None:
        for i in range(n):
            name, description = new_customer(i)
            async with self.InsertSession() as session:
                session.add(self.Inserted(name=name, description=description))
                await session.commit()

    async def gather(self, batches: list[list[int]]) -> int:
        async def one_session(ids: list[int]) -> int:
            async with self.Session() as session:
                for id in ids:
                    touch(await session.get(self.Customer, id))
            return len(ids)

        return sum(await asyncio.gather(*(one_session(ids) for ids in batches)))

    async def empty(self) -> None:
        async with self.insert_engine.begin() as conn:
            await conn.execute(self.sa.text(empty_sql(self.db)))

    async def count(self) -> int:
        table = self.Inserted.__table__
        async with self.insert_engine.connect() as conn:
            result = await conn.execute(self.sa.select(self.sa.func.count()).select_from(table))
            return result.scalar_one()


class SyncOrm:
    """cormorant's sync API running the same cases; gather() runs its sessions one after another."""

    def __init__(self, ctx: Context, stack: OrmStack) -> None:
        self.db, self.sa = ctx.db, stack.sa
        self.Customer, self.Inserted = stack.models.Customer, stack.models.Inserted
        self.engine = stack.sa.create_engine(ctx.db.url, **POOL)
        ctx.on_close(self.engine.dispose)
        self.Session = stack.orm.sessionmaker(self.engine, expire_on_commit=False)
        self.insert_engine = self.engine
        if ctx.db.backend == "sqlite":
            self.insert_engine = stack.sa.create_engine(ctx.db.in_memory().url)
            ctx.on_close(self.insert_engine.dispose)
            self.Inserted.__table__.create(self.insert_engine)
        self.InsertSession = stack.orm.sessionmaker(self.insert_engine, expire_on_commit=False)

    def load(self) -> int:
        with self.Session() as session:
            objects = session.execute(self.sa.select(self.Customer)).scalars().all()
            for obj in objects:
                touch(obj)
            return len(objects)

    def get(self, ids: list[int]) -> int:
        found = 0
        for id in ids:
            with self.Session() as session:
                touch(session.get(self.Customer, id))
                found += 1
        return found

    def insert(self, n: int) -> None:
        for i in range(n):
            name, description = new_customer(i)
            with self.InsertSession() as session:
                session.add(self.Inserted(name=name, description=description))
                session.commit()

    def gather(self, batches: list[list[int]]) -> int:
        found = 0
        for ids in batches:
            with self.Session() as session:
                for id in ids:
                    touch(session.get(self.Customer, id))
                    found += 1
        return found

    def empty(self) -> None:
        with self.insert_engine.begin() as conn:
            conn.execute(self.sa.text(empty_sql(self.db)))

    def count(self) -> int:
        table = self.Inserted.__table__
        with self.insert_engine.connect() as conn:
            return conn.execute(self.sa.select(self.sa.func.count()).select_from(table)).scalar_one()
