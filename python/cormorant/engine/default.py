"""Dialects: what an Engine says about its database (`engine.dialect`), and
what `stmt.compile(dialect=...)` compiles for. The SQL itself is written by
the native compiler; a dialect names the backend and its placeholder style."""

from __future__ import annotations

from collections.abc import Callable

from .interfaces import Dialect


class DefaultDialect(Dialect):
    """SQLAlchemy's default dialect: the string form of `str(stmt)`, with
    `:name` placeholders. The backends' dialects derive from it."""

    name = "default"
    driver = "cormorant"
    paramstyle = "named"
    positional = False
    supports_statement_cache = True

    def __init__(self, is_async: bool = False) -> None:
        # The engine waits through the event loop (create_async_engine).
        self.is_async = is_async
        self._default_isolation_level: str | None = None
        # Set by an Engine: reads the level from a connection, the first time it is asked.
        self.read_default_isolation_level: Callable[[], str] | None = None

    @property
    def default_isolation_level(self) -> str | None:
        """The isolation level of a newly opened connection (create_engine's
        isolation_level, else the database's default)."""
        if self._default_isolation_level is None and self.read_default_isolation_level is not None:
            self._default_isolation_level = self.read_default_isolation_level()
        return self._default_isolation_level

    @default_isolation_level.setter
    def default_isolation_level(self, level: str | None) -> None:
        self._default_isolation_level = level

    def __repr__(self) -> str:
        return f"<Dialect {self.name}>"


class PGDialect(DefaultDialect):
    """PostgreSQL. Statements show `%(name)s` placeholders as SQLAlchemy's
    psycopg2 dialect does; on the wire the engine sends libpq's `$n`."""

    name = "postgresql"
    paramstyle = "pyformat"
    supports_native_enum = True
    supports_sequences = True
    supports_native_boolean = True


class SQLiteDialect(DefaultDialect):
    """SQLite, through the sqlite3 C API: `?` placeholders."""

    name = "sqlite"
    paramstyle = "qmark"
    positional = True


def dialect_for(name: str, is_async: bool = False) -> DefaultDialect:
    """The dialect of a backend by name ("postgresql" or "sqlite")."""
    classes: dict[str, type[DefaultDialect]] = {"postgresql": PGDialect, "sqlite": SQLiteDialect}
    return classes[name](is_async=is_async)
