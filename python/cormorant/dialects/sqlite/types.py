"""SQLite's DATE, DATETIME and TIME: text columns whose layout `storage_format`
may change (a %-format over year, month, day, hour, minute, second and
microsecond) and `regexp` may parse back (its groups, named or in order, are
those fields). Without them, values are stored as SQLAlchemy stores them
(2020-01-02 03:04:05.000000) and decoded natively."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from ...sql import standard_types
from ...sql.sqltypes import Converter, _short_repr
from ...sql.standard_types import _with_zone

_FIELDS = ("year", "month", "day", "hour", "minute", "second", "microsecond")


class _StorageFormat(standard_types.SpelledType):
    """What SQLite's date and time types add: their text layout."""

    _python: type = _dt.datetime
    _default_format = ""
    _name = ""
    _storage_format: str | None = None
    _reg: re.Pattern[str] | None = None

    def _set_format(self, storage_format: str | None, regexp: str | re.Pattern[str] | None) -> None:
        if storage_format is not None:
            self._storage_format = storage_format
        if regexp is not None:
            self._reg = re.compile(regexp)

    def _set_time_format(
        self,
        storage_format: str | None,
        regexp: str | re.Pattern[str] | None,
        truncate_microseconds: bool,
        whole_seconds: str,
    ) -> None:
        """_set_format() for the types with a time of day: truncate_microseconds
        stores whole seconds (`whole_seconds`), instead of a storage_format."""
        if truncate_microseconds and storage_format is not None:
            raise ValueError("You can specify only one of truncate_microseconds or storage_format.")
        self._set_format(whole_seconds if truncate_microseconds else storage_format, regexp)

    @property
    def format_is_text_affinity(self) -> bool:
        """Whether the stored text has a character other than a digit (else
        SQLite would give the column NUMERIC affinity: it is then spelled
        DATE_CHAR, DATETIME_CHAR or TIME_CHAR)."""
        sample = (self._storage_format or self._default_format) % dict.fromkeys(_FIELDS, 0)
        return bool(re.search(r"[^0-9]", sample))

    def _spelling(self, dialect: str | None) -> str:
        if dialect == "postgresql":  # the generic type's spelling there
            return self._postgresql_spelling()
        return self._name if self.format_is_text_affinity else f"{self._name}_CHAR"

    def _postgresql_spelling(self) -> str:
        return self._name

    def _formatter(self) -> Callable[[Any], Any]:
        layout, python = self._storage_format, self._python

        def format_value(value: Any) -> Any:
            if not isinstance(value, python):
                raise TypeError(
                    f"expected a {python.__module__}.{python.__name__}, "
                    f"got {type(value).__name__} {_short_repr(value)}"
                )
            assert layout is not None
            return layout % {f: getattr(value, f) for f in _FIELDS if hasattr(value, f)}

        return format_value

    def _parser(self) -> Callable[[Any], Any]:
        reg, python = self._reg, self._python
        assert reg is not None
        named = bool(reg.groupindex)

        def parse(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            match = reg.match(value)
            if match is None:
                raise ValueError(
                    f"Couldn't parse {python.__name__} string {value!r} - value is not a string."
                )
            if named:
                return python(**{k: int(v) for k, v in match.groupdict(0).items()})
            return python(*(int(v) for v in match.groups(0)))

        return parse

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        if self._storage_format is not None and dialect == "sqlite":
            return self._formatter()
        return super()._bind_processor(dialect)

    def _result_converter(self, dialect: str) -> Converter:
        return self._parser() if self._reg is not None else super()._result_converter(dialect)

    def _result_key(self) -> Any:
        return (super()._result_key(), self._storage_format, self._reg)


class DATETIME(_StorageFormat, standard_types.DATETIME):
    """SQLite's DATETIME: storage_format / regexp change its text layout;
    truncate_microseconds=True stores whole seconds."""

    _name = "DATETIME"
    _default_format = (
        "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
    )

    def __init__(
        self,
        timezone: bool = False,
        *,
        storage_format: str | None = None,
        regexp: str | re.Pattern[str] | None = None,
        truncate_microseconds: bool = False,
    ) -> None:
        super().__init__(timezone)
        whole_seconds = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"
        self._set_time_format(storage_format, regexp, truncate_microseconds, whole_seconds)

    def _postgresql_spelling(self) -> str:
        return _with_zone("TIMESTAMP", self.timezone, "postgresql")


class DATE(_StorageFormat, standard_types.DATE):
    """SQLite's DATE: storage_format / regexp change its text layout."""

    _python = _dt.date
    _name = "DATE"
    _default_format = "%(year)04d-%(month)02d-%(day)02d"

    def __init__(
        self, storage_format: str | None = None, regexp: str | re.Pattern[str] | None = None
    ) -> None:
        self._set_format(storage_format, regexp)


class TIME(_StorageFormat, standard_types.TIME):
    """SQLite's TIME: storage_format / regexp change its text layout;
    truncate_microseconds=True stores whole seconds."""

    _python = _dt.time
    _name = "TIME"
    _default_format = "%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"

    def __init__(
        self,
        timezone: bool = False,
        *,
        storage_format: str | None = None,
        regexp: str | re.Pattern[str] | None = None,
        truncate_microseconds: bool = False,
    ) -> None:
        super().__init__(timezone)
        self._set_time_format(
            storage_format, regexp, truncate_microseconds, "%(hour)02d:%(minute)02d:%(second)02d"
        )

    def _postgresql_spelling(self) -> str:
        return _with_zone("TIME", self.timezone, "postgresql")


__all__ = ["DATE", "DATETIME", "TIME"]
