"""Column types: how each renders in DDL, binds and comes back from a row."""

from __future__ import annotations

import copy as _copy
import datetime as _dt
import decimal
import enum
import functools
import inspect
import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from .. import _native
from ..exc import ArgumentError
from ..util.options import refuse_unsupported

if TYPE_CHECKING:
    from typing_extensions import Self

# Converter codes understood by the native hydration loop (values.hpp).
RAW = _native.CONVERT_RAW
BOOLEAN = _native.CONVERT_BOOLEAN
DATETIME = _native.CONVERT_DATETIME
DATE = _native.CONVERT_DATE
TIME = _native.CONVERT_TIME
FLOAT = _native.CONVERT_FLOAT

# A native code, a Python function of the raw value, or (code, hook): decoded
# natively, then the hook applied (to None too).
Converter = int | Callable[[Any], Any] | tuple[int, Callable[[Any], Any]]


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
    # with_variant(): dialect name -> the type used there instead.
    _variant_mapping: dict[str, TypeEngine] = {}
    # Operators of the type's own (the methods of sql.type_operators): name ->
    # function(type, expression, *args) building the SQL expression.
    _operators: ClassVar[dict[str, Callable[..., Any]]] = {}

    def _ddl(self) -> tuple[Any, ...]:
        return (self._ddl_name,)

    def _result_converter(self, dialect: str) -> Converter:
        return RAW

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        """The DDL tuple on `dialect` (None: any): a with_variant() type's there,
        and a TypeDecorator's load_dialect_impl() decides."""
        variant = self._variant_mapping.get(dialect) if dialect is not None else None
        return variant._dialect_ddl(dialect) if variant is not None else self._ddl()

    def _bind_ddl(self, dialect: str) -> tuple[Any, ...]:
        """The type a bind is cast to on PostgreSQL: the DDL type, unless a
        type spelled with a length must not truncate its binds to it."""
        return self._dialect_ddl(dialect)

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
                tuple((name, v._result_key()) for name, v in sorted(self._variant_mapping.items())),
            )
        return key

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return None

    # --- the public TypeEngine methods ----------------------------------------------

    def copy(self, **kw: Any) -> Self:
        """A shallow copy of this type object."""
        new = _copy.copy(self)
        new.__dict__.pop("_result_key_memo", None)
        new.__dict__.update(kw)
        return new

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        """The type a Python `value` compared with an expression of this type is bound as."""
        if isinstance(self, Integer) and isinstance(value, float):
            return Float()
        if isinstance(self, NullType):
            return type_for_python(type(value)) or NullType()
        return self

    def compile(self, dialect: Any = None) -> str:
        """This type's DDL spelling on `dialect` (a name or an object with .name;
        SQLite's spelling, the closest to the generic one, when None)."""
        name = "sqlite" if dialect is None else _dialect_name(dialect)
        return _native.render_type(self._dialect_ddl(name), name)

    def with_variant(self, type_: TypeEngine | type[TypeEngine], *dialect_names: str) -> Self:
        """A copy that is `type_` on the named dialects ("sqlite", "postgresql")."""
        if not dialect_names:
            raise ArgumentError("At least one dialect name is required")
        variant = to_instance(type_)
        if variant._variant_mapping:
            raise ArgumentError("can't pass a type that already has variants as a dialect-level type")
        for name in dialect_names:
            if name in self._variant_mapping:
                raise ArgumentError(f"Dialect '{name}' is already present in the mapping for this {self!r}")
        return self.copy(_variant_mapping={**self._variant_mapping, **dict.fromkeys(dialect_names, variant)})

    def evaluates_none(self) -> Self:
        """A copy that binds Python None as a value rather than SQL NULL."""
        return self.copy(binds_none=True)

    def compare_values(self, x: Any, y: Any) -> bool:
        """Whether two Python values of this type are equal."""
        return bool(x == y)

    def adapt(self, cls: type[TypeEngine], **kw: Any) -> TypeEngine:
        """An instance of `cls` built with this type's constructor arguments (and `kw`)."""
        positional, keywords, _ = _init_arguments(cls)
        arguments = {
            name: getattr(self, name)
            for name in [*positional, *(k for k, _ in keywords)]
            if hasattr(self, name)
        }
        arguments.update(kw)
        return cls(**arguments)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        """The function that turns a Python value into what the driver sends, or None."""
        return self._bind_processor(_dialect_name(dialect))

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        """The Python function applied to what the driver returns, or None when
        the conversion is native (or there is none)."""
        converter = self._result_converter(_dialect_name(dialect))
        if isinstance(converter, tuple):  # a hook after native decoding
            return converter[1]
        return converter if callable(converter) else None

    def literal_processor(self, dialect: Any) -> Callable[[Any], str] | None:
        return None

    def dialect_impl(self, dialect: Any) -> TypeEngine:
        return self

    def __repr__(self) -> str:
        return _generic_repr(self)

    def __str__(self) -> str:
        """The type's DDL spelling, as SQLAlchemy's str(type) gives it."""
        return self.compile()


def resolve_variant(type_: TypeEngine, dialect: str) -> TypeEngine:
    """The type that does the work on `dialect`: a with_variant() type's variant there, else itself."""
    variants = type_._variant_mapping
    return variants.get(dialect, type_) if variants else type_


def _dialect_name(dialect: Any) -> str:
    return dialect if isinstance(dialect, str) else str(dialect.name)


class _DialectView:
    """What a TypeDecorator hook receives as `dialect`: its name, as SQLAlchemy's Dialect has."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<Dialect {self.name}>"


_MISSING = object()


def _init_arguments(cls: type) -> tuple[list[str], list[tuple[str, Any]], str | None]:
    """`cls.__init__`'s positional names without defaults, keyword names with
    their defaults, and its *args name."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):
        return [], [], None
    positional, keywords, varargs = [], [], None
    for name, param in signature.parameters.items():
        if param.kind is param.VAR_POSITIONAL:
            varargs = name
        elif param.kind in (param.VAR_KEYWORD,):
            continue
        elif param.default is param.empty:
            positional.append(name)
        else:
            keywords.append((name, param.default))
    return positional, keywords, varargs


def _generic_repr(obj: Any) -> str:
    """Type(arg, keyword=value): the constructor arguments whose attributes
    differ from their defaults, as SQLAlchemy's types print."""
    positional, keywords, varargs = _init_arguments(type(obj))
    parts = [repr(getattr(obj, name, None)) for name in positional]
    if varargs is not None and hasattr(obj, varargs):
        parts += [repr(v) for v in getattr(obj, varargs)]
    for name, default in keywords:
        value = getattr(obj, name, _MISSING)
        if value is not _MISSING and value != default:
            parts.append(f"{name}={value!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"


class NullType(TypeEngine):
    pass


class Concatenable:
    """Mixin of the types whose `+` concatenates (SQL's ||): strings and arrays."""


class Indexable:
    """Mixin of the types whose expressions take `expr[index]`: JSON and arrays."""


class ExternalType:
    """Mixin of the types defined outside the library (TypeDecorator,
    UserDefinedType): `cache_ok` says whether statements using one may be
    cached by its arguments."""

    cache_ok: ClassVar[bool | None] = None


class SchemaType:
    """Mixin of the types that may own a schema object of their own (PostgreSQL's
    enum types); create() and drop() make or remove it where there is one."""

    def _schema_script(self, dialect: str, create: bool, checkfirst: bool) -> list[Any]:
        return []

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        """Creates this type's schema object, if it has one on `bind`'s backend."""
        bind._run_ddl(lambda dialect: self._schema_script(dialect, True, checkfirst))

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        """Drops this type's schema object, if it has one on `bind`'s backend."""
        bind._run_ddl(lambda dialect: self._schema_script(dialect, False, checkfirst))


class Integer(TypeEngine):
    python_type = int
    _ddl_name = "integer"


class BigInteger(Integer):
    _ddl_name = "biginteger"


class SmallInteger(Integer):
    _ddl_name = "smallinteger"


class String(Concatenable, TypeEngine):
    python_type = str
    _ddl_name = "string"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    def _ddl(self) -> tuple[Any, ...]:
        return ("string", self.length)


class Text(String):
    _ddl_name = "text"

    def _ddl(self) -> tuple[Any, ...]:
        return ("text",)


class Unicode(String):
    """A string column of Unicode text (every string is, on SQLite and PostgreSQL)."""


class UnicodeText(Text):
    """An unbounded string column of Unicode text."""


class Boolean(SchemaType, TypeEngine):
    python_type = bool
    _ddl_name = "boolean"

    def _result_converter(self, dialect: str) -> Converter:
        return BOOLEAN


class Float(TypeEngine):
    python_type = float
    _ddl_name = "float"

    def __init__(self, precision: int | None = None, asdecimal: bool = False) -> None:
        self.precision, self.asdecimal = precision, asdecimal

    def _result_converter(self, dialect: str) -> Converter:
        # SQLite's value as it comes, as SQLAlchemy's pysqlite dialect leaves it: a
        # FLOAT column stores REAL, but an expression typed Float may yield an integer.
        return RAW if dialect == "sqlite" else FLOAT


class Double(Float):
    """A double-precision floating point column."""


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


class Interval(TypeEngine):
    """A timedelta: PostgreSQL's INTERVAL (decoded natively); elsewhere a
    DATETIME holding the epoch plus the span, as SQLAlchemy stores it."""

    python_type = _dt.timedelta
    _ddl_name = "interval"

    def __init__(
        self, native: bool = True, second_precision: int | None = None, day_precision: int | None = None
    ) -> None:
        self.native, self.second_precision, self.day_precision = native, second_precision, day_precision

    def _result_key(self) -> Any:
        return (type(self), self.native, super()._result_key())

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        if dialect == "postgresql" and self.native:
            return super()._dialect_ddl(dialect)
        return ("datetime", False)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        if dialect == "postgresql" and self.native:
            return interval_text
        return _epoch_plus

    def _result_converter(self, dialect: str) -> Converter:
        if dialect == "postgresql" and self.native:
            return RAW
        return (DATETIME, _since_epoch)


_EPOCH = _dt.datetime(1970, 1, 1)


def interval_text(value: Any) -> str:
    """A timedelta as PostgreSQL interval input."""
    if not isinstance(value, _dt.timedelta):
        raise TypeError(f"expected a datetime.timedelta, got {type(value).__name__} {_short_repr(value)}")
    return f"{value.days} days {value.seconds} seconds {value.microseconds} microseconds"


def _epoch_plus(value: Any) -> Any:
    if not isinstance(value, _dt.timedelta):
        raise TypeError(f"expected a datetime.timedelta, got {type(value).__name__} {_short_repr(value)}")
    return _EPOCH + value


def _since_epoch(value: Any) -> Any:
    return value - _EPOCH if value is not None else None


class LargeBinary(TypeEngine):
    python_type = bytes
    _ddl_name = "binary"

    def __init__(self, length: int | None = None) -> None:
        self.length = length

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _BYTES


class JSON(Indexable, TypeEngine):
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


class Enum(String, SchemaType):
    """A string column restricted to an enum class's names (or the given strings).
    On PostgreSQL it is a native type (CREATE TYPE ... AS ENUM), named `name` or
    after the enum class, unless native_enum=False."""

    def __init__(
        self,
        *enums: Any,
        name: str | None = None,
        length: int | None = None,
        native_enum: bool = True,
        validate_strings: bool = False,
        **unsupported: Any,
    ) -> None:
        # validate_strings: strings are always checked against the members here
        refuse_unsupported("Enum()", unsupported, {"create_constraint": False, "omit_aliases": True})
        if len(enums) == 1 and isinstance(enums[0], type) and issubclass(enums[0], enum.Enum):
            self.enum_class: type[enum.Enum] | None = enums[0]
            self.values = [m.name for m in enums[0]]
        else:
            self.enum_class = None
            self.values = list(enums)
        super().__init__(length or max((len(v) for v in self.values), default=0) or None)
        self._given_length = length
        self.name = name
        self.native_enum = native_enum

    def __repr__(self) -> str:
        parts = [repr(v) for v in self.values]
        if self.native_name:
            parts.append(f"name={self.native_name!r}")
        if not self.native_enum:
            parts.append("native_enum=False")
        if self._given_length is not None:
            parts.append(f"length={self._given_length!r}")
        return f"Enum({', '.join(parts)})"

    @property
    def native_name(self) -> str | None:
        """The PostgreSQL type's name, or None for a VARCHAR column."""
        if not self.native_enum:
            return None
        return self.name or (self.enum_class.__name__.lower() if self.enum_class else None)

    def _ddl(self) -> tuple[Any, ...]:
        return ("enum", tuple(self.values), self.native_name)

    def adapt(self, cls: type[TypeEngine], **kw: Any) -> TypeEngine:
        """This enum as `cls` (an Enum subclass, PostgreSQL's ENUM), with its members and options."""
        members = [self.enum_class] if self.enum_class is not None else list(self.values)
        options = {"name": self.name, "native_enum": self.native_enum, "length": self._given_length, **kw}
        return cls(*members, **options)

    def _schema_script(self, dialect: str, create: bool, checkfirst: bool) -> list[Any]:
        name = self.native_name
        if dialect != "postgresql" or not name:
            return []
        if create:
            return [("create_enum", name, tuple(self.values), checkfirst)]
        return [("drop_enum", name, checkfirst)]

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


# --- user-defined types -----------------------------------------------------------------------


class TypeDecorator(ExternalType, TypeEngine):
    """A type built on an existing one (`impl`): DDL, binds and results go
    through the impl's (native) conversions, with the Python hooks
    process_bind_param / process_result_value around them."""

    impl: Any  # on the class: the type decorated, a TypeEngine class or instance
    cache_ok: ClassVar[bool | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        declared = type(self).__dict__.get("impl", getattr(type(self), "impl", None))
        if declared is None:
            raise AssertionError(
                "TypeDecorator implementations require a class-level variable 'impl' "
                "which refers to the class of type being decorated"
            )
        self.impl: TypeEngine = (
            declared(*args, **kwargs) if isinstance(declared, type) else _copy.copy(declared)
        )

    # --- the hooks users override ----------------------------------------------------

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return value

    def process_literal_param(self, value: Any, dialect: Any) -> Any:
        return value

    def load_dialect_impl(self, dialect: Any) -> TypeEngine:
        """The type that does the work on `dialect`: `impl` unless overridden."""
        impl: TypeEngine = self.impl
        return impl

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        """Values compared with this type are bound as this type (so
        process_bind_param sees them), as in SQLAlchemy."""
        return self

    @property
    def python_type(self) -> type:  # type: ignore[override]
        python_type: type = self.impl.python_type
        return python_type

    @property
    def impl_instance(self) -> TypeEngine:
        impl: TypeEngine = self.impl
        return impl

    def copy(self, **kw: Any) -> Self:
        new = super().copy(**kw)
        new.impl = _copy.copy(self.impl)
        return new

    # --- how the engine uses it ---------------------------------------------------------

    def _overrides(self, hook: str) -> bool:
        return getattr(type(self), hook) is not getattr(TypeDecorator, hook)

    def _impl_for(self, dialect: str) -> TypeEngine:
        return resolve_variant(to_instance(self.load_dialect_impl(_DialectView(dialect))), dialect)

    @property
    def binds_none(self) -> bool:  # type: ignore[override]
        return self._overrides("process_bind_param") or self.impl.binds_none

    def _ddl(self) -> tuple[Any, ...]:
        return self.impl_instance._ddl()

    def _dialect_ddl(self, dialect: str | None) -> tuple[Any, ...]:
        impl = self._impl_for(dialect) if dialect is not None else self.impl_instance
        return impl._dialect_ddl(dialect)

    def _bind_ddl(self, dialect: str) -> tuple[Any, ...]:
        return self._impl_for(dialect)._bind_ddl(dialect)

    def _result_key(self) -> Any:
        # A type whose cache_ok is not True never shares a cached result plan.
        identity = None if self.cache_ok else id(self)
        return (type(self), self.impl._result_key(), identity)

    def _literal_value(self, value: Any, dialect: str) -> tuple[Any, TypeEngine]:
        """`value` as literal_binds writes it, and the type that writes it:
        through process_literal_param (else process_bind_param), then the impl."""
        view = _DialectView(dialect)
        if self._overrides("process_literal_param"):
            value = self.process_literal_param(value, view)
        elif self._overrides("process_bind_param"):
            value = self.process_bind_param(value, view)
        return value, self._impl_for(dialect)

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        impl = self._impl_for(dialect)
        after = impl._bind_processor(dialect)
        if not self._overrides("process_bind_param"):
            return after
        hook, view = self.process_bind_param, _DialectView(dialect)
        if after is None:
            return lambda value: hook(value, view)
        impl_takes_none = impl.binds_none

        def process(value: Any) -> Any:
            value = hook(value, view)
            return after(value) if value is not None or impl_takes_none else None

        return process

    def _result_converter(self, dialect: str) -> Converter:
        native = self._impl_for(dialect)._result_converter(dialect)
        if not self._overrides("process_result_value"):
            return native
        hook, view = self.process_result_value, _DialectView(dialect)
        if isinstance(native, int):  # decoded natively, then the hook (NULL included)
            return (native, lambda value: hook(value, view))
        if isinstance(native, tuple):  # an inner decorator's hook, then this one's
            code, inner = native
            return (code, lambda value: hook(inner(value), view))
        convert = native
        return (RAW, lambda value: hook(None if value is None else convert(value), view))

    def __repr__(self) -> str:
        if type(self).__init__ is not TypeDecorator.__init__:
            return _generic_repr(self)
        impl = _generic_repr(self.impl_instance)  # the impl's arguments, under this name
        return type(self).__name__ + impl[impl.index("(") :]


class UserDefinedType(ExternalType, TypeEngine):
    """A type spelled by get_col_spec(), converted by bind_processor() and
    result_processor() (each None for no conversion)."""

    cache_ok: ClassVar[bool | None] = None

    def get_col_spec(self, **kw: Any) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define get_col_spec()")

    def _ddl(self) -> tuple[Any, ...]:
        return ("custom", self.get_col_spec())

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        if type(self).bind_processor is TypeEngine.bind_processor:
            return None
        return self.bind_processor(_DialectView(dialect))

    def _result_converter(self, dialect: str) -> Converter:
        if type(self).result_processor is TypeEngine.result_processor:
            return RAW
        processor = self.result_processor(_DialectView(dialect), None)
        return processor if processor is not None else RAW

    def _result_key(self) -> Any:
        return (type(self), self._ddl(), None if self.cache_ok else id(self))

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        return self
