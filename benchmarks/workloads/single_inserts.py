"""single_inserts: one row per transaction. On SQLite each stack gets its own
in-memory database (a file would measure fsync, not the library); on
PostgreSQL all share one table, emptied before every run."""

from ..stacks import CUSTOMER, RAW, create_customers
from ..workload import Case, Context, count_rows, per_stack
from .bulk_inserts import empty_table

NAME = "single_inserts"
UNIT = "transactions"
DEFAULT_SIZE = 10_000
QUICK_SIZE = 50
TABLES = [CUSTOMER]


def setup(ctx: Context) -> None:
    if ctx.db.backend == "postgresql":
        create_customers(ctx.db, ctx.raw())


def target(ctx: Context):
    return ctx.db.in_memory() if ctx.db.backend == "sqlite" else ctx.db


def cases(ctx: Context) -> list[Case]:
    return [raw_case(ctx), *per_stack(ctx, stack_cases)]


def raw_case(ctx: Context) -> Case:
    db = target(ctx)
    conn = ctx.raw(db)
    if db.backend == "sqlite":
        create_customers(db, conn)
    sql = f"INSERT INTO {CUSTOMER} (name, description) VALUES ({db.mark}, {db.mark})"

    def transactions() -> None:
        for i in range(ctx.size):
            conn.execute(sql, (f"customer name {i}", f"customer description {i}"))
            conn.commit()

    return Case(
        "raw execute() + commit()",
        RAW,
        transactions,
        ctx.size,
        prepare=lambda: empty_table(db, conn),
        count=lambda: count_rows(conn, CUSTOMER),
    )


def stack_cases(ctx: Context, stack) -> list[Case]:
    sa, Session = stack.sa, stack.orm.Session
    Customer = stack.models.Customer
    db = target(ctx)
    engine = ctx.engine(stack, db)
    if db.backend == "sqlite":
        Customer.__table__.create(engine)

    def orm() -> None:
        for i in range(ctx.size):
            with Session(engine) as session:
                session.add(Customer(name=f"customer name {i}", description=f"customer description {i}"))
                session.commit()

    def core() -> None:
        for i in range(ctx.size):
            with engine.begin() as conn:
                conn.execute(
                    sa.insert(Customer.__table__),
                    {"name": f"customer name {i}", "description": f"customer description {i}"},
                )

    def prepare() -> None:
        with engine.begin() as conn:
            conn.execute(sa.delete(Customer.__table__))

    def count() -> int:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(Customer.__table__)).scalar_one()

    return [
        Case("ORM add() + commit()", stack.name, orm, ctx.size, prepare, count),
        Case("Core insert() in engine.begin()", stack.name, core, ctx.size, prepare, count),
    ]
