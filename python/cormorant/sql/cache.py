"""StatementCache: compiled statements by structural key. A statement's datum
(its tuple form, binds replaced by their keys) is the key, so every statement
of the same shape shares one compilation, whatever its values."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from .compiler import CompiledStatement, datum_of
from .elements import BindCollector, ClauseElement, bind_processors
from .selectable import CompoundSelect, FromStatement, ResultEntry, Select, TextualSelect

_CACHE_SIZE = 1000

_ALL_CACHES: weakref.WeakSet[StatementCache] = weakref.WeakSet()


def forget_compiled_statements() -> None:
    """Makes every statement cache compile afresh: a statement's remembered
    compilation, and its cached one, no longer serve (cormorant.ext.compiler
    calls this when a compilation is registered or removed)."""
    for cache in list(_ALL_CACHES):
        cache._entries.clear()
        cache._token = object()


def _entries_of(statement: ClauseElement) -> list[ResultEntry]:
    if isinstance(statement, Select):
        return statement._labelled_entries()
    if isinstance(statement, (CompoundSelect, TextualSelect, FromStatement)):
        return statement._entries
    return list(getattr(statement, "_returning", []))


class StatementCache:
    """CompiledStatement statements by datum and result entities, with a size bound."""

    def __init__(self, dialect: str, size: int | None = None) -> None:
        self.dialect = dialect
        self._size = _CACHE_SIZE if size is None else size  # create_engine(query_cache_size=...)
        self._entries: dict[tuple[Any, ...], CompiledStatement] = {}
        self.hits = 0
        self.misses = 0
        # What a statement's remembered compilation must carry to be served:
        # replaced by forget_compiled_statements().
        self._token = object()
        _ALL_CACHES.add(self)

    def compile(
        self, statement: ClauseElement, param_keys: Sequence[str] = (), parameters: Any = None
    ) -> tuple[CompiledStatement, dict[str, Any]]:
        """The compiled form of `statement` and its bound values. `parameters`
        (the execution's values) give text() binds their types on PostgreSQL."""
        memo_key = statement._memo_key(param_keys)
        if memo_key is not None:
            memo = statement.__dict__.get("_compiled")
            if memo is not None and memo[0] is self._token and memo[1] == memo_key:
                self.hits += 1
                return memo[2], dict(memo[3])
        binds = BindCollector(self.dialect)
        datum = datum_of(statement, binds, param_keys, parameters)
        entries = _entries_of(statement)
        # select(User) and select(User.id, User.name) share SQL but not results.
        key = (datum, tuple(e.cache_token for e in entries))
        compiled = self._entries.get(key)
        if compiled is None:
            self.misses += 1
            compiled = self._store(
                key,
                CompiledStatement(datum, self.dialect, entries, bind_processors(binds.named, self.dialect)),
            )
        else:
            self.hits += 1
        if memo_key is not None and self._size:
            # The statement never changes once built (every method returns a copy) and
            # its datum holds nothing computed per execution: remember the result.
            statement._compiled = (self._token, memo_key, compiled, dict(binds.values))  # type: ignore[attr-defined]
        return compiled, binds.values

    def compile_datum(self, datum: tuple[Any, ...]) -> CompiledStatement:
        """A statement given in its tuple form (DDL, savepoints): no binds, no results."""
        key = (datum, ())
        compiled = self._entries.get(key)
        if compiled is None:
            self.misses += 1
            compiled = self._store(key, CompiledStatement(datum, self.dialect, [], {}))
        else:
            self.hits += 1
        return compiled

    def _store(self, key: tuple[Any, ...], compiled: CompiledStatement) -> CompiledStatement:
        if self._size == 0:  # query_cache_size=0: nothing is kept
            return compiled
        if len(self._entries) >= self._size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = compiled
        return compiled
