"""InstrumentedList: the list a collection relationship holds. Changes made
through it update the other side of the relationship in memory, join new
members to the owner's Session and are remembered for the next flush."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, SupportsIndex

from . import events
from .attributes import NO_VALUE, record_change
from .writeonly import PendingChanges


class InstrumentedList(list[Any]):
    """A list that tells its relationship about every member added or removed."""

    __slots__ = ("_owner", "_rel")

    _owner: Any
    _rel: Any

    def __init__(self, items: Any = (), *, owner: Any, relationship: Any) -> None:
        super().__init__(items)
        self._owner = owner
        self._rel = relationship

    def _before_change(self) -> None:
        record_change(self._owner, self._rel.key, self, collection=True)

    def _adding(self, item: Any) -> Any:
        """The member to add: an append listener with retval=True may replace it."""
        if self._rel._has_events:
            return events.fire_append(self._rel, self._owner, item)
        return item

    def _added(self, item: Any) -> None:
        self._rel._appended(self._owner, item)

    def _gone(self, item: Any) -> None:
        if self._rel._has_events:
            events.fire_remove(self._rel, self._owner, item)
        self._rel._removed(self._owner, item)

    def append(self, item: Any) -> None:
        item = self._adding(item)
        self._before_change()
        list.append(self, item)
        self._added(item)

    def extend(self, items: Iterable[Any]) -> None:
        for item in list(items):
            self.append(item)

    # misc: list's own __iadd__ takes any iterable while __add__ takes a list (typeshed ignores it too)
    def __iadd__(self, items: Iterable[Any]) -> InstrumentedList:  # type: ignore[misc]
        self.extend(items)
        return self

    def insert(self, index: SupportsIndex, item: Any) -> None:
        item = self._adding(item)
        self._before_change()
        list.insert(self, index, item)
        self._added(item)

    def remove(self, item: Any) -> None:
        self._before_change()
        list.remove(self, item)
        self._gone(item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._before_change()
        item = list.pop(self, index)
        self._gone(item)
        return item

    def clear(self) -> None:
        self._before_change()
        items = list(self)
        list.clear(self)
        for item in items:
            self._gone(item)

    def __setitem__(self, index: Any, value: Any) -> None:
        value = [self._adding(v) for v in value] if isinstance(index, slice) else self._adding(value)
        self._before_change()
        old = self[index]
        list.__setitem__(self, index, value)
        for item in old if isinstance(index, slice) else [old]:
            self._gone(item)
        for item in value if isinstance(index, slice) else [value]:
            self._added(item)

    def __delitem__(self, index: Any) -> None:
        self._before_change()
        old = self[index]
        list.__delitem__(self, index)
        for item in old if isinstance(index, slice) else [old]:
            self._gone(item)

    def __reduce__(self) -> Any:
        return (list, (list(self),))

    def __repr__(self) -> str:
        return list.__repr__(self)


def members(value: Any) -> list[Any]:
    """The objects a relationship value holds: a collection's items, a scalar, or none."""
    if value is None or value is NO_VALUE:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, PendingChanges):
        return value.pending()  # never loaded: only what was added since the last flush
    return [value]


def every_member(value: Any) -> list[Any]:
    """members(), except that a collection never loaded (dynamic, write-only)
    gives every related object, read from the database, or refuses."""
    if isinstance(value, PendingChanges):
        return value.every_member()
    return members(value)
