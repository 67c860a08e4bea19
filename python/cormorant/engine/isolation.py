"""Transaction isolation levels: which a backend accepts, and the SQL that
sets and reads a connection's level.

AUTOCOMMIT is not a session setting: a Connection at AUTOCOMMIT sends no
BEGIN (engine/base.py), so each statement commits on its own. The other levels
are the session's default for the transactions it begins: PostgreSQL's
default_transaction_isolation, SQLite's read_uncommitted pragma (SQLite's
transactions are otherwise serializable)."""

from __future__ import annotations

from typing import Any

from .. import _native
from ..exc import ArgumentError
from .errors import translate

AUTOCOMMIT = "AUTOCOMMIT"

# In the order SQLAlchemy's dialects list them in their error message.
VALID_LEVELS = {
    "postgresql": ("AUTOCOMMIT", "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE"),
    "sqlite": ("READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"),
}


def checked_level(backend: str, level: Any) -> str:
    """`level` as the backend names it ("repeatable_read" -> "REPEATABLE READ");
    ArgumentError naming it and the valid levels when the backend has no such level."""
    valid = VALID_LEVELS[backend]
    name = level.replace("_", " ").upper() if isinstance(level, str) else level
    if name not in valid:
        shown = name if isinstance(name, str) else level
        raise ArgumentError(
            f"Invalid value {shown!r} for isolation_level. "
            f"Valid isolation levels for {backend!r} are {', '.join(valid)}"
        )
    return str(name)


def _run(lease: Any, sql: str) -> list[Any]:
    try:
        cursor = lease.execute(sql, [])
        rows = [tuple(r) for r in _fetch(cursor)] if cursor.column_names else []
        cursor.close()
        return rows
    except _native.Error as e:
        raise translate(e, sql, None) from e


def _fetch(cursor: Any) -> Any:
    names = cursor.column_names
    plan = _native.ResultPlan(
        [_native.CONVERT_RAW] * len(names), list(range(len(names))), _native.RowKeys(names)
    )
    return _native.fetch_all(cursor, plan, None, None)


def set_session_level(lease: Any, backend: str, level: str | None) -> None:
    """Makes `level` the isolation of the transactions `lease` begins from now
    on; None restores the level the connection opened with."""
    if backend == "sqlite":
        _run(lease, f"PRAGMA read_uncommitted = {1 if level == 'READ UNCOMMITTED' else 0}")
    elif level is None:
        _run(lease, "RESET default_transaction_isolation")
    else:
        _run(lease, f"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL {level}")


def current_level(lease: Any, backend: str) -> str:
    """The isolation level in effect on `lease` (never AUTOCOMMIT, as in SQLAlchemy)."""
    if backend == "sqlite":
        return "READ UNCOMMITTED" if _run(lease, "PRAGMA read_uncommitted")[0][0] else "SERIALIZABLE"
    return str(_run(lease, "SHOW transaction_isolation")[0][0]).upper()


def opening_level(lease: Any, backend: str) -> str:
    """The level a new connection starts with: the server's (or the URL's
    options') default_transaction_isolation, untouched by SET SESSION."""
    if backend == "sqlite":
        return "SERIALIZABLE"
    sql = "SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'default_transaction_isolation'"
    return str(_run(lease, sql)[0][0]).upper()
