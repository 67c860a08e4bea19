"""large_resultsets: load every row of Customer and touch its three columns, as
ORM objects (a list, and streamed with yield_per), ORM column rows, Core rows,
and the raw driver's fetchall()."""

from ..stacks import CUSTOMER, RAW, create_customers, touch
from ..workload import Case, Context, per_stack

NAME = "large_resultsets"
UNIT = "rows"
DEFAULT_SIZE = 500_000
QUICK_SIZE = 500
TABLES = [CUSTOMER]
MEASURES_MEMORY = True
YIELD_PER = 1000


def setup(ctx: Context) -> None:
    create_customers(ctx.db, ctx.raw(), ctx.size)


def cases(ctx: Context) -> list[Case]:
    return [raw_case(ctx), *per_stack(ctx, stack_cases)]


def raw_case(ctx: Context) -> Case:
    conn = ctx.raw()
    sql = f"SELECT id, name, description FROM {CUSTOMER}"

    def fetchall() -> int:
        rows = conn.execute(sql).fetchall()
        for row in rows:
            _ = row[0], row[1], row[2]
        conn.rollback()
        return len(rows)

    return Case("raw fetchall()", RAW, fetchall, ctx.size)


def stack_cases(ctx: Context, stack) -> list[Case]:
    sa, Session = stack.sa, stack.orm.Session
    Customer = stack.models.Customer
    engine = ctx.engine(stack)

    def orm_objects() -> int:
        with Session(engine) as session:
            objects = session.scalars(sa.select(Customer)).all()
            for obj in objects:
                touch(obj)
            return len(objects)

    def orm_yield_per() -> int:
        n = 0
        with Session(engine) as session:
            for obj in session.scalars(sa.select(Customer).execution_options(yield_per=YIELD_PER)):
                touch(obj)
                n += 1
        return n

    def orm_columns() -> int:
        with Session(engine) as session:
            rows = session.execute(sa.select(Customer.id, Customer.name, Customer.description)).all()
            for row in rows:
                touch(row)
            return len(rows)

    def core_rows() -> int:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Customer.__table__)).all()
            for row in rows:
                touch(row)
            return len(rows)

    return [
        Case("ORM objects", stack.name, orm_objects, ctx.size),
        Case(f"ORM objects, yield_per({YIELD_PER})", stack.name, orm_yield_per, ctx.size),
        Case("ORM columns", stack.name, orm_columns, ctx.size),
        Case("Core rows", stack.name, core_rows, ctx.size),
    ]
