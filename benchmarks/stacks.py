"""The database a run targets, the three stacks that run every workload against it
(cormorant, SQLAlchemy 2.0, the raw driver), and the models both ORMs declare
from one piece of code, since their APIs are the same. The async workload runs
each ORM's asyncio extension (`<package>.ext.asyncio`) under the stack names
CORMORANT_ASYNC and SQLALCHEMY_ASYNC, and cormorant's sync API as CORMORANT_SYNC."""

import importlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType, SimpleNamespace
from typing import Any

CUSTOMER = "bench_customer"
PARENT = "bench_parent"
CHILD = "bench_child"
INSERTED = "bench_inserted"  # the async workload's insert target, a Customer table of its own
VEHICLE = "bench_vehicle"  # a single-table inheritance hierarchy
RAW = "raw driver"
CORMORANT_ASYNC = "cormorant async"
SQLALCHEMY_ASYNC = "SQLAlchemy async"
CORMORANT_SYNC = "cormorant sync"
ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


@dataclass(frozen=True)
class Database:
    """SQLite (a file in `path`) or PostgreSQL (`url`)."""

    backend: str
    url: str  # as cormorant spells it: sqlite:///file or postgresql://...
    path: str = ""

    @classmethod
    def sqlite(cls, path: str) -> "Database":
        return cls("sqlite", f"sqlite:///{path}", path)

    @classmethod
    def postgresql(cls, url: str) -> "Database":
        return cls("postgresql", url)

    @property
    def driver_name(self) -> str:
        return "sqlite3" if self.backend == "sqlite" else "psycopg 3"

    @property
    def mark(self) -> str:
        """The raw driver's parameter placeholder."""
        return "?" if self.backend == "sqlite" else "%s"

    @property
    def serial(self) -> str:
        return "INTEGER PRIMARY KEY" if self.backend == "sqlite" else "SERIAL PRIMARY KEY"

    def connect(self, memory: bool = False) -> Any:
        """A raw DB-API connection, in its default (transactional) mode."""
        if self.backend == "sqlite":
            return sqlite3.connect(":memory:" if memory else self.path)
        import psycopg

        return psycopg.connect(self.url)

    @property
    def async_url(self) -> str:
        """The URL both ORMs' create_async_engine() take: sqlite+aiosqlite:// or postgresql+asyncpg://."""
        scheme = "sqlite" if self.backend == "sqlite" else "postgresql"
        return self.url.replace(f"{scheme}://", f"{scheme}+{ASYNC_DRIVERS[self.backend]}://", 1)

    def in_memory(self) -> "Database":
        """SQLite's in-memory database: every connection gets its own."""
        return Database("sqlite", "sqlite://", ":memory:")

    def server_version(self) -> str:
        conn = self.connect(memory=self.backend == "sqlite")
        try:
            if self.backend == "sqlite":
                return "SQLite " + conn.execute("SELECT sqlite_version()").fetchone()[0]
            return conn.execute("SHOW server_version").fetchone()[0].join(("PostgreSQL ", ""))
        finally:
            conn.close()


def customer_ddl(db: Database, table: str = CUSTOMER) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {table}",
        f"CREATE TABLE {table} (id {db.serial}, name VARCHAR(255), description VARCHAR(255))",
    ]


def create_customers(db: Database, conn: Any, rows: int = 0) -> None:
    """A fresh Customer table holding `rows` customers."""
    run_script(conn, customer_ddl(db))
    if rows:
        fill(db, conn, CUSTOMER, ("id", "name", "description"), customers(rows))


def run_script(conn: Any, statements: list[str]) -> None:
    for sql in statements:
        conn.execute(sql)
    conn.commit()


def fill(db: Database, conn: Any, table: str, columns: tuple[str, ...], rows: Any) -> None:
    """Bulk-loads rows with the raw driver (COPY on PostgreSQL), then commits."""
    names = ", ".join(columns)
    if db.backend == "sqlite":
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    else:
        with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute(f"ANALYZE {table}")
    conn.commit()


def customers(count: int, start: int = 1) -> Any:
    return ((i, f"customer name {i}", f"customer description {i}") for i in range(start, start + count))


def touch(obj: Any) -> None:
    """Reads the three columns a workload touches, by attribute (objects and Rows)."""
    _ = obj.id, obj.name, obj.description


@dataclass
class OrmStack:
    """cormorant or SQLAlchemy: `sa` is the top-level package, `orm` its orm module."""

    name: str
    sa: ModuleType
    orm: ModuleType
    postgres_scheme: str
    _models: SimpleNamespace | None = field(default=None, repr=False)

    def url(self, db: Database) -> str:
        return db.url.replace("postgresql://", self.postgres_scheme, 1)

    def create_engine(self, db: Database) -> Any:
        return self.sa.create_engine(self.url(db))

    @property
    def models(self) -> SimpleNamespace:
        if self._models is None:
            self._models = declare_models(self.sa, self.orm)
        return self._models

    def asyncio(self) -> ModuleType:
        """The asyncio extension (create_async_engine, async_sessionmaker,
        AsyncSession); raises ImportError when the package has none."""
        return importlib.import_module(f"{self.sa.__name__}.ext.asyncio")


def orm_stacks(only: list[str] | None = None, say: Callable[[str], None] = print) -> list[OrmStack]:
    """cormorant, then SQLAlchemy 2.0 when the bench extra installed it."""
    import cormorant
    import cormorant.orm

    stacks = [OrmStack("cormorant", cormorant, cormorant.orm, "postgresql://")]
    try:
        import sqlalchemy
        import sqlalchemy.orm
    except ImportError:
        say("SQLAlchemy is not installed (pip install '.[bench]'); its rows are left out")
    else:
        stacks.append(OrmStack("SQLAlchemy", sqlalchemy, sqlalchemy.orm, "postgresql+psycopg://"))
    return [s for s in stacks if only is None or s.name in only]


def declare_models(sa: ModuleType, orm: ModuleType) -> SimpleNamespace:
    """SQLAlchemy's examples/performance Customer (and Inserted, the same columns
    in a table of their own), a parent/child pair and a single-table inheritance
    hierarchy, declared with whichever of the two APIs `sa`/`orm` belong to."""

    class Base(orm.DeclarativeBase):
        pass

    class CustomerColumns:
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
        description: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    class Customer(CustomerColumns, Base):
        __tablename__ = CUSTOMER

    class Inserted(CustomerColumns, Base):
        __tablename__ = INSERTED

    class Child(Base):
        __tablename__ = CHILD
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        parent_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey(f"{PARENT}.id"))
        name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
        value: orm.Mapped[int] = orm.mapped_column()

    class Parent(Base):
        __tablename__ = PARENT
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
        children: orm.Mapped[list[Child]] = orm.relationship()

    class Vehicle(Base):
        __tablename__ = VEHICLE
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
        kind: orm.Mapped[str] = orm.mapped_column(sa.String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "vehicle"}

    class Car(Vehicle):
        seats: orm.Mapped[int | None] = orm.mapped_column()
        __mapper_args__ = {"polymorphic_identity": "car"}

    class Truck(Vehicle):
        payload: orm.Mapped[int | None] = orm.mapped_column()
        __mapper_args__ = {"polymorphic_identity": "truck"}

    return SimpleNamespace(
        Base=Base,
        Customer=Customer,
        Inserted=Inserted,
        Parent=Parent,
        Child=Child,
        Vehicle=Vehicle,
        Car=Car,
        Truck=Truck,
    )


def postgres_url_from_env() -> str | None:
    return os.environ.get("CORMORANT_BENCH_PG_URL") or os.environ.get("CORMORANT_TEST_PG_URL")
