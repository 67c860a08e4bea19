"""IdentitySet: a set of objects compared by identity, not by __eq__/__hash__
(mapped objects may define either, and an ORM set must not call them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class IdentitySet:
    """A mutable set whose members are told apart by id()."""

    __slots__ = ("_members",)

    def __init__(self, iterable: Iterable[Any] | None = None) -> None:
        self._members: dict[int, Any] = {}
        if iterable is not None:
            self.update(iterable)

    @classmethod
    def _of(cls, members: dict[int, Any]) -> IdentitySet:
        result = cls()
        result._members = members
        return result

    def add(self, value: Any) -> None:
        self._members[id(value)] = value

    def discard(self, value: Any) -> None:
        self._members.pop(id(value), None)

    def remove(self, value: Any) -> None:
        if id(value) not in self._members:
            raise KeyError(value)
        del self._members[id(value)]

    def pop(self) -> Any:
        if not self._members:
            raise KeyError("pop from an empty set")
        return self._members.popitem()[1]

    def clear(self) -> None:
        self._members.clear()

    def copy(self) -> IdentitySet:
        return self._of(dict(self._members))

    def update(self, iterable: Iterable[Any]) -> None:
        for value in iterable:
            self._members[id(value)] = value

    def union(self, iterable: Iterable[Any]) -> IdentitySet:
        result = self.copy()
        result.update(iterable)
        return result

    def difference(self, iterable: Iterable[Any]) -> IdentitySet:
        other = {id(v) for v in iterable}
        return self._of({k: v for k, v in self._members.items() if k not in other})

    def intersection(self, iterable: Iterable[Any]) -> IdentitySet:
        other = {id(v) for v in iterable}
        return self._of({k: v for k, v in self._members.items() if k in other})

    def symmetric_difference(self, iterable: Iterable[Any]) -> IdentitySet:
        other = IdentitySet(iterable)
        result = self.difference(other)
        result.update(v for k, v in other._members.items() if k not in self._members)
        return result

    def difference_update(self, iterable: Iterable[Any]) -> None:
        self._members = self.difference(iterable)._members

    def intersection_update(self, iterable: Iterable[Any]) -> None:
        self._members = self.intersection(iterable)._members

    def symmetric_difference_update(self, iterable: Iterable[Any]) -> None:
        self._members = self.symmetric_difference(iterable)._members

    def issubset(self, iterable: Iterable[Any]) -> bool:
        other = {id(v) for v in iterable}
        return all(k in other for k in self._members)

    def issuperset(self, iterable: Iterable[Any]) -> bool:
        return all(id(v) in self._members for v in iterable)

    def __contains__(self, value: object) -> bool:
        return id(value) in self._members

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._members.values()))

    def __len__(self) -> int:
        return len(self._members)

    def __bool__(self) -> bool:
        return bool(self._members)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdentitySet):
            return self._members.keys() == other._members.keys()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, IdentitySet):
            return self._members.keys() != other._members.keys()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: IdentitySet) -> IdentitySet:
        return self.union(other)

    def __and__(self, other: IdentitySet) -> IdentitySet:
        return self.intersection(other)

    def __sub__(self, other: IdentitySet) -> IdentitySet:
        return self.difference(other)

    def __xor__(self, other: IdentitySet) -> IdentitySet:
        return self.symmetric_difference(other)

    def __le__(self, other: IdentitySet) -> bool:
        return self.issubset(other)

    def __ge__(self, other: IdentitySet) -> bool:
        return self.issuperset(other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._members.values())!r})"
