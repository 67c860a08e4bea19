"""Load 500 Parent rows with their 10 Child rows each (5,000 children) through
selectinload(Parent.children) and through joinedload(Parent.children) with
.unique(), touching every child's name, side by side in one process: cormorant
ORM, SQLAlchemy 2.0 ORM, and as the floor the raw driver (stdlib sqlite3 on
SQLite, psycopg 3 on PostgreSQL) running the same SQL (the parents, then the
children WHERE parent_id IN (...); or one LEFT OUTER JOIN) and grouping plain
objects by parent id. Each ORM load uses a fresh Session. Stacks run
interleaved, repeat by repeat; the minimum counts, the median is shown too.
Before timing, every stack's data is checked against the expected data.

    python benchmarks/relationships.py [--parents N] [--children C] [--repeat R]
    python benchmarks/relationships.py --backend postgresql [--pg-url URL]
    python benchmarks/relationships.py --stacks sqlalchemy   # leave cormorant out

The PostgreSQL mode uses --pg-url, else CORMORANT_TEST_PG_URL, and creates
(then drops) tables named bench_parent and bench_child there.
"""

import argparse
import functools
import os
import sqlite3
import statistics
import tempfile
from collections.abc import Callable
from typing import Any, NamedTuple

from large_resultsets import measure

PARENT = "bench_parent"
CHILD = "bench_child"
CREATE_SQL = (
    f"CREATE TABLE {PARENT} (id INTEGER PRIMARY KEY, name VARCHAR(255))",
    f"CREATE TABLE {CHILD} (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES {PARENT} (id), "
    "name VARCHAR(255), value INTEGER)",
    f"CREATE INDEX {CHILD}_parent_id ON {CHILD} (parent_id)",
)
PARENTS_SQL = f"SELECT {PARENT}.id, {PARENT}.name FROM {PARENT}"
CHILDREN_SQL = (
    f"SELECT {CHILD}.id, {CHILD}.parent_id, {CHILD}.name, {CHILD}.value FROM {CHILD} "
    f"WHERE {CHILD}.parent_id IN ({{}})"
)
JOINED_SQL = (
    f"SELECT p.id, p.name, c.id, c.parent_id, c.name, c.value FROM {PARENT} AS p "
    f"LEFT OUTER JOIN {CHILD} AS c ON p.id = c.parent_id"
)
# How many parent keys SQLAlchemy's selectinload puts in one IN (...); the raw floor batches likewise.
SELECTIN_CHUNK = 500
STRATEGIES = {"selectin": "selectinload", "joined": "joinedload"}

# A stack is handed a visit(parents) function and returns what it returns, called while the
# parents (and, for the ORMs, their Session) are live.
Visit = Callable[[list], Any]


class Stack(NamedTuple):
    strategy: str
    run: Callable[[Visit], Any]


def parent_rows(parents: int):
    return ((i, f"parent name {i}") for i in range(1, parents + 1))


def child_rows(parents: int, children: int):
    return (
        (i, (i - 1) // children + 1, f"child name {i}", i % 1000) for i in range(1, parents * children + 1)
    )


def make_sqlite_database(path: str, parents: int, children: int) -> None:
    conn = sqlite3.connect(path)
    for sql in CREATE_SQL:
        conn.execute(sql)
    conn.executemany(f"INSERT INTO {PARENT} (id, name) VALUES (?, ?)", parent_rows(parents))
    conn.executemany(
        f"INSERT INTO {CHILD} (id, parent_id, name, value) VALUES (?, ?, ?, ?)",
        child_rows(parents, children),
    )
    conn.commit()
    conn.close()


def make_postgres_tables(url: str, parents: int, children: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {CHILD}, {PARENT}")
        for sql in CREATE_SQL:
            conn.execute(sql)
        with conn.cursor().copy(f"COPY {PARENT} (id, name) FROM STDIN") as copy:
            for row in parent_rows(parents):
                copy.write_row(row)
        with conn.cursor().copy(f"COPY {CHILD} (id, parent_id, name, value) FROM STDIN") as copy:
            for row in child_rows(parents, children):
                copy.write_row(row)
        conn.execute(f"ANALYZE {PARENT}")
        conn.execute(f"ANALYZE {CHILD}")


def drop_postgres_tables(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {CHILD}, {PARENT}")


class PlainParent:
    __slots__ = ("id", "name", "children")

    def __init__(self, id: int, name: str) -> None:
        self.id, self.name, self.children = id, name, []


class PlainChild:
    __slots__ = ("id", "parent_id", "name", "value")

    def __init__(self, id: int, parent_id: int, name: str, value: int) -> None:
        self.id, self.parent_id, self.name, self.value = id, parent_id, name, value


def touch(parents: list) -> int:
    """Read every child's name; the count of children is what measure() checks."""
    return len([child.name for parent in parents for child in parent.children])


def snapshot(parents: list) -> list:
    return sorted(
        (parent.id, parent.name, sorted((child.id, child.name, child.value) for child in parent.children))
        for parent in parents
    )


def expected_snapshot(parents: int, children: int) -> list:
    by_parent: dict[int, list] = {id: [] for id, _ in parent_rows(parents)}
    for id, parent_id, name, value in child_rows(parents, children):
        by_parent[parent_id].append((id, name, value))
    return [(id, name, by_parent[id]) for id, name in parent_rows(parents)]


def raw_driver_stacks(backend: str, target: str) -> dict[str, Stack]:
    """The SQL each loader strategy issues, grouped into plain objects by parent id."""
    if backend == "sqlite":
        conn = sqlite3.connect(target)
        name, mark = "stdlib sqlite3", "?"

        def fetchall(sql: str, params: tuple | list = ()) -> list:
            return conn.execute(sql, params).fetchall()
    else:
        import psycopg

        conn = psycopg.connect(target, autocommit=True)
        name, mark = "psycopg 3", "%s"

        def fetchall(sql: str, params: tuple | list = ()) -> list:
            with conn.cursor() as cur:
                return cur.execute(sql, params).fetchall()

    def selectin(visit: Visit) -> Any:
        parents = [PlainParent(*row) for row in fetchall(PARENTS_SQL)]
        by_id = {parent.id: parent for parent in parents}
        keys = list(by_id)
        for start in range(0, len(keys), SELECTIN_CHUNK):
            chunk = keys[start : start + SELECTIN_CHUNK]
            for row in fetchall(CHILDREN_SQL.format(", ".join([mark] * len(chunk))), chunk):
                by_id[row[1]].children.append(PlainChild(*row))
        return visit(parents)

    def joined(visit: Visit) -> Any:
        by_id: dict[int, PlainParent] = {}
        for parent_id, parent_name, *child in fetchall(JOINED_SQL):
            parent = by_id.get(parent_id)
            if parent is None:
                parent = by_id[parent_id] = PlainParent(parent_id, parent_name)
            if child[0] is not None:
                parent.children.append(PlainChild(*child))
        return visit(list(by_id.values()))

    return {
        f"{name} 2 SELECTs + objects": Stack("selectin", selectin),
        f"{name} LEFT JOIN + objects": Stack("joined", joined),
    }


def cormorant_stacks(url: str) -> dict[str, Stack]:
    from cormorant import ForeignKey, Integer, String, create_engine, select
    from cormorant.orm import (
        DeclarativeBase,
        Mapped,
        Session,
        joinedload,
        mapped_column,
        relationship,
        selectinload,
    )

    class Base(DeclarativeBase):
        pass

    class Child(Base):
        __tablename__ = CHILD
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey(f"{PARENT}.id"))
        name: Mapped[str] = mapped_column(String(255))
        value: Mapped[int] = mapped_column(Integer)

    class Parent(Base):
        __tablename__ = PARENT
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(255))
        children: Mapped[list[Child]] = relationship()

    engine = create_engine(url)

    def selectin(visit: Visit) -> Any:
        with Session(engine) as session:
            statement = select(Parent).options(selectinload(Parent.children))
            return visit(session.execute(statement).scalars().all())

    def joined(visit: Visit) -> Any:
        with Session(engine) as session:
            statement = select(Parent).options(joinedload(Parent.children))
            return visit(session.execute(statement).unique().scalars().all())

    return {
        "cormorant selectinload": Stack("selectin", selectin),
        "cormorant joinedload": Stack("joined", joined),
    }


def sqlalchemy_stacks(url: str) -> dict[str, Stack]:
    try:
        import sqlalchemy as sa
        from sqlalchemy import orm as sa_orm
    except ImportError:
        print("SQLAlchemy is not installed (pip install '.[bench]'); its rows are left out")
        return {}

    class Base(sa_orm.DeclarativeBase):
        pass

    class Child(Base):
        __tablename__ = CHILD
        id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
        parent_id: sa_orm.Mapped[int] = sa_orm.mapped_column(sa.ForeignKey(f"{PARENT}.id"))
        name: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))
        value: sa_orm.Mapped[int] = sa_orm.mapped_column()

    class Parent(Base):
        __tablename__ = PARENT
        id: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
        name: sa_orm.Mapped[str] = sa_orm.mapped_column(sa.String(255))
        children: sa_orm.Mapped[list[Child]] = sa_orm.relationship()

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

    def selectin(visit: Visit) -> Any:
        with sa_orm.Session(engine) as session:
            statement = sa.select(Parent).options(sa_orm.selectinload(Parent.children))
            return visit(session.execute(statement).scalars().all())

    def joined(visit: Visit) -> Any:
        with sa_orm.Session(engine) as session:
            statement = sa.select(Parent).options(sa_orm.joinedload(Parent.children))
            return visit(session.execute(statement).unique().scalars().all())

    return {
        "SQLAlchemy selectinload": Stack("selectin", selectin),
        "SQLAlchemy joinedload": Stack("joined", joined),
    }


def verify(stacks: dict[str, Stack], expected: list) -> None:
    """Outside timing: every stack loads exactly the expected parents, children and names."""
    for name, stack in stacks.items():
        loaded = stack.run(snapshot)
        if loaded != expected:
            children = sum(len(parent[2]) for parent in loaded)
            got, want = next(
                ((got, want) for got, want in zip(loaded, expected) if got != want), (None, None)
            )
            raise RuntimeError(
                f"{name} loaded {len(loaded)} parents with {children} children, which differ from the "
                f"expected data; first differing parent: {got!r}, expected {want!r}"
            )


def run_stacks(
    backend: str, target: str, url: str, args: argparse.Namespace
) -> dict[str, tuple[str, list[float]]]:
    """Each stack's strategy and its times, one per repeat."""
    stacks = raw_driver_stacks(backend, target)
    if "cormorant" in args.stacks:
        stacks.update(cormorant_stacks(url))
    if "sqlalchemy" in args.stacks:
        stacks.update(sqlalchemy_stacks(url))
    verify(stacks, expected_snapshot(args.parents, args.children))
    # Each measure() call is one interleaved round over every stack; the rounds give min and median.
    rounds = {name: functools.partial(stack.run, touch) for name, stack in stacks.items()}
    samples: dict[str, list[float]] = {name: [] for name in stacks}
    for _ in range(args.repeat):
        for name, seconds in measure(rounds, 1, args.parents * args.children).items():
            samples[name].append(seconds)
    return {name: (stack.strategy, samples[name]) for name, stack in stacks.items()}


def report(backend: str, results: dict[str, tuple[str, list[float]]], args: argparse.Namespace) -> None:
    best = {name: min(times) for name, (_, times) in results.items()}
    median = {name: statistics.median(times) for name, (_, times) in results.items()}
    print(
        f"relationships on {backend}: {args.parents:,} parents × {args.children} children, "
        f"min and median of {args.repeat} interleaved repeats"
    )
    print(f"{'stack':34} {'min ms':>8} {'median ms':>10} {'× raw':>8}")
    for strategy in STRATEGIES:
        names = [name for name, (of, _) in results.items() if of == strategy]
        floor = best[names[0]]  # the raw driver's stack for this strategy comes first
        for name in names:
            print(f"{name:34} {best[name] * 1e3:8.2f} {median[name] * 1e3:10.2f} {best[name] / floor:7.2f}×")
    headline = []
    for loader in STRATEGIES.values():
        ours, theirs = f"cormorant {loader}", f"SQLAlchemy {loader}"
        if ours in results and theirs in results:
            ratio = best[theirs] / best[ours]
            headline.append(
                f"{loader} {ratio:.1f}× (median {median[theirs] / median[ours]:.1f}×)"
                + ("" if ratio >= 5 else " BELOW the 5× bar")
            )
    if headline:
        print(f"SQLAlchemy / cormorant: {', '.join(headline)}; the bar is ≥ 5×")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument("--children", type=int, default=10, help="children per parent")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("CORMORANT_TEST_PG_URL"))
    parser.add_argument(
        "--stacks",
        nargs="+",
        choices=("cormorant", "sqlalchemy"),
        default=["cormorant", "sqlalchemy"],
        help="ORM stacks to run next to the raw driver (default: both)",
    )
    args = parser.parse_args()

    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bench.db")
            make_sqlite_database(path, args.parents, args.children)
            results = run_stacks("sqlite", path, f"sqlite:///{path}", args)
    else:
        if not args.pg_url:
            parser.error("--backend postgresql needs --pg-url or CORMORANT_TEST_PG_URL")
        make_postgres_tables(args.pg_url, args.parents, args.children)
        try:
            results = run_stacks("postgresql", args.pg_url, args.pg_url, args)
        finally:
            drop_postgres_tables(args.pg_url)
    report(args.backend, results, args)


if __name__ == "__main__":
    main()
