"""Bundle: several column expressions selected as one result entry, and the
machinery that composes such entries (bundles, composites) after the native
fetch: the columns are read as usual, then each row's slice becomes one value."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from .. import _native
from ..engine.hydration import ResultShape
from ..sql.compiler import ResultKeys
from ..sql.elements import ClauseList, ColumnElement, coerce
from ..sql.selectable import ResultEntry

_T = TypeVar("_T")

RowProcessor = Callable[[Any], Any]
#: Given the getters of the entry's columns in a row and their keys, returns a row processor.
ProcessorFactory = Callable[[list[RowProcessor], list[str]], RowProcessor]


class ComposedLoad:
    """What a composed entry carries in its ResultEntry's `load`: its columns,
    and how a row's values of them become one value."""

    __slots__ = ("columns", "factory", "owner")

    from_clause = None  # read from its columns' own FROM items
    alias = None

    def __init__(self, columns: Sequence[ColumnElement[Any]], factory: ProcessorFactory, owner: Any) -> None:
        self.columns = list(columns)
        self.factory = factory
        self.owner = owner

    def elements(self) -> list[ColumnElement[Any]]:
        return self.columns

    @property
    def token(self) -> Any:
        return ("composed", id(self.owner), len(self.columns))

    def description(self, name: str) -> dict[str, Any]:
        return {"name": name, "type": self.owner, "aliased": False, "expr": self.owner, "entity": None}


def composed_entry(
    name: str, columns: Sequence[Any], factory: ProcessorFactory, owner: Any = None
) -> ResultEntry:
    """The result entry of several columns read as one value named `name`."""
    elements = [coerce(c) for c in columns]
    return ResultEntry(
        load=ComposedLoad(elements, factory, owner if owner is not None else factory), name=name
    )


class _Columns:
    """Bundle.c: the bundle's expressions by key (b.c.x), iterable in order."""

    def __init__(self, exprs: dict[str, Any]) -> None:
        self._exprs = exprs

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["_exprs"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self._exprs[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._exprs.values())

    def __len__(self) -> int:
        return len(self._exprs)

    def keys(self) -> list[str]:
        return list(self._exprs)


class Bundle(Generic[_T]):
    """Column expressions grouped under one name in a select(): each row holds
    one bundle value, a row whose attributes are the expressions' keys.
    Override create_row_processor() to build something else per row."""

    is_bundle = True
    is_aliased_class = False
    is_clause_element = False
    is_mapper = False

    def __init__(self, name: str, *exprs: Any, single_entity: bool = False, **kw: Any) -> None:
        if kw:
            raise TypeError(f"Bundle() got unexpected keyword argument(s): {', '.join(sorted(kw))}")
        self.name = self._label = name
        self.exprs = [_bundle_member(e) for e in exprs]
        self.single_entity = single_entity
        key = ResultKeys()  # keyed as result columns are: by name, unnamed ones anon_1, count_1...
        self.c = self.columns = _Columns({key(coerce(e)): e for e in self.exprs})

    def __clause_element__(self) -> ClauseList:
        return ClauseList(*(coerce(e) for e in self.exprs))

    @property
    def clauses(self) -> list[ColumnElement[Any]]:
        return self.__clause_element__().clauses

    @property
    def entity(self) -> None:
        return None

    def label(self, name: str) -> Bundle[_T]:
        """This bundle under another name."""
        cloned = self.__class__.__new__(self.__class__)
        cloned.__dict__.update(self.__dict__)
        cloned.name = cloned._label = name
        return cloned

    def create_row_processor(self, query: Any, procs: list[RowProcessor], labels: list[str]) -> RowProcessor:
        """The function turning a row into this bundle's value: `procs` read
        each expression's value from the row, `labels` are their keys."""
        keys = _native.RowKeys(labels)

        def proc(row: Any) -> Any:
            return _native.Row(keys, [p(row) for p in procs])

        return proc

    def __result_entry__(self) -> ResultEntry:
        return composed_entry(
            self.name,
            self.exprs,
            lambda procs, labels: self.create_row_processor(None, procs, labels),
            self,
        )

    def __repr__(self) -> str:
        return f"Bundle({self.name!r}, {', '.join(map(str, self.exprs))})"


def _bundle_member(expr: Any) -> Any:
    if isinstance(expr, type) and hasattr(expr, "__mapper__"):
        raise NotImplementedError(
            "Bundle(): a mapped class inside a Bundle is not supported; bundle its columns"
        )
    if isinstance(expr, Bundle):
        raise NotImplementedError("Bundle(): a Bundle nested in a Bundle is not supported")
    return expr


# --- composing rows after the fetch -------------------------------------------------------------


class ComposedShape(ResultShape):
    """A ResultShape whose native rows are flat (each composed entry's columns
    side by side); compose() turns them, in place, into the rows the caller sees."""

    __slots__ = ("steps",)

    steps: list[RowProcessor]

    def compose(self, items: list[Any]) -> None:
        steps = self.steps
        if self.single:
            step = steps[0]
            items[:] = [step(raw) for raw in items]
            return
        keys = self.keys
        Row = _native.Row  # noqa: N806 - the class
        items[:] = [Row(keys, [step(raw) for step in steps]) for raw in items]


def composed_shape(
    converters: list[Any],
    outputs: list[Any],
    names: list[str],
    entries: Sequence[tuple[str, int, int, Any]],
) -> ComposedShape:
    """The shape of a result with composed entries. `entries` lists, per result
    entry, its name, first output, number of outputs and its ComposedLoad (or None)."""
    plan = _native.ResultPlan(converters, outputs, _native.RowKeys(names))
    steps: list[RowProcessor] = []
    for _name, first, width, load in entries:
        if load is None:
            steps.append(operator.itemgetter(first))
            continue
        procs: list[RowProcessor] = [operator.itemgetter(p) for p in range(first, first + width)]
        steps.append(load.factory(procs, names[first : first + width]))
    public_keys = _native.RowKeys([name for name, *_ in entries])
    shape = ComposedShape(plan, public_keys, len(entries) == 1)
    shape.steps = steps
    return shape


def is_composed(entry: ResultEntry) -> bool:
    return entry.mapper is None and isinstance(entry.load, ComposedLoad)
