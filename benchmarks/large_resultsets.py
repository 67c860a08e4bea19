"""Load 100,000 rows of Customer(id, name, description), side by side in one
process, and report each stack's time as a ratio to the raw driver's
fetchall(): stdlib sqlite3 on SQLite, psycopg 3 on PostgreSQL. Stacks run
interleaved, repeat by repeat; the minimum counts.

    python benchmarks/large_resultsets.py [--rows N] [--repeat R]
    python benchmarks/large_resultsets.py --backend postgresql [--pg-url URL]

The PostgreSQL mode uses --pg-url, else CORMORANT_TEST_PG_URL, and creates
(then drops) a table named bench_customer there.
"""

import argparse
import gc
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable

TABLE = "bench_customer"
ROWS_SQL = f"SELECT id, name, description FROM {TABLE}"
CREATE_SQL = f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, name VARCHAR(255), description VARCHAR(255))"


def customer_rows(rows: int):
    return ((i, f"customer name {i}", f"customer description {i}") for i in range(1, rows + 1))


def make_sqlite_database(path: str, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(CREATE_SQL)
    conn.executemany(f"INSERT INTO {TABLE} (id, name, description) VALUES (?, ?, ?)", customer_rows(rows))
    conn.commit()
    conn.close()


def make_postgres_table(url: str, rows: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(CREATE_SQL)
        with conn.cursor().copy(f"COPY {TABLE} (id, name, description) FROM STDIN") as copy:
            for row in customer_rows(rows):
                copy.write_row(row)


def drop_postgres_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")


class PlainCustomer:
    __slots__ = ("id", "name", "description")

    def __init__(self, id: int, name: str, description: str) -> None:
        self.id, self.name, self.description = id, name, description


def raw_driver_stacks(backend: str, target: str) -> "dict[str, Callable[[], int]]":
    """The baseline fetchall() and plain objects built from its tuples."""
    if backend == "sqlite":
        conn = sqlite3.connect(target)
        name = "stdlib sqlite3"

        def fetchall() -> list:
            return conn.execute(ROWS_SQL).fetchall()
    else:
        import psycopg

        conn = psycopg.connect(target, autocommit=True)
        name = "psycopg 3"

        def fetchall() -> list:
            with conn.cursor() as cur:
                return cur.execute(ROWS_SQL).fetchall()

    def objects() -> int:
        return len([PlainCustomer(*row) for row in fetchall()])

    return {f"{name} fetchall()": lambda: len(fetchall()), f"{name} + plain objects": objects}


def cormorant_stacks(url: str) -> "dict[str, Callable[[], int]]":
    from cormorant import Integer, String, create_engine, select
    from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = TABLE
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(255))
        description: Mapped[str] = mapped_column(String(255))

    engine = create_engine(url)

    def orm() -> int:
        with Session(engine) as session:
            return len(session.execute(select(Customer)).scalars().all())

    def rows() -> int:
        with engine.connect() as conn:
            return len(conn.execute(select(Customer.id, Customer.name, Customer.description)).all())

    return {"cormorant ORM objects": orm, "cormorant Rows": rows}


def sqlalchemy_stacks(url: str) -> "dict[str, Callable[[], int]]":
    try:
        import sqlalchemy as sa
        from sqlalchemy import orm as sa_orm
    except ImportError:
        print("SQLAlchemy is not installed (pip install '.[bench]'); its rows are left out")
        return {}

    class Base(sa_orm.DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = TABLE
        id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
        name: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))
        description: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

    def orm() -> int:
        with sa_orm.Session(engine) as session:
            return len(session.execute(sa.select(Customer)).scalars().all())

    def rows() -> int:
        with engine.connect() as conn:
            return len(conn.execute(sa.select(Customer.id, Customer.name, Customer.description)).all())

    return {"SQLAlchemy ORM objects": orm, "SQLAlchemy Core rows": rows}


def measure(stacks: dict[str, Callable[[], int]], repeat: int, expected: int) -> dict[str, float]:
    best = {name: float("inf") for name in stacks}
    for _ in range(repeat):
        for name, run in stacks.items():
            gc.collect()
            started = time.perf_counter()
            count = run()
            elapsed = time.perf_counter() - started
            if count != expected:
                raise RuntimeError(f"{name} loaded {count} rows, expected {expected}")
            best[name] = min(best[name], elapsed)
    return best


def run_stacks(backend: str, target: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    stacks = {**raw_driver_stacks(backend, target), **cormorant_stacks(url), **sqlalchemy_stacks(url)}
    return measure(stacks, args.repeat, args.rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("CORMORANT_TEST_PG_URL"))
    args = parser.parse_args()

    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bench.db")
            make_sqlite_database(path, args.rows)
            best = run_stacks("sqlite", path, f"sqlite:///{path}", args)
    else:
        if not args.pg_url:
            parser.error("--backend postgresql needs --pg-url or CORMORANT_TEST_PG_URL")
        make_postgres_table(args.pg_url, args.rows)
        try:
            best = run_stacks("postgresql", args.pg_url, args.pg_url, args)
        finally:
            drop_postgres_table(args.pg_url)
    baseline_name = next(iter(best))
    baseline = best[baseline_name]
    print(
        f"large_resultsets on {args.backend}: {args.rows:,} rows, minimum of {args.repeat} interleaved repeats"
    )
    print(f"{'stack':34} {'seconds':>9} {'× fetchall':>11}")
    for name, seconds in best.items():
        print(f"{name:34} {seconds:9.4f} {seconds / baseline:10.2f}×")


if __name__ == "__main__":
    main()
