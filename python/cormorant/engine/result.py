"""Result, ScalarResult and MappingResult: the rows of one execution.

Rows are hydrated natively and held in a list. A result made of exactly one
column or entity keeps bare values and wraps them in Row objects only when the
caller asks for rows, so `.scalars().all()` costs nothing extra.

A streaming result (yield_per / stream_results) is fed by a _Stream instead:
the native cursor hydrated a chunk at a time, each chunk dropped once
consumed. Results made from it (scalars(), mappings(), columns()) read the
same stream through a _Mapped view."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from .. import _native
from ..exc import (
    InvalidRequestError,
    MultipleResultsFound,
    NoResultFound,
    NoSuchColumnError,
    ResourceClosedError,
)

_T = TypeVar("_T")
_R = TypeVar("_R")  # what a result yields per item: a Row, a scalar, a mapping
_TP = TypeVar("_TP", bound=tuple[Any, ...])
_D = TypeVar("_D", bound="_Consumable[Any]")  # a result derived from a streaming one

if TYPE_CHECKING:
    import builtins

    from typing_extensions import Self, TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")

    class Row(Generic[_TP]):
        """What type checkers see of _native.Row (a C++ type): a tuple-like row
        typed by the tuple of its values, Row[tuple[int, str]]. Column values are
        also attributes by name."""

        def __init__(self, keys: Any, values: Iterable[Any], /) -> None: ...
        @property
        def _fields(self) -> builtins.tuple[str, ...]: ...
        @property
        def _mapping(self) -> RowMapping: ...
        @property
        def _t(self) -> _TP: ...
        @property
        def t(self) -> _TP: ...
        def _tuple(self) -> _TP: ...
        def tuple(self) -> _TP: ...
        def _asdict(self) -> dict[str, Any]: ...
        def __len__(self) -> int: ...
        def __getitem__(self, index: int | slice) -> Any: ...
        def __iter__(self) -> Iterator[Any]: ...
        def __contains__(self, value: object) -> bool: ...
        def __getattr__(self, name: str) -> Any: ...

else:
    Row = _native.Row  # subscriptable at run time too: Row[tuple[int, str]]


def _unique_filter(items: list[Any]) -> list[Any]:
    """Items without repeats: rows compare by value, objects by identity."""
    if items and not isinstance(items[0], (tuple, Row)):
        return list({id(item): item for item in items}.values())
    return _unique_more(items, set())


def _unique_more(items: list[Any], seen: set[Any]) -> list[Any]:
    """The items not in `seen` (which they join): rows by value, objects (and unhashable rows) by identity."""
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


class RowMapping(dict[Any, Any]):
    """Row._mapping: values by column name, or by the column object (or
    selected entity) itself."""

    def __missing__(self, key: Any) -> Any:
        name = key.__name__ if isinstance(key, type) else getattr(key, "_row_key", None)
        if name is not None and name in self:
            return self[name]
        raise NoSuchColumnError(f"Could not locate column in row for column '{_column_name(key)}'")


def _column_name(key: Any) -> str:
    return key if isinstance(key, str) else getattr(key, "_row_key", None) or str(key)


_native.set_row_mapping_type(RowMapping)


def _position(fields: Sequence[str], index: int | str) -> int:
    """The position of column `index` (a name, or already a position) among `fields`."""
    if not isinstance(index, str):
        return index
    try:
        return fields.index(index)
    except ValueError:
        raise NoSuchColumnError(f"Could not locate column in row for column '{index}'") from None


_CLOSED_MESSAGE = "This result object is closed."
_ORM_UNIQUE_MESSAGE = "Can't use the ORM yield_per feature in conjunction with unique()"


class _Stream:
    """The rows of a streaming result: `fetch(n)` hydrates at most n more
    rows from the native cursor (an empty list once it is exhausted). Only
    the chunk being consumed is held; `size` rows are read at a time.

    close() (Result.close()) makes every later read raise ResourceClosedError;
    exhaustion, or first()/one()/scalar(), only closes the cursor, so later
    reads find no rows."""

    __slots__ = (
        "size",
        "entities",
        "_fetch",
        "_close_cursor",
        "_hydration",
        "_single",
        "_items",
        "_pos",
        "_closed",
        "_pending",
        "__weakref__",
    )

    def __init__(
        self,
        fetch: Callable[[int], list[Any]] | None,
        close: Callable[[], None] | None,
        size: int,
        hydration: Any = None,
        single: bool = False,
    ) -> None:
        self.size = size
        # ORM results refuse unique(), as SQLAlchemy's do with yield_per
        self.entities = bool(hydration is not None and hydration.entities)
        self._fetch = fetch
        self._close_cursor = close
        self._hydration = hydration  # an engine.hydration.Hydration: loaded() / release() per chunk
        self._single = single
        self._items: list[Any] = []
        self._pos = 0
        self._closed = False
        self._pending: list[Any] = []  # what loaded() returned for each chunk not yet released

    def _load(self) -> bool:
        """Replaces the consumed chunk with the next; False once there is none."""
        self._items = []  # dropped before the next chunk is hydrated
        self._pos = 0
        fetch = self._fetch
        if fetch is None:
            if self._closed:
                raise ResourceClosedError(_CLOSED_MESSAGE)
            return False
        if len(self._pending) > 1:
            self._release_pending(keep=1)
        hydration = self._hydration
        try:
            chunk = fetch(self.size)
            token = hydration.loaded(chunk, self._single) if chunk and hydration is not None else None
        except BaseException:
            self.close()
            raise
        if not chunk:
            self.close(hard=False)
            return False
        if token is not None:
            self._pending.append(token)
        self._items = chunk
        return True

    def take(self, n: int | None) -> list[Any]:
        """The next n items (all the rest for None), fewer at the end."""
        out: list[Any] = []
        while n is None or len(out) < n:
            items, pos = self._items, self._pos
            if pos >= len(items):
                if not self._load():
                    break
                continue
            end = len(items) if n is None else min(len(items), pos + n - len(out))
            if pos == 0 and end == len(items) and not out:
                out = items
                self._items = []
            else:
                out += items[pos:end]
            self._pos = end
        return out

    def chunk(self) -> list[Any]:
        """The rest of the current chunk, or the next one; empty at the end."""
        if self._pos >= len(self._items) and not self._load():
            return []
        items, pos = self._items, self._pos
        self._items = []
        self._pos = 0
        return items[pos:] if pos else items

    def close(self, hard: bool = True) -> None:
        """Closes the cursor. `hard`: later reads raise ResourceClosedError."""
        self._closed = self._closed or hard
        self._items = []
        self._pos = 0
        close, self._close_cursor = self._close_cursor, None
        self._fetch = None
        if close is not None:
            close()
        self._release_pending(keep=0)

    def _release_pending(self, keep: int) -> None:
        """Lets go of the objects of chunks read before the last `keep`: the
        consumer's variables may still hold the latest chunk's."""
        pending = self._pending
        while len(pending) > keep:
            self._hydration.release(pending.pop(0))


_CLOSED = _Stream(None, None, 1)
_CLOSED._closed = True


class _Mapped:
    """A view of a stream with `fn` applied to each list of items it gives."""

    __slots__ = ("_base", "_fn")

    def __init__(self, base: _Stream | _Mapped, fn: Callable[[list[Any]], list[Any]]) -> None:
        self._base = base
        self._fn = fn

    @property
    def size(self) -> int:
        return self._base.size

    @size.setter
    def size(self, value: int) -> None:
        self._base.size = value

    @property
    def entities(self) -> bool:
        return self._base.entities

    def take(self, n: int | None) -> list[Any]:
        return self._fn(self._base.take(n))

    def chunk(self) -> list[Any]:
        return self._fn(self._base.chunk())

    def close(self, hard: bool = True) -> None:
        self._base.close(hard)


class _Consumable(Generic[_R]):
    """Shared cursor-like consumption of a list of items, or of a _Stream;
    typed by the item it yields (_R)."""

    _items: list[Any]
    _pos: int
    _unique: bool
    _require_unique = False  # joined eager loads of collections repeat their parent rows
    _stream: _Stream | _Mapped | None = None  # set when streaming; _CLOSED once closed
    _yield_per: int | None = None  # the default fetchmany() and partitions() size
    _seen: set[Any] | None = None  # what unique() has let through, when streaming

    def _take(self, n: int | None = None) -> list[Any]:
        if self._stream is not None:
            return self._take_streamed(self._stream, n)
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

    def _take_streamed(self, stream: _Stream | _Mapped, n: int | None) -> list[Any]:
        if not self._unique:
            return stream.take(n)
        seen = self._unique_seen(stream)
        out: list[Any] = []
        while n is None or len(out) < n:
            part = stream.take(None if n is None else n - len(out))
            if not part:
                break
            out += _unique_more(part, seen)
        return out

    def _unique_seen(self, stream: _Stream | _Mapped) -> set[Any]:
        if stream.entities:
            raise InvalidRequestError(_ORM_UNIQUE_MESSAGE)
        if self._seen is None:
            self._seen = set()
        return self._seen

    def _part(self, stream: _Stream | _Mapped) -> list[Any]:
        """Streaming: the next items as the stream gives them, a chunk at most."""
        if not self._unique:
            return stream.chunk()
        seen = self._unique_seen(stream)
        while True:
            part = stream.chunk()
            if not part:
                return part
            part = _unique_more(part, seen)
            if part:
                return part

    def _iter_streamed(self, stream: _Stream | _Mapped) -> Iterator[Any]:
        while True:
            part = self._part(stream)
            if not part:
                return
            yield from self._transform(part)
            del part  # the stream frees a chunk's objects only once nothing here holds them

    def _discard(self) -> None:
        """After first(), one(), scalar(): the rest of the rows are not wanted."""
        if self._stream is not None:
            self._stream.close(hard=False)
        else:
            self._pos = len(self._items)

    def _transform(self, items: list[Any]) -> list[_R]:
        return items

    def all(self) -> Sequence[_R]:
        return self._transform(self._take())

    def fetchall(self) -> Sequence[_R]:
        return self.all()

    def fetchmany(self, size: int | None = None) -> Sequence[_R]:
        return self._transform(self._take(size or self._yield_per or 1))

    def fetchone(self) -> _R | None:
        items = self._transform(self._take(1))
        return items[0] if items else None

    def __iter__(self) -> Iterator[_R]:
        if self._stream is not None:
            return self._iter_streamed(self._stream)
        return iter(self._transform(self._take()))

    def partitions(self, size: int | None = None) -> Iterator[Sequence[_R]]:
        """Lists of `size` items; by default the yield_per size (else 100)."""
        while True:
            part = self.fetchmany(size or self._yield_per or 100)
            if not part:
                return
            yield part
            del part

    def first(self) -> _R | None:
        items = self._transform(self._take(1))
        self._discard()
        return items[0] if items else None

    def one_or_none(self) -> _R | None:
        items = self._transform(self._take(2))
        self._discard()
        if len(items) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return items[0] if items else None

    def one(self) -> _R:
        items = self._transform(self._take(2))
        self._discard()
        if not items:
            raise NoResultFound("No row was found when one was required")
        if len(items) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return items[0]

    def yield_per(self, num: int) -> Self:
        """Sets the fetchmany()/partitions() default size and, on a streaming
        result, how many rows each further chunk hydrates."""
        self._yield_per = num
        stream = self._stream
        if stream is not None and stream is not _CLOSED:
            stream.size = num
        return self

    def close(self) -> None:
        """Releases the rows (and the cursor of a streaming result); reading
        afterwards raises ResourceClosedError."""
        stream = self._stream
        if stream is not None:
            stream.close()
        self._items = []
        self._pos = 0
        self._stream = _CLOSED

    def _derived(self, made: _D, fn: Callable[[list[Any]], list[Any]] | None) -> _D:
        """`made` (a new result) reading this streaming result's stream through `fn`."""
        stream = self._stream
        assert stream is not None, "only a streaming result derives streaming results"
        made._stream = stream if fn is None else _Mapped(stream, fn)
        made._yield_per = self._yield_per
        return made


class Result(_Consumable[Row[_TP]]):
    """The rows of one statement execution; Result[tuple[int, str]] yields
    Row[tuple[int, str]]."""

    def __init__(
        self,
        rows: list[Any],
        keys: Any,
        single: bool,
        rowcount: int = -1,
        returns_rows: bool = True,
        lastrowid: int | None = None,
        inserted_primary_key: Any = None,
        *,
        require_unique: bool = False,
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
        if require_unique:
            self._require_unique = True

    @classmethod
    def _streaming(cls, stream: _Stream, keys: Any, single: bool, rowcount: int = -1) -> Result[Any]:
        """A result read from `stream` a chunk at a time (yield_per)."""
        result = cls([], keys, single, rowcount)
        result._stream = stream
        result._yield_per = stream.size
        return result

    def _transform(self, items: list[Any]) -> list[Any]:
        if self._single:
            keys = self._rowkeys
            return [Row(keys, (v,)) for v in items]
        return items

    def keys(self) -> list[str]:
        return list(self._rowkeys.fields) if self._rowkeys is not None else []

    def merged(self, others: list[Result[Any]]) -> Self:
        """One result holding this one's rows followed by `others`' (same shape)."""
        for other in others:
            self._items.extend(other._take())
            self.rowcount += max(other.rowcount, 0)
        return self

    @property
    def inserted_primary_key(self) -> Any:
        return self._inserted_primary_key

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> Self:
        self._unique = True
        return self

    def _first_values(self) -> list[Any]:
        items = self._take()
        return items if self._single else [row[0] for row in items]

    @overload
    def scalars(self: Result[tuple[_T, Unpack[_Ts]]], index: Literal[0] = ...) -> ScalarResult[_T]: ...
    @overload
    def scalars(self, index: int) -> ScalarResult[Any]: ...
    def scalars(self, index: int = 0) -> ScalarResult[Any]:
        """The values of one column (the first by default): ScalarResult[int]
        from a Result[tuple[int, str]]."""
        if self._stream is not None:
            pick = None if self._single and index == 0 else _picker(index, self._single)
            return self._derived(ScalarResult([], self._unique), pick)
        required, self._require_unique = self._require_unique, False
        if self._single and index == 0:
            items = self._take()
        else:
            items = [row[index] for row in self._take()]
        scalars: ScalarResult[Any] = ScalarResult(items, self._unique)
        scalars._require_unique = required
        return scalars

    def scalar(self: Result[tuple[_T, Unpack[_Ts]]]) -> _T | None:
        row = self._take(1)
        self._discard()
        if not row:
            return None
        value: _T = row[0] if self._single else row[0][0]  # values are as hydrated: untyped
        return value

    def scalar_one(self: Result[tuple[_T, Unpack[_Ts]]]) -> _T:
        return self.scalars().one()

    def scalar_one_or_none(self: Result[tuple[_T, Unpack[_Ts]]]) -> _T | None:
        return self.scalars().one_or_none()

    def mappings(self) -> MappingResult:
        fields = self.keys()
        if self._stream is not None:
            transform = self._transform
            return self._derived(
                MappingResult([]), lambda rows: [RowMapping(zip(fields, row)) for row in transform(rows)]
            )
        return MappingResult([RowMapping(zip(fields, row)) for row in self._transform(self._take())])

    def tuples(self) -> Self:
        return self

    @property
    def t(self) -> Self:
        return self

    def columns(self, *indexes: int | str) -> Result[Any]:
        fields = self.keys()
        positions = [_position(fields, i) for i in indexes]
        keys = _native.RowKeys([fields[p] for p in positions])
        transform = self._transform

        def pick(rows: list[Any]) -> list[Any]:
            return [Row(keys, tuple(row[p] for p in positions)) for row in transform(rows)]

        if self._stream is not None:
            return self._derived(Result([], keys, single=False), pick)
        return Result(pick(self._take()), keys, single=False)

    def freeze(self) -> FrozenResult[_TP]:
        """The remaining rows kept, to make new Results of them later (a cache)."""
        return FrozenResult(self)

    def merge(self, *others: Result[Any]) -> MergedResult[_TP]:
        """One Result of this Result's rows followed by each of `others'`."""
        return MergedResult(self.keys(), [self, *others])

    def _rows(self) -> list[Any]:
        """The remaining items, as Rows."""
        return self._transform(self._take())

    def __repr__(self) -> str:
        if self._stream is not None:
            return f"<Result keys={self.keys()} streaming>"
        return f"<Result keys={self.keys()} rows={len(self._items) - self._pos}>"


class FilterResult(_Consumable[_R]):
    """The results that filter a Result's rows into other items: ScalarResult
    (one column's values) and MappingResult (rows as dicts)."""


class TupleResult(FilterResult[_R]):
    """The type SQLAlchemy gives `Result.tuples()` for type checkers, rows
    typed as plain tuples; cormorant's tuples() returns the Result itself,
    whose Rows are tuples already."""


class ScalarResult(FilterResult[_T]):
    """The first column of each row."""

    def __init__(self, items: list[Any], unique: bool = False) -> None:
        self._items = items
        self._pos = 0
        self._unique = unique

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> ScalarResult[_T]:
        self._unique = True
        return self

    def all(self) -> Sequence[_T]:
        return self._take()


class MappingResult(FilterResult[dict[str, Any]]):
    """Rows as dicts of column name to value."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self._items = items
        self._pos = 0
        self._unique = False

    def unique(self) -> MappingResult:
        self._unique = True
        return self


def _picker(index: int, single: bool) -> Callable[[list[Any]], list[Any]]:
    """Column `index` of each row; a single-output result keeps bare values."""
    if single:
        return lambda values: [(v,)[index] for v in values]
    return lambda rows: [row[index] for row in rows]


_NO_KEYS = _native.RowKeys(())


class CursorResult(Result[_TP]):
    """What Connection.execute() returns: the rows, if any, and what an
    INSERT, UPDATE or DELETE reports (rowcount, keys, server defaults)."""

    _statement_kind: str | None = None  # "insert", "update", "delete"; None for others
    _executemany = False
    _primary_key_rows: list[Any] | Callable[[], list[Any]] | None = None
    _returned_defaults_rows: list[Any] | None = None

    def _describe(
        self,
        kind: str | None,
        many: bool,
        primary_key_rows: list[Any] | Callable[[], list[Any]] | None = None,
    ) -> Self:
        """Which statement made this result; `primary_key_rows` may be a
        function, worked out only if inserted_primary_key_rows is read."""
        self._statement_kind, self._executemany = kind, many
        if primary_key_rows is not None:
            self._primary_key_rows = primary_key_rows
        return self

    @property
    def is_insert(self) -> bool:
        return self._statement_kind == "insert"

    @property
    def inserted_primary_key_rows(self) -> list[Any]:
        """The primary key of each row inserted, one per parameter set."""
        self._require_insert()
        if callable(self._primary_key_rows):
            self._primary_key_rows = self._primary_key_rows()
        if self._primary_key_rows is not None:
            return self._primary_key_rows
        return [self._inserted_primary_key] if self._inserted_primary_key is not None else []

    @property
    def inserted_primary_key(self) -> Any:
        """The primary key of the row a single-row INSERT added, as a Row."""
        self._require_insert()
        if self._executemany:
            raise InvalidRequestError(
                "This statement was an executemany call; if primary key returning is supported, "
                "please use .inserted_primary_key_rows."
            )
        rows = self.inserted_primary_key_rows
        return rows[0] if rows else None

    @property
    def returned_defaults_rows(self) -> list[Any] | None:
        return self._returned_defaults_rows

    @property
    def returned_defaults(self) -> Any:
        """The server-generated values that return_defaults() fetched, as a Row."""
        rows = self._returned_defaults_rows
        return rows[0] if rows else None

    def _require_insert(self) -> None:
        if not self.is_insert:
            raise InvalidRequestError("Statement is not an insert() expression construct.")


def empty_result(
    rowcount: int, lastrowid: int | None = None, inserted_primary_key: Any = None
) -> CursorResult[Any]:
    def _closed(*_: Any) -> Any:
        raise ResourceClosedError(
            "This result object does not return rows. It has been closed automatically."
        )

    result: CursorResult[Any] = CursorResult(
        [], _NO_KEYS, False, rowcount, False, lastrowid, inserted_primary_key
    )
    result.all = result.fetchall = result.first = result.scalar = _closed  # type: ignore[method-assign]
    return result


class BaseRow(abc.ABC):  # noqa: B024 (no abstract methods: Row registers as a virtual subclass)
    """The base of Row: `isinstance(row, BaseRow)`. cormorant's Row is a
    native type, registered here as a subclass."""


BaseRow.register(_native.Row)

# SQLAlchemy 1.x's name of CursorResult, kept by 2.0.
ResultProxy = CursorResult


def _row_keys(cursor_metadata: Any) -> Any:
    """RowKeys from column names, or from an object with a keys() method or attribute."""
    keys = getattr(cursor_metadata, "keys", cursor_metadata)
    names = keys() if callable(keys) else keys
    return _native.RowKeys([str(name) for name in names])


class IteratorResult(Result[_TP]):
    """A Result over rows given as an iterable of tuples, named by
    `cursor_metadata` (column names, or anything with their keys)."""

    def __init__(self, cursor_metadata: Any, iterator: Iterable[Any], raw: Any = None) -> None:
        keys = _row_keys(cursor_metadata)
        super().__init__([Row(keys, tuple(values)) for values in iterator], keys, single=False)
        self.raw = raw


class ChunkedIteratorResult(IteratorResult[_TP]):
    """An IteratorResult whose rows `chunks(size)` gives as a series of lists
    (of bare values when `source_supports_scalars`: a one-column result). The
    chunks are read when the result is made, so `dynamic_yield_per` changes
    nothing it returns."""

    def __init__(
        self,
        cursor_metadata: Any,
        chunks: Callable[[int | None], Iterable[Sequence[Any]]],
        source_supports_scalars: bool = False,
        raw: Any = None,
        dynamic_yield_per: bool = False,
    ) -> None:
        self.chunks = chunks
        rows = (row for chunk in chunks(None) for row in chunk)
        if source_supports_scalars:
            rows = ((value,) for value in rows)
        super().__init__(cursor_metadata, rows, raw)


class MergedResult(IteratorResult[_TP]):
    """The rows of several Results with the same columns, one after another (Result.merge())."""

    def __init__(self, cursor_metadata: Any, results: Sequence[Result[Any]]) -> None:
        super().__init__(cursor_metadata, (row for result in results for row in result._rows()))
        self.rowcount = sum(max(result.rowcount, 0) for result in results)


class FrozenResult(Generic[_TP]):
    """The rows of a Result kept to make new Results of them: calling it
    gives a fresh Result each time (`data` holds the rows as tuples)."""

    def __init__(self, result: Result[_TP]) -> None:
        self.metadata = result.keys()
        self.data: list[tuple[Any, ...]] = [tuple(row) for row in result._rows()]

    def rewrite_rows(self) -> list[list[Any]]:
        return [list(row) for row in self.data]

    def with_new_rows(self, tuple_data: Sequence[Sequence[Any]]) -> FrozenResult[_TP]:
        """A FrozenResult of the same columns holding `tuple_data`."""
        frozen: FrozenResult[_TP] = object.__new__(FrozenResult)
        frozen.metadata = self.metadata
        frozen.data = [tuple(row) for row in tuple_data]
        return frozen

    def __call__(self) -> Result[_TP]:
        return IteratorResult(self.metadata, self.data)


def result_tuple(fields: Sequence[str], extra: Any = None) -> Callable[[Iterable[Any]], Row[Any]]:
    """A function making a Row named by `fields` from an iterable of values."""
    keys = _native.RowKeys(list(fields))

    def make_row(values: Iterable[Any]) -> Row[Any]:
        return Row(keys, tuple(values))

    return make_row
