"""Load 100,000 rows of Customer(id, name, description), side by side in one
process, and report each stack's time as a ratio to the stdlib sqlite3
fetchall() loop. Stacks run interleaved, repeat by repeat; the minimum counts.

    python benchmarks/large_resultsets.py [--rows N] [--repeat R]
"""


import argparse
import gc
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable

ROWS_SQL = "SELECT id, name, description FROM customer"


def make_database(path: str, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name VARCHAR(255), description VARCHAR(255))")
    conn.executemany(
        "INSERT INTO customer (id, name, description) VALUES (?, ?, ?)",
        ((i, f"customer name {i}", f"customer description {i}") for i in range(1, rows + 1)),
    )
    conn.commit()
    conn.close()


class PlainCustomer:
    __slots__ = ("id", "name", "description")

    def __init__(self, id: int, name: str, description: str) -> None:
        self.id, self.name, self.description = id, name, description


def stdlib_fetchall(path: str) -> Callable[[], int]:
    conn = sqlite3.connect(path)

    def run() -> int:
        return len(conn.execute(ROWS_SQL).fetchall())

    return run


def stdlib_objects(path: str) -> Callable[[], int]:
    conn = sqlite3.connect(path)

    def run() -> int:
        return len([PlainCustomer(*row) for row in conn.execute(ROWS_SQL).fetchall()])

    return run


def cormorant_stacks(path: str) -> "dict[str, Callable[[], int]]":
    from cormorant import Integer, String, create_engine, select
    from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = "customer"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(255))
        description: Mapped[str] = mapped_column(String(255))

    engine = create_engine(f"sqlite:///{path}")

    def orm() -> int:
        with Session(engine) as session:
            return len(session.execute(select(Customer)).scalars().all())

    def rows() -> int:
        with engine.connect() as conn:
            return len(conn.execute(select(Customer.id, Customer.name, Customer.description)).all())

    return {"cormorant ORM objects": orm, "cormorant Rows": rows}


def sqlalchemy_stacks(path: str) -> "dict[str, Callable[[], int]]":
    try:
        import sqlalchemy as sa
        from sqlalchemy import orm as sa_orm
    except ImportError:
        print("SQLAlchemy is not installed (pip install '.[bench]'); its rows are left out")
        return {}

    class Base(sa_orm.DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = "customer"
        id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
        name: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))
        description: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))

    engine = sa.create_engine(f"sqlite:///{path}")

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.db")
        make_database(path, args.rows)
        stacks = {
            "stdlib sqlite3 fetchall()": stdlib_fetchall(path),
            "stdlib sqlite3 + plain objects": stdlib_objects(path),
            **cormorant_stacks(path),
            **sqlalchemy_stacks(path),
        }
        best = measure(stacks, args.repeat, args.rows)
    baseline = best["stdlib sqlite3 fetchall()"]
    print(f"large_resultsets: {args.rows:,} rows, minimum of {args.repeat} interleaved repeats")
    print(f"{'stack':34} {'seconds':>9} {'× fetchall':>11}")
    for name, seconds in best.items():
        print(f"{name:34} {seconds:9.4f} {seconds / baseline:10.2f}×")


if __name__ == "__main__":
    main()
