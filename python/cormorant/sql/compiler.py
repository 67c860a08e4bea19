"""CompiledStatement: the statement cache's entry, what the native compiler
made of one statement shape (SQL text, parameter order, kind, locking, the
multi-row VALUES template) together with the statement's result entries, the type converters of its binds and the
result plans hydrations build for it once (see engine/hydration.py).

Compiled / SQLCompiler: a statement compiled to be read (str(stmt),
stmt.compile()), in SQLAlchemy's string form, by the same native compiler."""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .. import _native
from ..exc import CompileError
from .elements import BindCollector, ClauseElement, TextClause
from .functions import FunctionElement
from .selectable import CompoundSelect, FromStatement, ResultEntry, Select, statement_datum
from .sqltypes import resolve_variant

_S = TypeVar("_S")  # a hydration's plan of a statement


class CompiledStatement:
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

    def shape_for(self, key: Any, build: Callable[[CompiledStatement], _S]) -> _S:
        """A hydration's plan of this statement, built once by `build` and kept under `key`."""
        shape: _S | None = self._shapes.get(key)  # what `build` made for this key
        if shape is None:
            shape = self._shapes[key] = build(self)
        return shape

    def converters(self, elements: Sequence[Any]) -> list[Any]:
        """The native value converter of each result column in `elements`."""
        dialect = self.dialect
        return [resolve_variant(el.type, dialect)._result_converter(dialect) for el in elements]


class ResultKeys:
    """Names a statement's result columns as SQLAlchemy keys them: by name or
    label, and an unnamed function or expression by a number per statement
    (count_1, length_1, anon_1, anon_2)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def __call__(self, element: Any) -> str:
        key: str = element._row_key
        base = element.name if isinstance(element, FunctionElement) else ("anon" if key == "anon" else None)
        if base is None:
            return key
        count = self._counts[base] = self._counts.get(base, 0) + 1
        return f"{base}_{count}"


# The enable_from_linting levels of create_engine(), as SQLAlchemy numbers them.
NO_LINTING = 0
COLLECT_CARTESIAN_PRODUCTS = 1
WARN_LINTING = 2
FROM_LINTING = COLLECT_CARTESIAN_PRODUCTS | WARN_LINTING

# How each dialect shows its placeholders: SQLAlchemy's default string form
# (:name), its psycopg2 dialect (%(name)s) and its sqlite3 dialect (?).
_PLACEHOLDERS = {"default": "named", "postgresql": "pyformat", "sqlite": "qmark"}
_COMPILE_KWARGS = frozenset({"literal_binds"})


# Set by the ORM (orm/loading.py): widens a select by its loader options (the
# joins of joinedload()) so that what is shown is what runs. Core knows
# nothing of the ORM; the ORM plugs itself in here, as in SQLAlchemy.
_statement_preparers: list[Callable[[Any], Any]] = []


def register_statement_preparer(prepare: Callable[[Any], Any]) -> None:
    """Have `prepare(statement)` give the statement to compile for display."""
    _statement_preparers.append(prepare)


class Compiled:
    """The base of what `stmt.compile()` returns: the statement, the dialect
    it was compiled for, its SQL `string` (also `str()`) and its `params`."""

    statement: ClauseElement
    dialect: Any
    string: str = ""
    params: dict[str, Any]

    def construct_params(self, params: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """The bound values, with `params` given over them."""
        return {**self.params, **(params or {})}

    def __str__(self) -> str:
        return self.string


class SQLCompiler(Compiled):
    """A statement compiled for reading: `.string` (also `str()`), `.params`
    (bind name -> value as given) and, for positional placeholders,
    `.positiontup`. The SQL is what cormorant executes, but for its
    placeholders and SQLAlchemy's line breaks."""

    def __init__(
        self, statement: ClauseElement, dialect: Any = None, compile_kwargs: Mapping[str, Any] | None = None
    ) -> None:
        options = dict(compile_kwargs or {})
        unknown = set(options) - _COMPILE_KWARGS
        if unknown:
            raise CompileError(f"compile_kwargs {sorted(unknown)} are not supported (known: literal_binds)")
        self.statement = statement
        self.dialect = dialect
        name = getattr(dialect, "name", "default")
        if name not in _PLACEHOLDERS:
            raise CompileError(f"cannot compile for the '{name}' dialect (known: sqlite, postgresql)")
        for prepare in _statement_preparers:
            statement = prepare(statement)
        binds = BindCollector(name, display=True)
        shown_keys = getattr(statement, "_shown_parameter_keys", None)  # INSERT/UPDATE without values
        datum = datum_of(statement, binds, shown_keys() if shown_keys is not None else ())
        literals = self._literals(binds, name) if options.get("literal_binds") else {}
        native_dialect = "sqlite" if name == "sqlite" else "postgresql"
        if name == "default":  # SQLAlchemy's generic string form: the nearer spelling
            native_dialect = getattr(statement, "_default_string_dialect", native_dialect)
        self.string, keys = _native.render(datum, native_dialect, _PLACEHOLDERS[name], literals)
        shown = [k for k in dict.fromkeys(keys) if k not in literals]
        self.params: dict[str, Any] = {k: binds.values.get(k) for k in shown}
        self.positiontup: list[str] | None = (
            [k for k in keys if k not in literals] if _PLACEHOLDERS[name] == "qmark" else None
        )

    @staticmethod
    def _literals(binds: BindCollector, dialect: str) -> dict[str, str]:
        return {
            key: render_literal(binds.values.get(key), type_, dialect) for key, type_ in binds.types.items()
        }

    def __repr__(self) -> str:
        return f"<SQLCompiler {self.string!r}>"


def datum_of(
    statement: Any, binds: BindCollector, param_keys: Sequence[str] = (), parameters: Any = None
) -> tuple[Any, ...]:
    """The datum of a statement, under the WITH of its CTEs, or of a FROM item.
    `param_keys` name the columns an INSERT/UPDATE takes from each execution's
    parameters; `parameters` give text() binds their types on PostgreSQL."""
    datum_from = getattr(statement, "_datum_from", None)
    if datum_from is not None:  # a FROM item: a table, a join, a subquery
        datum: tuple[Any, ...] = datum_from(binds)
        return datum
    if isinstance(statement, (Select, CompoundSelect)):
        return statement._datum(binds)  # gathers its own WITH
    return statement_datum(binds, lambda b: _statement_body(statement, b, param_keys, parameters))


def _statement_body(statement: Any, binds: BindCollector, param_keys: Sequence[str], parameters: Any) -> Any:
    for cte in getattr(statement, "_ctes", ()):  # add_cte() of INSERT/UPDATE/DELETE
        cte._register(binds)
    datum_with = getattr(statement, "_datum_with", None)
    if datum_with is not None:
        return datum_with(binds, param_keys)
    if isinstance(statement, (TextClause, FromStatement)):
        return statement._datum(binds, parameters)
    return statement._datum(binds)


def render_literal(value: Any, type_: Any, dialect: str) -> str:
    """`value` written as SQL for literal_binds, quoted as its type needs."""
    literal_value = getattr(type_, "_literal_value", None)
    if literal_value is not None:  # a TypeDecorator: its hook first, then its impl
        value, type_ = literal_value(value, dialect)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        if dialect == "sqlite":
            return "1" if value else "0"
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        if isinstance(value, (float, decimal.Decimal)) and not math.isfinite(value):
            raise CompileError(f"literal_binds cannot write the non-finite number {value!r} as SQL")
        return str(value)
    if isinstance(value, (str, datetime.date, datetime.time, uuid.UUID)):
        text = value if isinstance(value, str) else str(value)
        return "'" + text.replace("'", "''") + "'"
    raise CompileError(
        f"No literal value renderer is available for literal value {value!r} "
        f"with datatype {type(type_).__name__}"
    )


def ddl_expression_datum(expression: ClauseElement, dialect: str | None) -> Any:
    """The datum of an expression inside DDL (a server default, CHECK, a computed
    column): its values written inline as SQL, as DDL has no parameters, and its
    columns by name alone, as they are the table's own."""
    binds = BindCollector("ddl", display=True)
    datum = expression._datum(binds)
    literals = {
        key: render_literal(binds.values[key], type_, dialect or "sqlite")
        for key, type_ in binds.types.items()
    }
    return _ddl_form(datum, literals)


def _ddl_form(datum: Any, literals: Mapping[str, str]) -> Any:
    if not isinstance(datum, tuple) or not datum:
        return datum
    if datum[0] == "bind":
        return ("text", literals[datum[1]].replace(":", "\\:"))
    if datum[0] == "col":
        return ("col", None, *datum[2:])
    return tuple(_ddl_form(item, literals) for item in datum)
