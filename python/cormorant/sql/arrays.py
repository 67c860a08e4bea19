"""Arrays: the ARRAY type, whose values are (nested) lists bound and read in
PostgreSQL's array text form ({1,2,"a b"}), each item through its item type.
SQLite has no arrays: an ARRAY column cannot be created there."""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import operator as _operator
import uuid
from collections.abc import Callable
from typing import Any

from .. import _native
from ..exc import UnsupportedCompilationError
from .elements import BinaryExpression, all_, coerce
from .functions import Function
from .sqltypes import (
    JSON,
    Boolean,
    Concatenable,
    Converter,
    Date,
    DateTime,
    Float,
    Indexable,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    TypeEngine,
    Uuid,
    _short_repr,
    to_instance,
)


def _quote_item(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _array_text(items: Any, item_bind: Callable[[Any], Any] | None) -> str:
    """A (nested) list as PostgreSQL array text, each item quoted."""
    parts = []
    for item in items:
        if isinstance(item, (list, tuple)):
            parts.append(_array_text(item, item_bind))
        elif item is None:
            parts.append("NULL")
        else:
            value = item_bind(item) if item_bind is not None else item
            if isinstance(value, bool):
                value = "t" if value else "f"
            parts.append(_quote_item(str(value)))
    return "{" + ",".join(parts) + "}"


def _parse_array(text: str, item: Callable[[str], Any]) -> list[Any]:
    """PostgreSQL array text ({1,NULL,"a,b",{2,3}}, or with explicit bounds
    [0:1]={1,2}) as nested lists."""
    if text.startswith("["):  # explicit bounds: the items follow the "="
        text = text[text.index("=") + 1 :] if "=" in text else text
    if not text.startswith("{"):
        raise ValueError(f"malformed array text {text!r}")
    value, end = _parse_level(text, 1, item)
    if end != len(text):
        raise ValueError(f"malformed array text {text!r}")
    return value


def _parse_level(text: str, pos: int, item: Callable[[str], Any]) -> tuple[list[Any], int]:
    out: list[Any] = []
    while pos < len(text):
        ch = text[pos]
        if ch == "}":
            return out, pos + 1
        if ch == ",":
            pos += 1
        elif ch == "{":
            nested, pos = _parse_level(text, pos + 1, item)
            out.append(nested)
        elif ch == '"':
            raw, pos = _quoted(text, pos + 1)
            out.append(item(raw))
        else:
            end = pos
            while text[end] not in ",}":
                end += 1
            word = text[pos:end]
            out.append(None if word == "NULL" else item(word))
            pos = end
    raise ValueError(f"malformed array text {text!r}")


def _quoted(text: str, pos: int) -> tuple[str, int]:
    chars = []
    while text[pos] != '"':
        if text[pos] == "\\":
            pos += 1
        chars.append(text[pos])
        pos += 1
    return "".join(chars), pos + 1


# Items PostgreSQL prints in ISO form (DateStyle ISO, set at connect).
_TEMPORAL_READERS: tuple[tuple[type, Callable[[str], Any]], ...] = (
    (DateTime, _dt.datetime.fromisoformat),
    (Date, _dt.date.fromisoformat),
    (Time, _dt.time.fromisoformat),
)


def _native_array_code(item_type: TypeEngine) -> int | None:
    """The native array converter for items of `item_type`, when there is one."""
    if isinstance(item_type, Boolean):
        return _native.CONVERT_BOOLEAN_ARRAY
    if isinstance(item_type, Integer):
        return _native.CONVERT_INTEGER_ARRAY
    if isinstance(item_type, Float):
        return _native.CONVERT_FLOAT_ARRAY
    if type(item_type) in (String, Text):
        return _native.CONVERT_TEXT_ARRAY
    return None


def _item_reader(item_type: TypeEngine, dialect: str) -> Callable[[str], Any]:
    """How one item's text becomes its Python value."""
    if isinstance(item_type, Boolean):
        return lambda text: text == "t"
    if isinstance(item_type, Integer):
        return int
    if isinstance(item_type, Float):
        return float
    if isinstance(item_type, Numeric):
        return decimal.Decimal
    if isinstance(item_type, Uuid):
        return uuid.UUID if item_type.as_uuid else str
    for kind, reader in _TEMPORAL_READERS:
        if isinstance(item_type, kind):
            return reader
    if isinstance(item_type, JSON):
        return json.loads
    converter = item_type._result_converter(dialect)
    return converter if callable(converter) else str


class ARRAY(Indexable, Concatenable, TypeEngine):
    """An ARRAY of `item_type`; values are (nested) lists.
    `col[i]` reads an item (1-based, as in PostgreSQL), `col.contains(list)`
    is `@>` and `col.any(value)` is `value = ANY(col)`."""

    python_type = list

    def __init__(
        self,
        item_type: Any,
        as_tuple: bool = False,
        dimensions: int | None = None,
        zero_indexes: bool = False,
    ) -> None:
        if isinstance(item_type, ARRAY):
            raise ValueError(
                "Do not nest ARRAY types; ARRAY(basetype) handles multi-dimensional arrays of basetype"
            )
        self.item_type = to_instance(item_type)
        self.as_tuple, self.dimensions, self.zero_indexes = as_tuple, dimensions, zero_indexes

    def _ddl(self) -> tuple[Any, ...]:
        return ("array", self.item_type._ddl())

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        if dialect == "sqlite" and not self._variant_mapping.get(dialect):
            raise UnsupportedCompilationError("sqlite type compiler", type(self), "SQLite has no ARRAY type")
        return super()._dialect_ddl(dialect)

    def _result_key(self) -> Any:
        return (type(self), self._ddl(), self.item_type._result_key(), self.as_tuple)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        item_bind = self.item_type._bind_processor(dialect)

        def process(value: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"expected a list, got {type(value).__name__} {_short_repr(value)}")
            return _array_text(value, item_bind)

        return process

    def _result_converter(self, dialect: str) -> Converter:
        native = _native_array_code(self.item_type) if dialect == "postgresql" else None
        if native is not None:  # parsed into lists by the native decoder
            return (native, _as_tuple) if self.as_tuple else native
        reader = _item_reader(self.item_type, dialect)
        if self.as_tuple:
            return lambda text: _as_tuple(_parse_array(text, reader))
        return lambda text: _parse_array(text, reader) if isinstance(text, str) else text

    def _index_expression(self, array: Any, index: Any) -> Any:
        if isinstance(index, slice):
            raise NotImplementedError("ARRAY slices are not supported; index one item at a time")
        if isinstance(index, int) and self.zero_indexes:
            index += 1
        return BinaryExpression(array, "[]", coerce(index, Integer(), None), self.item_type)

    def _contains_expression(self, array: Any, other: Any) -> Any:
        return BinaryExpression(array, "@>", coerce(other, self, None), Boolean())

    def _any_expression(self, array: Any, other: Any) -> Any:
        return BinaryExpression(coerce(other, self.item_type, None), "=", Function("ANY", array), Boolean())


def _all_items(
    type_: ARRAY, array: Any, other: Any, operator: Callable[[Any, Any], Any] | None = None
) -> Any:
    """`other <operator> ALL (array)` (= unless given): true when it holds for every item."""
    compare = operator or _operator.eq
    return compare(coerce(other, type_.item_type, None), all_(array))


ARRAY._operators = {"all": _all_items}


def _as_tuple(value: Any) -> Any:
    """Nested lists as nested tuples (ARRAY's as_tuple); None stays None."""
    return tuple(_as_tuple(v) for v in value) if isinstance(value, list) else value


__all__ = ["ARRAY"]
