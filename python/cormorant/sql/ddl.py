"""Running DDL datums on an Engine or Connection, in one transaction, and the
native enum types PostgreSQL needs around CREATE/DROP TABLE."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def execute_ddl(bind: Any, datums: Sequence[tuple]) -> None:
    from ..engine.base import Connection

    if isinstance(bind, Connection):
        for datum in datums:
            bind._execute_datum(datum)
        return
    with bind.begin() as conn:
        for datum in datums:
            conn._execute_datum(datum)


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
