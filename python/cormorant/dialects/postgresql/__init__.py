"""PostgreSQL-specific constructs: its types (JSONB, ARRAY, UUID, INET, CIDR,
TSVECTOR, INTERVAL), and `insert()` with ON CONFLICT upserts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...engine.default import PGDialect
from ...sql.sqltypes import JSON
from .._on_conflict import Excluded, ExcludedColumn, OnConflictInsert, constraint_columns
from .types import ARRAY, CIDR, INET, INTERVAL, TSVECTOR, UUID

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "PGDialect",
    "dialect",
    "ARRAY",
    "CIDR",
    "INET",
    "INTERVAL",
    "JSONB",
    "TSVECTOR",
    "UUID",
    "Excluded",
    "ExcludedColumn",
    "Insert",
    "insert",
]


class JSONB(JSON):
    """PostgreSQL's binary JSON column type (JSONB); values are dicts, lists and scalars."""

    _ddl_name = "jsonb"


class Insert(OnConflictInsert):
    """PostgreSQL's INSERT with `on_conflict_do_update()` / `on_conflict_do_nothing()`.
    DO UPDATE needs a conflict target: `index_elements` or a unique `constraint`."""

    _update_needs_target = True

    def on_conflict_do_update(
        self,
        constraint: Any = None,
        index_elements: Iterable[Any] | None = None,
        index_where: Any = None,
        set_: Mapping[Any, Any] | None = None,
        where: Any = None,
    ) -> Self:
        """ON CONFLICT (target) DO UPDATE SET set_ [WHERE where]."""
        return self._do_update(self._conflict_target(constraint, index_elements, index_where), set_, where)

    def on_conflict_do_nothing(
        self, constraint: Any = None, index_elements: Iterable[Any] | None = None, index_where: Any = None
    ) -> Self:
        """ON CONFLICT [(target)] DO NOTHING."""
        return self._do_nothing(self._conflict_target(constraint, index_elements, index_where))

    def _conflict_target(self, constraint: Any, index_elements: Any, index_where: Any) -> tuple[str, ...]:
        if constraint is None:
            return self._index_target(index_elements, index_where)
        if index_elements is not None or index_where is not None:
            raise ValueError("'constraint' and 'index_elements' are mutually exclusive")
        return constraint_columns(self.table, constraint)


def insert(table: Any) -> Insert:
    """An INSERT into a Table or mapped class, with PostgreSQL's ON CONFLICT clauses."""
    return Insert(table)


# SQLAlchemy's name for the backend's default dialect class: `postgresql.dialect()`.
dialect = PGDialect
