"""PostgreSQL's HSTORE (the hstore extension): a column of string keys to
string-or-NULL values, whose Python value is a dict; its operators (has_key,
contains, `col["key"]`...) and the hstore() constructor function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...sql.elements import CustomOpExpression, coerce
from ...sql.functions import Function, GenericFunction
from ...sql.sqltypes import (
    Boolean,
    Concatenable,
    Converter,
    Indexable,
    Text,
    TypeEngine,
    _short_repr,
    to_instance,
)
from .types import ARRAY


class HSTORE(Indexable, Concatenable, TypeEngine):
    """Keys to values, all strings (a value may be NULL): dict[str, str | None].
    `col["key"]` reads a value (typed `text_type`); has_key(), has_all(),
    has_any(), contains(), contained_by(), defined(), delete(), slice(),
    keys(), vals(), array() and matrix() are its operators."""

    python_type = dict

    def __init__(self, text_type: Any = None) -> None:
        self.text_type = to_instance(text_type) if text_type is not None else Text()

    def _ddl(self) -> tuple[Any, ...]:
        return ("custom", "HSTORE")

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        if dialect == "sqlite" and dialect not in self._variant_mapping:
            from ...exc import UnsupportedCompilationError

            raise UnsupportedCompilationError("sqlite type compiler", type(self))
        return super()._dialect_ddl(dialect)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return hstore_text

    def _result_converter(self, dialect: str) -> Converter:
        return lambda text: parse_hstore(text) if isinstance(text, str) else text

    def _index_expression(self, expr: Any, key: Any) -> Any:
        return CustomOpExpression(expr, "->", coerce(key, Text(), None), self.text_type, 15)

    def _contains_expression(self, expr: Any, other: Any) -> Any:
        return _boolean(self, expr, "@>", other)

    def __repr__(self) -> str:
        return f"HSTORE(text_type={self.text_type!r})"


def _boolean(
    type_: HSTORE, expr: Any, operator: str, other: Any, other_type: Any = None
) -> CustomOpExpression:
    return CustomOpExpression(expr, operator, coerce(other, other_type or type_, None), Boolean(), 5)


def _text_array(type_: HSTORE, expr: Any, operator: str, keys: Any) -> CustomOpExpression:
    return _boolean(type_, expr, operator, keys, ARRAY(Text()))


def _function(name: str, result: Callable[[HSTORE], TypeEngine]) -> Callable[..., Any]:
    def build(type_: HSTORE, expr: Any, *args: Any) -> Function[Any]:
        return Function(name, expr, *args, type_=result(type_))

    return build


HSTORE._operators = {
    "has_key": lambda t, e, key: _boolean(t, e, "?", key, Text()),
    "has_all": lambda t, e, keys: _text_array(t, e, "?&", keys),
    "has_any": lambda t, e, keys: _text_array(t, e, "?|", keys),
    "contained_by": lambda t, e, other: _boolean(t, e, "<@", other),
    "defined": lambda t, e, key: Function("defined", e, coerce(key, Text(), None), type_=Boolean()),
    "delete": lambda t, e, key: Function("delete", e, _key_or_keys(t, key), type_=t),
    "slice": lambda t, e, keys: Function("slice", e, coerce(keys, ARRAY(Text()), None), type_=t),
    "keys": _function("akeys", lambda t: ARRAY(Text())),
    "vals": _function("avals", lambda t: ARRAY(Text())),
    "array": _function("hstore_to_array", lambda t: ARRAY(Text())),
    "matrix": _function("hstore_to_matrix", lambda t: ARRAY(Text())),
}


def _key_or_keys(type_: HSTORE, key: Any) -> Any:
    """delete()'s argument: a key, a list of keys, or an hstore (a dict) of pairs."""
    if isinstance(key, dict):
        return coerce(key, type_, None)
    if isinstance(key, (list, tuple)):
        return coerce(list(key), ARRAY(Text()), None)
    return coerce(key, Text(), None)


class hstore(GenericFunction[dict[str, Any]]):  # noqa: N801  (SQLAlchemy's name)
    """hstore(key, value) or hstore(keys_array, values_array): an HSTORE built in SQL."""

    __slots__ = ()
    type = HSTORE()


# --- the text form: "key"=>"value", "other"=>NULL --------------------------------------------


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hstore_text(value: Any) -> str:
    """A dict of str keys to str-or-None values as hstore text."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a dict, got {type(value).__name__} {_short_repr(value)}")
    pairs = []
    for key, item in value.items():
        if not isinstance(key, str) or not (item is None or isinstance(item, str)):
            raise TypeError(f"hstore keys and values are str (values may be None), got {key!r}: {item!r}")
        pairs.append(f"{_quoted(key)}=>{'NULL' if item is None else _quoted(item)}")
    return ", ".join(pairs)


def parse_hstore(text: str) -> dict[str, str | None]:
    """hstore text as PostgreSQL prints it (every key and value quoted) as a dict."""
    result: dict[str, str | None] = {}
    pos = 0
    while pos < len(text):
        if text[pos] in ", ":
            pos += 1
            continue
        key, pos = _read_quoted(text, pos)
        pos = text.index("=>", pos) + 2
        if text.startswith("NULL", pos):
            result[key], pos = None, pos + 4
        else:
            result[key], pos = _read_quoted(text, pos)
    return result


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    if text[pos] != '"':
        raise ValueError(f"malformed hstore text at {pos}: {text!r}")
    chars, pos = [], pos + 1
    while text[pos] != '"':
        if text[pos] == "\\":
            pos += 1
        chars.append(text[pos])
        pos += 1
    return "".join(chars), pos + 1


__all__ = ["HSTORE", "hstore"]
