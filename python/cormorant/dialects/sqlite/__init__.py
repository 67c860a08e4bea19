"""SQLite-specific constructs: its types (JSON, DATE/DATETIME/TIME with a
storage_format, the SQL-standard names), and `insert()` with ON CONFLICT upserts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...engine.default import SQLiteDialect
from ...sql import sqltypes
from ...sql.standard_types import (
    BLOB,
    BOOLEAN,
    CHAR,
    DECIMAL,
    FLOAT,
    INTEGER,
    NUMERIC,
    REAL,
    SMALLINT,
    TEXT,
    TIMESTAMP,
    VARCHAR,
)
from .._on_conflict import Excluded, ExcludedColumn, OnConflictInsert
from .types import DATE, DATETIME, TIME

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "JSON",
    "SQLiteDialect",
    "dialect",
    "Excluded",
    "ExcludedColumn",
    "Insert",
    "insert",
    "BLOB",
    "BOOLEAN",
    "CHAR",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "FLOAT",
    "INTEGER",
    "NUMERIC",
    "REAL",
    "SMALLINT",
    "TEXT",
    "TIME",
    "TIMESTAMP",
    "VARCHAR",
]


class JSON(sqltypes.JSON):
    """SQLite's JSON: JSON text in a column of type JSON, decoded on the way out."""


class Insert(OnConflictInsert):
    """SQLite's INSERT with `on_conflict_do_update()` / `on_conflict_do_nothing()`.
    Without index_elements SQLite applies the clause to any uniqueness conflict."""

    def on_conflict_do_update(
        self,
        index_elements: Iterable[Any] | None = None,
        index_where: Any = None,
        set_: Mapping[Any, Any] | None = None,
        where: Any = None,
    ) -> Self:
        """ON CONFLICT (index_elements) DO UPDATE SET set_ [WHERE where]."""
        return self._do_update(self._index_target(index_elements, index_where), set_, where)

    def on_conflict_do_nothing(
        self, index_elements: Iterable[Any] | None = None, index_where: Any = None
    ) -> Self:
        """ON CONFLICT [(index_elements)] DO NOTHING."""
        return self._do_nothing(self._index_target(index_elements, index_where))


def insert(table: Any) -> Insert:
    """An INSERT into a Table or mapped class, with SQLite's ON CONFLICT clauses."""
    return Insert(table)


# SQLAlchemy's name for the backend's default dialect class: `sqlite.dialect()`.
dialect = SQLiteDialect
