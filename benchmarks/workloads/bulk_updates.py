"""bulk_updates: give every row a new name: load, modify and flush through the
unit of work; ORM bulk UPDATE by primary key (session.execute(update(Customer),
dicts)); Core executemany with bindparam(); the raw driver's executemany.
Each run writes names no earlier run wrote."""

import itertools

from ..stacks import CUSTOMER, RAW, create_customers
from ..workload import Case, Context, count_rows, per_stack

NAME = "bulk_updates"
UNIT = "rows"
DEFAULT_SIZE = 100_000
QUICK_SIZE = 500
TABLES = [CUSTOMER]


def setup(ctx: Context) -> None:
    create_customers(ctx.db, ctx.raw(), ctx.size)


def cases(ctx: Context) -> list[Case]:
    admin = ctx.raw()
    runs = itertools.count()
    current = [""]  # the suffix of the names the next run writes

    def prepare() -> None:
        current[0] = f" v{next(runs)}"

    def count() -> int:
        return count_rows(admin, CUSTOMER, f"WHERE name LIKE {ctx.db.mark}", (f"% {current[0].strip()}",))

    def new_name(id: int) -> str:
        return f"customer name {id}{current[0]}"

    out = [raw_case(ctx, new_name), *per_stack(ctx, stack_cases, new_name)]
    for case in out:
        case.prepare, case.count = prepare, count
    return out


def raw_case(ctx: Context, new_name) -> Case:
    conn = ctx.raw()
    sql = f"UPDATE {CUSTOMER} SET name = {ctx.db.mark} WHERE id = {ctx.db.mark}"

    def executemany() -> None:
        conn.cursor().executemany(sql, [(new_name(id), id) for id in range(1, ctx.size + 1)])
        conn.commit()

    return Case("raw executemany()", RAW, executemany, ctx.size)


def stack_cases(ctx: Context, stack, new_name) -> list[Case]:
    sa, Session = stack.sa, stack.orm.Session
    Customer = stack.models.Customer
    table = Customer.__table__
    engine = ctx.engine(stack)

    def unit_of_work() -> None:
        with Session(engine) as session:
            for customer in session.scalars(sa.select(Customer)):
                customer.name = new_name(customer.id)
            session.commit()

    def orm_bulk() -> None:
        with Session(engine) as session:
            session.execute(
                sa.update(Customer), [{"id": id, "name": new_name(id)} for id in range(1, ctx.size + 1)]
            )
            session.commit()

    def core_executemany() -> None:
        statement = (
            sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(name=sa.bindparam("b_name"))
        )
        with engine.begin() as conn:
            conn.execute(statement, [{"b_id": id, "b_name": new_name(id)} for id in range(1, ctx.size + 1)])

    return [
        Case("ORM load, modify, flush", stack.name, unit_of_work, ctx.size),
        Case("ORM bulk update(Customer) by primary key", stack.name, orm_bulk, ctx.size),
        Case("Core update() executemany", stack.name, core_executemany, ctx.size),
    ]
