"""The identity map: one object per identity key (class, primary key) in a
Session. Objects are stored per class, so the native loader finds them by
primary key alone, without building a key tuple for every row."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, MutableMapping
from typing import Any


class IdentityMap(MutableMapping[Any, Any]):
    """A mapping of (class, identity) → object, stored as class → {identity: object}."""

    __slots__ = ("_by_class",)

    def __init__(self) -> None:
        self._by_class: dict[type, dict[Any, Any]] = {}

    def for_class(self, cls: type) -> dict[Any, Any]:
        """The objects of `cls` by identity; the native loader fills this dict."""
        objects = self._by_class.get(cls)
        if objects is None:
            objects = self._by_class[cls] = {}
        return objects

    def __getitem__(self, key: tuple[Any, ...]) -> Any:
        return self._by_class[key[0]][key[1]]

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        objects = self._by_class.get(key[0])
        return default if objects is None else objects.get(key[1], default)

    def __setitem__(self, key: tuple[Any, ...], obj: Any) -> None:
        self.for_class(key[0])[key[1]] = obj

    def __delitem__(self, key: tuple[Any, ...]) -> None:
        del self._by_class[key[0]][key[1]]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        objects = self._by_class.get(key[0])
        return objects is not None and key[1] in objects

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter([(cls, ident) for cls, objects in self._by_class.items() for ident in objects])

    def __len__(self) -> int:
        return sum(len(objects) for objects in self._by_class.values())

    def values(self) -> list[Any]:  # type: ignore[override]
        """A snapshot, so callers may change the map while they walk it."""
        return [obj for objects in self._by_class.values() for obj in objects.values()]

    def clear(self) -> None:
        self._by_class.clear()

    def class_sizes(self) -> dict[type, int]:
        """How many objects each class has now: the mark added_since() counts from."""
        return {cls: len(objects) for cls, objects in self._by_class.items()}

    def added_since(self, sizes: dict[type, int]) -> list[Any]:
        """The objects added after class_sizes() returned `sizes`, provided none
        was removed meanwhile (each class's dict keeps its insertion order)."""
        return [
            obj
            for cls, objects in self._by_class.items()
            for obj in itertools.islice(objects.values(), sizes.get(cls, 0), None)
        ]
