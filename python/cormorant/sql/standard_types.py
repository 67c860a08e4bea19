"""The SQL-standard types, named in uppercase (INTEGER, VARCHAR, TIMESTAMP...):
each is spelled in DDL by its own name, and converts values as the generic
type it specialises does."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from .sqltypes import (
    TIME as _TIME_CODE,
)
from .sqltypes import (
    BigInteger,
    Boolean,
    Converter,
    Date,
    DateTime,
    Double,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    TypeEngine,
    Unicode,
    Uuid,
    _short_repr,
)


class SpelledType(TypeEngine):
    """Mixin of the types spelled in DDL by name: `_spelling(dialect)` (None for
    a spelling independent of the dialect, as CAST uses). On PostgreSQL a bind is
    cast to `_cast_spelling()`, without a length that the cast would truncate to."""

    def _spelling(self, dialect: str | None) -> str:
        raise NotImplementedError(type(self).__name__)

    def _cast_spelling(self) -> str:
        return self._spelling("postgresql")

    def _ddl(self) -> tuple[Any, ...]:
        return ("custom", self._spelling(None))

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        variant = self._variant_mapping.get(dialect) if dialect is not None else None
        if variant is not None:
            return variant._dialect_ddl(dialect)
        return ("custom", self._spelling(dialect))

    def _bind_ddl(self, dialect: str) -> tuple[Any, ...]:
        variant = self._variant_mapping.get(dialect)
        return variant._bind_ddl(dialect) if variant is not None else ("custom", self._cast_spelling())


def _sized(name: str, length: int | None) -> str:
    return name if length is None else f"{name}({length})"


# --- integers, booleans, dates and text: the generic types' own spellings -------------------


class INTEGER(Integer):
    """The SQL INTEGER type."""


INT = INTEGER


class BIGINT(BigInteger):
    """The SQL BIGINT type."""


class SMALLINT(SmallInteger):
    """The SQL SMALLINT type."""


class BOOLEAN(Boolean):
    """The SQL BOOLEAN type."""


class DATE(Date):
    """The SQL DATE type."""


class TEXT(Text):
    """The SQL TEXT type (unbounded text)."""


class VARCHAR(String):
    """The SQL VARCHAR type."""


class NUMERIC(Numeric):
    """The SQL NUMERIC type; values are Decimal (float with asdecimal=False)."""


# --- spelled by name ------------------------------------------------------------------------


class _SpelledString(SpelledType, String):
    _name = "VARCHAR"

    def _spelling(self, dialect: str | None) -> str:
        return _sized(self._name, self.length)

    def _cast_spelling(self) -> str:
        return self._name


class CHAR(_SpelledString):
    """The SQL CHAR type: fixed-length, blank-padded text."""

    _name = "CHAR"

    def _cast_spelling(self) -> str:
        return "BPCHAR"  # PostgreSQL's CHAR without a length is CHAR(1)


class NCHAR(CHAR, Unicode):
    """The SQL NCHAR type: fixed-length national character text."""

    _name = "NCHAR"


class NVARCHAR(_SpelledString, Unicode):
    """The SQL NVARCHAR type (SQLite accepts it; PostgreSQL has no such type)."""

    _name = "NVARCHAR"


class CLOB(_SpelledString, Text):
    """The SQL CLOB type (SQLite accepts it; PostgreSQL has no such type)."""

    _name = "CLOB"


class DECIMAL(SpelledType, Numeric):
    """The SQL DECIMAL type; values are Decimal (float with asdecimal=False)."""

    def _spelling(self, dialect: str | None) -> str:
        if self.precision is None:
            return "DECIMAL"
        scale = "" if self.scale is None else f", {self.scale}"
        return f"DECIMAL({self.precision}{scale})"


class FLOAT(SpelledType, Float):
    """The SQL FLOAT type; PostgreSQL takes its precision in bits, SQLite ignores it."""

    def _spelling(self, dialect: str | None) -> str:
        return "FLOAT" if dialect == "sqlite" else _sized("FLOAT", self.precision)


class REAL(SpelledType, Float):
    """The SQL REAL type: single precision on PostgreSQL, SQLite's 8-byte float."""

    def _spelling(self, dialect: str | None) -> str:
        return "REAL"


class DOUBLE(SpelledType, Double):
    """The SQL DOUBLE type (SQLite accepts it; PostgreSQL spells it DOUBLE_PRECISION)."""

    def _spelling(self, dialect: str | None) -> str:
        return "DOUBLE"


class DOUBLE_PRECISION(SpelledType, Double):
    """The SQL DOUBLE PRECISION type."""

    def _spelling(self, dialect: str | None) -> str:
        return "DOUBLE PRECISION"


def _with_zone(name: str, timezone: bool, dialect: str | None) -> str:
    """TIME / TIMESTAMP: SQLite takes the bare name; PostgreSQL says which."""
    if dialect == "sqlite":
        return name
    return f"{name} {'WITH' if timezone else 'WITHOUT'} TIME ZONE"


class TIMESTAMP(SpelledType, DateTime):
    """The SQL TIMESTAMP type; with timezone=True, PostgreSQL's TIMESTAMP WITH TIME ZONE."""

    def _spelling(self, dialect: str | None) -> str:
        return _with_zone("TIMESTAMP", self.timezone, dialect)


class DATETIME(SpelledType, DateTime):
    """The DATETIME type (SQLite's; PostgreSQL has no such type)."""

    def _spelling(self, dialect: str | None) -> str:
        return "DATETIME"


class TIME(SpelledType, Time):
    """The SQL TIME type; with timezone=True, PostgreSQL's TIME WITH TIME ZONE,
    whose values come back as times carrying their offset."""

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    def _spelling(self, dialect: str | None) -> str:
        return _with_zone("TIME", self.timezone, dialect)

    def _result_key(self) -> Any:
        return (super()._result_key(), self.timezone)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        if dialect == "postgresql" and self.timezone:
            return _time_text  # the driver would drop the offset
        return super()._bind_processor(dialect)

    def _result_converter(self, dialect: str) -> Converter:
        if dialect == "postgresql" and self.timezone:
            return _time_with_offset
        return _TIME_CODE


def _time_text(value: Any) -> Any:
    if not isinstance(value, _dt.time):
        raise TypeError(f"expected a datetime.time, got {type(value).__name__} {_short_repr(value)}")
    return value.isoformat()


def _time_with_offset(value: Any) -> Any:
    """PostgreSQL's timetz text (12:30:00+02, 01:02:03.5-03:30) as an aware time."""
    if not isinstance(value, str):
        return value
    return _dt.time.fromisoformat(_padded_offset(value))


def _padded_offset(text: str) -> str:
    """fromisoformat wants a +HH:MM offset; PostgreSQL may print +HH."""
    for sign in "+-":
        at = text.rfind(sign)
        if at > 0:
            offset = text[at + 1 :]
            return text if ":" in offset else f"{text[: at + 1]}{offset}:00"
    return text


class _SpelledBinary(SpelledType, LargeBinary):
    _name = "BLOB"

    def _spelling(self, dialect: str | None) -> str:
        return _sized(self._name, self.length)

    def _cast_spelling(self) -> str:
        return self._name


class BLOB(_SpelledBinary):
    """The BLOB type (SQLite's; PostgreSQL's is BYTEA)."""

    def _spelling(self, dialect: str | None) -> str:
        return "BLOB"


class BINARY(_SpelledBinary):
    """The SQL BINARY type (SQLite accepts it; PostgreSQL has no such type)."""

    _name = "BINARY"


class VARBINARY(_SpelledBinary):
    """The SQL VARBINARY type (SQLite accepts it; PostgreSQL has no such type)."""

    _name = "VARBINARY"


class UUID(SpelledType, Uuid):
    """The SQL UUID type, spelled UUID on every backend (on SQLite the hex text
    lands in a column of NUMERIC affinity, as with SQLAlchemy)."""

    def _spelling(self, dialect: str | None) -> str:
        return "UUID"


__all__ = [
    "BIGINT",
    "BINARY",
    "BLOB",
    "BOOLEAN",
    "CHAR",
    "CLOB",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "DOUBLE",
    "DOUBLE_PRECISION",
    "FLOAT",
    "INT",
    "INTEGER",
    "NCHAR",
    "NUMERIC",
    "NVARCHAR",
    "REAL",
    "SMALLINT",
    "SpelledType",
    "TEXT",
    "TIME",
    "TIMESTAMP",
    "UUID",
    "VARBINARY",
    "VARCHAR",
]
