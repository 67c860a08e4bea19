"""Running DDL datums on an Engine or Connection, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def execute_ddl(bind: Any, datums: Sequence[tuple]) -> None:
    from ..engine.base import Connection

    if isinstance(bind, Connection):
        for datum in datums:
            bind._execute_datum(datum)
        return
    with bind.begin() as conn:
        for datum in datums:
            conn._execute_datum(datum)
