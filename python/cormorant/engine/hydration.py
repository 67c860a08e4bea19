"""How a Connection turns a cursor's rows into result items.

Core hydrates plain rows. The ORM passes its own Hydration (see
orm/loading.py) that builds entities through a Session's identity map, runs
its post loads on each batch and lets go of streamed objects; the engine only
calls the methods below and knows nothing of sessions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .. import _native
from ..sql.compiler import CompiledStatement, ResultKeys
from ..sql.sqltypes import RAW


class ResultShape:
    """The native hydration plan of one compiled statement, with its row keys."""

    __slots__ = ("plan", "keys", "single")

    # A function that finishes the hydrated items in place (a subclass's
    # method: rows whose entries combine several columns), or None.
    compose: Callable[[list[Any]], None] | None = None

    def __init__(self, plan: Any, keys: Any, single: bool) -> None:
        self.plan, self.keys, self.single = plan, keys, single

    @classmethod
    def of(cls, converters: list[Any], outputs: list[Any], names: list[str]) -> ResultShape:
        """A plan reading `converters`' columns into `outputs` (column positions or
        entity plans) named `names`; one output gives bare values, not rows."""
        keys = _native.RowKeys(names)
        single = len(outputs) == 1
        return cls(_native.ResultPlan(converters, outputs, None if single else keys), keys, single)


def text_shape(column_names: Sequence[str]) -> ResultShape:
    """Rows of a statement whose columns only the cursor knows: values as the driver gives them."""
    keys = _native.RowKeys(list(column_names))
    plan = _native.ResultPlan([RAW] * len(column_names), list(range(len(column_names))), keys)
    return ResultShape(plan, keys, False)


def core_shape(compiled: CompiledStatement) -> ResultShape:
    """Rows of the statement's result columns, each converted by its type."""
    elements = [el for entry in compiled.entries for el in entry.elements]
    return ResultShape.of(
        compiled.converters(elements), list(range(len(elements))), list(map(ResultKeys(), elements))
    )


class Hydration:
    """Core rows: column values converted by their types, no entities."""

    __slots__ = ()

    #: The items hold ORM entities: a streamed result then refuses unique().
    entities = False
    #: The rows repeat an object (joined eager loads of collections), so the
    #: caller must call unique() first.
    unique_required = False

    def shape(self, compiled: CompiledStatement | None, column_names: Sequence[str]) -> ResultShape:
        """The hydration plan of `compiled` (a text statement when None)."""
        if compiled is None:
            return text_shape(column_names)
        if compiled.entries:
            return compiled.shape_for(None, core_shape)
        # text(): the columns come from the cursor, and may differ per execution
        names = tuple(column_names)
        return compiled.shape_for(names, lambda _: text_shape(names))

    def fetch(self, cursor: Any, plan: Any, size: int | None) -> list[Any]:
        """Hydrates every remaining row (size None), or at most `size` rows."""
        if size is None:
            return _native.fetch_all(cursor, plan, None, None)
        return _native.fetch_many(cursor, plan, size, None, None)

    def loaded(self, items: list[Any], single: bool) -> Any:
        """Called with each batch of items before the caller sees it; what it
        returns is handed to release() once a streamed batch is consumed."""
        return None

    def release(self, token: Any) -> None:
        """A streamed batch was consumed: let go of what loaded() kept."""


CORE_HYDRATION = Hydration()
