"""short_selects: primary-key lookups at random ids. The ORM levels open a
Session per lookup (so every lookup reaches the database, as in SQLAlchemy's
examples/performance); Core and the raw driver keep one connection."""

import random

from ..stacks import CUSTOMER, RAW, create_customers, touch
from ..workload import Case, Context, per_stack

NAME = "short_selects"
UNIT = "lookups"
DEFAULT_SIZE = 10_000
QUICK_SIZE = 50
TABLES = [CUSTOMER]


def setup(ctx: Context) -> None:
    create_customers(ctx.db, ctx.raw(), ctx.size)


def lookup_ids(ctx: Context) -> list[int]:
    return random.Random(42).choices(range(1, ctx.size + 1), k=ctx.size)


def cases(ctx: Context) -> list[Case]:
    ids = lookup_ids(ctx)
    return [raw_case(ctx, ids), *per_stack(ctx, stack_cases, ids)]


def raw_case(ctx: Context, ids: list[int]) -> Case:
    conn = ctx.raw()
    sql = f"SELECT id, name, description FROM {CUSTOMER} WHERE id = {ctx.db.mark}"

    def lookups() -> int:
        found = 0
        for id in ids:
            row = conn.execute(sql, (id,)).fetchone()
            _ = row[0], row[1], row[2]
            found += 1
        conn.rollback()
        return found

    return Case("raw cursor.execute()", RAW, lookups, len(ids))


def stack_cases(ctx: Context, stack, ids: list[int]) -> list[Case]:
    sa, Session = stack.sa, stack.orm.Session
    Customer = stack.models.Customer
    table = Customer.__table__
    engine = ctx.engine(stack)

    def session_get() -> int:
        found = 0
        for id in ids:
            with Session(engine) as session:
                touch(session.get(Customer, id))
                found += 1
        return found

    def orm_select() -> int:
        found = 0
        for id in ids:
            with Session(engine) as session:
                touch(session.execute(sa.select(Customer).where(Customer.id == id)).scalar_one())
                found += 1
        return found

    def legacy_query_first() -> int:
        found = 0
        for id in ids:
            with Session(engine) as session:
                touch(session.query(Customer).filter(Customer.id == id).first())
                found += 1
        return found

    def core_select() -> int:
        found = 0
        with engine.connect() as conn:
            for id in ids:
                touch(conn.execute(sa.select(table).where(table.c.id == id)).one())
                found += 1
        return found

    return [
        Case("ORM session.get()", stack.name, session_get, len(ids)),
        Case("ORM select().where(id == x)", stack.name, orm_select, len(ids)),
        Case("ORM query().filter(id == x).first()", stack.name, legacy_query_first, len(ids)),
        Case("Core select().where(id == x)", stack.name, core_select, len(ids)),
    ]
