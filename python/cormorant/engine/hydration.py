"""How a Connection turns a cursor's rows into result items.

Core hydrates plain rows. The ORM passes its own Hydration (see
orm/loading.py) that builds entities through a Session's identity map, runs
its post loads on each batch and lets go of streamed objects; the engine only
calls the methods below and knows nothing of sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _native
from ..sql.compiler import Compiled, ResultShape, text_shape


class Hydration:
    """Core rows: column values converted by their types, no entities."""

    __slots__ = ()

    #: The items hold ORM entities: a streamed result then refuses unique().
    entities = False
    #: The rows repeat an object (joined eager loads of collections), so the
    #: caller must call unique() first.
    unique_required = False

    def shape(self, compiled: Compiled | None, column_names: Sequence[str]) -> ResultShape:
        """The hydration plan of `compiled` (a text statement when None)."""
        if compiled is None:
            return text_shape(column_names)
        return compiled.shape(column_names)

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
