"""The bottom of sql/'s own constructs: ReturnsRows and Selectable (what
rows come from), FromClause (what a SELECT reads from), Join, FromGrouping,
and ColumnCollection (the .c of a table, alias or subquery).
schema.py and selectable.py build on these; this module imports neither."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, Protocol, TypeVar

from ..exc import NoForeignKeysError
from .elements import BindCollector, ClauseElement, ColumnElement, TextClause, coerce


class _KeyedColumn(Protocol):
    """What a ColumnCollection holds: a column expression with a key and a name."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...


_C = TypeVar("_C", bound=_KeyedColumn)


class ColumnCollection(Generic[_C]):
    """Table.c (of Columns), a subquery's or alias's .c: columns by key, in order."""

    def __init__(self) -> None:
        self._by_key: dict[str, _C] = {}

    def _add(self, column: _C) -> None:
        self._by_key[column.key or column.name or ""] = column

    def __getattr__(self, key: str) -> _C:
        try:
            by_key: dict[str, _C] = self.__dict__["_by_key"]  # not self._by_key: no recursion before __init__
            return by_key[key]
        except KeyError:
            raise AttributeError(f"no column named '{key}'") from None

    def __getitem__(self, key: str) -> _C:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"no column named '{key}'") from None

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[_C]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def keys(self) -> list[str]:
        return list(self._by_key)

    def get(self, key: str, default: _C | None = None) -> _C | None:
        return self._by_key.get(key, default)


class ReturnsRows(ClauseElement):
    """Anything rows come from: a FROM item or a SELECT."""

    __slots__ = ()


class Selectable(ReturnsRows):
    """A ReturnsRows that can be selected from."""

    __slots__ = ()


class FromClause(Selectable):
    """Something a SELECT can read from."""

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        raise NotImplementedError

    def _name_in(self, binds: BindCollector) -> str:
        """The name this FROM item goes by in the statement being built; an
        anonymous one is numbered there (anon_1, anon_2, ...)."""
        name: str = self.name  # type: ignore[attr-defined]  # named FROM items have one
        return name

    def _tables(self) -> list[FromClause]:
        return [self]

    @property
    def foreign_keys(self) -> list[Any]:
        """The ForeignKeys of this FROM's columns (a Table's; none elsewhere)."""
        return []

    def join(self, target: Any, onclause: Any = None, isouter: bool = False, full: bool = False) -> Join:
        return Join(self, as_from(target), onclause, isouter, full)

    def outerjoin(self, target: Any, onclause: Any = None, full: bool = False) -> Join:
        return self.join(target, onclause, isouter=True, full=full)


def as_from(obj: Any) -> FromClause:
    """A FromClause for a Table, a mapped class, text() or a subquery."""
    if isinstance(obj, FromClause):
        return obj
    mapper = getattr(obj, "__mapper__", None)
    if mapper is not None:  # a mapped class: its Mapper's table (or join)
        selectable: FromClause = mapper.selectable
        return selectable
    if isinstance(obj, TextClause):
        return TextFrom(obj)
    clause = getattr(obj, "__clause_element__", None)
    if clause is not None:  # an ORM alias of an entity: what it reads from
        element = clause()
        if isinstance(element, FromClause):
            return element
    raise TypeError(f"{obj!r} cannot be used as a FROM clause")


class TextFrom(FromClause):
    def __init__(self, clause: TextClause) -> None:
        self.clause = clause

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.clause._datum(binds)


def _infer_onclause(left: FromClause, right: FromClause) -> ColumnElement[Any]:
    for a, b in ((left, right), (right, left)):
        for table in a._tables():
            for fk in table.foreign_keys:
                for target in b._tables():
                    if getattr(target, "name", None) == fk.target_table_name:
                        onclause: ColumnElement[Any] = fk.parent == fk.column
                        return onclause
    raise NoForeignKeysError(
        f"Can't find any foreign key relationships between {left!r} and {right!r}; give an ON clause"
    )


class Join(FromClause):
    def __init__(self, left: FromClause, right: FromClause, onclause: Any, isouter: bool, full: bool) -> None:
        self.left, self.right = left, right
        self.onclause = coerce(onclause) if onclause is not None else _infer_onclause(left, right)
        self.isouter, self.full = isouter, full

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return (
            "join",
            self.left._datum_from(binds),
            self.right._datum_from(binds),
            self.onclause._datum(binds),
            self.isouter,
            self.full,
        )

    def _tables(self) -> list[FromClause]:
        return self.left._tables() + self.right._tables()


class FromGrouping(FromClause):
    """A FROM item in parentheses, as a join nested on a join's right side is."""

    def __init__(self, element: FromClause) -> None:
        self.element = element

    @property
    def c(self) -> Any:
        return self.element.c  # type: ignore[attr-defined]

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.element._datum_from(binds)

    def _tables(self) -> list[FromClause]:
        return self.element._tables()


def join(left: Any, right: Any, onclause: Any = None, isouter: bool = False, full: bool = False) -> Join:
    """left JOIN right ON onclause (inferred from a foreign key when not given)."""
    return Join(as_from(left), as_from(right), onclause, isouter, full)


def outerjoin(left: Any, right: Any, onclause: Any = None, full: bool = False) -> Join:
    """left LEFT OUTER JOIN right (FULL OUTER JOIN with full=True)."""
    return Join(as_from(left), as_from(right), onclause, True, full)
