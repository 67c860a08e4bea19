"""Running DDL datums on an Engine or Connection, in one transaction, and the
native enum types PostgreSQL needs around CREATE/DROP TABLE."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def execute_ddl(bind: Any, datums: Sequence[tuple | str]) -> None:
    """Runs DDL datums (and ALTER TABLE statements given as SQL text) in order."""
    from ..engine.base import Connection

    def run(conn: Connection) -> None:
        for datum in datums:
            if isinstance(datum, str):
                conn.exec_driver_sql(datum)
            else:
                conn._execute_datum(datum)

    if isinstance(bind, Connection):
        run(bind)
        return
    with bind.begin() as conn:
        run(conn)


def supports_alter(bind: Any) -> bool:
    """ALTER TABLE ... ADD CONSTRAINT; SQLite lacks it but accepts foreign
    keys to tables created later, so there they stay inline."""
    return _is_postgresql(bind)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _deferred_foreign_keys(tables: Iterable[Any]) -> list[tuple[Any, Any, str]]:
    found = []
    for table in tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.use_alter:
                    target = fk.target_table_name
                    found.append((table, fk, fk.name or f"fk_{table.name}_{column.name}_{target}"))
    return found


def add_deferred_foreign_keys(tables: Iterable[Any]) -> list[str]:
    """ALTER TABLE ... ADD CONSTRAINT for use_alter foreign keys, once every table exists."""
    statements = []
    for table, fk, name in _deferred_foreign_keys(tables):
        target_table, target_column = fk.target_fullname.rsplit(".", 1)
        alter = (
            f"ALTER TABLE {_quote(table.name)} ADD CONSTRAINT {_quote(name)} FOREIGN KEY "
            f"({_quote(fk.parent.name)}) REFERENCES {_quote(target_table)} ({_quote(target_column)})"
        )
        if fk.ondelete:
            alter += f" ON DELETE {_checked_action(fk.ondelete)}"
        if fk.onupdate:
            alter += f" ON UPDATE {_checked_action(fk.onupdate)}"
        statements.append(f"DO $$ BEGIN {alter}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    return statements


def drop_deferred_foreign_keys(tables: Iterable[Any]) -> list[str]:
    return [
        f"ALTER TABLE IF EXISTS {_quote(table.name)} DROP CONSTRAINT IF EXISTS {_quote(name)}"
        for table, _, name in _deferred_foreign_keys(tables)
    ]


def _checked_action(action: str) -> str:
    if action.upper() not in ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"):
        raise ValueError(f"invalid foreign key action {action!r}")
    return action.upper()


def _native_enums(tables: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    from .sqltypes import Enum

    found: dict[str, tuple[str, ...]] = {}
    for table in tables:
        for column in table.columns:
            type_ = column._resolve_type()
            if isinstance(type_, Enum) and type_.native_name:
                found.setdefault(type_.native_name, tuple(type_.values))
    return found


def _is_postgresql(bind: Any) -> bool:
    return getattr(bind, "engine", bind).name == "postgresql"


def create_with_enums(bind: Any, tables: Sequence[Any], datums: list[tuple], checkfirst: bool) -> None:
    """Runs CREATE datums for `tables`, preceded on PostgreSQL by their enum types."""
    if _is_postgresql(bind):
        types = [("create_enum", n, v, checkfirst) for n, v in _native_enums(tables).items()]
        datums = types + datums
    execute_ddl(bind, datums)


def drop_with_enums(bind: Any, tables: Sequence[Any], datums: list[tuple], checkfirst: bool) -> None:
    """Runs DROP datums for `tables`, followed on PostgreSQL by their enum types."""
    if _is_postgresql(bind):
        datums = datums + [("drop_enum", n, checkfirst) for n in _native_enums(tables)]
    execute_ddl(bind, datums)
