"""PostgreSQL column types: UUID, INET, CIDR, TSVECTOR, INTERVAL and ARRAY.

INTERVAL comes back as a timedelta from the native decoder; ARRAY is the
generic ARRAY (cormorant.sql.arrays) under PostgreSQL's name."""

from __future__ import annotations

import datetime as _dt
import ipaddress
from collections.abc import Callable
from typing import Any

from ...exc import UnsupportedCompilationError
from ...sql import standard_types
from ...sql.arrays import ARRAY as _GenericARRAY
from ...sql.elements import CustomOpExpression, coerce
from ...sql.sqltypes import Boolean, LargeBinary, Text, TypeEngine, Uuid, _short_repr, interval_text
from ...sql.standard_types import SpelledType


class UUID(Uuid):
    """PostgreSQL's UUID; values are uuid.UUID (or str with as_uuid=False)."""


def _network_text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(
        value,
        (
            ipaddress.IPv4Address,
            ipaddress.IPv6Address,
            ipaddress.IPv4Network,
            ipaddress.IPv6Network,
            ipaddress.IPv4Interface,
            ipaddress.IPv6Interface,
        ),
    ):
        return str(value)
    raise TypeError(
        f"expected an address (str or ipaddress), got {type(value).__name__} {_short_repr(value)}"
    )


class INET(TypeEngine):
    """A host address, optionally with its network (values are str)."""

    python_type = str
    _ddl_name = "inet"

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _network_text


class CIDR(INET):
    """A network address (values are str)."""

    _ddl_name = "cidr"


class TSVECTOR(TypeEngine):
    """A text-search document (values are its text form, str)."""

    python_type = str
    _ddl_name = "tsvector"


class INTERVAL(TypeEngine):
    """A time span; values are datetime.timedelta (a month reads as 30 days, a year as 365)."""

    python_type = _dt.timedelta
    _ddl_name = "interval"

    def __init__(self, precision: int | None = None, fields: str | None = None) -> None:
        if precision is not None or fields is not None:
            raise NotImplementedError(
                "INTERVAL(precision=, fields=) is not supported: cormorant's INTERVAL columns are "
                "created as plain INTERVAL"
            )
        self.precision, self.fields = precision, fields

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return interval_text


# --- ARRAY -------------------------------------------------------------------------------------


class ARRAY(_GenericARRAY):
    """PostgreSQL's ARRAY of `item_type`; values are (nested) lists.
    `col[i]` reads an item (1-based, as in PostgreSQL), `col.contains(list)`
    is `@>`, `col.any(value)` / `col.all(value)` are `value = ANY / ALL (col)`,
    `col.overlap(list)` is `&&` and `col.contained_by(list)` is `<@`."""

    _operators = {
        **_GenericARRAY._operators,
        "overlap": lambda type_, array, other: _array_operator(type_, array, "&&", other),
        "contained_by": lambda type_, array, other: _array_operator(type_, array, "<@", other),
    }


def _array_operator(type_: TypeEngine, array: Any, operator: str, other: Any) -> CustomOpExpression:
    return CustomOpExpression(array, operator, coerce(other, type_, None), Boolean(), _COMPARISON)


_COMPARISON = 5  # binds as tightly as =, as SQLAlchemy ranks these operators


# --- types spelled by name, whose values are the driver's text (or int) ---------------------


class _PostgreSQLOnly(SpelledType):
    """A type SQLite cannot render in DDL (as in SQLAlchemy)."""

    _name = ""

    def _spelling(self, dialect: str | None) -> str:
        if dialect == "sqlite":
            raise UnsupportedCompilationError("sqlite type compiler", type(self))
        return self._name


class BYTEA(_PostgreSQLOnly, LargeBinary):
    """PostgreSQL's binary string type; values are bytes."""

    _name = "BYTEA"


class CITEXT(_PostgreSQLOnly, Text):
    """Case-insensitive text (the citext extension); values are str."""

    _name = "CITEXT"


class BIT(_PostgreSQLOnly):
    """A bit string, BIT(n) or BIT VARYING(n); values are str of 0s and 1s."""

    python_type = str

    def __init__(self, length: int | None = None, varying: bool = False) -> None:
        self.length = length if length is not None or varying else 1
        self.varying = varying

    def _spelling(self, dialect: str | None) -> str:
        super()._spelling(dialect)
        name = "BIT VARYING" if self.varying else "BIT"
        return name if self.length is None else f"{name}({self.length})"

    def _cast_spelling(self) -> str:
        return "VARBIT"  # a cast to BIT(n) would pad or cut the value

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _bits


def _bits(value: Any) -> Any:
    if isinstance(value, str) and set(value) <= {"0", "1"}:
        return value
    raise TypeError(f"expected a str of 0s and 1s, got {type(value).__name__} {_short_repr(value)}")


class JSONPATH(_PostgreSQLOnly):
    """A SQL/JSON path expression ($.a[*] ? (@ > 1)); values are str."""

    python_type = str
    _name = "JSONPATH"


class MACADDR(_PostgreSQLOnly):
    """A 6-byte MAC address; values are str (08:00:2b:01:02:03)."""

    python_type = str
    _name = "MACADDR"


class MACADDR8(_PostgreSQLOnly):
    """An 8-byte MAC address; values are str."""

    python_type = str
    _name = "MACADDR8"


class MONEY(_PostgreSQLOnly):
    """A currency amount; values are str as the server prints them ($1.50)."""

    python_type = str
    _name = "MONEY"


class OID(_PostgreSQLOnly):
    """An object identifier; values are int."""

    python_type = int
    _name = "OID"


class REGCLASS(_PostgreSQLOnly):
    """A relation's name resolved to its oid; values are str (the name)."""

    python_type = str
    _name = "REGCLASS"


class REGCONFIG(_PostgreSQLOnly):
    """A text search configuration's name; values are str."""

    python_type = str
    _name = "REGCONFIG"


class TSQUERY(_PostgreSQLOnly):
    """A text-search query; values are its text form, str."""

    python_type = str
    _name = "TSQUERY"


class TIME(standard_types.TIME):
    """PostgreSQL's TIME [WITH TIME ZONE], with an optional fractional-second precision."""

    def __init__(self, timezone: bool = False, precision: int | None = None) -> None:
        super().__init__(timezone)
        self.precision = precision

    def _spelling(self, dialect: str | None) -> str:
        return _with_precision(super()._spelling(dialect), self.precision, dialect)


class TIMESTAMP(standard_types.TIMESTAMP):
    """PostgreSQL's TIMESTAMP [WITH TIME ZONE], with an optional fractional-second precision."""

    def __init__(self, timezone: bool = False, precision: int | None = None) -> None:
        super().__init__(timezone)
        self.precision = precision

    def _spelling(self, dialect: str | None) -> str:
        return _with_precision(super()._spelling(dialect), self.precision, dialect)


def _with_precision(spelling: str, precision: int | None, dialect: str | None) -> str:
    """TIME WITH TIME ZONE -> TIME(3) WITH TIME ZONE."""
    if precision is None or dialect == "sqlite":
        return spelling
    name, _, rest = spelling.partition(" ")
    return f"{name}({precision}) {rest}".rstrip()


__all__ = [
    "ARRAY",
    "BIT",
    "BYTEA",
    "CIDR",
    "CITEXT",
    "INET",
    "INTERVAL",
    "JSONPATH",
    "MACADDR",
    "MACADDR8",
    "MONEY",
    "OID",
    "REGCLASS",
    "REGCONFIG",
    "TIME",
    "TIMESTAMP",
    "TSQUERY",
    "TSVECTOR",
    "UUID",
]
