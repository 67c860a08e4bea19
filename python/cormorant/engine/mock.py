"""create_mock_engine(): an engine that executes nothing and hands each
statement to a function instead, as SQLAlchemy's does; its common use is
dumping the DDL of `metadata.create_all(mock_engine, checkfirst=False)`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..exc import ArgumentError
from ..sql.ddl import DDLScript, ExecutableDDLElement
from ..sql.elements import BindCollector
from .default import DefaultDialect, dialect_for
from .url import URL, make_url, supported_url


class ScriptedDDL(ExecutableDDLElement):
    """One statement of a DDL script (CREATE TABLE, CREATE INDEX, CREATE TYPE...)
    as the mock engine's executor receives it: `str(ddl.compile(dialect=...))`
    is its SQL."""

    def __init__(self, datum: tuple[Any, ...]) -> None:
        super().__init__()
        self._script_datum = datum

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self._script_datum

    def __repr__(self) -> str:
        return f"<ScriptedDDL {self._script_datum[0]}>"


class MockConnection:
    """What create_mock_engine() returns: both the engine and its connection.
    Each statement run through it is passed to `executor(statement, None)`."""

    def __init__(self, dialect: DefaultDialect, executor: Callable[..., Any]) -> None:
        self._dialect = dialect
        self._execute_impl = executor

    @property
    def dialect(self) -> DefaultDialect:
        return self._dialect

    @property
    def name(self) -> str:
        return self._dialect.name

    @property
    def engine(self) -> MockConnection:
        return self

    def connect(self, **kwargs: Any) -> MockConnection:
        return self

    def execution_options(self, **kw: Any) -> MockConnection:
        return self

    def execute(
        self, obj: Any, parameters: Any = None, execution_options: Mapping[str, Any] | None = None
    ) -> Any:
        return self._execute_impl(obj, parameters)

    def _run_ddl(self, script: Callable[[str], DDLScript]) -> None:
        """How MetaData.create_all / drop_all and Table.create / drop run on a
        bind: here each statement of the script goes to the executor."""
        for datum in script(self._dialect.name):
            self.execute(ScriptedDDL(datum))

    def __repr__(self) -> str:
        return f"<MockConnection {self.name}>"


def create_mock_engine(url: str | URL, executor: Callable[..., Any], **kw: Any) -> MockConnection:
    """A "mock" engine for the dialect `url` names, calling
    `executor(statement, None)` for each statement instead of running it:
    `metadata.create_all(create_mock_engine("postgresql://", dump), checkfirst=False)`.
    With checkfirst=True, having no database to look in, it hands over the
    IF NOT EXISTS / IF EXISTS forms instead."""
    if kw:
        raise ArgumentError(
            f"Invalid argument(s) {', '.join(repr(k) for k in sorted(kw))} sent to create_mock_engine(): "
            "cormorant's dialects take no arguments"
        )
    parsed = supported_url(make_url(url))
    return MockConnection(dialect_for(parsed.backend), executor)
