"""bulk_inserts: insert rows without primary keys, through the unit of work,
ORM bulk INSERT (session.execute(insert(Customer), dicts)), Core executemany,
and the raw driver's executemany. The table is emptied before every run."""

from ..stacks import CUSTOMER, RAW, Database, create_customers
from ..workload import Case, Context, count_rows, per_stack

NAME = "bulk_inserts"
UNIT = "rows"
DEFAULT_SIZE = 100_000
QUICK_SIZE = 500
TABLES = [CUSTOMER]


def setup(ctx: Context) -> None:
    create_customers(ctx.db, ctx.raw())


def empty_table(db: Database, conn) -> None:
    if db.backend == "postgresql":
        conn.execute(f"TRUNCATE {CUSTOMER} RESTART IDENTITY")
    else:
        conn.execute(f"DELETE FROM {CUSTOMER}")
    conn.commit()


def new_rows(size: int) -> list[dict]:
    return [{"name": f"customer name {i}", "description": f"customer description {i}"} for i in range(size)]


def cases(ctx: Context) -> list[Case]:
    admin = ctx.raw()

    def prepare() -> None:
        empty_table(ctx.db, admin)

    def count() -> int:
        return count_rows(admin, CUSTOMER)

    out = [raw_case(ctx), *per_stack(ctx, stack_cases)]
    for case in out:
        case.prepare, case.count = prepare, count
    return out


def raw_case(ctx: Context) -> Case:
    conn = ctx.raw()
    mark = ctx.db.mark
    sql = f"INSERT INTO {CUSTOMER} (name, description) VALUES ({mark}, {mark})"

    def executemany() -> None:
        rows = [(f"customer name {i}", f"customer description {i}") for i in range(ctx.size)]
        conn.cursor().executemany(sql, rows)
        conn.commit()

    return Case("raw executemany()", RAW, executemany, ctx.size)


def stack_cases(ctx: Context, stack) -> list[Case]:
    sa, Session = stack.sa, stack.orm.Session
    Customer = stack.models.Customer
    engine = ctx.engine(stack)

    def unit_of_work() -> None:
        with Session(engine) as session:
            session.add_all(
                [
                    Customer(name=f"customer name {i}", description=f"customer description {i}")
                    for i in range(ctx.size)
                ]
            )
            session.commit()

    def orm_bulk() -> None:
        with Session(engine) as session:
            session.execute(sa.insert(Customer), new_rows(ctx.size))
            session.commit()

    def core_executemany() -> None:
        with engine.begin() as conn:
            conn.execute(sa.insert(Customer.__table__), new_rows(ctx.size))

    return [
        Case("ORM unit of work (add_all + commit)", stack.name, unit_of_work, ctx.size),
        Case("ORM bulk insert(Customer), dicts", stack.name, orm_bulk, ctx.size),
        Case("Core insert() executemany", stack.name, core_executemany, ctx.size),
    ]
