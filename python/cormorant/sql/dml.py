"""INSERT, UPDATE and DELETE statements, with Python-side column defaults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..exc import ArgumentError, InvalidRequestError
from .elements import BindCollector, BindParameter, ClauseElement, ColumnElement, Executable, and_, coerce
from .selectable import HasCTE, HasPrefixes, Select, _entity_criterion, _entry, _table_of

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


class UpdateBase(HasPrefixes, HasCTE, Executable, ClauseElement):
    """Shared parts of INSERT / UPDATE / DELETE."""

    def _dml_datum(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        raise NotImplementedError

    def _datum_with(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        """The datum; `param_keys` name the values given per execution. Under
        prefix_with() text when there is some for this dialect."""
        datum = self._dml_datum(binds, param_keys)
        return self._affixed(binds, datum) if self._prefixes else datum

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self._datum_with(binds)

    def __init__(self, target: Any) -> None:
        self._ctes = []  # add_cte(): rendered in the WITH the statement cache puts around the datum
        self.entity = target
        self.table = _table_of(target)
        self._returning: list[Any] = []
        self._where: list[ColumnElement[Any]] = []
        self._execution_options: dict[str, Any] = {}
        self._return_defaults = False
        self._return_defaults_columns: list[Any] = []
        self._sort_by_parameter_order = False

    def _clone(self) -> Self:
        new = type(self).__new__(type(self))
        new.__dict__.update(
            {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items() if k != "_compiled"}
        )
        return new

    def returning(self, *cols: Any, sort_by_parameter_order: bool = False) -> Self:
        """RETURNING these columns; `sort_by_parameter_order` returns an
        executemany INSERT's rows in the order of its parameter sets (as they are)."""
        new = self._clone()
        new._returning.extend(e for c in cols for e in _entry(c))
        new._sort_by_parameter_order = sort_by_parameter_order or self._sort_by_parameter_order
        return new

    def return_defaults(self, *cols: Any, sort_by_parameter_order: bool = False) -> Self:
        """Fetch the server-generated values (an INSERT's primary key and server
        defaults, and `cols` the statement does not set) into
        CursorResult.returned_defaults."""
        new = self._clone()
        new._return_defaults = True
        new._return_defaults_columns.extend(new._column(c) for c in cols)
        new._sort_by_parameter_order = sort_by_parameter_order or self._sort_by_parameter_order
        return new

    @property
    def entity_description(self) -> dict[str, Any]:
        """What the statement acts on: name, table (and entity for a mapped class)."""
        description: dict[str, Any] = {"name": self.table.name, "table": self.table}
        mapper = getattr(self.entity, "__mapper__", None)
        if mapper is not None:
            description = {
                "name": self.entity.__name__,
                "type": self.entity,
                "expr": self.entity,
                "entity": self.entity,
                "table": self.table,
            }
        return description

    @property
    def returning_column_descriptions(self) -> list[dict[str, Any]]:
        """One dict per RETURNING item: name, type and expression, plus
        `aliased` and `entity` when the statement targets a mapped class."""
        mapper = getattr(self.entity, "__mapper__", None)
        if mapper is None:
            return [
                {"name": el._row_key, "type": el.type, "expr": el}
                for e in self._returning
                for el in e.elements
            ]
        return [description for e in self._returning for description in self._orm_descriptions(e, mapper)]

    def _orm_descriptions(self, entry: Any, mapper: Any) -> list[dict[str, Any]]:
        if entry.mapper is not None:
            cls = entry.mapper.class_
            return [{"name": cls.__name__, "type": cls, "expr": cls, "aliased": False, "entity": cls}]
        column = entry.column  # an ORM attribute (U.id) or a column expression
        clause = getattr(column, "__clause_element__", None)
        underlying = clause() if clause is not None else column
        attribute = next((name for name, c in mapper.attr_columns.items() if c is underlying), None)
        if attribute is None:  # not one of the entity's columns
            return [
                {
                    "name": column._row_key,
                    "type": column.type,
                    "expr": column,
                    "aliased": False,
                    "entity": None,
                }
            ]
        return [
            {
                "name": attribute,
                "type": column.type,
                "expr": getattr(self.entity, attribute),
                "aliased": False,
                "entity": self.entity,
            }
        ]

    def _extra_froms(self, *more: Any) -> list[Any]:
        """The tables other than the target that the WHERE (and `more`
        expressions) name, in first-seen order."""
        seen: dict[int, Any] = {}
        for criterion in [*self._where, *(m for m in more if isinstance(m, ColumnElement))]:
            for item in criterion._from_objects():
                if item is not self.table and id(item) not in seen:
                    seen[id(item)] = item
        return list(seen.values())

    def _returning_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return tuple(el._datum(binds) for e in self._returning for el in e.elements)

    def _where_datum(self, binds: BindCollector) -> tuple[Any, ...] | None:
        criteria = self._where
        implied = _entity_criterion(getattr(self.entity, "__mapper__", None))
        if implied is not None:  # a single-table inheritance subclass: only its rows
            criteria = [*criteria, implied]
        return and_(*criteria)._datum(binds) if criteria else None

    def _column(self, key: Any) -> Column[Any]:
        return column_for_key(self.entity, self.table, key)


class ValuesBase(UpdateBase):
    """INSERT and UPDATE: the statements that take values()."""


class Insert(ValuesBase):
    """INSERT INTO table; values from .values() or from execution parameters."""

    def __init__(self, target: Any) -> None:
        super().__init__(target)
        self._values: dict[Column[Any], Any] | None = None
        self._multi_values: list[dict[Column[Any], Any]] | None = None
        self._on_conflict: Any = None
        self._select: Any = None
        self._select_columns: list[Column[Any]] = []
        self._include_defaults = True

    def from_select(self, names: Sequence[Any], select: Any, include_defaults: bool = True) -> Self:
        """INSERT INTO table (names) SELECT ...; with `include_defaults`, columns
        that have a Python default and are not named get it from the SELECT."""
        if self._values is not None or self._multi_values is not None:
            raise InvalidRequestError("This construct already inserts value expressions")
        new = self._clone()
        new._select = select
        new._select_columns = [new._column(n) for n in names]
        new._include_defaults = include_defaults
        return new

    def values(self, *args: Any, **kwargs: Any) -> Self:
        if self._select is not None:
            raise InvalidRequestError("This construct already inserts from a SELECT")
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
        if (
            param_keys
            and self._values is None
            and self._multi_values is None
            and self._on_conflict is None
            and self._select is None
        ):
            return tuple(param_keys)
        return None

    def _default_columns(self, present: set[Column[Any]]) -> list[Column[Any]]:
        return [c for c in self.table.columns if c.default is not None and c not in present]

    def _shown_parameter_keys(self) -> list[str]:
        """Shown without values (str(insert(t))), every column is given by a parameter."""
        if self._values is not None or self._multi_values is not None or self._select is not None:
            return []
        return [c.key for c in self.table.columns]

    def _dml_datum(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        """The datum; `param_keys` names columns whose values come per execution."""
        if self._select is not None:
            return self._from_select_datum(binds)
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

    def _from_select_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        columns, select = list(self._select_columns), self._select
        if self._include_defaults and isinstance(select, Select):
            defaults = self._default_columns(set(columns))
            if defaults:
                select = select.add_columns(
                    *(coerce(c.default.value(), c.type, c.key) for c in defaults if c.default)
                )
                columns += defaults
        return (
            "insert_from_select",
            self.table.name,
            tuple(c.name for c in columns),
            select._datum(binds),
            self._returning_datum(binds),
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
        if self._select is not None:
            return []
        given = {self._column(k) for k in param_keys} | set(self._values or {})
        return self._default_columns(given)

    def _on_conflict_datum(self, binds: BindCollector) -> Any:
        """The ON CONFLICT clause, set by the dialect inserts of cormorant.dialects."""
        return self._on_conflict._datum(binds) if self._on_conflict is not None else None


class Update(ValuesBase):
    """UPDATE table SET ... WHERE ..."""

    def __init__(self, target: Any) -> None:
        super().__init__(target)
        self._values: dict[Column[Any], Any] = {}
        self._ordered_values = False

    def values(self, *args: Any, **kwargs: Any) -> Self:
        if self._ordered_values:
            raise InvalidRequestError("This statement already has ordered values present")
        new = self._clone()
        given = dict(args[0]) if args else {}
        given.update(kwargs)
        new._values = {**self._values, **{new._column(k): v for k, v in _expanded(given).items()}}
        return new

    def ordered_values(self, *pairs: tuple[Any, Any]) -> Self:
        """SET these (column, value) pairs in the order given."""
        if self._values:
            raise ArgumentError("This statement already has values present")
        new = self.values(dict(pairs))
        new._ordered_values = True
        return new

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        return self.where(*(self._column(k) == v for k, v in kwargs.items()))

    def _set_items(self, values: dict[Column[Any], Any]) -> list[tuple[Column[Any], Any]]:
        items = list(values.items())
        items += [
            (c, c.onupdate.value()) for c in self.table.columns if c.onupdate is not None and c not in values
        ]
        return items

    def _parameter_values(self, binds: BindCollector, param_keys: Sequence[str]) -> dict[Column[Any], Any]:
        """With no .values(): SET every column the execution's parameters name,
        except those the WHERE binds by name (as SQLAlchemy does)."""
        if self._values or not param_keys:
            return self._values
        values: dict[Column[Any], Any] = {}
        for key in param_keys:
            if key in binds.named:
                continue
            try:
                column = self._column(key)
            except KeyError:
                continue
            values[column] = BindParameter(key, None, column.type, column.key)
        return values

    def _shown_parameter_keys(self) -> list[str]:
        """Shown without values (str(update(t))), every column is SET from a parameter."""
        return [] if self._values else [c.key for c in self.table.columns]

    def _dml_datum(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        where = self._where_datum(binds)  # first: its named binds are not SET columns
        values = self._parameter_values(binds, param_keys)
        sets = tuple((c.name, _assigned_datum(binds, c, v)) for c, v in self._set_items(values))
        returning = self._returning_datum(binds)
        froms = self._extra_froms(*values.values())
        if froms:
            from_datums = tuple(f._datum_from(binds) for f in froms)
            return ("update_from", self.table.name, sets, from_datums, where, returning)
        return ("update", self.table.name, sets, where, returning)


class Delete(UpdateBase):
    """DELETE FROM table WHERE ..."""

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        return self.where(*(self._column(k) == v for k, v in kwargs.items()))

    def _dml_datum(self, binds: BindCollector, param_keys: Sequence[str] = ()) -> tuple[Any, ...]:
        froms = self._extra_froms()
        if froms and binds.dialect == "sqlite":
            raise NotImplementedError("This backend does not support multiple-table criteria within DELETE")
        where, returning = self._where_datum(binds), self._returning_datum(binds)
        if froms:
            from_datums = tuple(f._datum_from(binds) for f in froms)
            return ("delete_using", self.table.name, from_datums, where, returning)
        return ("delete", self.table.name, where, returning)


def insert(target: Any) -> Insert:
    """INSERT into a Table or a mapped class."""
    return Insert(target)


def _expanded(given: dict[Any, Any]) -> dict[Any, Any]:
    """SET items as given, a key that stands for several columns (an ORM
    hybrid's update_expression) replaced by the (column, value) pairs it gives."""
    if not any(hasattr(k, "_bulk_update_tuples") for k in given):
        return given
    out: dict[Any, Any] = {}
    for key, value in given.items():
        expand = getattr(key, "_bulk_update_tuples", None)
        out.update(expand(value) if expand is not None else [(key, value)])
    return out


def update(target: Any) -> Update:
    """UPDATE a Table or a mapped class."""
    return Update(target)


def delete(target: Any) -> Delete:
    """DELETE from a Table or a mapped class."""
    return Delete(target)
