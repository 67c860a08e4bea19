"""Column types: how each renders in DDL, binds and comes back from a row."""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import functools
import json
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from .. import _native

# Converter codes understood by the native hydration loop (values.hpp).
RAW = _native.CONVERT_RAW
BOOLEAN = _native.CONVERT_BOOLEAN
DATETIME = _native.CONVERT_DATETIME
DATE = _native.CONVERT_DATE
TIME = _native.CONVERT_TIME
FLOAT = _native.CONVERT_FLOAT

Converter = int | Callable[[Any], Any]


def _accepting(kinds: tuple[type, ...], expected: str) -> Callable[[Any], Any]:
    """A bind processor that passes values of `kinds` and rejects the rest
    with a TypeError naming what was expected and what came."""

    def check(value: Any) -> Any:
        if isinstance(value, kinds):
            return value
        raise TypeError(f"expected {expected}, got {type(value).__name__} {_short_repr(value)}")

    return check


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_NUMBER = _accepting((int, float, decimal.Decimal), "a number (int, float or Decimal)")


class TypeEngine:
    """Base of every column type."""

    python_type: ClassVar[type] = object
    _ddl_name: ClassVar[str] = "null"
    # Whether Python None is a value of this type (JSON's null) rather than SQL NULL.
    binds_none: bool = False

    def _ddl(self) -> tuple[Any, ...]:
        return (self._ddl_name,)

    def _result_converter(self, dialect: str) -> Converter:
        return RAW

    def _result_key(self) -> Any:
        """What tells apart the result converters of types: part of a cached
        statement's key. Types whose converter depends on more than their
        DDL (Numeric's asdecimal, Uuid's as_uuid, Enum's class) add it.
        Worked out once per type object, which does not change once built."""
        key = self.__dict__.get("_result_key_memo")
        if key is None:
            key = self.__dict__["_result_key_memo"] = (
                type(self),
                self._ddl(),
                getattr(self, "asdecimal", None),
                getattr(self, "as_uuid", None),
                getattr(self, "enum_class", None),
            )
        return key

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NullType(TypeEngine):
    pass


class Integer(TypeEngine):
    python_type = int
    _ddl_name = "integer"


class BigInteger(Integer):
    _ddl_name = "biginteger"


class SmallInteger(Integer):
    _ddl_name = "smallinteger"


class String(TypeEngine):
    python_type = str
    _ddl_name = "string"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    def _ddl(self) -> tuple[Any, ...]:
        return ("string", self.length)

    def __repr__(self) -> str:
        return f"String({self.length})" if self.length else "String()"


class Text(String):
    _ddl_name = "text"

    def _ddl(self) -> tuple[Any, ...]:
        return ("text",)


Unicode = String
UnicodeText = Text


class Boolean(TypeEngine):
    python_type = bool
    _ddl_name = "boolean"

    def _result_converter(self, dialect: str) -> Converter:
        return BOOLEAN


class Float(TypeEngine):
    python_type = float
    _ddl_name = "float"

    def __init__(self, precision: int | None = None, asdecimal: bool = False) -> None:
        self.precision = precision

    def _result_converter(self, dialect: str) -> Converter:
        return FLOAT


Double = Float


class Numeric(TypeEngine):
    python_type = decimal.Decimal
    _ddl_name = "numeric"

    def __init__(
        self, precision: int | None = None, scale: int | None = None, asdecimal: bool = True
    ) -> None:
        self.precision, self.scale, self.asdecimal = precision, scale, asdecimal

    def _ddl(self) -> tuple[Any, ...]:
        return ("numeric", self.precision, self.scale)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _NUMBER

    def _result_converter(self, dialect: str) -> Converter:
        if not self.asdecimal:
            return FLOAT
        if dialect == "sqlite":  # SQLite keeps a float; give it the column's scale back
            return functools.partial(_decimal_with_scale, scale=10 if self.scale is None else self.scale)
        return _to_decimal


def _to_decimal(value: Any) -> decimal.Decimal:
    return value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))


def _decimal_with_scale(value: Any, scale: int) -> Any:
    if isinstance(value, float):
        return decimal.Decimal(f"{value:.{scale}f}")
    if isinstance(value, int):
        return decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-scale))
    return _to_decimal(value)


class Date(TypeEngine):
    python_type = _dt.date
    _ddl_name = "date"

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _DATE

    def _result_converter(self, dialect: str) -> Converter:
        return DATE


class DateTime(TypeEngine):
    python_type = _dt.datetime
    _ddl_name = "datetime"

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        if dialect == "postgresql" and not self.timezone:
            return _naive_datetime
        return _DATETIME

    def _ddl(self) -> tuple[Any, ...]:
        return ("datetime", self.timezone)

    def _result_converter(self, dialect: str) -> Converter:
        return DATETIME


class Time(TypeEngine):
    python_type = _dt.time
    _ddl_name = "time"

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _TIME

    def _result_converter(self, dialect: str) -> Converter:
        return TIME


class LargeBinary(TypeEngine):
    python_type = bytes
    _ddl_name = "binary"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _BYTES


class JSON(TypeEngine):
    python_type = dict
    _ddl_name = "json"

    def __init__(self, none_as_null: bool = False) -> None:
        self.none_as_null = none_as_null
        self.binds_none = not none_as_null  # None is stored as JSON 'null', as in SQLAlchemy

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return json.dumps

    def _result_converter(self, dialect: str) -> Converter:
        # The PostgreSQL driver decodes json/jsonb itself; a str is then a JSON string.
        return RAW if dialect == "postgresql" else _json_loads


_DATE = _accepting((_dt.date,), "a datetime.date")
_DATETIME = _accepting((_dt.datetime, _dt.date), "a datetime.datetime")
_TIME = _accepting((_dt.time,), "a datetime.time")
_BYTES = _accepting((bytes, bytearray, memoryview), "bytes")


def _naive_datetime(value: Any) -> Any:
    """PostgreSQL's TIMESTAMP WITHOUT TIME ZONE would silently drop an offset."""
    value = _DATETIME(value)
    if getattr(value, "tzinfo", None) is not None:
        raise TypeError(
            f"expected a naive datetime for a DateTime() column without timezone=True, got aware {value!r}"
        )
    return value


def _json_loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


class Uuid(TypeEngine):
    python_type = uuid.UUID
    _ddl_name = "uuid"

    def __init__(self, as_uuid: bool = True) -> None:
        self.as_uuid = as_uuid

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _uuid_hex

    def _result_converter(self, dialect: str) -> Converter:
        return _to_uuid if self.as_uuid else RAW


def _uuid_hex(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a uuid.UUID (or its str), got {type(value).__name__} {_short_repr(value)}")


def _to_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


class Enum(String):
    """A string column restricted to an enum class's names (or the given strings).
    On PostgreSQL it is a native type (CREATE TYPE ... AS ENUM), named `name` or
    after the enum class, unless native_enum=False."""

    def __init__(
        self,
        *enums: Any,
        name: str | None = None,
        length: int | None = None,
        native_enum: bool = True,
        **_: Any,
    ) -> None:
        if len(enums) == 1 and isinstance(enums[0], type) and issubclass(enums[0], enum.Enum):
            self.enum_class: type[enum.Enum] | None = enums[0]
            self.values = [m.name for m in enums[0]]
        else:
            self.enum_class = None
            self.values = list(enums)
        super().__init__(length or max((len(v) for v in self.values), default=0) or None)
        self.name = name
        self.native_enum = native_enum

    @property
    def native_name(self) -> str | None:
        """The PostgreSQL type's name, or None for a VARCHAR column."""
        if not self.native_enum:
            return None
        return self.name or (self.enum_class.__name__.lower() if self.enum_class else None)

    def _ddl(self) -> tuple[Any, ...]:
        return ("enum", tuple(self.values), self.native_name)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return self._check_member

    def _check_member(self, value: Any) -> Any:
        name = value.name if isinstance(value, enum.Enum) else value
        if name not in self.values:
            raise LookupError(
                f"{type(value).__name__} {value!r} is not among the defined enum values {self.values}"
            )
        return name

    def _result_converter(self, dialect: str) -> Converter:
        cls = self.enum_class
        return (lambda v: cls[v]) if cls else RAW


_TYPE_MAP: dict[type, Callable[[], TypeEngine]] = {
    int: Integer,
    str: String,
    bool: Boolean,
    float: Float,
    decimal.Decimal: Numeric,
    _dt.datetime: DateTime,
    _dt.date: Date,
    _dt.time: Time,
    bytes: LargeBinary,
    uuid.UUID: Uuid,
    dict: JSON,
    list: JSON,
}


def type_for_python(py_type: Any) -> TypeEngine | None:
    """The column type SQLAlchemy's default type map gives a Python type."""
    if isinstance(py_type, type) and issubclass(py_type, enum.Enum):
        return Enum(py_type)
    factory = _TYPE_MAP.get(py_type)
    origin = getattr(py_type, "__origin__", None)  # dict[str, int] -> dict
    if factory is None and origin is not None:
        factory = _TYPE_MAP.get(origin)
    return factory() if factory else None


def to_instance(type_: TypeEngine | type[TypeEngine] | None) -> TypeEngine:
    if type_ is None:
        return NullType()
    return type_() if isinstance(type_, type) else type_
