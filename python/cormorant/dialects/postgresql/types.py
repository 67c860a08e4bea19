"""PostgreSQL column types: UUID, INET, CIDR, TSVECTOR, INTERVAL and ARRAY.

INTERVAL comes back as a timedelta from the native decoder; ARRAY is the
generic ARRAY (cormorant.sql.arrays) under PostgreSQL's name."""

from __future__ import annotations

import datetime as _dt
import ipaddress
from collections.abc import Callable
from typing import Any

from ...sql.arrays import ARRAY as _GenericARRAY
from ...sql.sqltypes import TypeEngine, Uuid, _short_repr, interval_text


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
    is `@>` and `col.any(value)` is `value = ANY(col)`."""


__all__ = ["ARRAY", "CIDR", "INET", "INTERVAL", "TSVECTOR", "UUID"]
