"""AsyncResult and its scalar, mapping and tuple views: a streamed Result
read with `await` and `async for`. Each read runs in a greenlet, since it
may fetch more rows from the database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Generic, TypeVar

from ...engine.result import MappingResult, Result, Row, ScalarResult
from ...util.concurrency import greenlet_spawn

_T = TypeVar("_T")
_R = TypeVar("_R")
_TP = TypeVar("_TP", bound=tuple[Any, ...])


class _AsyncCommon(Generic[_R]):
    """The reads shared by every async result; `_sync` is the synchronous
    result (Result, ScalarResult or MappingResult) doing the work."""

    _sync: Any

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await greenlet_spawn(fn, *args)

    async def all(self) -> Sequence[_R]:
        rows: Sequence[_R] = await self._call(self._sync.all)
        return rows

    async def fetchall(self) -> Sequence[_R]:
        return await self.all()

    async def fetchmany(self, size: int | None = None) -> Sequence[_R]:
        rows: Sequence[_R] = await self._call(self._sync.fetchmany, size)
        return rows

    async def fetchone(self) -> _R | None:
        row: _R | None = await self._call(self._sync.fetchone)
        return row

    async def first(self) -> _R | None:
        row: _R | None = await self._call(self._sync.first)
        return row

    async def one(self) -> _R:
        row: _R = await self._call(self._sync.one)
        return row

    async def one_or_none(self) -> _R | None:
        row: _R | None = await self._call(self._sync.one_or_none)
        return row

    async def partitions(self, size: int | None = None) -> AsyncIterator[Sequence[_R]]:
        """Lists of up to `size` items (the yield_per size by default) until the rows run out."""
        while True:
            part: Sequence[_R] = await self._call(self._sync.fetchmany, size)
            if not part:
                return
            yield part

    def __aiter__(self) -> AsyncIterator[_R]:
        return self

    async def __anext__(self) -> _R:
        chunk: Sequence[_R] = await self._call(self._sync.fetchmany, 1)
        if not chunk:
            raise StopAsyncIteration
        return chunk[0]

    async def close(self) -> None:
        await self._call(self._sync.close)

    def yield_per(self, num: int) -> Any:
        self._sync.yield_per(num)
        return self


class _ScalarReads(_AsyncCommon[_R]):
    """The first column of the first row, for the row-shaped results."""

    async def scalar(self) -> Any:
        return await self._call(self._sync.scalar)

    async def scalar_one(self) -> Any:
        return await self._call(self._sync.scalar_one)

    async def scalar_one_or_none(self) -> Any:
        return await self._call(self._sync.scalar_one_or_none)


class AsyncResult(_ScalarReads[Row[_TP]]):
    """The rows of AsyncConnection.stream() / AsyncSession.stream()."""

    def __init__(self, real_result: Result[_TP]) -> None:
        self._sync = real_result

    def keys(self) -> list[str]:
        return self._sync.keys()  # type: ignore[no-any-return]

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> AsyncResult[_TP]:
        self._sync = self._sync.unique(strategy)
        return self

    def columns(self, *indexes: int | str) -> AsyncResult[Any]:
        return AsyncResult(self._sync.columns(*indexes))

    def scalars(self, index: int = 0) -> AsyncScalarResult[Any]:
        return AsyncScalarResult(self._sync.scalars(index))

    def mappings(self) -> AsyncMappingResult:
        return AsyncMappingResult(self._sync.mappings())

    def tuples(self) -> AsyncTupleResult[Any]:
        return AsyncTupleResult(self._sync)

    @property
    def t(self) -> AsyncTupleResult[Any]:
        return self.tuples()

    async def freeze(self) -> Any:
        return await self._call(self._sync.freeze)


class AsyncScalarResult(_AsyncCommon[_T]):
    """Each row's first column (AsyncResult.scalars(), stream_scalars())."""

    def __init__(self, real_result: ScalarResult[_T]) -> None:
        self._sync = real_result

    def unique(self, strategy: Callable[[Any], Any] | None = None) -> AsyncScalarResult[_T]:
        self._sync = self._sync.unique(strategy)
        return self


class AsyncMappingResult(_AsyncCommon[Any]):
    """Rows as mappings of column name to value (AsyncResult.mappings())."""

    def __init__(self, real_result: MappingResult) -> None:
        self._sync = real_result

    def unique(self) -> AsyncMappingResult:
        self._sync = self._sync.unique()
        return self


class AsyncTupleResult(_ScalarReads[_T]):
    """An AsyncResult typed as plain tuples (AsyncResult.tuples())."""

    def __init__(self, real_result: Result[Any]) -> None:
        self._sync = real_result


__all__ = ["AsyncMappingResult", "AsyncResult", "AsyncScalarResult", "AsyncTupleResult"]
