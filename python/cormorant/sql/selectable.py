"""FROM items (table aliases, subqueries, CTEs, LATERAL, VALUES, TABLESAMPLE,
table()/column()), the SELECT statement and set operations (CompoundSelect),
and the WITH clause their CTEs gather into while a statement's datum is built."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, overload

from ..exc import ArgumentError, CompileError, InvalidRequestError
from .base import ColumnCollection, FromClause, Join, Selectable, as_from
from .elements import (
    BindCollector,
    ColumnElement,
    Executable,
    Exists,
    Label,
    LabelReference,
    ScalarSelect,
    TextClause,
    UnaryExpression,
    and_,
    coerce,
    is_table_column,
    order_by_elements,
)
from .functions import Function, FunctionElement, func
from .schema import Table
from .sqltypes import Integer, NullType, to_instance

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


class SelectLabelStyle(enum.Enum):
    """How a SELECT names its columns (Select.set_label_style())."""

    LABEL_STYLE_NONE = 0  # as they are: repeated names stay repeated
    LABEL_STYLE_TABLENAME_PLUS_COL = 1  # every table column as table_column
    LABEL_STYLE_DISAMBIGUATE_ONLY = 2  # a repeated name gets _1, _2 (the default)
    LABEL_STYLE_DEFAULT = LABEL_STYLE_DISAMBIGUATE_ONLY


LABEL_STYLE_NONE = SelectLabelStyle.LABEL_STYLE_NONE
LABEL_STYLE_TABLENAME_PLUS_COL = SelectLabelStyle.LABEL_STYLE_TABLENAME_PLUS_COL
LABEL_STYLE_DISAMBIGUATE_ONLY = SelectLabelStyle.LABEL_STYLE_DISAMBIGUATE_ONLY
LABEL_STYLE_DEFAULT = SelectLabelStyle.LABEL_STYLE_DEFAULT


def _labelled(entries: list[ResultEntry], style: SelectLabelStyle) -> list[ResultEntry]:
    """The column entries as `style` names them; entity entries as they are."""
    if style is LABEL_STYLE_NONE or len(entries) < 2 and style is not LABEL_STYLE_TABLENAME_PLUS_COL:
        return entries
    if style is LABEL_STYLE_TABLENAME_PLUS_COL:
        return [e if e.column is None else ResultEntry(column=_table_labelled(e.column)) for e in entries]
    seen: set[str] = set()
    out: list[ResultEntry] | None = None
    for i, e in enumerate(entries):
        if e.column is None:
            continue
        if not is_table_column(e.column):
            continue  # expressions keep their names; unnamed ones are numbered by compiler.ResultKeys
        name = e.column._row_key
        if name in seen:
            name = _unique_name(name, seen)
            out = out if out is not None else list(entries)
            out[i] = ResultEntry(column=Label(name, e.column))
        seen.add(name)
    return out if out is not None else entries


def _table_labelled(column: ColumnElement[Any]) -> ColumnElement[Any]:
    table_name = getattr(getattr(column, "table", None), "name", None)
    name = getattr(column, "name", None)
    if isinstance(table_name, str) and isinstance(name, str) and not isinstance(column, Label):
        return Label(f"{table_name}_{name}", column)
    return column


class _Affixes:
    """prefix_with() / suffix_with() text of one statement, per dialect ("*": all)."""

    @staticmethod
    def _texts(items: tuple[tuple[str, str], ...], dialect: str) -> str:
        return " ".join(text for text, only in items if only in ("*", dialect))

    @staticmethod
    def _given(expr: tuple[Any, ...], dialect: str) -> tuple[tuple[str, str], ...]:
        texts = []
        for e in expr:
            if isinstance(e, TextClause):
                texts.append(e.text)
            elif isinstance(e, str):
                texts.append(e)
            else:
                raise ArgumentError(f"prefix_with() / suffix_with() take SQL text, got {e!r}")
        return tuple((t, dialect) for t in texts)


class HasPrefixes(_Affixes):
    """A statement whose first keyword can be followed by text:
    `insert(t).prefix_with("OR IGNORE", dialect="sqlite")`."""

    _prefixes: tuple[tuple[str, str], ...] = ()

    def prefix_with(self, *prefixes: Any, dialect: str = "*") -> Self:
        new = self._clone()  # type: ignore[attr-defined]
        new._prefixes = self._prefixes + self._given(prefixes, dialect)
        return new  # type: ignore[no-any-return]

    def _affixed(self, binds: BindCollector, datum: tuple[Any, ...]) -> tuple[Any, ...]:
        """`datum` under its prefixes (and suffixes) for this dialect."""
        prefixes = self._texts(self._prefixes, binds.dialect) if self._prefixes else ""
        suffixes = self._texts(getattr(self, "_suffixes", ()), binds.dialect)
        return ("affixed", prefixes, suffixes, datum) if prefixes or suffixes else datum


class HasSuffixes(_Affixes):
    """A statement that can end with text: `select(t).suffix_with("FOR KEY SHARE")`."""

    _suffixes: tuple[tuple[str, str], ...] = ()

    def suffix_with(self, *suffixes: Any, dialect: str = "*") -> Self:
        new = self._clone()  # type: ignore[attr-defined]
        new._suffixes = self._suffixes + self._given(suffixes, dialect)
        return new  # type: ignore[no-any-return]


class SelectBase(Executable, Selectable):
    """A statement returning rows (SELECT, a set operation, textual SQL with
    columns): what can become a subquery, a CTE or a scalar subquery."""

    def _column_elements(self) -> list[ColumnElement[Any]]:
        raise NotImplementedError

    def subquery(self, name: str | None = None) -> Subquery:
        return Subquery(self, name)

    def alias(self, name: str | None = None, flat: bool = False) -> Subquery:
        return self.subquery(name)

    def cte(self, name: str | None = None, recursive: bool = False, nesting: bool = False) -> CTE:
        """This statement as a common table expression, named in the WITH
        clause of the statement that uses it."""
        return CTE(self, name, recursive=recursive, nesting=nesting)

    def lateral(self, name: str | None = None) -> Lateral:
        return Lateral(self, name)

    def scalar_subquery(self) -> ScalarSelect:
        return ScalarSelect(self)  # type: ignore[arg-type]

    def exists(self) -> Exists:
        return Exists(self)  # type: ignore[arg-type]

    def label(self, name: str) -> Label:
        return Label(name, ScalarSelect(self))  # type: ignore[arg-type]

    @property
    def selected_columns(self) -> list[ColumnElement[Any]]:
        return self._column_elements()


class GenerativeSelect(SelectBase):
    """A SELECT or set operation: ORDER BY, LIMIT, OFFSET, execution options."""

    _order_by: list[ColumnElement[Any]]
    _limit: int | None
    _offset: int | None
    _execution_options: dict[str, Any]

    _generative_attrs: tuple[str, ...]  # what a copy carries over (lists are copied)

    def _clone(self) -> Self:
        new = type(self).__new__(type(self))
        d = self.__dict__
        new.__dict__.update(
            {attr: (d[attr].copy() if type(d[attr]) is list else d[attr]) for attr in self._generative_attrs}
        )
        return new

    _label_style = LABEL_STYLE_DEFAULT

    # set operations: SELECT ... UNION SELECT ..., this statement first
    def union(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("UNION", self, *other)

    def union_all(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("UNION ALL", self, *other)

    def intersect(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("INTERSECT", self, *other)

    def intersect_all(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("INTERSECT ALL", self, *other)

    def except_(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("EXCEPT", self, *other)

    def except_all(self, *other: Any) -> CompoundSelect:
        return CompoundSelect("EXCEPT ALL", self, *other)

    def set_label_style(self, style: SelectLabelStyle) -> Self:
        """Names the columns as `style` says: LABEL_STYLE_TABLENAME_PLUS_COL
        (users_id), LABEL_STYLE_DISAMBIGUATE_ONLY (the default: a repeated
        name becomes id_1) or LABEL_STYLE_NONE."""
        if not isinstance(style, SelectLabelStyle):
            raise ArgumentError(f"set_label_style() takes a SelectLabelStyle, got {style!r}")
        new = self._clone()
        new._label_style = style
        return new

    def get_label_style(self) -> SelectLabelStyle:
        return self._label_style

    def order_by(self, *clauses: Any) -> Self:
        new = self._clone()
        if len(clauses) == 1 and clauses[0] is None:
            new._order_by = []
        else:
            new._order_by = [*self._order_by, *(e for c in clauses for e in order_by_elements(c))]
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

    def _limit_datum(self, binds: BindCollector) -> tuple[Any, Any]:
        return (
            binds.add(self._limit, Integer()) if self._limit is not None else None,
            binds.add(self._offset, Integer()) if self._offset is not None else None,
        )


class HasCTE:
    """A statement that can carry CTEs of its own (add_cte())."""

    _ctes: list[CTE]

    def add_cte(self, *ctes: CTE, nest_here: bool = False) -> Self:
        """Renders these CTEs in this statement's WITH even when nothing in it refers to them."""
        for cte in ctes:
            if not isinstance(cte, CTE):
                raise ArgumentError(f"add_cte() takes CTE objects, got {cte!r}")
        new = self._clone()  # type: ignore[attr-defined]
        new._ctes = [*self._ctes, *((c._nested() if nest_here else c) for c in ctes)]
        return new  # type: ignore[no-any-return]


class _WithScope:
    """The CTEs one WITH clause lists, in the order it lists them."""

    __slots__ = ("ctes", "tokens", "recursive")

    def __init__(self) -> None:
        self.ctes: dict[str, tuple[Any, ...]] = {}
        self.tokens: dict[str, object] = {}  # name -> the CTE's identity (shared by its union() copies)
        self.recursive = False

    def wrap(self, datum: tuple[Any, ...]) -> tuple[Any, ...]:
        if not self.ctes:
            return datum
        return ("with", self.recursive, tuple(self.ctes.values()), datum)


class CteCollector:
    """What BindCollector.ctes holds while a statement's datum is built: the
    WITH of the outermost statement (first scope), one scope per nested
    statement for nesting CTEs (made when one is met), and the CTEs whose
    bodies are being built."""

    __slots__ = ("scopes", "pending")

    def __init__(self) -> None:
        self.scopes: list[_WithScope | None] = [None]
        self.pending: set[str] = set()

    def _scope_for(self, cte: CTE) -> _WithScope:
        index = len(self.scopes) - 1 if cte.nesting else 0
        scope = self.scopes[index]
        if scope is None:
            scope = self.scopes[index] = _WithScope()
        return scope

    def register(self, cte: CTE, binds: BindCollector) -> None:
        name = cte._name_in(binds)
        scope = self._scope_for(cte)
        known = scope.tokens.setdefault(name, cte._token)
        if known is not cte._token:
            raise CompileError(f"Multiple, unrelated CTEs found with the same name: {name!r}")
        if name in self.pending or name in scope.ctes:
            return  # a recursive CTE's reference to itself, or a second use
        self.pending.add(name)
        try:
            body = cte._body_datum(binds)
        finally:
            self.pending.discard(name)
        columns = tuple(c.name for c in cte.c) if cte.recursive else ()
        scope.ctes[name] = ("cte", name, columns, body)
        scope.recursive = scope.recursive or cte.recursive


def statement_datum(
    binds: BindCollector, build: Callable[[BindCollector], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """The datum `build(binds)` makes, under a WITH listing the CTEs it met:
    the outermost statement's WITH gathers every CTE used anywhere in it (as
    SQLAlchemy renders them); a nested statement's holds its nesting ones.
    Whoever turns a whole statement into its datum goes through here."""
    collector: CteCollector | None = binds.ctes
    outermost = collector is None
    if collector is None:
        collector = binds.ctes = CteCollector()
    scopes = collector.scopes
    if not outermost:
        scopes.append(None)
    try:
        datum = build(binds)
    finally:
        scope = scopes.pop()
        if outermost:
            binds.ctes = None
    return scope.wrap(datum) if scope is not None else datum


class _SubqueryColumn(ColumnElement[Any]):
    __slots__ = ("parent", "name", "key", "type")

    def __init__(self, parent: FromClause, name: str, type_: Any, key: str | None = None) -> None:
        self.parent, self.name, self.key, self.type = parent, name, key or name, type_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("col", self.parent._name_in(binds), self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self.parent]

    @property
    def table(self) -> FromClause:
        return self.parent

    @property
    def _row_key(self) -> str:
        return self.key


def _exported_names(elements: Sequence[ColumnElement[Any]]) -> list[tuple[str, str, bool]]:
    """(SQL name, key, whether the SELECT must label it) of each column a
    subquery or CTE exports: a table column keeps its name, a label its own,
    any other expression (or a repeated name) is labelled as SQLAlchemy does
    (count, anon, id_1), so the outer query can name it."""
    used: set[str] = set()
    exported = []
    for el in elements:
        name = getattr(el, "name", None)
        if isinstance(el, Label) or (isinstance(name, str) and getattr(el, "table", None) is not None):
            assert isinstance(name, str)
            key, natural = getattr(el, "key", None) or name, True
        else:
            name = key = el._row_key
            natural = False
        if name in used:
            name = key = _unique_name(name, used)
            natural = False
        used.add(name)
        exported.append((name, key, natural))
    return exported


def _unique_name(name: str, used: set[str]) -> str:
    """`name_1`, `name_2`...: the first not in `used`, as SQLAlchemy disambiguates."""
    n = 1
    while f"{name}_{n}" in used:
        n += 1
    return f"{name}_{n}"


class AliasedReturnsRows(FromClause):
    """A statement or FROM item under a name, its columns reachable through .c;
    an anonymous one is named anon_N in the statement that uses it."""

    def __init__(self, element: Any, name: str | None) -> None:
        self.element = element
        self._anonymous = name is None
        self.name = name or "anon_1"
        self.c: ColumnCollection[_SubqueryColumn] = ColumnCollection()
        self.columns = self.c
        elements = self._exported_columns()
        self._labels: list[str | None] = []
        self._by_source: dict[int, _SubqueryColumn] = {}  # id of a selected element -> its column here
        for el, (col_name, key, natural) in zip(elements, _exported_names(elements), strict=True):
            column = _SubqueryColumn(self, col_name, el.type, key)
            self.c._add(column)
            self._labels.append(None if natural else col_name)
            for source in (el, getattr(el, "element", None), getattr(el, "column", None)):
                if source is not None:
                    self._by_source.setdefault(id(source), column)

    def _exported_columns(self) -> list[ColumnElement[Any]]:
        columns: list[ColumnElement[Any]] = self.element._column_elements()
        return columns

    def _element_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        """The element's datum, its columns labelled with the names .c gives them."""
        element = self.element
        # Shown, every column is labelled, as SQLAlchemy shows a subquery's
        # (`users.id AS id`); executed, only those whose SQL name differs.
        labels = [c.name for c in self.c] if binds.display else self._labels
        if any(labels) and isinstance(element, (Select, CompoundSelect)):
            element = element._with_labels(labels)
        datum: tuple[Any, ...] = element._datum(binds)
        return datum

    def _name_in(self, binds: BindCollector) -> str:
        return binds.from_name(self._anon_token(), "anon") if self._anonymous else self.name

    def _anon_token(self) -> object:
        return self

    @property
    def selectable(self) -> Any:
        return self.element

    @property
    def original(self) -> Any:
        return self.element

    def corresponding_column(self, column: Any) -> _SubqueryColumn | None:
        """This FROM item's column carrying `column`: the one selected from it,
        else (a column of another statement of the same shape) the one of its name."""
        found = self._by_source.get(id(column))
        if found is not None:
            return found
        key = getattr(column, "name", None) or getattr(column, "key", None)
        return self.c.get(key) if key is not None else None

    def alias(self, name: str | None = None, flat: bool = False) -> Alias:
        return Alias(self, name)

    def select(self) -> Select[Any]:
        return Select(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name if not self._anonymous else 'anonymous'}>"


class Subquery(AliasedReturnsRows):
    """(SELECT ...) AS name, whose columns are reachable through .c."""

    @property
    def select_statement(self) -> Any:
        return self.element

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        outer, binds.correlate = binds.correlate, ()  # a derived table correlates to nothing
        try:
            return ("subquery", self._element_datum(binds), self._name_in(binds))
        finally:
            binds.correlate = outer


class Lateral(AliasedReturnsRows):
    """LATERAL (SELECT ...) AS name: a subquery that may refer to the FROM
    items before it, to which it correlates."""

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("lateral", self._element_datum(binds), self._name_in(binds))


class Alias(AliasedReturnsRows):
    """A subquery, CTE or VALUES under another name."""

    def _exported_columns(self) -> list[ColumnElement[Any]]:
        return list(self.element.c)

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        inner = self.element
        if isinstance(inner, CTE):
            inner._register(binds)
            return ("table", inner._name_in(binds), self._name_in(binds))
        datum = inner._datum_from(binds)
        return (*datum[:-1], self._name_in(binds))  # the element's form, under this name

    def _tables(self) -> list[FromClause]:
        return [self]


class CTE(HasCTE, AliasedReturnsRows):
    """A common table expression: WITH name AS (SELECT ...), read like a table."""

    def __init__(
        self,
        element: Any,
        name: str | None = None,
        *,
        recursive: bool = False,
        nesting: bool = False,
        _token: object = None,
    ) -> None:
        super().__init__(element, name)
        self.recursive, self.nesting = recursive, nesting
        self._token = _token if _token is not None else object()  # shared by union() copies
        self._ctes: list[CTE] = []

    def _anon_token(self) -> object:
        return self._token

    def _clone(self) -> Self:
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def _nested(self) -> CTE:
        new = self._clone()
        new.nesting = True
        return new

    def _copy_with(self, element: Any) -> CTE:
        """A CTE of the same name (and identity in the statement) over `element`."""
        return CTE(
            element,
            None if self._anonymous else self.name,
            recursive=self.recursive,
            nesting=self.nesting,
            _token=self._token,
        )

    def _compound(self, keyword: str, others: tuple[Any, ...]) -> CTE:
        return self._copy_with(CompoundSelect(keyword, self.element, *others))

    def union(self, *other: Any) -> CTE:
        return self._compound("UNION", other)

    def union_all(self, *other: Any) -> CTE:
        return self._compound("UNION ALL", other)

    def _register(self, binds: BindCollector) -> None:
        collector: CteCollector | None = binds.ctes
        if collector is None:
            raise InvalidRequestError(f"CTE {self.name!r} used outside a statement")
        collector.register(self, binds)

    def _body_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        outer, binds.correlate = binds.correlate, ()
        try:
            for cte in self._ctes:
                cte._register(binds)
            return self._element_datum(binds)
        finally:
            binds.correlate = outer

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        self._register(binds)
        return ("table", self._name_in(binds))


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
    def from_clause(self) -> FromClause | None:
        """What an entity reads from when its columns' tables alone would not
        say it: the join of a joined-table inheritance class's tables."""
        if self.load is not None:
            from_clause: FromClause | None = self.load.from_clause
            return from_clause
        return self.mapper.entity_from if self.mapper is not None else None

    @property
    def cache_token(self) -> Any:
        """What besides the SQL tells results of this entry apart: for a column
        expression its type, whose converter the cached result plan keeps
        (SELECT ? is the SQL of both select(literal(0)) and select(literal(True))),
        and its key in the rows (-t.id is keyed id, -type_coerce(t.id) anon_1)."""
        if self.load is not None:
            return (self.load.token, self.name)
        if self.mapper is None and self.column is not None:
            column = self.column
            return (column.type._result_key(), column._row_key, isinstance(column, FunctionElement))
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
        if self.column is None:  # several columns read as one value (an ORM Bundle)
            described: dict[str, Any] = self.load.description(self.name)
            return described
        return {
            "name": self.column._row_key,
            "type": self.column.type,
            "aliased": False,
            "expr": self.column,
            "entity": getattr(self.column, "class_", None),
        }


def _from_subquery(subquery: Subquery, element: Any) -> Any:
    """`element` (a column, maybe under asc()/desc()) as `subquery` selects it."""
    if isinstance(element, UnaryExpression):
        return UnaryExpression(element.operator, _from_subquery(subquery, element.element), element.type)
    if isinstance(element, LabelReference):
        return element  # a name the outer SELECT also has
    found = subquery.corresponding_column(getattr(element, "__clause_element__", lambda: element)())
    if found is None:
        raise NotImplementedError(
            f"joinedload() of a collection with LIMIT/OFFSET, together with {element!r} that the "
            "entities' subquery does not select, is not supported yet; use selectinload()"
        )
    return found


def _entity_criterion(mapper: Any) -> ColumnElement[Any] | None:
    """The criterion an ORM mapper implies for its rows (`single_criterion`:
    the discriminator test of a single-table inheritance subclass), if any."""
    return mapper.single_criterion if mapper is not None else None


# Whether an entity may imply criteria (single-table inheritance subclasses
# exist); the ORM sets it, so statements of other programs skip the search.
_IMPLIED_CRITERIA = False


def expect_implied_criteria() -> None:
    """Called by the ORM when it maps a class whose SELECTs carry criteria of
    their own (mapper.single_criterion)."""
    global _IMPLIED_CRITERIA
    _IMPLIED_CRITERIA = True


def _implied_criteria(
    entries: list[ResultEntry], where: list[ColumnElement[Any]]
) -> list[ColumnElement[Any]]:
    """The criteria `entries` imply that `where` lacks, each once."""
    implied: list[ColumnElement[Any]] = []
    for e in entries:
        if e.load is not None and e.load.alias is not None:
            continue  # an aliased() entity reads another FROM item
        mapper = e.mapper if e.mapper is not None else getattr(e.column, "_entity_mapper", None)
        criterion = _entity_criterion(mapper)
        if criterion is not None and all(c is not criterion for c in (*where, *implied)):
            implied.append(criterion)
    return implied


def _entry(arg: Any) -> list[ResultEntry]:
    if isinstance(arg, ColumnElement):  # the common case first: a column or an ORM attribute
        return [ResultEntry(column=arg)]
    mapper = getattr(arg, "__mapper__", None)
    if mapper is not None and isinstance(arg, type):
        return [ResultEntry(mapper=mapper)]
    entity_entry = getattr(arg, "__result_entry__", None)
    if entity_entry is not None:  # an ORM alias of an entity
        return [entity_entry()]
    if isinstance(arg, Table):
        return [ResultEntry(column=c) for c in arg._all_columns()]
    if isinstance(arg, FromClause) and hasattr(arg, "c"):  # a subquery, CTE, VALUES, table()
        return [ResultEntry(column=c) for c in arg.c]
    return [ResultEntry(column=coerce(arg))]


class Select(HasPrefixes, HasSuffixes, HasCTE, GenerativeSelect, Generic[_TP]):
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
        "_correlate_except",
        "_ctes",
        "_label_style",
        "_prefixes",
        "_suffixes",
    )

    def __init__(self, *entities: Any) -> None:
        self._entries: list[ResultEntry] = [e for arg in entities for e in _entry(arg)]
        self._label_style = LABEL_STYLE_DEFAULT
        self._prefixes: tuple[tuple[str, str], ...] = ()
        self._suffixes: tuple[tuple[str, str], ...] = ()
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
        self._correlate_except: list[FromClause] | None = None
        self._ctes: list[CTE] = []

    # --- generative API ------------------------------------------------------

    def where(self, *criteria: Any) -> Self:
        new = self._clone()
        new._where.extend(coerce(c) for c in criteria)
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Self:
        """WHERE attribute = value, for attributes of the last joined entity (else the first one)."""
        target = self._filter_by_target()
        criteria = []
        for key, value in kwargs.items():
            try:
                criteria.append(getattr(target, key) == value)
            except AttributeError:
                table = getattr(getattr(target, "__mapper__", None), "table", None)
                name = table.name if table is not None else getattr(target, "name", target)
                raise InvalidRequestError(f'Entity namespace for "{name}" has no property "{key}"') from None
        return self.where(*criteria)

    def _filter_by_target(self) -> Any:
        """The last joined entity, else the first selected one (or FROM table), as in SQLAlchemy."""
        if self._joins:
            joined = self._joins[-1][0]
            if hasattr(joined, "__mapper__") or hasattr(joined, "__result_entry__"):
                return joined  # a mapped class, an aliased() or with_polymorphic() entity
            entity = getattr(joined, "_filter_by_entity", None)  # a relationship: its target
            return entity if entity is not None else joined.c  # type: ignore[attr-defined]
        for e in self._entries:
            if e.mapper is not None:
                return e.expr
        froms = self._froms()
        if froms and hasattr(froms[0], "c"):
            return froms[0].c
        raise InvalidRequestError("filter_by() needs an entity or a table in the select")

    def group_by(self, *clauses: Any) -> Self:
        new = self._clone()
        new._group_by.extend(e for c in clauses for e in order_by_elements(c))
        return new

    def having(self, *criteria: Any) -> Self:
        new = self._clone()
        new._having.extend(coerce(c) for c in criteria)
        return new

    def distinct(self, *expr: Any) -> Self:
        if expr:
            raise NotImplementedError(
                "select().distinct(*expr) (PostgreSQL's DISTINCT ON) is not supported yet; "
                "use distinct() without arguments, or a window function"
            )
        new = self._clone()
        new._distinct = True
        return new

    def select_from(self, *froms: Any) -> Self:
        new = self._clone()
        new._select_from.extend(as_from(f) for f in froms)
        for f in froms:  # a single-table inheritance subclass: only its rows
            criterion = _entity_criterion(getattr(f, "__mapper__", None))
            if criterion is not None and all(w is not criterion for w in new._where):
                new._where.append(criterion)
        return new

    def join(self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False) -> Self:
        new = self._clone()
        new._joins.append((target, onclause, isouter, full))
        return new

    def outerjoin(self, target: Any, onclause: Any = None, *, full: bool = False) -> Self:
        return self.join(target, onclause, isouter=True, full=full)

    def join_from(
        self, left: Any, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False
    ) -> Self:
        return self.select_from(left).join(target, onclause, isouter=isouter, full=full)

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
        if key_share:
            raise NotImplementedError(
                "with_for_update(key_share=True) (FOR KEY SHARE / FOR NO KEY UPDATE) is not supported yet"
            )
        new = self._clone()
        targets = of if isinstance(of, (list, tuple)) else ([of] if of is not None else [])
        names = tuple(as_from(t).name if not hasattr(t, "table") else t.table.name for t in targets)  # type: ignore[attr-defined]
        new._for_update = ("for_update", nowait, skip_locked, read, names)
        return new

    def options(self, *options: Any) -> Self:
        new = self._clone()
        new._options.extend(options)
        return new

    def correlate(self, *froms: Any) -> Self:
        """Leaves these tables out of this (sub)query's FROM: they come from the enclosing query."""
        new = self._clone()
        new._correlate.extend(as_from(f) for f in froms if f is not None)
        return new

    def correlate_except(self, *froms: Any) -> Self:
        """Correlates to every FROM item of the enclosing query but these."""
        new = self._clone()
        given = [as_from(f) for f in froms if f is not None]
        new._correlate_except = [*(self._correlate_except or []), *given]
        return new

    def _with_labels(self, labels: Sequence[str | None]) -> Self:
        """A copy selecting the same columns, those given a name labelled with it."""
        new = self._clone()
        new._entries = [
            ResultEntry(column=Label(label, el) if label is not None else el)
            for el, label in zip(self._column_elements(), labels, strict=True)
        ]
        return new

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        """Each selected entity or column: its name, type, expression and entity."""
        return [e.description for e in self._entries]

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

    @property
    def limits_rows(self) -> bool:
        """Whether LIMIT or OFFSET counts this statement's rows."""
        return self._limit is not None or self._offset is not None

    def wrapped_in_subquery(self) -> tuple[Self, Subquery]:
        """This statement, loader options left out, as a subquery (its WHERE,
        LIMIT, OFFSET and ORDER BY inside), and a SELECT of the same entries
        from that subquery, ordered the same way: how the ORM keeps LIMIT
        counting entities when joinedload() adds a row per collection member.
        The caller points the entities' loads at the subquery."""
        inner = self._clone()
        inner._options = []
        subquery = inner.subquery()
        outer = type(self)()
        outer._select_from = [subquery]
        outer._options = list(self._options)
        outer._execution_options = dict(self._execution_options)
        outer._label_style = self._label_style
        outer._entries = [
            e if e.mapper is not None else ResultEntry(column=_from_subquery(subquery, e.column), name=e.name)
            for e in self._entries
        ]
        outer._order_by = [_from_subquery(subquery, o) for o in self._order_by]
        return outer, subquery

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
        return [el for e in self._labelled_entries() for el in e.elements]

    def _labelled_entries(self) -> list[ResultEntry]:
        """The entries as the rows name them, after the label style; worked
        out once, as a Select never changes (every method returns a copy)."""
        labelled: list[ResultEntry] | None = self.__dict__.get("_labelled")
        if labelled is None:
            labelled = self.__dict__["_labelled"] = _labelled(self._entries, self._label_style)
        return labelled

    @staticmethod
    def _resolve_join_target(target: Any, onclause: Any) -> list[tuple[FromClause, Any]]:
        """The FROM items a join adds, each with its ON clause: one, or two
        for a relationship through an association table."""
        resolver = getattr(target, "_join_target", None)
        if resolver is None:  # join(Target, Parent.relationship), Target maybe an alias
            into = getattr(onclause, "_join_target_into", None)
            if into is not None:
                joined: list[tuple[FromClause, Any]] = into(as_from(target))
                return joined
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
        covered = {id(t) for f in froms for t in (f, *f._tables())} | {id(t) for t in self._correlate}
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
        for e in self._entries:  # an inheriting entity reads from a join of its tables
            if e.mapper is not None:
                joined = e.from_clause
                if joined is not None:
                    seen.setdefault(id(joined), joined)
        for elements in (columns, self._where):
            for el in elements:
                for f in el._from_objects():
                    seen.setdefault(id(f), f)
        froms = list(seen.values())
        if len(froms) < 2 or not any(type(f) is Join for f in froms):
            return froms
        covered = {id(t) for j in froms if type(j) is Join for t in j._tables()}
        return [f for f in froms if type(f) is Join or id(f) not in covered]

    def _where_criteria(self) -> list[ColumnElement[Any]]:
        """WHERE: the statement's criteria, and those its entities imply (the
        discriminator test of a single-table inheritance subclass), once the
        ORM has mapped such a class."""
        if not _IMPLIED_CRITERIA:
            return self._where
        implied: list[ColumnElement[Any]] | None = self.__dict__.get("_implied_criteria")
        if implied is None:
            implied = self.__dict__["_implied_criteria"] = _implied_criteria(self._entries, self._where)
        return self._where + implied if implied else self._where

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return statement_datum(binds, self._select_datum)

    def _correlated_froms(self, froms: list[FromClause], enclosing: Sequence[Any]) -> list[FromClause]:
        """`froms` without those the enclosing query reads from. Auto-correlation,
        as in SQLAlchemy: a subquery in an enclosing SELECT's WHERE or columns
        leaves those out (unless nothing would be left); correlate_except()
        leaves out all but the ones it names."""
        outer = {id(t) for f in enclosing for t in (f, *f._tables())}
        if self._correlate_except is not None:
            kept_ids = {id(t) for f in self._correlate_except for t in (f, *f._tables())}
            outer -= kept_ids
            return [f for f in froms if not any(id(t) in outer for t in (f, *f._tables()))]
        if len(froms) <= 1 or self._correlate:
            return froms
        kept = [f for f in froms if not any(id(t) in outer for t in (f, *f._tables()))]
        return kept or froms

    def _select_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        columns = self._column_elements()
        froms = self._froms(columns)
        enclosing = binds.correlate
        if enclosing:
            froms = self._correlated_froms(froms, enclosing)
        for cte in self._ctes:
            cte._register(binds)
        binds.correlate = froms
        try:
            if binds.display:
                column_datums = tuple(_shown_column(binds, el) for el in columns)
            else:
                column_datums = tuple(el._datum(binds) for el in columns)
            from_datums = tuple(f._datum_from(binds) for f in froms)
            criteria = self._where_criteria()
            where = and_(*criteria)._datum(binds) if criteria else None
            ordered = self._group_by or self._having or self._order_by
            grouping = self._grouping_datums(binds, columns) if ordered else ((), None, ())
            datum = (
                "select",
                column_datums,
                from_datums,
                where,
                *grouping,
                *self._limit_datum(binds),
                self._distinct,
                self._for_update,
            )
            return self._affixed(binds, datum) if self._prefixes or self._suffixes else datum
        finally:
            binds.correlate = enclosing

    def _grouping_datums(
        self, binds: BindCollector, columns: list[ColumnElement[Any]]
    ) -> tuple[Any, Any, Any]:
        """GROUP BY, HAVING and ORDER BY, where a name refers to a selected label or column."""
        scope = binds.label_scope
        binds.label_scope = self._label_scope(columns)
        try:
            group_by = tuple(g._datum(binds) for g in self._group_by)
            having = and_(*self._having)._datum(binds) if self._having else None
            return group_by, having, tuple(self._order_by_datum(o, binds) for o in self._order_by)
        finally:
            binds.label_scope = scope

    @staticmethod
    def _label_scope(columns: list[ColumnElement[Any]]) -> dict[str, ColumnElement[Any]]:
        """The selected columns by the names order_by("name") may use: labels first."""
        scope: dict[str, ColumnElement[Any]] = {}
        for el in columns:
            if isinstance(el, Label):
                scope.setdefault(el.name, el)
        for el in columns:
            name = getattr(el, "name", None)
            if not isinstance(el, Label):
                scope.setdefault(name if isinstance(name, str) else el._row_key, el)
        return scope

    @staticmethod
    def _order_by_datum(element: ColumnElement[Any], binds: BindCollector) -> tuple[Any, ...]:
        """An ORDER BY item: a selected label by its name, anything else as itself."""
        if (
            isinstance(element, Label)
            and binds.label_scope
            and binds.label_scope.get(element.name) is element
        ):
            return ("labelref", element.name)
        return element._datum(binds)


def _shown_column(binds: BindCollector, el: ColumnElement[Any]) -> tuple[Any, ...]:
    """A column of a shown SELECT (str(), compile()), labelled as SQLAlchemy
    shows it: a named column as is, a function as `name_1` (named before its
    arguments, as SQLAlchemy numbers them), CAST(col) as the column's name,
    anything else as `anon_1`."""
    if isinstance(el, Label) or is_table_column(el):
        return el._datum(binds)
    function_label = binds.anonymous_name(el.name) if isinstance(el, FunctionElement) else None
    datum = el._datum(binds)
    if function_label is not None:
        return ("label", datum, function_label)
    if datum[0] in ("col", "star", "text"):
        return datum
    if datum[0] == "cast" and datum[1][0] == "col":
        return ("label", datum, datum[1][2])
    return ("label", datum, binds.anonymous_name("anon"))


class FromStatement(Executable):
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
    if isinstance(target, (Table, TableClause)):
        return target  # type: ignore[return-value]  # a table() has what DML reads of a Table
    raise TypeError(f"{target!r} is not a Table or a mapped class")


# --- set operations -------------------------------------------------------------


def _as_member(statement: Any) -> SelectBase:
    if isinstance(statement, (Select, CompoundSelect)):
        return statement
    if isinstance(statement, TextualSelect):
        return statement
    raise ArgumentError(f"a set operation combines SELECT statements, got {statement!r}")


class CompoundSelect(HasCTE, GenerativeSelect):
    """SELECT ... UNION [ALL] / INTERSECT [ALL] / EXCEPT [ALL] SELECT ...; its
    rows are named after the first SELECT's columns."""

    _generative_attrs = (
        "keyword",
        "selects",
        "_order_by",
        "_limit",
        "_offset",
        "_execution_options",
        "_ctes",
        "_label_style",
    )

    def __init__(self, keyword: str, *selects: Any) -> None:
        if not selects:
            raise ArgumentError(f"{keyword} needs at least one SELECT")
        self.keyword = keyword
        self.selects: list[SelectBase] = [_as_member(s) for s in selects]
        widths = {len(s._column_elements()) for s in self.selects}
        if len(widths) > 1:
            raise ArgumentError(
                f"All selectables passed to CompoundSelect must have identical numbers of columns; "
                f"got {sorted(widths)}"
            )
        self._order_by: list[ColumnElement[Any]] = []
        self._limit: int | None = None
        self._offset: int | None = None
        self._execution_options: dict[str, Any] = {}
        self._ctes: list[CTE] = []
        self._label_style = LABEL_STYLE_DEFAULT

    def _column_elements(self) -> list[ColumnElement[Any]]:
        return self.selects[0]._column_elements()

    @property
    def _entries(self) -> list[ResultEntry]:
        return [ResultEntry(column=el) for el in self._column_elements()]

    @property
    def result_entries(self) -> Sequence[ResultEntry]:
        return self._entries

    def _order_datum(self, element: ColumnElement[Any], binds: BindCollector) -> tuple[Any, ...]:
        """ORDER BY of a set operation names the result's columns: a selected
        column (or its label) is written by its name."""
        if isinstance(element, UnaryExpression) and element.operator in ("asc", "desc"):
            return (element.operator, self._order_datum(element.element, binds))
        if isinstance(element, LabelReference):
            return ("labelref", element.name)
        names: dict[int, str] = {}
        for member in self.selects:
            for el in member._column_elements():
                names[id(el)] = el._row_key
                if isinstance(el, Label):
                    names.setdefault(id(el.element), el.name)
        name = names.get(id(element))
        if name is None and isinstance(element, Label):
            name = element.name
        return ("labelref", name) if name is not None else element._datum(binds)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return statement_datum(binds, self._compound_datum)

    def _compound_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        for cte in self._ctes:
            cte._register(binds)
        return (
            "compound",
            self.keyword,
            tuple(s._datum(binds) for s in self.selects),
            tuple(self._order_datum(o, binds) for o in self._order_by),
            *self._limit_datum(binds),
        )

    def set_label_style(self, style: SelectLabelStyle) -> Self:
        """Names the columns of every member SELECT as `style` says."""
        new = super().set_label_style(style)
        new.selects = [
            m.set_label_style(style) if isinstance(m, GenerativeSelect) else m for m in self.selects
        ]
        return new

    def _with_labels(self, labels: Sequence[str | None]) -> Self:
        new = self._clone()
        new.selects = [
            s._with_labels(labels) if isinstance(s, (Select, CompoundSelect)) else s for s in self.selects
        ]
        return new


def union(*selects: Any) -> CompoundSelect:
    """SELECT ... UNION SELECT ...: the rows of all, without duplicates."""
    return CompoundSelect("UNION", *selects)


def union_all(*selects: Any) -> CompoundSelect:
    """SELECT ... UNION ALL SELECT ...: the rows of all, duplicates kept."""
    return CompoundSelect("UNION ALL", *selects)


def intersect(*selects: Any) -> CompoundSelect:
    """SELECT ... INTERSECT SELECT ...: the rows every SELECT returns."""
    return CompoundSelect("INTERSECT", *selects)


def intersect_all(*selects: Any) -> CompoundSelect:
    """SELECT ... INTERSECT ALL SELECT ... (PostgreSQL; SQLite has no INTERSECT ALL)."""
    return CompoundSelect("INTERSECT ALL", *selects)


def except_(*selects: Any) -> CompoundSelect:
    """SELECT ... EXCEPT SELECT ...: the first SELECT's rows the others lack."""
    return CompoundSelect("EXCEPT", *selects)


def except_all(*selects: Any) -> CompoundSelect:
    """SELECT ... EXCEPT ALL SELECT ... (PostgreSQL; SQLite has no EXCEPT ALL)."""
    return CompoundSelect("EXCEPT ALL", *selects)


# --- textual SELECT -------------------------------------------------------------


class TextualSelect(SelectBase):
    """text(...).columns(...) as a SELECT whose columns are known: it can
    become a subquery or a CTE with .c columns."""

    def __init__(self, text: TextClause, columns: Sequence[ColumnElement[Any]]) -> None:
        self.text = text
        self.column_args = list(columns)

    def _column_elements(self) -> list[ColumnElement[Any]]:
        return self.column_args

    @property
    def _entries(self) -> list[ResultEntry]:
        return [ResultEntry(column=el) for el in self.column_args]

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.text._datum(binds)


TextAsFrom = TextualSelect


def textual_select(text: TextClause) -> TextualSelect:
    """The TextualSelect of a text() given its result columns with .columns()."""
    columns = [ColumnClause(c[0], c[1]) if isinstance(c, tuple) else coerce(c) for c in text._columns]
    return TextualSelect(text, columns)


# --- lightweight tables and columns ---------------------------------------------


class ColumnClause(ColumnElement[Any]):
    """column(name, type_): a column by name, of a table() or of none."""

    __slots__ = ("name", "key", "type", "table", "default", "onupdate", "server_default", "primary_key")

    def __init__(self, name: str, type_: Any = None, table: TableClause | None = None) -> None:
        self.name, self.key = name, name
        self.type = to_instance(type_) if type_ is not None else NullType()
        self.table = table
        self.default = self.onupdate = self.server_default = None
        self.primary_key = False

    def _resolve_type(self) -> Any:
        return self.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        qualifier = self.table._name_in(binds) if self.table is not None else None
        return ("col", qualifier, self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self.table] if self.table is not None else []

    @property
    def _row_key(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"column({self.name!r})"


def column(text: str, type_: Any = None) -> ColumnClause:
    """A column by name, typed by `type_`, to use in select() or in a table()."""
    return ColumnClause(text, type_)


class TableClause(FromClause):
    """table(name, *columns): a table known by name and the columns given,
    without a MetaData: enough to select from, insert into, update or delete."""

    def __init__(self, name: str, *columns: ColumnClause) -> None:
        self.name = name
        self.c: ColumnCollection[ColumnClause] = ColumnCollection()
        self.columns = self.c
        for col in columns:
            if col.table is not None:
                raise ArgumentError(f"column {col.name!r} already belongs to table {col.table.name!r}")
            col.table = self
            self.c._add(col)

    @property
    def primary_key(self) -> list[ColumnClause]:
        return []

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("table", self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self]

    def alias(self, name: str | None = None, flat: bool = False) -> TableAlias:
        return TableAlias(self, name)  # type: ignore[arg-type]  # has what it reads

    def select(self) -> Select[Any]:
        return Select(self)

    def __repr__(self) -> str:
        return f"table({self.name!r})"


def table(name: str, *columns: ColumnClause, **kw: Any) -> TableClause:
    """A lightweight table: its name and some column() objects."""
    if kw:
        raise ArgumentError(f"table() got unexpected keyword arguments: {', '.join(sorted(kw))}")
    return TableClause(name, *columns)


# --- VALUES ----------------------------------------------------------------------


class Values(FromClause):
    """values(column(...), ...).data([...]): rows given in the statement,
    read like a table named `name`; every value is bound."""

    def __init__(self, *columns: ColumnClause, name: str | None = None, literal_binds: bool = False) -> None:
        if literal_binds:
            raise NotImplementedError("values(literal_binds=True): cormorant always binds values")
        self._columns = [ColumnClause(c.name, c.type) for c in columns]
        self._anonymous = name is None
        self.name = name or "anon_1"
        self._rows: list[tuple[Any, ...]] = []
        self._lateral = False
        self._build_c()

    def _build_c(self) -> None:
        self.c: ColumnCollection[_SubqueryColumn] = ColumnCollection()
        self.columns = self.c
        for col in self._columns:
            self.c._add(_SubqueryColumn(self, col.name, col.type))

    def _copy(self, **changes: Any) -> Values:
        new = Values.__new__(Values)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        new._build_c()
        return new

    def data(self, values: Sequence[Sequence[Any]]) -> Values:
        width = len(self._columns)
        for row in values:
            if len(row) != width:
                raise ArgumentError(f"each VALUES row needs {width} value(s), got {tuple(row)!r}")
        return self._copy(_rows=[*self._rows, *(tuple(r) for r in values)])

    def alias(self, name: str | None = None, flat: bool = False) -> Values:
        return self._copy(name=name or "anon_1", _anonymous=name is None)

    def lateral(self, name: str | None = None) -> Values:
        raise NotImplementedError("LATERAL VALUES")

    def scalar_values(self) -> ScalarValues:
        return ScalarValues(self)

    def _name_in(self, binds: BindCollector) -> str:
        return binds.from_name(self, "anon") if self._anonymous else self.name

    def _rows_datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if not self._rows:
            raise ArgumentError("VALUES has no rows; give them with .data([...])")
        types = [c.type for c in self._columns]
        return tuple(
            tuple(
                coerce(v, t if not isinstance(t, NullType) else None, c.name)._datum(binds)
                for v, t, c in zip(row, types, self._columns, strict=True)
            )
            for row in self._rows
        )

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        names = tuple(c.name for c in self._columns)
        return ("values", self._name_in(binds), names, self._rows_datum(binds))


def values(*columns: ColumnClause, name: str | None = None, literal_binds: bool = False) -> Values:
    """A VALUES list with these columns; give its rows with .data([...])."""
    return Values(*columns, name=name, literal_binds=literal_binds)


class ScalarValues(ColumnElement[Any]):
    """VALUES used as a column expression, as in `x IN (VALUES (1), (2))`."""

    __slots__ = ("values", "type")

    def __init__(self, values: Values) -> None:
        self.values = values
        self.type = values._columns[0].type if len(values._columns) == 1 else NullType()

    def scalar_subquery(self) -> ScalarValues:
        return self  # what in_() takes a subquery's place from

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        names = tuple(c.name for c in self.values._columns)
        return ("values", None, names, self.values._rows_datum(binds))


# --- TABLESAMPLE and the alias functions ------------------------------------------


class TableSample(TableAlias):
    """table TABLESAMPLE method(percent) [REPEATABLE (seed)] (PostgreSQL)."""

    def __init__(self, table_: Table, sampling: Any, name: str | None = None, seed: Any = None) -> None:
        super().__init__(table_, name)
        self.sampling: ColumnElement[Any] = (
            sampling if isinstance(sampling, Function) else func.system(sampling)
        )
        self.seed = coerce(seed) if seed is not None else None

    def _name_in(self, binds: BindCollector) -> str:
        return self.name or binds.from_name(self, "anon")

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return (
            "tablesample",
            ("table", self.table.name),
            self.sampling._datum(binds),
            self.seed._datum(binds) if self.seed is not None else None,
            self._name_in(binds),
        )


def tablesample(selectable: Any, sampling: Any, name: str | None = None, seed: Any = None) -> TableSample:
    """A table sampled with TABLESAMPLE; `sampling` is a percentage (SYSTEM)
    or a function such as func.bernoulli(10)."""
    return TableSample(_table_of(selectable), sampling, name, seed)


def alias(selectable: Any, name: str | None = None, flat: bool = False) -> Any:
    """The selectable under another name: a table alias, or an aliased subquery or CTE."""
    target = _table_of(selectable) if getattr(selectable, "__mapper__", None) is not None else selectable
    if isinstance(target, Table):
        return target.alias(name)
    if isinstance(target, (AliasedReturnsRows, Values, SelectBase)):
        return target.alias(name)
    raise ArgumentError(f"{selectable!r} cannot be aliased")


def lateral(selectable: Any, name: str | None = None) -> Lateral:
    """LATERAL (SELECT ...) AS name."""
    if isinstance(selectable, SelectBase):
        return selectable.lateral(name)
    if isinstance(selectable, Subquery):
        return Lateral(selectable.element, name or (None if selectable._anonymous else selectable.name))
    raise ArgumentError(f"lateral() takes a SELECT or a subquery, got {selectable!r}")


def cte(selectable: Any, name: str | None = None, recursive: bool = False) -> CTE:
    return _as_member(selectable).cte(name, recursive=recursive)
