"""INSERT, UPDATE and DELETE statements, with Python-side column defaults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .elements import BindCollector, ClauseElement, ColumnElement, and_, coerce
from .selectable import HasCTE, _entry, _table_of

if TYPE_CHECKING:
    from typing_extensions import Self

    from .schema import Column, Table

_PLAIN_VALUES = frozenset({int, str, float, bytes, bool})


def column_for_key(target: Any, table: Table, key: Any) -> Column[Any]:
    """The Column that a values() key names: an attribute, a column key or a Column."""
    if not isinstance(key, str):
        key = getattr(key, "key", None) or getattr(key, "name", None)
    mapper = getattr(target, "__mapper__", None)
    if mapper is not None and key in mapper.attr_columns:
        mapped: Column[Any] = mapper.attr_columns[key]
        return mapped
    column = table.c.get(key)
    if column is None:
        raise KeyError(f"Unconsumed column names: {key} (table '{table.name}' has no such column)")
    return column


def _assigned_datum(binds: BindCollector, column: Column[Any], value: Any) -> tuple[Any, ...]:
    """The datum of a value given for `column` in VALUES or SET: a bind named
    after the column, or the SQL expression given."""
    if type(value) in _PLAIN_VALUES or not (
        isinstance(value, ClauseElement) or hasattr(value, "__clause_element__")
    ):
        if value is None and not column.type.binds_none:
            return ("null",)
        return binds.add_value(value, column.type, column.key)
    return coerce(value, column.type, column.key)._datum(binds)


class DMLStatement(HasCTE, ClauseElement):
    """Shared parts of INSERT / UPDATE / DELETE."""

    def __init__(self, target: Any) -> None:
        self._ctes = []  # add_cte(): rendered in the WITH the statement cache puts around the datum
        self.entity = target
        self.table = _table_of(target)
        self._returning: list[Any] = []
        self._where: list[ColumnElement[Any]] = []
        self._execution_options: dict[str, Any] = {}

    def _clone(self) -> Self:
        new = type(self).__new__(type(self))
        new.__dict__.update(
            {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items() if k != "_compiled"}
        )
        return new

    def returning(self, *cols: Any) -> Self:
        new = self._clone()
        new._returning.extend(e for c in cols for e in _entry(c))
        return new

    def execution_options(self, **options: Any) -> Self:
        new = self._clone()
        new._execution_options = {**self._execution_options, **options}
        return new

    def _returning_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return tuple(el._datum(binds) for e in self._returning for el in e.elements)

    def _where_datum(self, binds: BindCollector) -> tuple[Any, ...] | None:
        return and_(*self._where)._datum(binds) if self._where else None

    def _column(self, key: Any) -> Column[Any]:
        return column_for_key(self.entity, self.table, key)


class Insert(DMLStatement):
    """INSERT INTO table; values from .values() or from execution parameters."""

    def __init__(self, target: Any) -> None:
        super().__init__(target)
        self._values: dict[Column[Any], Any] | None = None
        self._multi_values: list[dict[Column[Any], Any]] | None = None
        self._on_conflict: Any = None

    def values(self, *args: Any, **kwargs: Any) -> Self:
        new = self._clone()
        if args and isinstance(args[0], (list, tuple)) and args[0] and isinstance(args[0][0], dict):
            columns: dict[Any, Column[Any]] = {}
            new._multi_values = [
                {(columns.get(k) or columns.setdefault(k, new._column(k))): v for k, v in row.items()}
                for row in args[0]
            ]
        else:
            given = dict(args[0]) if args else {}
            given.update(kwargs)
            new._values = {**(self._values or {}), **{new._column(k): v for k, v in given.items()}}
        return new

    def _memo_key(self, param_keys: Sequence[str]) -> Any:
        # Values given per execution only: Python defaults are filled in then, not in the datum.
        if param_keys and self._values is None and self._multi_values is None and self._on_conflict is None:
            return tuple(param_keys)
        return None

    def _default_columns(self, present: set[Column[Any]]) -> list[Column[Any]]:
        return [c for c in self.table.columns if c.default is not None and c not in present]

    def _datum_with(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        """The datum; `param_keys` names columns whose values come per execution."""
        if self._multi_values is not None:
            columns = list(dict.fromkeys(c for row in self._multi_values for c in row))
            columns += self._default_columns(set(columns))
            rows = tuple(
                tuple(self._value_datum(binds, c, row) for c in columns) for row in self._multi_values
            )
        else:
            values = self._values or {}
            param_columns = list(dict.fromkeys(self._column(k) for k in param_keys))
            columns = list(values) + [c for c in param_columns if c not in values]
            defaults = self._default_columns(set(columns))
            if param_keys:  # per-row values; the executor fills defaults into each parameter set
                row = tuple(
                    self._value_datum(binds, c, values)
                    if c in values
                    else binds.bind(c.key, c._resolve_type(), c.key)
                    for c in columns + defaults
                )
            else:
                row = tuple(self._value_datum(binds, c, values) for c in columns + defaults)
            columns += defaults
            rows = (row,) if columns else ()
        return (
            "insert",
            self.table.name,
            tuple(c.name for c in columns),
            rows,
            self._returning_datum(binds),
            self._on_conflict_datum(binds),
        )

    @staticmethod
    def _value_datum(
        binds: BindCollector, column: Column[Any], row: dict[Column[Any], Any]
    ) -> tuple[Any, ...]:
        if column in row:
            value = row[column]
        elif column.default is not None:
            value = column.default.value()
        else:
            return ("null",)
        return _assigned_datum(binds, column, value)

    def _executemany_defaults(self, param_keys: Sequence[str]) -> list[Column[Any]]:
        """Columns whose Python default fills parameter sets that lack them."""
        given = {self._column(k) for k in param_keys} | set(self._values or {})
        return self._default_columns(given)

    def _on_conflict_datum(self, binds: BindCollector) -> Any:
        """The ON CONFLICT clause, set by the dialect inserts of cormorant.dialects."""
        return self._on_conflict._datum(binds) if self._on_conflict is not None else None

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self._datum_with(binds)


class Update(DMLStatement):
    """UPDATE table SET ... WHERE ..."""

    def __init__(self, target: Any) -> None:
        super().__init__(target)
        self._values: dict[Column[Any], Any] = {}

    def values(self, *args: Any, **kwargs: Any) -> Self:
        new = self._clone()
        given = dict(args[0]) if args else {}
        given.update(kwargs)
        new._values = {**self._values, **{new._column(k): v for k, v in given.items()}}
        return new

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        return self.where(*(self._column(k) == v for k, v in kwargs.items()))

    def _set_items(self) -> list[tuple[Column[Any], Any]]:
        items = list(self._values.items())
        items += [
            (c, c.onupdate.value())
            for c in self.table.columns
            if c.onupdate is not None and c not in self._values
        ]
        return items

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        sets = tuple((c.name, _assigned_datum(binds, c, v)) for c, v in self._set_items())
        return ("update", self.table.name, sets, self._where_datum(binds), self._returning_datum(binds))


class Delete(DMLStatement):
    """DELETE FROM table WHERE ..."""

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        return self.where(*(self._column(k) == v for k, v in kwargs.items()))

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("delete", self.table.name, self._where_datum(binds), self._returning_datum(binds))


def insert(target: Any) -> Insert:
    """INSERT into a Table or a mapped class."""
    return Insert(target)


def update(target: Any) -> Update:
    """UPDATE a Table or a mapped class."""
    return Update(target)


def delete(target: Any) -> Delete:
    """DELETE from a Table or a mapped class."""
    return Delete(target)
