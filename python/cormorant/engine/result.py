"""Result, ScalarResult and MappingResult: the rows of one execution.

Rows are hydrated natively and held in a list. A result made of exactly one
column or entity keeps bare values and wraps them in Row objects only when the
caller asks for rows, so `.scalars().all()` costs nothing extra."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from .. import _native
from ..exc import InvalidRequestError, MultipleResultsFound, NoResultFound, ResourceClosedError

Row = _native.Row
_T = TypeVar("_T")


def _unique_filter(items: list[Any]) -> list[Any]:
    """Items without repeats: rows compare by value, objects by identity."""
    if items and not isinstance(items[0], (tuple, Row)):
        return list({id(item): item for item in items}.values())
    seen: set[Any] = set()
    out = []
    for item in items:
        try:
            key = (0, item) if isinstance(item, (tuple, Row)) else (1, id(item))
            hash(key)
        except TypeError:
            key = (1, id(item))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


class RowMapping(dict):
    """Row._mapping: values by column name, or by the column object itself."""

    def __missing__(self, key: Any) -> Any:
        name = getattr(key, "_row_key", None)
        if name is not None and name in self:
            return self[name]
        raise KeyError(key)


_native.set_row_mapping_type(RowMapping)


class _Consumable:
    """Shared cursor-like consumption of a list of items."""

    _items: list[Any]
    _pos: int
    _unique: bool
    _require_unique = False  # joined eager loads of collections repeat their parent rows

    def _take(self, n: int | None = None) -> list[Any]:
        if self._require_unique and not self._unique:
            raise InvalidRequestError(
                "The unique() method must be invoked on this Result, as it contains results that include "
                "joined eager loads against collections"
            )
        items = self._items
        if self._unique and not getattr(self, "_uniqued", False):
            items = self._items = _unique_filter(items[self._pos :])
            self._pos = 0
            self._uniqued = True
        start = self._pos
        end = len(items) if n is None else min(len(items), start + n)
        self._pos = end
        if start == 0 and end == len(items):
            return items if n is None else items[:]
        return items[start:end]

    def _transform(self, items: list[Any]) -> list[Any]:
        return items

    def all(self) -> list[Any]:
        return self._transform(self._take())

    def fetchall(self) -> list[Any]:
        return self.all()

    def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._transform(self._take(size or 1))

    def fetchone(self) -> Any:
        items = self._transform(self._take(1))
        return items[0] if items else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._transform(self._take()))

    def partitions(self, size: int | None = None) -> Iterator[list[Any]]:
        while True:
            part = self.fetchmany(size or 100)
            if not part:
                return
            yield part

    def first(self) -> Any:
        items = self._transform(self._take(1))
        self._pos = len(self._items)
        return items[0] if items else None

    def one_or_none(self) -> Any:
        items = self._transform(self._take(2))
        self._pos = len(self._items)
        if len(items) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return items[0] if items else None

    def one(self) -> Any:
        items = self._transform(self._take(2))
        self._pos = len(self._items)
        if not items:
            raise NoResultFound("No row was found when one was required")
        if len(items) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return items[0]


class Result(_Consumable):
    """The rows of one statement execution."""

    def __init__(
        self,
        rows: list[Any],
        keys: Any,
        single: bool,
        rowcount: int = -1,
        returns_rows: bool = True,
        lastrowid: int | None = None,
        inserted_primary_key: Any = None,
    ) -> None:
        self._items = rows
        self._rowkeys = keys  # a _native.RowKeys
        self._single = single
        self._pos = 0
        self._unique = False
        self.rowcount = rowcount
        self.returns_rows = returns_rows
        self.lastrowid = lastrowid
        self._inserted_primary_key = inserted_primary_key

    def _transform(self, items: list[Any]) -> list[Any]:
        if self._single:
            keys = self._rowkeys
            return [Row(keys, (v,)) for v in items]
        return items

    def keys(self) -> list[str]:
        return list(self._rowkeys.fields) if self._rowkeys is not None else []

    def merged(self, others: list[Result]) -> Result:
        """One result holding this one's rows followed by `others`' (same shape)."""
        for other in others:
            self._items.extend(other._take())
            self.rowcount += max(other.rowcount, 0)
        return self

    @property
    def inserted_primary_key(self) -> Any:
        return self._inserted_primary_key

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> Result:
        self._unique = True
        return self

    def _first_values(self) -> list[Any]:
        items = self._take()
        return items if self._single else [row[0] for row in items]

    def scalars(self, index: int = 0) -> ScalarResult[Any]:
        required, self._require_unique = self._require_unique, False
        if self._single and index == 0:
            items = self._take()
        else:
            items = [row[index] for row in self._take()]
        scalars = ScalarResult(items, self._unique)
        scalars._require_unique = required
        return scalars

    def scalar(self) -> Any:
        row = self._take(1)
        self._pos = len(self._items)
        if not row:
            return None
        return row[0] if self._single else row[0][0]

    def scalar_one(self) -> Any:
        return self.scalars().one()

    def scalar_one_or_none(self) -> Any:
        return self.scalars().one_or_none()

    def mappings(self) -> MappingResult:
        fields = self.keys()
        return MappingResult([dict(zip(fields, row)) for row in self._transform(self._take())])

    def tuples(self) -> Result:
        return self

    @property
    def t(self) -> Result:
        return self

    def columns(self, *indexes: int | str) -> Result:
        fields = self.keys()
        positions = [fields.index(i) if isinstance(i, str) else i for i in indexes]
        keys = _native.RowKeys([fields[p] for p in positions])
        rows = [Row(keys, tuple(row[p] for p in positions)) for row in self._transform(self._take())]
        return Result(rows, keys, single=False)

    def yield_per(self, num: int) -> Result:
        return self

    def close(self) -> None:
        self._pos = len(self._items)

    def freeze(self) -> Callable[[], Result]:
        rows = self._take()
        return lambda: Result(list(rows), self._rowkeys, self._single, self.rowcount)

    def __repr__(self) -> str:
        return f"<Result keys={self.keys()} rows={len(self._items) - self._pos}>"


class ScalarResult(_Consumable, Generic[_T]):
    """The first column of each row."""

    def __init__(self, items: list[Any], unique: bool = False) -> None:
        self._items = items
        self._pos = 0
        self._unique = unique

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> ScalarResult[_T]:
        self._unique = True
        return self

    def all(self) -> Sequence[_T]:  # type: ignore[override]
        return self._take()


class MappingResult(_Consumable):
    """Rows as dicts of column name to value."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self._items = items
        self._pos = 0
        self._unique = False

    def unique(self) -> MappingResult:
        self._unique = True
        return self


def empty_result(rowcount: int, lastrowid: int | None = None, inserted_primary_key: Any = None) -> Result:
    if getattr(empty_result, "_keys", None) is None:
        empty_result._keys = _native.RowKeys(())  # type: ignore[attr-defined]

    def _closed(*_: Any) -> Any:
        raise ResourceClosedError(
            "This result object does not return rows. It has been closed automatically."
        )

    result = Result([], empty_result._keys, False, rowcount, False, lastrowid, inserted_primary_key)  # type: ignore[attr-defined]
    result.all = result.fetchall = result.first = result.scalar = _closed  # type: ignore[method-assign]
    return result
