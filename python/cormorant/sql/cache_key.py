"""CacheKey: what SQLAlchemy's _generate_cache_key() returns. In cormorant
the key is the statement's datum (its structure, values left out), the same
key the statement cache compiles under."""

from __future__ import annotations

from typing import Any, NamedTuple

from .elements import BindCollector, BindParameter, ClauseElement


class CacheKey(NamedTuple):
    """`key`: the statement's structure; `bindparams`: its bound values, one
    BindParameter each, in the order they were met."""

    key: tuple[Any, ...]
    bindparams: list[BindParameter[Any]]

    def __eq__(self, other: object) -> bool:  # keys compare by structure, values aside
        return isinstance(other, CacheKey) and self.key == other.key

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.key)


def cache_key_of(statement: ClauseElement) -> CacheKey:
    from .compiler import datum_of

    binds = BindCollector("default", display=True)
    datum = datum_of(statement, binds)
    params: list[BindParameter[Any]] = [BindParameter(key, value) for key, value in binds.values.items()]
    return CacheKey(datum, params)
