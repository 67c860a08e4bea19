"""FROM items (tables, joins, subqueries) and the SELECT statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, overload

from .base import ColumnCollection, FromClause, Join, as_from
from .elements import (
    BindCollector,
    ClauseElement,
    ColumnElement,
    Exists,
    Label,
    ScalarSelect,
    TextClause,
    and_,
    coerce,
    order_by_element,
)
from .schema import Table
from .sqltypes import Integer

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")
_TP = TypeVar("_TP", bound=tuple[Any, ...])
_T0 = TypeVar("_T0")
_T1 = TypeVar("_T1")
_T2 = TypeVar("_T2")
_T3 = TypeVar("_T3")
_T4 = TypeVar("_T4")
_T5 = TypeVar("_T5")
_T6 = TypeVar("_T6")

if TYPE_CHECKING:
    # What select() types by the value it yields: a mapped class, or a column
    # expression typed by its Python value (InstrumentedAttribute[int], Column[str]).
    _Typed: TypeAlias = ColumnElement[_T] | type[_T]


class Subquery(FromClause):
    """(SELECT ...) AS name, whose columns are reachable through .c. Unnamed,
    it is called anon_1, anon_2... in the statement that reads it."""

    def __init__(self, select: Select[Any], name: str | None) -> None:
        self.select, self.name = select, name
        self.c: ColumnCollection[_SubqueryColumn] = ColumnCollection()
        self.columns = self.c
        elements = select._column_elements()
        self._column_names = unique_names([el._row_key for el in elements])
        for el, column_name in zip(elements, self._column_names):
            self.c._add(_SubqueryColumn(self, column_name, el.type))

    def _name_in(self, binds: BindCollector) -> str:
        return self.name or binds.from_name(self, "anon")

    def corresponding_column(self, column: Any) -> _SubqueryColumn:
        """This subquery's column that carries `column` (matched by name)."""
        return self.c[column.name]

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        name = self._name_in(binds)
        outer, binds.correlate = binds.correlate, ()  # a derived table correlates to nothing
        try:
            return ("subquery", self.select._datum(binds, self._column_names), name)
        finally:
            binds.correlate = outer


def unique_names(names: Sequence[str]) -> list[str]:
    """`names` with repeats made unique as SQLAlchemy keys them: id, id_1, id_2."""
    seen: set[str] = set()
    out = []
    for name in names:
        unique, n = name, 0
        while unique in seen:
            n += 1
            unique = f"{name}_{n}"
        seen.add(unique)
        out.append(unique)
    return out


class _SubqueryColumn(ColumnElement[Any]):
    __slots__ = ("parent", "name", "key", "type")

    def __init__(self, parent: Subquery | TableAlias, name: str, type_: Any) -> None:
        self.parent, self.name, self.key, self.type = parent, name, name, type_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("col", self.parent._name_in(binds), self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self.parent]

    @property
    def table(self) -> Subquery | TableAlias:
        return self.parent

    @property
    def _row_key(self) -> str:
        return self.name


class TableAlias(FromClause):
    """table AS name: the same table under another name, so it can appear
    twice in one FROM (self-joins, eager loads beside the user's joins).
    Unnamed, it is called table_1, table_2... in the statement that reads it."""

    def __init__(self, table: Table, name: str | None) -> None:
        self.table, self.name = table, name
        self.c: ColumnCollection[AliasColumn] = ColumnCollection()
        self.columns = self.c
        self._by_column: dict[Any, AliasColumn] = {}
        for column in table.columns:
            aliased = AliasColumn(self, column)
            self.c._add(aliased)
            self._by_column[column] = aliased

    def _name_in(self, binds: BindCollector) -> str:
        return self.name or binds.from_name(self, self.table.name)

    def corresponding_column(self, column: Any) -> AliasColumn:
        return self._by_column[column]

    @property
    def primary_key(self) -> list[AliasColumn]:
        return [self._by_column[c] for c in self.table.primary_key]

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("table", self.table.name, self._name_in(binds))

    def __repr__(self) -> str:
        return f"<alias {self.name or '(anonymous)'} of {self.table.name}>"


class AliasColumn(_SubqueryColumn):
    """A column of a TableAlias: the table's column under the alias's name."""

    __slots__ = ("column",)
    parent: TableAlias

    def __init__(self, parent: TableAlias, column: Any) -> None:
        super().__init__(parent, column.name, column.type)
        self.column, self.key = column, column.key

    @property
    def _row_key(self) -> str:
        return self.key


class ResultEntry:
    """One item of a select's column list: a mapped entity or a column
    expression. An ORM execution gives entity entries a `load` (see
    orm.loading.EntityLoad): which columns and eagerly joined relationships
    the row carries. `name` keys an entity in the row (its class's name, or
    its alias's); `expr` is what was selected (the class or its alias)."""

    __slots__ = ("mapper", "column", "load", "name", "expr", "by_name")

    def __init__(
        self,
        mapper: Any = None,
        column: ColumnElement[Any] | None = None,
        load: Any = None,
        name: str | None = None,
        expr: Any = None,
    ) -> None:
        self.mapper, self.column, self.load = mapper, column, load
        self.name: str = name if name is not None else (mapper.class_.__name__ if mapper is not None else "")
        self.expr = expr if expr is not None or mapper is None else mapper.class_
        # Read from the rows of another statement (from_statement()): the
        # columns are found by name in the cursor, not by position.
        self.by_name = False

    def with_load(self, load: Any) -> ResultEntry:
        """This entity entry, loaded by `load`."""
        return ResultEntry(self.mapper, self.column, load, self.name, self.expr)

    def matched_by_name(self) -> ResultEntry:
        """This entry, its columns found by name in the rows of another statement."""
        entry = ResultEntry(self.mapper, self.column, self.load, self.name, self.expr)
        entry.by_name = True
        return entry

    @property
    def elements(self) -> list[ColumnElement[Any]]:
        if self.load is not None:
            loaded: list[ColumnElement[Any]] = self.load.elements()
            return loaded
        if self.mapper is not None:
            return list(self.mapper.columns)
        assert self.column is not None
        return [self.column]

    @property
    def cache_token(self) -> Any:
        """What besides the SQL tells results of this entry apart: for a column
        expression its type, whose converter the cached result plan keeps
        (SELECT ? is the SQL of both select(literal(0)) and select(literal(True)))."""
        if self.load is not None:
            return (self.load.token, self.name)
        if self.mapper is None and self.column is not None:
            return self.column.type._result_key()
        return (self.mapper, "by name") if self.by_name else self.mapper

    @property
    def description(self) -> dict[str, Any]:
        """What Select.column_descriptions says of this entry."""
        if self.mapper is not None:
            return {
                "name": self.name,
                "type": self.mapper.class_,
                "aliased": self.expr is not self.mapper.class_,
                "expr": self.expr,
                "entity": self.expr,
            }
        assert self.column is not None
        return {
            "name": self.column._row_key,
            "type": self.column.type,
            "aliased": False,
            "expr": self.column,
            "entity": getattr(self.column, "class_", None),
        }


def _entry(arg: Any) -> list[ResultEntry]:
    mapper = getattr(arg, "__mapper__", None)
    if mapper is not None and isinstance(arg, type):
        return [ResultEntry(mapper=mapper)]
    entity_entry = getattr(arg, "_result_entry", None)
    if entity_entry is not None:  # an ORM alias of an entity
        return [entity_entry()]
    if isinstance(arg, Table):
        return [ResultEntry(column=c) for c in arg.columns]
    return [ResultEntry(column=coerce(arg))]


class Select(ClauseElement, Generic[_TP]):
    """SELECT ... FROM ... WHERE ... built generatively, as in SQLAlchemy."""

    _generative_attrs = (
        "_entries",
        "_where",
        "_order_by",
        "_group_by",
        "_having",
        "_limit",
        "_offset",
        "_distinct",
        "_select_from",
        "_joins",
        "_for_update",
        "_options",
        "_execution_options",
        "_correlate",
    )

    def __init__(self, *entities: Any) -> None:
        self._entries: list[ResultEntry] = [e for arg in entities for e in _entry(arg)]
        self._where: list[ColumnElement[Any]] = []
        self._order_by: list[ColumnElement[Any]] = []
        self._group_by: list[ColumnElement[Any]] = []
        self._having: list[ColumnElement[Any]] = []
        self._limit: int | None = None
        self._offset: int | None = None
        self._distinct = False
        self._select_from: list[FromClause] = []
        self._joins: list[tuple[FromClause, Any, bool, bool]] = []
        self._for_update: tuple[Any, ...] | None = None
        self._options: list[Any] = []
        self._execution_options: dict[str, Any] = {}
        self._correlate: list[FromClause] = []  # tables of the enclosing query, left out of FROM

    def _clone(self) -> Self:
        new = type(self).__new__(type(self))
        d = self.__dict__
        new.__dict__.update(
            {attr: (d[attr].copy() if type(d[attr]) is list else d[attr]) for attr in self._generative_attrs}
        )
        return new

    # --- generative API ------------------------------------------------------

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        target = self._filter_by_target()
        return self.where(*(getattr(target, key) == value for key, value in kwargs.items()))

    def _filter_by_target(self) -> Any:
        if self._joins:
            joined = self._joins[-1][0]
            return getattr(joined, "_entity", None) or joined.c  # type: ignore[attr-defined]
        for e in self._entries:
            if e.mapper is not None:
                return e.mapper.class_
        raise ValueError("filter_by() needs a mapped entity in the select")

    def order_by(self, *clauses: Any) -> Self:
        new = self._clone()
        if len(clauses) == 1 and clauses[0] is None:
            new._order_by = []
        else:
            new._order_by.extend(order_by_element(c) for c in clauses)
        return new

    def group_by(self, *clauses: Any) -> Self:
        new = self._clone()
        new._group_by.extend(order_by_element(c) for c in clauses)
        return new

    def having(self, *criteria: Any) -> Self:
        new = self._clone()
        new._having.extend(coerce(c) for c in criteria)
        return new

    def limit(self, limit: int | None) -> Self:
        new = self._clone()
        new._limit = limit
        return new

    def offset(self, offset: int | None) -> Self:
        new = self._clone()
        new._offset = offset
        return new

    def slice(self, start: int, stop: int) -> Self:
        return self.offset(start).limit(stop - start)

    def distinct(self, *expr: Any) -> Self:
        new = self._clone()
        new._distinct = True
        return new

    def select_from(self, *froms: Any) -> Self:
        new = self._clone()
        new._select_from.extend(as_from(f) for f in froms)
        return new

    def join(self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False) -> Self:
        new = self._clone()
        new._joins.append((target, onclause, isouter, full))
        return new

    def outerjoin(self, target: Any, onclause: Any = None, *, full: bool = False) -> Self:
        return self.join(target, onclause, isouter=True, full=full)

    def join_from(self, left: Any, target: Any, onclause: Any = None, *, isouter: bool = False) -> Self:
        return self.select_from(left).join(target, onclause, isouter=isouter)

    def add_columns(self, *columns: Any) -> Select[Any]:
        new = self._clone()
        new._entries.extend(e for c in columns for e in _entry(c))
        return new

    def with_only_columns(self, *columns: Any) -> Select[Any]:
        new = self._clone()
        new._entries = [e for c in columns for e in _entry(c)]
        return new

    def with_for_update(
        self,
        *,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> Self:
        new = self._clone()
        targets = of if isinstance(of, (list, tuple)) else ([of] if of is not None else [])
        names = tuple(as_from(t).name if not hasattr(t, "table") else t.table.name for t in targets)  # type: ignore[attr-defined]
        new._for_update = ("for_update", nowait, skip_locked, read, names)
        return new

    def options(self, *options: Any) -> Self:
        new = self._clone()
        new._options.extend(options)
        return new

    def execution_options(self, **options: Any) -> Self:
        new = self._clone()
        new._execution_options = {**self._execution_options, **options}
        return new

    def correlate(self, *froms: Any) -> Self:
        """Leaves these tables out of this (sub)query's FROM: they come from the enclosing query."""
        new = self._clone()
        new._correlate.extend(as_from(f) for f in froms)
        return new

    def subquery(self, name: str | None = None) -> Subquery:
        return Subquery(self, name)

    alias = subquery

    def scalar_subquery(self) -> ScalarSelect:
        return ScalarSelect(self)

    def exists(self) -> Exists:
        return Exists(self)

    def label(self, name: str) -> Label:
        return Label(name, ScalarSelect(self))

    @property
    def selected_columns(self) -> list[ColumnElement[Any]]:
        return self._column_elements()

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        """Each selected entity or column: its name, type, expression and entity."""
        return [e.description for e in self._entries]

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def from_statement(self, statement: Any) -> FromStatement:
        """This select's entities loaded from the rows of `statement` (text()
        or another select), its columns matched by name."""
        return FromStatement(self._entries, statement, self._execution_options)

    # --- what the ORM reads and widens -----------------------------------------

    @property
    def result_entries(self) -> Sequence[ResultEntry]:
        """What each row holds, entry by entry: an entity or a column expression."""
        return self._entries

    @property
    def loader_options(self) -> Sequence[Any]:
        """The options() given, in order."""
        return self._options

    def with_eager_loads(
        self,
        entries: Sequence[ResultEntry],
        joins: Sequence[tuple[FromClause, Any, bool]],
        order_by: Sequence[Any],
    ) -> Self:
        """A copy whose rows hold `entries` (one per existing entry), with the
        eager loads' JOINs (target, ON clause, outer) after the statement's
        own and their ORDER BY after its own: how joinedload() widens a query
        without changing what the user wrote."""
        if len(entries) != len(self._entries):
            raise ValueError("with_eager_loads() needs one entry per result entry")
        new = self._clone()
        new._entries = list(entries)
        new._joins.extend((target, onclause, outer, False) for target, onclause, outer in joins)
        new._order_by.extend(order_by)
        return new

    # --- compilation -----------------------------------------------------------

    def _memo_key(self, param_keys: Sequence[str]) -> Any:
        return ()

    def _column_elements(self) -> list[ColumnElement[Any]]:
        return [el for e in self._entries for el in e.elements]

    @staticmethod
    def _resolve_join_target(target: Any, onclause: Any) -> list[tuple[FromClause, Any]]:
        """The FROM items a join adds, each with its ON clause: one, or two
        for a relationship through an association table."""
        resolver = getattr(target, "_join_target", None)
        if resolver is None:  # join(Target, Parent.relationship)
            resolver = getattr(onclause, "_join_target", None)
        if resolver is not None:  # a relationship attribute
            targets: list[tuple[FromClause, Any]] = resolver()
            return targets
        return [(as_from(target), onclause)]

    def _froms(self, columns: list[ColumnElement[Any]] | None = None) -> list[FromClause]:
        implicit = self._implicit_froms(self._column_elements() if columns is None else columns)
        if not (self._select_from or self._joins or self._correlate):
            return implicit
        froms: list[FromClause] = list(self._select_from)
        for target, onclause, isouter, full in self._joins:
            for right, on in self._resolve_join_target(target, onclause):
                if not froms:
                    froms.append(next((f for f in implicit if f is not right), right))
                left_index = self._join_left_index(froms, on)
                froms[left_index] = Join(froms[left_index], right, on, isouter, full)
        covered = {id(t) for f in froms for t in f._tables()} | {id(t) for t in self._correlate}
        for f in implicit:
            if id(f) not in covered:
                froms.append(f)
                covered.add(id(f))
        return froms

    @staticmethod
    def _join_left_index(froms: list[FromClause], onclause: Any) -> int:
        if onclause is None or len(froms) == 1:
            return 0
        referenced = {id(f) for f in coerce(onclause)._from_objects()}
        for i, f in enumerate(froms):
            if any(id(t) in referenced for t in f._tables()):
                return i
        return 0

    def _implicit_froms(self, columns: list[ColumnElement[Any]]) -> list[FromClause]:
        seen: dict[int, FromClause] = {}
        for elements in (columns, self._where):
            for el in elements:
                for f in el._from_objects():
                    seen.setdefault(id(f), f)
        return list(seen.values())

    def _datum(self, binds: BindCollector, column_names: Sequence[str] | None = None) -> tuple[Any, ...]:
        """The SELECT's datum; `column_names` labels its columns (a subquery's,
        so that the outer query can name them)."""
        columns = self._column_elements()
        froms = self._froms(columns)
        enclosing = binds.correlate
        if enclosing and len(froms) > 1 and not self._correlate:
            # Auto-correlation, as in SQLAlchemy: a subquery in an enclosing
            # SELECT's WHERE or columns leaves out of its own FROM the items
            # that SELECT reads from (unless nothing would be left).
            outer = {id(t) for f in enclosing for t in (f, *f._tables())}
            kept = [f for f in froms if not any(id(t) in outer for t in (f, *f._tables()))]
            froms = kept or froms
        binds.correlate = froms
        try:
            column_datums = self._columns_datum(binds, columns, column_names)
            from_datums = tuple(f._datum_from(binds) for f in froms)
            where = and_(*self._where)._datum(binds) if self._where else None
            scope = binds.label_scope
            binds.label_scope = self._label_scope(columns) if self._group_by or self._order_by else None
            try:
                group_by = tuple(g._datum(binds) for g in self._group_by)
                having = and_(*self._having)._datum(binds) if self._having else None
                order_by = tuple(self._order_by_datum(o, binds) for o in self._order_by)
            finally:
                binds.label_scope = scope
            return (
                "select",
                column_datums,
                from_datums,
                where,
                group_by,
                having,
                order_by,
                binds.add(self._limit, Integer()) if self._limit is not None else None,
                binds.add(self._offset, Integer()) if self._offset is not None else None,
                self._distinct,
                self._for_update,
            )
        finally:
            binds.correlate = enclosing

    @staticmethod
    def _label_scope(columns: list[ColumnElement[Any]]) -> dict[str, ColumnElement[Any]]:
        """The selected columns by the names order_by("name") may use: labels first."""
        scope: dict[str, ColumnElement[Any]] = {}
        for el in columns:
            if isinstance(el, Label):
                scope.setdefault(el.name, el)
        for el in columns:
            name = getattr(el, "name", None)
            if isinstance(name, str) and not isinstance(el, Label):
                scope.setdefault(name, el)
        return scope

    @staticmethod
    def _order_by_datum(element: ColumnElement[Any], binds: BindCollector) -> tuple[Any, ...]:
        if (
            isinstance(element, Label)
            and binds.label_scope
            and binds.label_scope.get(element.name) is element
        ):
            return ("labelref", element.name)
        return element._datum(binds)

    @staticmethod
    def _columns_datum(
        binds: BindCollector, columns: list[ColumnElement[Any]], names: Sequence[str] | None
    ) -> tuple[Any, ...]:
        """The columns' datums, each labelled `names[i]` when names are given;
        shown (str(), compile()), unnamed expressions get SQLAlchemy's anonymous labels."""
        if names is not None:
            return tuple(
                el._datum(binds)
                if isinstance(el, Label) and el.name == name
                else ("label", el._datum(binds), name)
                for el, name in zip(columns, names)
            )
        if not binds.display:
            return tuple(el._datum(binds) for el in columns)
        return tuple(_shown_column(binds, el) for el in columns)


def _shown_column(binds: BindCollector, el: ColumnElement[Any]) -> tuple[Any, ...]:
    """A column of a shown SELECT, labelled as SQLAlchemy shows it: a named
    column as is, a function as `name_1`, anything else as `anon_1`."""
    datum = el._datum(binds)
    if isinstance(el, Label) or (
        getattr(el, "table", None) is not None and isinstance(getattr(el, "name", None), str)
    ):
        return datum
    if datum[0] in ("col", "star", "text"):
        return datum
    if datum[0] == "cast" and datum[1][0] == "col":  # CAST(users.id AS ...) AS id
        return ("label", datum, datum[1][2])
    function_name = getattr(el, "name", None) if datum[0] == "func" else None
    return ("label", datum, binds.anonymous_name(function_name or "anon"))


class FromStatement(ClauseElement):
    """select(Entity).from_statement(text(...)): the statement's SQL, read
    into the select's entities by column name."""

    def __init__(
        self, entries: Sequence[ResultEntry], statement: Any, execution_options: dict[str, Any]
    ) -> None:
        self._entries = [e.matched_by_name() for e in entries]
        self.statement = statement
        self._execution_options = dict(execution_options)

    @property
    def result_entries(self) -> Sequence[ResultEntry]:
        return self._entries

    def execution_options(self, **options: Any) -> FromStatement:
        return FromStatement(self._entries, self.statement, {**self._execution_options, **options})

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def _datum(self, binds: BindCollector, parameters: Any = None) -> tuple[Any, ...]:
        if isinstance(self.statement, TextClause):
            return self.statement._datum(binds, parameters)
        datum: tuple[Any, ...] = self.statement._datum(binds)
        return datum


@overload
def select(e0: _Typed[_T0], /) -> Select[tuple[_T0]]: ...
@overload
def select(e0: _Typed[_T0], e1: _Typed[_T1], /) -> Select[tuple[_T0, _T1]]: ...
@overload
def select(e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], /) -> Select[tuple[_T0, _T1, _T2]]: ...
@overload
def select(
    e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], e3: _Typed[_T3], /
) -> Select[tuple[_T0, _T1, _T2, _T3]]: ...
@overload
def select(
    e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], e3: _Typed[_T3], e4: _Typed[_T4], /
) -> Select[tuple[_T0, _T1, _T2, _T3, _T4]]: ...
@overload
def select(
    e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], e3: _Typed[_T3], e4: _Typed[_T4], e5: _Typed[_T5], /
) -> Select[tuple[_T0, _T1, _T2, _T3, _T4, _T5]]: ...
@overload
def select(
    e0: _Typed[_T0],
    e1: _Typed[_T1],
    e2: _Typed[_T2],
    e3: _Typed[_T3],
    e4: _Typed[_T4],
    e5: _Typed[_T5],
    e6: _Typed[_T6],
    /,
) -> Select[tuple[_T0, _T1, _T2, _T3, _T4, _T5, _T6]]: ...
@overload
def select(*entities: Any) -> Select[Any]: ...
def select(*entities: Any) -> Select[Any]:
    """SELECT the given entities, columns or expressions; typed by what they
    yield (Select[tuple[User]], Select[tuple[int, str]]) for up to seven."""
    return Select(*entities)


def _table_of(target: Any) -> Table:
    mapper = getattr(target, "__mapper__", None)
    if mapper is not None:
        table: Table = mapper.table
        return table
    if isinstance(target, Table):
        return target
    raise TypeError(f"{target!r} is not a Table or a mapped class")
