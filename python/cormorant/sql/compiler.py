"""Compiled: what the native compiler made of one statement shape (SQL text,
parameter order, kind, locking, the multi-row VALUES template) together with
the statement's result entries, the type converters of its binds and the
result plans hydrations build for it once (see engine/hydration.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .. import _native
from .selectable import ResultEntry
from .sqltypes import resolve_variant

_S = TypeVar("_S")  # a hydration's plan of a statement


class Compiled:
    """SQL text, parameter order and result plans of one statement shape."""

    __slots__ = (
        "sql",
        "param_keys",
        "entries",
        "dialect",
        "kind",
        "processors",
        "locks_rows",
        "reads_only",
        "_many_values",
        "_many_values_sql",
        "_shapes",
    )

    def __init__(
        self, datum: Any, dialect: str, entries: list[ResultEntry], processors: dict[str, Any]
    ) -> None:
        sql, keys, kind, locks_rows, reads_only, many_values = _native.compile(datum, dialect)
        self.sql: str = sql
        self.param_keys: tuple[str, ...] = tuple(keys)
        self.kind: str = kind
        self.locks_rows: bool = locks_rows
        self.reads_only: bool = reads_only
        self.entries = entries
        self.dialect = dialect
        self.processors = processors  # bind key -> the column type's value converter
        self._many_values = many_values
        self._many_values_sql: dict[int, str] = {}
        self._shapes: dict[Any, Any] = {}

    def many_values_sql(self, rows: int) -> str | None:
        """This one-row INSERT written for `rows` rows, its placeholders numbered
        row after row; None unless all its binds are in its VALUES group."""
        if self._many_values is None:
            return None
        sql = self._many_values_sql.get(rows)
        if sql is None:
            sql = self._many_values_sql[rows] = self._many_values.render(rows)
        return sql

    def bind_values(self, values: dict[str, Any], parameters: Mapping[str, Any] | None) -> dict[str, Any]:
        """`values` with the execution's parameters, each converted by its bind's type."""
        if parameters:
            processors = self.processors
            for key, value in parameters.items():
                processor = processors.get(key)
                values[key] = processor(value) if processor is not None else value
        return values

    @property
    def returns_rows(self) -> bool:
        return bool(self.entries)

    def shape_for(self, key: Any, build: Callable[[Compiled], _S]) -> _S:
        """A hydration's plan of this statement, built once by `build` and kept under `key`."""
        shape: _S | None = self._shapes.get(key)  # what `build` made for this key
        if shape is None:
            shape = self._shapes[key] = build(self)
        return shape

    def converters(self, elements: Sequence[Any]) -> list[Any]:
        """The native value converter of each result column in `elements`."""
        dialect = self.dialect
        return [resolve_variant(el.type, dialect)._result_converter(dialect) for el in elements]
