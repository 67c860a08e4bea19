"""From statement to SQL: the statement's datum is its structural cache key;
on a miss the native compiler turns it into SQL and parameter order, and the
result plan (converters, row keys, entity plans) is built once and kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import _native
from .elements import BindCollector, ClauseElement, TextClause, bind_processors
from .selectable import ResultEntry, Select
from .sqltypes import RAW

_CACHE_SIZE = 1000


class ResultShape:
    """The hydration plan of one compiled statement, for Core or ORM use."""

    __slots__ = ("plan", "keys", "single")

    def __init__(self, plan: Any, keys: Any, single: bool) -> None:
        self.plan, self.keys, self.single = plan, keys, single

    @classmethod
    def of(cls, converters: list[Any], outputs: list[Any], names: list[str]) -> ResultShape:
        """A plan reading `converters`' columns into `outputs` (column positions or
        entity plans) named `names`; one output gives bare values, not rows."""
        keys = _native.RowKeys(names)
        single = len(outputs) == 1
        return cls(_native.ResultPlan(converters, outputs, None if single else keys), keys, single)


class Compiled:
    """SQL text, parameter order and result plans of one statement shape."""

    __slots__ = (
        "sql",
        "param_keys",
        "entries",
        "dialect",
        "_shapes",
        "kind",
        "processors",
        "locks_rows",
        "reads_only",
        "_many_values",
    )

    def __init__(
        self,
        sql: str,
        param_keys: Sequence[str],
        entries: list[ResultEntry],
        dialect: str,
        kind: str,
        processors: dict[str, Any] | None = None,
    ) -> None:
        self.sql = sql
        self.param_keys = tuple(param_keys)
        self.entries = entries
        self.dialect = dialect
        self.kind = kind
        self.processors = processors or {}  # bind key -> the column type's value converter
        self.locks_rows = False
        self.reads_only = False
        self._shapes: dict[Any, ResultShape] = {}
        self._many_values: dict[int, str | None] = {}

    def many_values_sql(self, rows: int) -> str | None:
        """This one-row INSERT with its VALUES group repeated for `rows` rows (placeholders
        renumbered on PostgreSQL); None when its binds are not all in that group."""
        if rows not in self._many_values:
            self._many_values[rows] = _repeat_values_group(self.sql, self.dialect, len(self.param_keys), rows)
        return self._many_values[rows]

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

    def shape(self, column_names: Sequence[str]) -> ResultShape:
        """The Core result plan; text() statements learn their columns from the cursor."""
        key = tuple(column_names) if not self.entries else None
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = self._core_shape() if self.entries else text_shape(column_names)
        return shape

    def shape_for(self, key: Any, build: Callable[[Compiled], ResultShape]) -> ResultShape:
        """Another hydration's plan of this statement, built once by `build` and kept under `key`."""
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = build(self)
        return shape

    def converters(self, elements: Sequence[Any]) -> list[Any]:
        """The native value converter of each result column in `elements`."""
        return [el.type._result_converter(self.dialect) for el in elements]

    def _core_shape(self) -> ResultShape:
        elements = [el for entry in self.entries for el in entry.elements]
        return ResultShape.of(
            self.converters(elements), list(range(len(elements))), [el._row_key for el in elements]
        )


_NUMBERED = re.compile(r"\$(\d+)")
_PAREN_DEPTH = {"(": 1, ")": -1}


def _repeat_values_group(sql: str, dialect: str, binds: int, rows: int) -> str | None:
    """`sql`'s parenthesised VALUES group written `rows` times; None unless the group
    holds all `binds` placeholders."""
    marker = sql.find(" VALUES (")
    if marker < 0 or binds == 0:
        return None
    start = marker + len(" VALUES ")
    depth, end = 0, start
    for end in range(start, len(sql)):
        depth += _PAREN_DEPTH.get(sql[end], 0)
        if depth == 0:
            break
    group = sql[start : end + 1]
    if dialect == "postgresql":
        parts = _NUMBERED.split(group)  # text, number, text, number, ..., text
        if len(parts) // 2 != binds:
            return None
        groups = [
            "".join(p if i % 2 == 0 else f"${int(p) + row * binds}" for i, p in enumerate(parts))
            for row in range(rows)
        ]
    else:
        if group.count("?") != binds:
            return None
        groups = [group] * rows
    return sql[:start] + ", ".join(groups) + sql[end + 1 :]


def is_select_sql(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def text_shape(column_names: Sequence[str]) -> ResultShape:
    keys = _native.RowKeys(list(column_names))
    plan = _native.ResultPlan([RAW] * len(column_names), list(range(len(column_names))), keys)
    return ResultShape(plan, keys, False)


def _entries_of(statement: ClauseElement) -> list[ResultEntry]:
    if isinstance(statement, Select):
        return statement._entries
    return list(getattr(statement, "_returning", []))


class StatementCache:
    """Compiled statements by datum and result entities, with a size bound."""

    def __init__(self, dialect: str, size: int = _CACHE_SIZE) -> None:
        self.dialect = dialect
        self._size = size
        self._entries: dict[tuple, Compiled] = {}
        self.hits = 0
        self.misses = 0

    def compile(
        self, statement: ClauseElement, param_keys: Sequence[str] = (), parameters: Any = None
    ) -> tuple[Compiled, dict[str, Any]]:
        """The compiled form of `statement` and its bound values. `parameters`
        (the execution's values) give text() binds their types on PostgreSQL."""
        memo_key = statement._memo_key(param_keys)
        if memo_key is not None:
            memo = statement.__dict__.get("_compiled")
            if memo is not None and memo[0] is self and memo[1] == memo_key:
                self.hits += 1
                return memo[2], dict(memo[3])
        binds = BindCollector(self.dialect)
        datum_with = getattr(statement, "_datum_with", None)
        if datum_with is not None:
            datum = datum_with(binds, param_keys)
        elif isinstance(statement, TextClause):
            datum = statement._datum(binds, parameters)
        else:
            datum = statement._datum(binds)
        # select(User) and select(User.id, User.name) share SQL but not results.
        key = (datum, tuple(e.cache_token for e in _entries_of(statement)))
        compiled = self._entries.get(key)
        if compiled is None:
            self.misses += 1
            compiled = self._compile(key, datum, statement, bind_processors(binds.named, self.dialect))
        else:
            self.hits += 1
        if memo_key is not None:
            # The statement never changes once built (every method returns a copy) and
            # its datum holds nothing computed per execution: remember the result.
            statement._compiled = (self, memo_key, compiled, dict(binds.values))  # type: ignore[attr-defined]
        return compiled, binds.values

    def compile_datum(self, datum: tuple) -> Compiled:
        key = (datum, ())
        compiled = self._entries.get(key)
        return compiled if compiled is not None else self._compile(key, datum, None)

    def _compile(
        self,
        key: tuple,
        datum: tuple,
        statement: ClauseElement | None,
        processors: dict[str, Any] | None = None,
    ) -> Compiled:
        sql, keys, locks_rows, reads_only = _native.compile(datum, self.dialect)
        entries = _entries_of(statement) if statement is not None else []
        kind = datum[0]
        if isinstance(statement, TextClause):
            kind = "text"
        compiled = Compiled(sql, keys, entries, self.dialect, kind, processors)
        compiled.locks_rows = locks_rows
        compiled.reads_only = reads_only
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = compiled
        return compiled
