"""INSERT ... ON CONFLICT, shared by the SQLite and PostgreSQL dialects: the
`excluded` pseudo-table, the DO NOTHING / DO UPDATE clauses and their datums,
and the Insert subclass that builds them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..exc import ArgumentError, InvalidRequestError
from ..sql.dml import Insert
from ..sql.elements import BindCollector, ClauseElement, ColumnElement, and_, coerce
from ..sql.schema import Column, Constraint, Index, Table

if TYPE_CHECKING:
    from typing_extensions import Self


class ExcludedColumn(ColumnElement[Any]):
    """`excluded.<column>`: the value the row that hit the conflict proposed."""

    __slots__ = ("column", "type")

    def __init__(self, column: Column[Any]) -> None:
        self.column = column
        self.type = column.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("excluded", self.column.name)

    @property
    def key(self) -> str | None:
        return self.column.key

    @property
    def name(self) -> str | None:
        return self.column.name

    @property
    def _row_key(self) -> str:
        return self.column._row_key

    def __repr__(self) -> str:
        return f"excluded.{self.column.name}"


class Excluded:
    """`stmt.excluded`: the proposed row's columns, as `.name` or `["name"]`."""

    __slots__ = ("_statement",)

    def __init__(self, statement: OnConflictInsert) -> None:
        self._statement = statement

    def __getattr__(self, key: str) -> ExcludedColumn:
        if key.startswith("__") or key == "_statement":
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError as e:
            raise AttributeError(str(e.args[0])) from None

    def __getitem__(self, key: Any) -> ExcludedColumn:
        return ExcludedColumn(self._statement._target_column(key))

    def __contains__(self, key: object) -> bool:
        try:
            self._statement._target_column(key)
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[ExcludedColumn]:
        return (ExcludedColumn(c) for c in self._statement.table.columns)

    def __len__(self) -> int:
        return len(self._statement.table.columns)

    def keys(self) -> list[str]:
        return self._statement.table.columns.keys()


class OnConflictDoNothing(ClauseElement):
    """ON CONFLICT [(columns)] DO NOTHING."""

    __slots__ = ("target",)

    def __init__(self, target: tuple[str, ...]) -> None:
        self.target = target

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("do_nothing", self.target)


class OnConflictDoUpdate(ClauseElement):
    """ON CONFLICT [(columns)] DO UPDATE SET column = expression, ... [WHERE ...]."""

    __slots__ = ("target", "assignments", "where")

    def __init__(
        self,
        target: tuple[str, ...],
        assignments: list[tuple[Column[Any], ColumnElement[Any]]],
        where: ColumnElement[Any] | None,
    ) -> None:
        self.target, self.assignments, self.where = target, assignments, where

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        sets = tuple((column.name, value._datum(binds)) for column, value in self.assignments)
        return ("do_update", self.target, sets, self.where._datum(binds) if self.where is not None else None)


class OnConflictInsert(Insert):
    """An INSERT that can carry an ON CONFLICT clause (the dialects' `insert()`)."""

    # PostgreSQL needs the conflict target for DO UPDATE; SQLite can infer it.
    _update_needs_target = False

    @property
    def excluded(self) -> Excluded:
        """The row proposed for insertion, for use in `set_` and `where`."""
        return Excluded(self)

    def _with_on_conflict(self, clause: ClauseElement) -> Self:
        if self._on_conflict is not None:
            raise InvalidRequestError("this insert already has an ON CONFLICT clause; build a new one")
        new = self._clone()
        new._on_conflict = clause
        return new

    def _do_nothing(self, target: tuple[str, ...]) -> Self:
        return self._with_on_conflict(OnConflictDoNothing(target))

    def _do_update(self, target: tuple[str, ...], set_: Any, where: Any) -> Self:
        if not target and self._update_needs_target:
            raise ValueError(
                "PostgreSQL needs a conflict target for DO UPDATE: give index_elements or constraint"
            )
        return self._with_on_conflict(OnConflictDoUpdate(target, self._assignments(set_), _where(where)))

    def _target_column(self, key: Any) -> Column[Any]:
        """The column `key` names: an attribute, a Column, a column key or a column name."""
        try:
            return self._column(key)
        except KeyError:
            for column in self.table.columns:
                if isinstance(key, str) and column.name == key:
                    return column
            raise

    def _index_target(self, index_elements: Iterable[Any] | None, index_where: Any) -> tuple[str, ...]:
        if index_where is not None:
            raise NotImplementedError(
                "index_where (a partial unique index as conflict target) is not supported yet"
            )
        return tuple(self._target_column(e).name for e in index_elements or ())

    def _assignments(self, set_: Any) -> list[tuple[Column[Any], ColumnElement[Any]]]:
        """`set_` as (column, expression) pairs; plain values become bound
        parameters of the column's type."""
        items = set_.items() if isinstance(set_, Mapping) else list(set_ or ())
        pairs = []
        for key, value in items:
            column = self._target_column(key)
            pairs.append((column, coerce(value, column.type)))
        if not pairs:
            raise ValueError("on_conflict_do_update() needs at least one entry in set_")
        return pairs


def _where(where: Any) -> ColumnElement[Any] | None:
    if where is None:
        return None
    if isinstance(where, (list, tuple)):
        return and_(*where)
    return coerce(where)


def constraint_columns(table: Table, constraint: Any) -> tuple[str, ...]:
    """The columns of a unique constraint or index, given as the object or its
    name, used as the conflict target (same meaning as ON CONSTRAINT name)."""
    if isinstance(constraint, str):
        constraint = _named_constraint(table, constraint)
    if isinstance(constraint, (list, tuple)):  # e.g. table.primary_key
        items: Iterable[str | Column[Any]] = constraint
        names = [c if isinstance(c, str) else c.name for c in items]
    else:
        names = list(getattr(constraint, "column_names", None) or ())
    if not names:
        raise ArgumentError(f"{constraint!r} names no columns of table '{table.name}'")
    return tuple(names)


def _named_constraint(table: Table, name: str) -> Any:
    candidates: list[Constraint | Index] = [*table.constraints, *table.indexes]
    for item in candidates:
        if item.name == name:
            return item
    # the names PostgreSQL gives unnamed primary keys and unique columns
    if name == f"{table.name}_pkey" and table.primary_key:
        return table.primary_key
    for column in table.columns:
        if column.unique and name == f"{table.name}_{column.name}_key":
            return [column]
    raise ArgumentError(
        f"table '{table.name}' has no constraint or index named '{name}' in its metadata; "
        "give index_elements instead"
    )
