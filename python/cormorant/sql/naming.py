"""Naming conventions: MetaData(naming_convention={...}) names the constraints
and indexes given no name ("uq_%(table_name)s_%(column_0_name)s"), and, with a
%(constraint_name)s token, decorates the names given."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..exc import InvalidRequestError

_COLUMN_TOKEN = re.compile(r"^(referred_)?column_(\d+)(N|_N)?_(name|key|label)$")


class conv(str):
    """A name that is final: no naming convention changes it."""

    __slots__ = ()


class _Tokens(Mapping[str, str]):
    """The values a convention's %(token)s placeholders name, worked out on demand."""

    def __init__(
        self,
        convention: Mapping[Any, Any],
        item: Any,
        table: Any,
        columns: Sequence[Any],
        referred_table: str | None,
        referred_columns: Sequence[str],
        name: str | None,
    ) -> None:
        self._convention, self._item, self._table = convention, item, table
        self._columns, self._referred_table = columns, referred_table
        self._referred_columns, self._name = referred_columns, name

    def __getitem__(self, token: str) -> str:
        custom = self._convention.get(token)
        if callable(custom):
            return str(custom(self._item, self._table))
        if token == "table_name":
            return str(self._table.name)
        if token == "referred_table_name" and self._referred_table is not None:
            return self._referred_table
        if token == "constraint_name":
            if self._name is None:
                raise InvalidRequestError(
                    "Naming convention including %(constraint_name)s token requires that "
                    "constraint is explicitly named."
                )
            return self._name
        match = _COLUMN_TOKEN.match(token)
        if match is None:
            raise KeyError(token)
        referred, index, many, part = match.groups()
        names = list(self._referred_columns) if referred else [self._part(c, part) for c in self._columns]
        if not names:
            raise KeyError(token)
        if many:
            return ("_" if many == "_N" else "").join(names[int(index) :])
        return names[int(index)]

    def _part(self, column: Any, part: str) -> str:
        if isinstance(column, str):
            column = self._table.c[column]
        if part == "label":
            return f"{self._table.name}_{column.name}"
        return str(column.key if part == "key" else column.name)

    def __iter__(self) -> Any:
        return iter(())

    def __len__(self) -> int:
        return 0


def convention_name(
    convention: Mapping[Any, Any],
    kind: str,
    kind_class: type,
    item: Any,
    table: Any,
    columns: Sequence[Any],
    name: str | None = None,
    referred_table: str | None = None,
    referred_columns: Sequence[str] = (),
) -> str | None:
    """The name the convention for `kind` ("ix", "uq", "ck", "fk", "pk") gives
    `item`; `name` itself when it is final or no convention applies."""
    if isinstance(name, conv):
        return name
    template = convention.get(kind, convention.get(kind_class))
    if template is None or (name is not None and "%(constraint_name)" not in template):
        return name
    tokens = _Tokens(convention, item, table, columns, referred_table, referred_columns, name)
    try:
        return conv(template % tokens)
    except KeyError as e:
        raise InvalidRequestError(
            f"Naming convention {template!r} for {kind_class.__name__} on table '{table.name}' names "
            f"the token {e.args[0]!r}, which it cannot fill"
        ) from None
