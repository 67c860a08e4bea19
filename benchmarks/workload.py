"""What a workload hands the runner: its cases, one per (level, stack), and the
context they share: the database, the ORM stacks, the size, and the connections
and engines to close afterwards."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .stacks import RAW, Database, OrmStack


@dataclass
class Case:
    """One timed thing. `run` does the work and returns how many rows it handled,
    which must equal `expected`; when `count` is given it is asked instead,
    after the run and outside the timing. `prepare` runs before every run,
    untimed (emptying a table, say). Ratios compare a case with the raw case
    whose level is `floor`, by default the workload's first raw case."""

    level: str
    stack: str
    run: Callable[[], Any]
    expected: int
    prepare: Callable[[], None] | None = None
    count: Callable[[], int] | None = None
    floor: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.level, self.stack)

    @property
    def is_raw(self) -> bool:
        return self.stack == RAW


class Context:
    """What a workload's cases run against; `close()` releases what they opened."""

    def __init__(self, db: Database, stacks: list[OrmStack], size: int) -> None:
        self.db = db
        self.stacks = stacks
        self.size = size
        self._closers: list[Callable[[], Any]] = []

    def raw(self, db: Database | None = None) -> Any:
        db = db or self.db
        conn = db.connect(memory=db.path == ":memory:")
        self._closers.append(conn.close)
        return conn

    def engine(self, stack: OrmStack, db: Database | None = None) -> Any:
        engine = stack.create_engine(db or self.db)
        self._closers.append(engine.dispose)
        return engine

    def on_close(self, closer: Callable[[], Any]) -> None:
        """Runs `closer` at close(), before whatever was opened earlier is closed."""
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()


def per_stack(ctx: Context, stack_cases: Callable[..., list[Case]], *args: Any) -> list[Case]:
    """`stack_cases(ctx, stack, *args)` for each ORM stack, in order."""
    return [case for stack in ctx.stacks for case in stack_cases(ctx, stack, *args)]


def count_rows(conn: Any, table: str, where: str = "", params: tuple = ()) -> int:
    """SELECT count(*) through a raw connection, ending its transaction."""
    (n,) = conn.execute(f"SELECT count(*) FROM {table} {where}", params).fetchone()
    conn.rollback()
    return n
