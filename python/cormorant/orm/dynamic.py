"""Dynamic relationships (`lazy="dynamic"`, `DynamicMapped[X]`): the attribute
is an AppenderQuery, a legacy Query of the related rows (filter(), count(),
slices... run SQL; nothing is loaded and kept) that also takes append() and
remove(), flushed by the unit of work as a write-only collection's changes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ..exc import InvalidRequestError
from .attributes import STATE_KEY, owning_session
from .query import Query
from .writeonly import PendingChanges, WriteOnlyCollection

if TYPE_CHECKING:
    from .relationships import Relationship
    from .session import Session

_T = TypeVar("_T")


class AppenderQuery(Query[_T], PendingChanges):
    """The value of a dynamic relationship: a Query of the related objects
    that records append() / remove() for the next flush. Without a Session
    (a new owner not yet added) it iterates over the appended objects."""

    def __init__(self, rel: Relationship, instance: Any) -> None:
        super().__init__(rel.entity)
        self.instance = instance
        self.attr = rel
        self._changes: WriteOnlyCollection[_T] = WriteOnlyCollection(instance, rel)
        self._select = self._changes.select()  # its parameters read the owner's key when it runs

    # --- changes for the unit of work ---------------------------------------------

    def append(self, item: _T) -> None:
        self._changes.add(item)

    def extend(self, iterator: Iterable[_T]) -> None:
        self._changes.add_all(iterator)

    def remove(self, item: _T) -> None:
        self._changes.remove(item)

    add = append
    add_all = extend

    def pending(self) -> list[Any]:
        return self._changes.pending()

    def take_pending(self) -> tuple[list[Any], list[Any]]:
        return self._changes.take_pending()

    def every_member(self) -> list[Any]:
        if self._owner_session() is None:
            return list(self.pending())
        return list(self.autoflush(False))

    # --- reading ----------------------------------------------------------------------

    def _owner_session(self) -> Session | None:
        state = self.instance.__dict__.get(STATE_KEY)
        return owning_session(state) if state is not None else None

    def _session(self) -> Session:
        session = self.session or self._owner_session()
        if session is None:
            raise InvalidRequestError(
                f"Parent instance {type(self.instance).__name__} is not bound to a Session; the dynamic "
                f"relationship '{self.attr}' can only be read through one"
            )
        return session

    def __iter__(self) -> Iterator[_T]:
        if self.session is None and self._owner_session() is None:
            return iter(list(self.pending()))
        return super().__iter__()

    def all(self) -> list[_T]:
        return list(self)

    def count(self) -> int:
        if self.session is None and self._owner_session() is None:
            return len(self.pending())
        return super().count()

    def __repr__(self) -> str:
        return f"<AppenderQuery {self.attr}>"


def dynamic_value(rel: Relationship, instance: Any) -> AppenderQuery[Any]:
    """The attribute's AppenderQuery, created on first access and kept (with its pending changes)."""
    query: AppenderQuery[Any] = AppenderQuery(rel, instance)
    instance.__dict__[rel.key] = query
    return query


def set_dynamic(rel: Relationship, instance: Any, value: Iterable[Any]) -> None:
    """Replacing a dynamic collection: what leaves it is removed, what joins it appended."""
    query = instance.__dict__.get(rel.key)
    if not isinstance(query, AppenderQuery):
        query = dynamic_value(rel, instance)
    new = list(value)
    old = query.every_member() if instance.__dict__.get(STATE_KEY) is not None else []
    new_ids, old_ids = {id(o) for o in new}, {id(o) for o in old}
    for item in old:
        if id(item) not in new_ids:
            query.remove(item)
    for item in new:
        if id(item) not in old_ids:
            query.append(item)
