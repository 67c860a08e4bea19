"""Differential fuzzing of cormorant against SQLAlchemy: generators, the
expression AST and its interpreter, and the result comparison.

How it works
------------
Hypothesis draws a `Scenario`: a schema (1-3 tables t0..t2, each with an
integer primary key `id` and nullable or NOT NULL int/str/float/bool columns;
with two or more tables, one table has a column `ref` referencing another's
`id`), rows for every table (NULLs, unicode, strings with % _ \\ and quotes)
and one SELECT statement described as a tree of plain, frozen dataclasses
(the *AST*). Nothing in the AST belongs to either library.

The AST is then *rendered* twice by `Renderer`: once with `cormorant` as the
namespace `r.m`, once with `sqlalchemy`. Each node's `render(r)` calls only
public SQLAlchemy 2.0 API through `r.m` (`r.m.func.lower(...)`,
`r.m.and_(...)`, `col.in_(...)`...), so the same code builds both statements.
The test (test_differential_select.py) runs both on the same database and
compares keys, rows (in order when the statement has a total order, else as
multisets), Python value types, and on failure the cormorant.exc class
against the sqlalchemy.exc class.

Types
-----
Every expression node has a *type tag*: "int", "float" (any non-integer
number, including Numeric results), "str" or "bool". Generators only build
well-typed trees, so a database error is a real outcome of the statement
(division by zero, integer overflow, a LIKE pattern ending in its escape
character), never a generator mistake.

Scopes
------
A `Scope` says which columns an expression may reference: in a plain
SELECT, the columns of its FROM; in a grouped SELECT (mode "group"), the
GROUP BY columns plus aggregates over `scope.inner` (the row scope).
`scope.outer_tables` lists tables of enclosing SELECTs: a subquery in an
expression reads other tables and may reference outer columns (SQLAlchemy
then correlates them).

Adding a construct (CASE, CAST, window functions, CTEs, UNION...)
----------------------------------------------------------------
1. Write a frozen dataclass subclassing `Expr` (or `Source` for something
   that goes in FROM) with the fields that describe one instance.
2. Give it `render(self, r)`, building the construct with `r.m` only (use
   `r.el(node)` where an operand must be a SQL element rather than a raw
   Python value, and `r.select(node)` for nested SELECTs).
3. Give it a classmethod `generate(cls, g, scope, type_, depth)` that uses
   `g.draw(strategy)`, `g.expr(scope, type_, depth)`, `g.subselect(...)` to
   build an instance of type tag `type_`, or returns None when it cannot
   (then another construct is drawn).
4. Decorate the class with `@expression("int", "float", ...)` naming the
   type tags it can produce (`leaf=True` if it has no sub-expressions,
   `group_only=True` for aggregates). The registry's order matters for
   shrinking: hypothesis shrinks towards the first registered constructs.
   `breadth=True` makes the breadth test (test_differential_breadth.py)
   draw it more often; `window_only=True` allows it only in a plain SELECT's
   columns (window functions); `when=cormorant_has("name")` leaves it out
   until cormorant has that name.
Something that goes in FROM is a `Source` subclass with `render(r)` (register
the names its columns are read under in `r.froms`, return the FROM object),
`apply(r, stmt, rendered)` when `select_from(rendered)` is not how it is
added, `scope_columns`, `tables`, `tiebreakers`, and a classmethod
`generate(cls, g, depth)`; register it with `@source(breadth=..., when=...)`.
Statement-level clauses (a new SELECT option) are fields of `Select`, drawn
in `Gen.select` and applied in `Select.render`.

Constructs cormorant does not have yet
--------------------------------------
Set operations, CTEs, window functions and type_coerce are registered only
when cormorant has them. To check their generators anyway, run
    SQLFUZZ_ALL_CONSTRUCTS=1 SQLFUZZ_SELF_CHECK=1 pytest tests-py/differential
which registers everything and renders both sides with SQLAlchemy (harness.py).
"""

from __future__ import annotations

import decimal
import math
import operator
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

TYPES = ("int", "float", "str", "bool")
NUMERIC = ("int", "float")
TABLE_NAMES = ("t0", "t1", "t2")

# Values: small numbers most of the time (results stay readable), large ones
# sometimes (overflow errors on PostgreSQL's int4 are an outcome to compare).
INTS = st.one_of(st.integers(-20, 20), st.integers(-(2**31), 2**31 - 1))
FLOATS = st.one_of(
    st.integers(-40, 40).map(lambda i: i / 4),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, allow_subnormal=False),
)
SPECIAL_CHARS = list("%_\\'\"/#!^ aAbBé€ß😀\t")
STRINGS = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIAL_CHARS),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=8,
)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "int": INTS,
    "float": FLOATS,
    "str": STRINGS,
    "bool": st.booleans(),
}
ESCAPES = ["\\", "#", "!", "/", "^"]


# --- schema and data ------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]  # not counting `id` and `ref`
    ref: str | None = None  # the table whose id `ref` references

    @property
    def all_columns(self) -> tuple[ColumnSpec, ...]:
        ref = (ColumnSpec("ref", "int"),) if self.ref else ()
        return (ColumnSpec("id", "int", False), *ref, *self.columns)


@dataclass(frozen=True)
class Schema:
    tables: tuple[TableSpec, ...]

    def table(self, name: str) -> TableSpec:
        return next(t for t in self.tables if t.name == name)

    def build(self, m: Any) -> dict[str, Any]:
        """The tables as `m.Table` objects (m: cormorant or sqlalchemy), in a new MetaData."""
        metadata = m.MetaData()
        types = {"int": m.Integer, "float": m.Float, "str": lambda: m.String(30), "bool": m.Boolean}
        tables = {}
        for spec in self.tables:
            cols = [m.Column("id", m.Integer, primary_key=True, autoincrement=False)]
            if spec.ref:
                cols.append(m.Column("ref", m.Integer, m.ForeignKey(f"{spec.ref}.id"), nullable=True))
            cols += [m.Column(c.name, types[c.type](), nullable=c.nullable) for c in spec.columns]
            tables[spec.name] = m.Table(spec.name, metadata, *cols)
        return tables


@st.composite
def schemas(draw: Any) -> Schema:
    n = draw(st.integers(1, 3))
    link = None
    if n >= 2:
        child, parent = draw(st.permutations(TABLE_NAMES[:n]))[:2]
        link = (child, parent)
    tables = []
    for i in range(n):
        name = TABLE_NAMES[i]
        columns = tuple(
            ColumnSpec(f"c{j}", type_, nullable)
            for j, (type_, nullable) in enumerate(
                draw(st.lists(st.tuples(st.sampled_from(TYPES), st.booleans()), min_size=1, max_size=4))
            )
        )
        tables.append(TableSpec(name, columns, link[1] if link and link[0] == name else None))
    return Schema(tuple(tables))


@st.composite
def datasets(draw: Any, schema: Schema) -> dict[str, list[dict[str, Any]]]:
    """Rows per table, parents first; a `ref` is NULL or an existing parent id."""
    data: dict[str, list[dict[str, Any]]] = {}
    order = sorted(schema.tables, key=lambda t: t.ref is not None)
    for spec in order:
        ids = draw(st.lists(st.integers(-50, 50), max_size=7, unique=True))
        rows = []
        for id_ in ids:
            row: dict[str, Any] = {"id": id_}
            if spec.ref:
                parent_ids = [r["id"] for r in data[spec.ref]]
                choices = st.none() | st.sampled_from(parent_ids) if parent_ids else st.none()
                row["ref"] = draw(choices)
            for c in spec.columns:
                value = VALUES[c.type]
                row[c.name] = draw(st.none() | value if c.nullable else value)
            rows.append(row)
        data[spec.name] = rows
    return {t.name: data[t.name] for t in schema.tables}


# --- the expression AST ---------------------------------------------------------------


class Node:
    """Base of the AST. Subclasses are frozen dataclasses with `render(r)`."""

    def render(self, r: Renderer) -> Any:
        raise NotImplementedError


class Expr(Node):
    """An expression; its type tag `type` is a class attribute, or a field where it varies."""


@dataclass(frozen=True)
class ExprKind:
    cls: type[Expr]
    types: frozenset[str]
    leaf: bool
    group_only: bool
    window_only: bool
    breadth: bool


EXPRESSIONS: list[ExprKind] = []


def expression(
    *types: str,
    leaf: bool = False,
    group_only: bool = False,
    window_only: bool = False,
    breadth: bool = False,
    when: bool = True,
) -> Callable[[type[Expr]], type[Expr]]:
    """Registers an Expr class as a generator of expressions of these type tags.
    `breadth`: drawn more often by the breadth test; `when`: False leaves the
    class unregistered (a construct cormorant does not have yet)."""

    def register(cls: type[Expr]) -> type[Expr]:
        if when:
            EXPRESSIONS.append(ExprKind(cls, frozenset(types), leaf, group_only, window_only, breadth))
        return cls

    return register


def cormorant_has(*names: str) -> bool:
    """Whether cormorant has these top-level names. SQLFUZZ_ALL_CONSTRUCTS=1
    registers every construct regardless (for a run rendering SQLAlchemy twice,
    SQLFUZZ_SELF_CHECK=1, which checks that the generators are well-formed)."""
    if os.environ.get("SQLFUZZ_ALL_CONSTRUCTS") == "1":
        return True
    import cormorant

    return all(hasattr(cormorant, n) for n in names)


def cormorant_has_windows() -> bool:
    if os.environ.get("SQLFUZZ_ALL_CONSTRUCTS") == "1":
        return True
    import cormorant

    try:
        cormorant.func.row_number().over()
    except NotImplementedError:
        return False
    return True


def cormorant_has_cte() -> bool:
    if os.environ.get("SQLFUZZ_ALL_CONSTRUCTS") == "1":
        return True
    import cormorant

    return hasattr(cormorant.Select, "cte")


@dataclass(frozen=True)
class ColRef:
    source: str  # a table name or a subquery's alias
    name: str
    type: str


@dataclass
class Scope:
    columns: list[ColRef]
    mode: str = "row"  # "row", or "group": columns are the GROUP BY keys, aggregates allowed
    inner: Scope | None = None  # in "group" mode, the row scope aggregates read
    outer_tables: frozenset[str] = frozenset()  # tables of enclosing SELECTs (no reuse in subqueries)
    subquery_depth: int = 0
    window: bool = False  # window functions allowed (a plain SELECT's columns)
    tiebreak: list[ColRef] = field(default_factory=list)  # columns telling the rows apart

    def of_type(self, type_: str) -> list[ColRef]:
        return [c for c in self.columns if c.type == type_]


@dataclass(frozen=True)
class EntityColumns:
    """A mapped class or aliased() entity where `r.froms` holds a FromClause:
    `.c[name]` is the entity's attribute `name`."""

    entity: Any

    @property
    def c(self) -> EntityColumns:
        return self

    def __getitem__(self, name: str) -> Any:
        return getattr(self.entity, name)


def _is_element(value: Any) -> bool:
    return hasattr(value, "_datum") or hasattr(value, "__clause_element__") or hasattr(value, "compile")


class Renderer:
    """Renders AST nodes with the module `m` (cormorant or sqlalchemy)."""

    def __init__(self, m: Any, tables: dict[str, Any]) -> None:
        self.m = m
        self.froms: dict[str, Any] = dict(tables)
        self.classes: dict[str, Any] = {}

    def mapped(self, table: str) -> Any:
        """A class mapped (declaratively, `__table__`) to the table named `table`."""
        if not self.classes:
            metadata = next(iter(self.froms.values())).metadata
            self.base = type("Base", (self.m.orm.DeclarativeBase,), {"metadata": metadata})
        if table not in self.classes:
            self.classes[table] = type(table.upper(), (self.base,), {"__table__": self.froms[table]})
        return self.classes[table]

    def el(self, node: Expr) -> Any:
        """`node` rendered as a SQL element (a raw Python literal is wrapped in literal())."""
        value = node.render(self)
        return value if _is_element(value) else self.m.literal(value)

    def pair(self, left: Expr, right: Expr) -> tuple[Any, Any]:
        """Both operands; the left one wrapped when neither is a SQL element."""
        lv, rv = left.render(self), right.render(self)
        if not _is_element(lv) and not _is_element(rv):
            lv = self.m.literal(lv)
        return lv, rv

    def select(self, node: Select) -> Any:
        return node.render(self)


@expression(*TYPES, leaf=True)
@dataclass(frozen=True)
class Col(Expr):
    ref: ColRef

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.ref.type

    def render(self, r: Renderer) -> Any:
        return r.froms[self.ref.source].c[self.ref.name]

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        candidates = scope.of_type(type_)
        return cls(g.draw(st.sampled_from(candidates))) if candidates else None


@expression(*TYPES, leaf=True)
@dataclass(frozen=True)
class Lit(Expr):
    value: Any
    type: str
    wrap: bool  # literal(value) rather than the raw Python value

    def render(self, r: Renderer) -> Any:
        return r.m.literal(self.value) if self.wrap else self.value

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        return cls(g.draw(VALUES[type_]), type_, g.draw(st.booleans()))


COMPARISONS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@expression("bool")
@dataclass(frozen=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr
    type = "bool"

    def render(self, r: Renderer) -> Any:
        return COMPARISONS[self.op](*r.pair(self.left, self.right))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        operand = g.draw(st.sampled_from(TYPES))
        ops = ["==", "!="] if operand == "bool" else list(COMPARISONS)
        right_type = g.draw(st.sampled_from(NUMERIC)) if operand in NUMERIC else operand
        return cls(
            g.draw(st.sampled_from(ops)), g.expr(scope, operand, depth), g.expr(scope, right_type, depth)
        )


@expression("bool")
@dataclass(frozen=True)
class BoolOp(Expr):
    op: str  # "and" / "or"
    items: tuple[Expr, ...]
    style: str  # "function" (and_/or_) or "operator" (& / |)
    type = "bool"

    def render(self, r: Renderer) -> Any:
        if self.style == "operator":
            result = r.el(self.items[0])
            for item in self.items[1:]:
                result = (result & r.el(item)) if self.op == "and" else (result | r.el(item))
            return result
        fn = r.m.and_ if self.op == "and" else r.m.or_
        return fn(*(r.el(i) for i in self.items))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        n = g.draw(st.integers(2, 3))
        return cls(
            g.draw(st.sampled_from(["and", "or"])),
            tuple(g.expr(scope, "bool", depth) for _ in range(n)),
            g.draw(st.sampled_from(["function", "operator"])),
        )


@expression("bool")
@dataclass(frozen=True)
class Not(Expr):
    item: Expr
    style: str  # "function" (not_) or "operator" (~)
    type = "bool"

    def render(self, r: Renderer) -> Any:
        return r.m.not_(r.el(self.item)) if self.style == "function" else ~r.el(self.item)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        return cls(g.expr(scope, "bool", depth), g.draw(st.sampled_from(["function", "operator"])))


@expression("bool")
@dataclass(frozen=True)
class IsNull(Expr):
    item: Expr
    form: str  # is_, is_not, eq_none, ne_none
    type = "bool"

    def render(self, r: Renderer) -> Any:
        el = r.el(self.item)
        if self.form == "is_":
            return el.is_(None)
        if self.form == "is_not":
            return el.is_not(None)
        return operator.eq(el, None) if self.form == "eq_none" else operator.ne(el, None)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        item = g.expr(scope, g.draw(st.sampled_from(TYPES)), depth)
        if isinstance(item, Not):
            # SQLAlchemy renders not_(x).is_(None) as "NOT x IS NULL", which both
            # databases read as NOT (x IS NULL): a precedence slip of SQLAlchemy's
            # that cormorant does not copy ("(NOT x) IS NULL").
            return None
        return cls(item, g.draw(st.sampled_from(["is_", "is_not", "eq_none", "ne_none"])))


@expression("bool")
@dataclass(frozen=True)
class InList(Expr):
    item: Expr
    values: tuple[Any, ...]
    negate: bool
    type = "bool"

    def render(self, r: Renderer) -> Any:
        el = r.el(self.item)
        return el.not_in(list(self.values)) if self.negate else el.in_(list(self.values))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        item_type = g.draw(st.sampled_from(TYPES))
        values = g.draw(st.lists(VALUES[item_type], max_size=4))
        return cls(g.expr(scope, item_type, depth), tuple(values), g.draw(st.booleans()))


@expression("bool")
@dataclass(frozen=True)
class Between(Expr):
    item: Expr
    lower: Expr
    upper: Expr
    style: str  # "method" or "function"
    type = "bool"

    def render(self, r: Renderer) -> Any:
        el = r.el(self.item)
        lo, hi = self.lower.render(r), self.upper.render(r)
        return el.between(lo, hi) if self.style == "method" else r.m.between(el, lo, hi)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        t = g.draw(st.sampled_from(["int", "float", "str"]))
        bound = g.draw(st.sampled_from(NUMERIC)) if t in NUMERIC else t
        return cls(
            g.expr(scope, t, depth),
            g.expr(scope, bound, depth),
            g.expr(scope, bound, depth),
            g.draw(st.sampled_from(["method", "function"])),
        )


@expression("bool")
@dataclass(frozen=True)
class Like(Expr):
    item: Expr
    method: str  # like, ilike, not_like, not_ilike
    pattern: str
    escape: str | None
    type = "bool"

    def render(self, r: Renderer) -> Any:
        kw = {"escape": self.escape} if self.escape is not None else {}
        return getattr(r.el(self.item), self.method)(self.pattern, **kw)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        escape = g.draw(st.none() | st.sampled_from(ESCAPES))
        alphabet = ["%", "_", "a", "b", "A", "é", "'", "\\", escape or "\\"]
        pattern = g.draw(st.text(alphabet=st.sampled_from(alphabet), max_size=6))
        method = g.draw(st.sampled_from(["like", "ilike", "not_like", "not_ilike"]))
        return cls(g.expr(scope, "str", depth), method, pattern, escape)


@expression("bool")
@dataclass(frozen=True)
class Affix(Expr):
    item: Expr
    method: str  # contains, startswith, endswith
    value: str
    autoescape: bool
    escape: str | None
    type = "bool"

    def render(self, r: Renderer) -> Any:
        kw: dict[str, Any] = {"autoescape": True} if self.autoescape else {}
        if self.escape is not None:
            kw["escape"] = self.escape
        return getattr(r.el(self.item), self.method)(self.value, **kw)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        autoescape = g.draw(st.booleans())
        # without autoescape an explicit escape character must not end the pattern
        escape = g.draw(st.none() | st.sampled_from(ESCAPES)) if autoescape else None
        value = g.draw(st.text(alphabet=st.sampled_from(["%", "_", "a", "b", "/", "\\", "^"]), max_size=4))
        method = g.draw(st.sampled_from(["contains", "startswith", "endswith"]))
        return cls(g.expr(scope, "str", depth), method, value, autoescape, escape)


ARITHMETIC = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
}


@expression("int", "float")
@dataclass(frozen=True)
class Arith(Expr):
    op: str
    left: Expr
    right: Expr
    type: str

    def render(self, r: Renderer) -> Any:
        return ARITHMETIC[self.op](*r.pair(self.left, self.right))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        if type_ == "int":
            op = g.draw(st.sampled_from(["+", "-", "*", "//", "%"]))
            return cls(op, g.expr(scope, "int", depth), g.expr(scope, "int", depth), "int")
        op = g.draw(st.sampled_from(["+", "-", "*", "/"]))
        lt, rt = g.draw(
            st.sampled_from([("float", "float"), ("int", "float"), ("float", "int"), ("int", "int")])
        )
        if (lt, rt) == ("int", "int") and op != "/":
            return None
        return cls(op, g.expr(scope, lt, depth), g.expr(scope, rt, depth), "float")


@expression("int", "float")
@dataclass(frozen=True)
class Neg(Expr):
    item: Expr
    type: str

    def render(self, r: Renderer) -> Any:
        return -r.el(self.item)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        return cls(g.expr(scope, type_, depth), type_)


@expression("str")
@dataclass(frozen=True)
class Concat(Expr):
    left: Expr
    right: Expr
    style: str  # "+" or "concat"
    type = "str"

    def render(self, r: Renderer) -> Any:
        if self.style == "concat":
            return r.el(self.left).concat(self.right.render(r))
        return operator.add(*r.pair(self.left, self.right))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        left, right = g.expr(scope, "str", depth), g.expr(scope, "str", depth)
        # `+` means || only between expressions SQLAlchemy types as strings: it
        # leaves func.lower() / func.upper() (and a subquery's column of one)
        # untyped, and NULLTYPE + x is SQL's +.
        typed = all(is_string_typed(e) for e in (left, right))
        return cls(left, right, g.draw(st.sampled_from(["+", "concat"])) if typed else "concat")


def is_string_typed(e: Expr) -> bool:
    """Whether SQLAlchemy types `e` as a string (so that `+` means ||)."""
    if isinstance(e, (Lit, TypeCoerce, CastTo)):
        return True
    return isinstance(e, Col) and e.ref.source in TABLE_NAMES


# name -> (argument type tag(s) by result type tag)
SCALAR_FUNCTIONS = {
    "lower": {"str": "str"},
    "upper": {"str": "str"},
    "length": {"int": "str"},
    "abs": {"int": "int", "float": "float"},
}


@expression("int", "float", "str", "bool")
@dataclass(frozen=True)
class Func(Expr):
    name: str
    args: tuple[Expr, ...]
    type: str

    def render(self, r: Renderer) -> Any:
        return getattr(r.m.func, self.name)(*(a.render(r) for a in self.args))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        names = [n for n, sig in SCALAR_FUNCTIONS.items() if type_ in sig] + ["coalesce"]
        name = g.draw(st.sampled_from(names))
        if name == "coalesce":
            n = g.draw(st.integers(2, 3))
            return cls(name, tuple(g.expr_or_null(scope, type_, depth) for _ in range(n)), type_)
        return cls(name, (g.expr(scope, SCALAR_FUNCTIONS[name][type_], depth),), type_)


AGGREGATES = {
    "count": ("int", TYPES),
    "sum": (None, NUMERIC),  # result: the argument's type
    "min": (None, ("int", "float", "str")),
    "max": (None, ("int", "float", "str")),
    "avg": ("float", NUMERIC),
}


@expression("int", "float", "str", group_only=True)
@dataclass(frozen=True)
class Agg(Expr):
    name: str
    arg: Expr | None  # None: count(*) as func.count()
    type: str
    distinct: str | None = None  # "function" (func.count(distinct(x))), "method" (x.distinct()) or None

    def render(self, r: Renderer) -> Any:
        fn = getattr(r.m.func, self.name)
        if self.arg is None:
            return fn()
        arg = r.el(self.arg)
        if self.distinct == "function":
            arg = r.m.distinct(arg)
        elif self.distinct == "method":
            arg = arg.distinct()
        return fn(arg)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        assert scope.inner is not None
        names = [
            n
            for n, (result, args) in AGGREGATES.items()
            if (result == type_) or (result is None and type_ in args)
        ]
        if not names:
            return None
        name = g.draw(st.sampled_from(names))
        result, arg_types = AGGREGATES[name]
        if name == "count" and g.draw(st.booleans()):
            return cls("count", None, "int")
        arg_type = type_ if result is None else g.draw(st.sampled_from(arg_types))
        distinct = g.draw(st.sampled_from([None, None, "function", "method"]))
        return cls(name, g.expr(scope.inner, arg_type, depth), type_, distinct)


@expression("int", "float", "str", "bool")
@dataclass(frozen=True)
class ScalarSubquery(Expr):
    select: Select
    type: str

    def render(self, r: Renderer) -> Any:
        return r.select(self.select).scalar_subquery()

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        stmt = g.subselect(scope, single=type_, one_row=True)
        return cls(stmt, type_) if stmt is not None else None


@expression("bool")
@dataclass(frozen=True)
class InSelect(Expr):
    item: Expr
    select: Select
    negate: bool
    type = "bool"

    def render(self, r: Renderer) -> Any:
        el, sub = r.el(self.item), r.select(self.select)
        return el.not_in(sub) if self.negate else el.in_(sub)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        item_type = g.draw(st.sampled_from(["int", "float", "str"]))
        stmt = g.subselect(scope, single=item_type, one_row=False)
        if stmt is None:
            return None
        return cls(g.expr(scope, item_type, depth), stmt, g.draw(st.booleans()))


@expression("bool")
@dataclass(frozen=True)
class Exists(Expr):
    select: Select
    negate: bool
    type = "bool"
    style: str = "method"  # "method" (stmt.exists()) or "function" (exists(stmt))

    def render(self, r: Renderer) -> Any:
        stmt = r.select(self.select)
        exists = stmt.exists() if self.style == "method" else r.m.exists(stmt)
        return ~exists if self.negate else exists

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        stmt = g.subselect(scope, single=None, one_row=False)
        if stmt is None:
            return None
        return cls(stmt, g.draw(st.booleans()), g.draw(st.sampled_from(["method", "function"])))


# --- constructs of issue 15 (drawn more often by the breadth test) -------------------


@expression(*TYPES, breadth=True)
@dataclass(frozen=True)
class CaseWhen(Expr):
    """case((cond, value), ..., else_=...); values may be raw Python values."""

    whens: tuple[tuple[Expr, Expr], ...]
    else_: Expr | None
    type: str

    def render(self, r: Renderer) -> Any:
        whens = [(r.el(cond), value.render(r)) for cond, value in self.whens]
        if self.else_ is None:
            return r.m.case(*whens)
        return r.m.case(*whens, else_=self.else_.render(r))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        whens = tuple(
            (g.expr(scope, "bool", depth), g.expr_or_null(scope, type_, depth))
            for _ in range(g.draw(st.integers(1, 3)))
        )
        else_ = g.expr_or_null(scope, type_, depth) if g.draw(st.booleans()) else None
        return cls(whens, else_, type_)


@expression(*TYPES, breadth=True)
@dataclass(frozen=True)
class CaseValue(Expr):
    """case({key: value, ...}, value=subject, else_=...): keys are Python values."""

    subject: Expr
    mapping: tuple[tuple[Any, Expr], ...]
    else_: Expr | None
    type: str

    def render(self, r: Renderer) -> Any:
        whens = {key: value.render(r) for key, value in self.mapping}
        if self.else_ is None:
            return r.m.case(whens, value=r.el(self.subject))
        return r.m.case(whens, value=r.el(self.subject), else_=self.else_.render(r))

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        subject_type = g.draw(st.sampled_from(["int", "str"]))
        keys = g.draw(st.lists(VALUES[subject_type], min_size=1, max_size=3, unique=True))
        mapping = tuple((key, g.expr_or_null(scope, type_, depth)) for key in keys)
        else_ = g.expr_or_null(scope, type_, depth) if g.draw(st.booleans()) else None
        return cls(g.expr(scope, subject_type, depth), mapping, else_, type_)


# cast() targets: SQLAlchemy type name -> type tag of the result
CAST_TARGETS = {"Integer": "int", "String": "str", "Float": "float", "Numeric": "float"}
# what may be cast to each target without failing on most values: PostgreSQL
# refuses boolean -> float / numeric, and text -> number for most strings
# (a string is cast to a number only as a literal of digits)
CAST_SOURCES = {"Integer": ("int", "float", "bool"), "Float": ("int", "float"), "Numeric": ("int", "float")}
NUMBER_STRINGS = st.one_of(
    st.integers(-99, 99).map(str),
    st.integers(-400, 400).map(lambda i: str(i / 4)),
    st.sampled_from([" 7", "1e3"]),
)


@expression("int", "float", "str", breadth=True)
@dataclass(frozen=True)
class CastTo(Expr):
    item: Expr
    target: str  # a key of CAST_TARGETS
    raw: bool  # cast(python_value, ...) rather than cast(element, ...)

    @property
    def type(self) -> str:  # type: ignore[override]
        return CAST_TARGETS[self.target]

    def render(self, r: Renderer) -> Any:
        item = self.item.render(r) if self.raw else r.el(self.item)
        return r.m.cast(item, getattr(r.m, self.target)())

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        target = g.draw(st.sampled_from([t for t, tag in CAST_TARGETS.items() if tag == type_]))
        if target != "String" and g.draw(st.integers(0, 4)) == 0:
            text = g.draw(NUMBER_STRINGS)
            # Open difference (cast of a Python value): SQLAlchemy binds cast("2.5",
            # Integer)'s value as the target type, CAST(%(p)s::INTEGER AS INTEGER),
            # so PostgreSQL refuses it when binding, even where the CASE or EXISTS
            # around it never evaluates it; cormorant binds it as a string and
            # PostgreSQL refuses it only when evaluated. A raw string cast to
            # Integer is therefore always a valid integer.
            wrap = g.draw(st.booleans())
            if target == "Integer" and not wrap:
                text = str(g.draw(st.integers(-99, 99)))
            item: Expr = Lit(text, "str", wrap)
        else:
            item = g.expr(scope, g.draw(st.sampled_from(CAST_SOURCES.get(target, TYPES))), depth)
        return cls(item, target, isinstance(item, Lit) and not item.wrap)


TYPE_NAMES = {"int": "Integer", "str": "String", "float": "Float", "bool": "Boolean"}


@expression(*TYPES, breadth=True, when=cormorant_has("type_coerce"))
@dataclass(frozen=True)
class TypeCoerce(Expr):
    """type_coerce(expr, T) with T the type of its own tag: types an untyped
    expression (func.lower(), a subquery's column) without SQL of its own."""

    item: Expr
    type: str

    def render(self, r: Renderer) -> Any:
        return r.m.type_coerce(self.item.render(r), getattr(r.m, TYPE_NAMES[self.type])())

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        return cls(g.expr(scope, type_, depth), type_)


@expression("int", "float", "str", leaf=True)
@dataclass(frozen=True)
class LiteralColumn(Expr):
    """literal_column(sql_text) with or without a type: a number, or a quoted word."""

    text: str
    typed: bool
    type: str

    def render(self, r: Renderer) -> Any:
        if not self.typed:
            return r.m.literal_column(self.text)
        return r.m.literal_column(self.text, getattr(r.m, TYPE_NAMES[self.type])())

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        if type_ == "int":
            text = str(g.draw(st.integers(0, 99)))
        elif type_ == "float":
            text = str(g.draw(st.integers(0, 400)) / 4)
        else:
            text = "'" + g.draw(st.text(alphabet="abcAB _%", max_size=4)) + "'"
        return cls(text, g.draw(st.booleans()), type_)


@dataclass(frozen=True)
class Null(Expr):
    """null(): not registered, as SQLAlchemy refuses it as an operand of most
    operators; drawn by `Gen.expr_or_null` where it is valid (CASE results,
    coalesce() arguments) and by CompareNull."""

    type: str

    def render(self, r: Renderer) -> Any:
        return r.m.null()


@expression("bool", breadth=True)
@dataclass(frozen=True)
class CompareNull(Expr):
    """x == null() / x != null() / null() == x: IS NULL / IS NOT NULL."""

    item: Expr
    op: str
    null_first: bool
    type = "bool"

    def render(self, r: Renderer) -> Any:
        left, right = (r.m.null(), r.el(self.item)) if self.null_first else (r.el(self.item), r.m.null())
        return COMPARISONS[self.op](left, right)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        item = g.expr(scope, g.draw(st.sampled_from(TYPES)), depth)
        if isinstance(item, Not):
            return None  # the precedence slip of SQLAlchemy's explained in IsNull
        return cls(item, g.draw(st.sampled_from(["==", "!="])), g.draw(st.booleans()))


@expression("bool", leaf=True)
@dataclass(frozen=True)
class TrueFalse(Expr):
    value: bool
    type = "bool"

    def render(self, r: Renderer) -> Any:
        return r.m.true() if self.value else r.m.false()

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        return cls(g.draw(st.booleans()))


@expression("bool", breadth=True)
@dataclass(frozen=True)
class NegatedPredicate(Expr):
    """~ of a comparison, IN, BETWEEN or LIKE (SQLAlchemy inverts the operator)."""

    item: Expr
    type = "bool"

    def render(self, r: Renderer) -> Any:
        return ~r.el(self.item)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        kind = g.draw(st.sampled_from([Compare, InList, Between, Like, InSelect]))
        item = kind.generate(g, scope, "bool", depth)  # type: ignore[attr-defined]
        return cls(item) if item is not None else None


WINDOW_FUNCTIONS = {"row_number": "int", "rank": "int", "dense_rank": "int", "sum": None, "count": "int"}


@expression("int", "float", window_only=True, breadth=True, when=cormorant_has_windows())
@dataclass(frozen=True)
class Window(Expr):
    """func.f(...).over(partition_by=..., order_by=...) in a plain SELECT's columns.
    row_number() is ordered by the rows' tiebreakers too, so that it is deterministic."""

    name: str
    arg: Expr | None
    partition_by: tuple[Expr, ...]
    order_by: tuple[OrderItem, ...]
    type: str

    def render(self, r: Renderer) -> Any:
        fn = getattr(r.m.func, self.name)
        call = fn() if self.arg is None else fn(r.el(self.arg))
        kw: dict[str, Any] = {}
        if self.partition_by:
            kw["partition_by"] = [r.el(e) for e in self.partition_by]
        if self.order_by:
            kw["order_by"] = [o.render(r) for o in self.order_by]
        return call.over(**kw)

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        names = [n for n, t in WINDOW_FUNCTIONS.items() if t == type_ or (t is None and type_ in NUMERIC)]
        name = g.draw(st.sampled_from(names))
        plain = Scope(scope.columns, "row", None, scope.outer_tables, scope.subquery_depth)
        arg = None
        if name == "sum":
            arg = g.expr(plain, type_, depth)
        elif name == "count":
            arg = g.expr(plain, g.draw(st.sampled_from(TYPES)), depth)
        partition_by = tuple(Col(c) for c in g.draw(st.lists(st.sampled_from(plain.columns), max_size=2)))
        order_by = [
            OrderItem(
                g.expr(plain, g.draw(st.sampled_from(["int", "str"])), 1),
                g.draw(st.sampled_from(["asc", "desc"])),
                None,
                "method",
            )
            for _ in range(g.draw(st.integers(0 if name in ("sum", "count") else 1, 2)))
        ]
        if name == "row_number":
            order_by += [OrderItem(Col(c), None, None, "method") for c in scope.tiebreak]
        return cls(name, arg, partition_by, tuple(order_by), type_)


# --- FROM sources and the SELECT statement -------------------------------------------------


class Source(Node):
    """Something in FROM. `render(r)`, called before the columns are, registers
    in `r.froms` the names its columns are read under and returns the FROM
    object; `apply` adds that object to a SELECT."""

    def apply(self, r: Renderer, stmt: Any, rendered: Any) -> Any:
        return stmt.select_from(rendered)

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        raise NotImplementedError

    def tables(self) -> frozenset[str]:
        raise NotImplementedError

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        """Columns whose values, taken together, tell every row of this source apart."""
        raise NotImplementedError


@dataclass(frozen=True)
class TableSource(Source):
    name: str

    def render(self, r: Renderer) -> Any:
        return r.froms[self.name]

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.name, c.name, c.type) for c in schema.table(self.name).all_columns]

    def tables(self) -> frozenset[str]:
        return frozenset([self.name])

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.name, "id", "int")]


@dataclass(frozen=True)
class JoinSource(Source):
    left: str
    right: str
    child: str  # the table holding `ref`
    explicit_on: bool  # ON child.ref == parent.id given, or inferred from the foreign key
    isouter: bool
    style: str  # "select_from" (left.join(right)), "join_from", "join" (select_from(left).join(right))

    def render(self, r: Renderer) -> Any:
        return None  # applied by apply()

    def onclause(self, r: Renderer) -> Any:
        if not self.explicit_on:
            return None
        parent = self.right if self.child == self.left else self.left
        return r.froms[self.child].c.ref == r.froms[parent].c.id

    def apply(self, r: Renderer, stmt: Any, rendered: Any) -> Any:
        left, right, on = r.froms[self.left], r.froms[self.right], self.onclause(r)
        if self.style == "select_from":
            return stmt.select_from(left.join(right, on, isouter=self.isouter))
        if self.style == "join_from":
            return stmt.join_from(left, right, on, isouter=self.isouter)
        return stmt.select_from(left).join(right, on, isouter=self.isouter)

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return TableSource(self.left).scope_columns(schema) + TableSource(self.right).scope_columns(schema)

    def tables(self) -> frozenset[str]:
        return frozenset([self.left, self.right])

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.left, "id", "int"), ColRef(self.right, "id", "int")]


@dataclass(frozen=True)
class SubquerySource(Source):
    select: Select
    alias: str

    def render(self, r: Renderer) -> Any:
        sub = r.select(self.select).subquery(self.alias)
        r.froms[self.alias] = sub
        return sub

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.alias, key, item.type) for item, key in self.select.keyed_columns()]

    def tables(self) -> frozenset[str]:
        return frozenset()

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return self.scope_columns(schema)


@dataclass(frozen=True)
class SourceKind:
    cls: type[Source]
    breadth: bool


SOURCES: list[SourceKind] = []  # the first ones (plain table, join, subquery) shrink best


def source(breadth: bool = False, when: bool = True) -> Callable[[type[Source]], type[Source]]:
    """Registers a Source class drawn by `Gen.source` (its `generate(g, depth)`)."""

    def register(cls: type[Source]) -> type[Source]:
        if when:
            SOURCES.append(SourceKind(cls, breadth))
        return cls

    return register


def _table_source(g: Gen, depth: int) -> Source | None:
    return TableSource(g.draw(st.sampled_from([t.name for t in g.schema.tables])))


def _join_source(g: Gen, depth: int) -> Source | None:
    linked = [t for t in g.schema.tables if t.ref]
    if not linked:
        return None
    child = linked[0]
    assert child.ref is not None
    left, right = g.draw(st.permutations([child.name, child.ref]))
    return JoinSource(
        left,
        right,
        child.name,
        g.draw(st.booleans()),
        g.draw(st.booleans()),
        g.draw(st.sampled_from(JOIN_STYLES)),
    )


def _subquery_source(g: Gen, depth: int) -> Source | None:
    if depth >= MAX_SUBQUERY_DEPTH:
        return None
    inner = g.select(g.source(depth + 1), subquery_depth=depth + 1, dedup=True)
    return SubquerySource(inner, g.alias())


TableSource.generate = staticmethod(_table_source)  # type: ignore[attr-defined]
JoinSource.generate = staticmethod(_join_source)  # type: ignore[attr-defined]
SubquerySource.generate = staticmethod(_subquery_source)  # type: ignore[attr-defined]
SOURCES += [SourceKind(TableSource, False), SourceKind(JoinSource, False), SourceKind(SubquerySource, False)]


def joined(r: Renderer, stmt: Any, left: Any, right: Any, on: Any, isouter: bool, style: str) -> Any:
    """`left` joined to `right` added to `stmt`, in one of SQLAlchemy's three spellings."""
    if style == "select_from":
        return stmt.select_from(left.join(right, on, isouter=isouter))
    if style == "join_from":
        return stmt.join_from(left, right, on, isouter=isouter)
    return stmt.select_from(left).join(right, on, isouter=isouter)


JOIN_STYLES = ["select_from", "join_from", "join"]


@source(breadth=True)
@dataclass(frozen=True)
class AliasJoinSource(Source):
    """A table joined to itself on a drawn condition: through table.alias()
    (Core), or through orm.aliased() of a class mapped to the table (`orm`),
    the columns then read as the entities' attributes."""

    table: str
    alias: str  # the key of the alias's columns; also its SQL name when `named`
    named: bool
    on: Expr
    isouter: bool
    style: str
    orm: bool = False

    def render(self, r: Renderer) -> Any:
        name = self.alias if self.named else None
        if self.orm:  # the table's own columns stay Table columns: other sources read them
            r.froms[self.alias] = EntityColumns(r.m.orm.aliased(r.mapped(self.table), name=name))
        else:
            r.froms[self.alias] = r.froms[self.table].alias(name)
        return None

    def apply(self, r: Renderer, stmt: Any, rendered: Any) -> Any:
        left, right = r.froms[self.table], r.froms[self.alias]
        if self.orm:
            left, right = r.mapped(self.table), right.entity
        return joined(r, stmt, left, right, r.el(self.on), self.isouter, self.style)

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        own = TableSource(self.table).scope_columns(schema)
        return own + [ColRef(self.alias, c.name, c.type) for c in own]

    def tables(self) -> frozenset[str]:
        return frozenset([self.table])

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.table, "id", "int"), ColRef(self.alias, "id", "int")]

    @classmethod
    def generate(cls, g: Gen, depth: int) -> Source | None:
        table = g.draw(st.sampled_from([t.name for t in g.schema.tables]))
        alias = g.alias()
        partial = cls(table, alias, True, Lit(True, "bool", True), False, "join")
        scope = Scope(partial.scope_columns(g.schema), outer_tables=frozenset([table]), subquery_depth=depth)
        named, on = g.draw(st.booleans()), g.expr(scope, "bool", 2)
        # with entities, a lone attribute as ON would be read as a relationship
        orm = g.draw(st.booleans()) and not isinstance(on, Col)
        # a mapped class has no .join(): orm.join(), which cormorant lacks, would be needed
        style = g.draw(st.sampled_from(JOIN_STYLES[1:] if orm else JOIN_STYLES))
        return cls(table, alias, named, on, g.draw(st.booleans()), style, orm)


@source(breadth=True)
@dataclass(frozen=True)
class SubqueryJoinSource(Source):
    """A table joined to a subquery (either side first) on a drawn condition,
    the subquery's columns (expression columns too) read through `.c`."""

    table: str
    select: Select
    alias: str
    table_first: bool
    on: Expr
    isouter: bool
    style: str

    def render(self, r: Renderer) -> Any:
        r.froms[self.alias] = r.select(self.select).subquery(self.alias)
        return None

    def apply(self, r: Renderer, stmt: Any, rendered: Any) -> Any:
        table, sub = r.froms[self.table], r.froms[self.alias]
        left, right = (table, sub) if self.table_first else (sub, table)
        return joined(r, stmt, left, right, r.el(self.on), self.isouter, self.style)

    def subquery(self) -> SubquerySource:
        return SubquerySource(self.select, self.alias)

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return TableSource(self.table).scope_columns(schema) + self.subquery().scope_columns(schema)

    def tables(self) -> frozenset[str]:
        return frozenset([self.table])

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.table, "id", "int"), *self.subquery().tiebreakers(schema)]

    @classmethod
    def generate(cls, g: Gen, depth: int) -> Source | None:
        if depth >= MAX_SUBQUERY_DEPTH:
            return None
        inner = g.select(g.source(depth + 1), subquery_depth=depth + 1, dedup=True)
        table = g.draw(st.sampled_from([t.name for t in g.schema.tables]))
        alias = g.alias()
        partial = cls(table, inner, alias, True, Lit(True, "bool", True), False, "join")
        scope = Scope(partial.scope_columns(g.schema), outer_tables=frozenset([table]), subquery_depth=depth)
        return cls(
            table,
            inner,
            alias,
            g.draw(st.booleans()),
            g.expr(scope, "bool", 2),
            g.draw(st.booleans()),
            g.draw(st.sampled_from(JOIN_STYLES)),
        )


SET_OPERATIONS = ["union", "union_all", "intersect", "except_"]


@source(breadth=True, when=cormorant_has("union", "union_all", "intersect", "except_"))
@dataclass(frozen=True)
class SetOpSource(Source):
    """union / union_all / intersect / except_ (function or method form) of
    SELECTs with the same column type tags, read as a subquery or a CTE."""

    op: str
    selects: tuple[Select, ...]
    alias: str
    style: str  # "function" (union(a, b)) or "method" (a.union(b))
    as_cte: bool

    def render(self, r: Renderer) -> Any:
        first, *rest = (r.select(s) for s in self.selects)
        compound = (
            getattr(r.m, self.op)(first, *rest)
            if self.style == "function"
            else getattr(first, self.op)(*rest)
        )
        r.froms[self.alias] = compound.cte(self.alias) if self.as_cte else compound.subquery(self.alias)
        return r.froms[self.alias]

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.alias, key, item.type) for item, key in self.selects[0].keyed_columns()]

    def tables(self) -> frozenset[str]:
        return frozenset()

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return self.scope_columns(schema)

    @classmethod
    def generate(cls, g: Gen, depth: int) -> Source | None:
        if depth >= MAX_SUBQUERY_DEPTH:
            return None
        types = g.draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3))
        selects = tuple(
            g.select(g.source(depth + 1), subquery_depth=depth + 1, types=types)
            for _ in range(g.draw(st.integers(2, 3)))
        )
        op = g.draw(st.sampled_from(SET_OPERATIONS))
        style = g.draw(st.sampled_from(["function", "method"]))
        as_cte = g.draw(st.booleans()) and cormorant_has_cte()
        return cls(op, selects, g.alias(), style, as_cte)


@source(breadth=True, when=cormorant_has_cte())
@dataclass(frozen=True)
class CteSource(SubquerySource):
    """select(...).cte(name) read in FROM."""

    def render(self, r: Renderer) -> Any:
        r.froms[self.alias] = r.select(self.select).cte(self.alias)
        return r.froms[self.alias]

    @classmethod
    def generate(cls, g: Gen, depth: int) -> Source | None:
        if depth >= MAX_SUBQUERY_DEPTH:
            return None
        inner = g.select(g.source(depth + 1), subquery_depth=depth + 1, dedup=True)
        return cls(inner, g.alias())


@source(breadth=True, when=cormorant_has_cte())
@dataclass(frozen=True)
class RecursiveCteSource(Source):
    """WITH RECURSIVE: a table's (id, column) rows as (n, v), then (n + step, v)
    while n < bound; read in FROM."""

    table: str
    column: ColumnSpec
    alias: str
    step: int
    bound: int

    def render(self, r: Renderer) -> Any:
        table = r.froms[self.table]
        anchor = r.m.select(table.c.id.label("n"), table.c[self.column.name].label("v"))
        cte = anchor.cte(self.alias, recursive=True)
        step = r.m.select((cte.c.n + self.step).label("n"), cte.c.v).where(cte.c.n < self.bound)
        r.froms[self.alias] = cte.union_all(step)
        return r.froms[self.alias]

    def scope_columns(self, schema: Schema) -> list[ColRef]:
        return [ColRef(self.alias, "n", "int"), ColRef(self.alias, "v", self.column.type)]

    def tables(self) -> frozenset[str]:
        return frozenset()

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return self.scope_columns(schema)

    @classmethod
    def generate(cls, g: Gen, depth: int) -> Source | None:
        spec = g.draw(st.sampled_from(g.schema.tables))
        column = g.draw(st.sampled_from(spec.all_columns))
        return cls(spec.name, column, g.alias(), g.draw(st.integers(5, 20)), g.draw(st.integers(-20, 30)))


@dataclass(frozen=True)
class OrderItem:
    expr: Expr | None  # None: by `label`
    direction: str | None  # "asc", "desc" or None
    nulls: str | None  # "first", "last" or None
    style: str  # "method" (expr.desc()) or "function" (desc(expr))
    label: str | None = None  # order_by("x0") / desc("x0"): a selected column's label or name

    def render(self, r: Renderer) -> Any:
        if self.expr is None:
            return self.render_label(r)
        el = r.el(self.expr)
        if self.direction is not None:
            el = getattr(el, self.direction)() if self.style == "method" else getattr(r.m, self.direction)(el)
        if self.nulls is not None:
            el = getattr(el, f"nulls_{self.nulls}")()
        return el

    def render_label(self, r: Renderer) -> Any:
        if self.direction is None:
            return self.label
        el = getattr(r.m, self.direction)(self.label)
        return getattr(el, f"nulls_{self.nulls}")() if self.nulls is not None else el


@dataclass(frozen=True)
class Select(Node):
    source: Source
    columns: tuple[tuple[Expr, str | None], ...]  # (expression, label); None only for a Col
    where: Expr | None = None
    group_by: tuple[Expr, ...] = ()
    having: Expr | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
    total_order: bool = False  # the ORDER BY tells every row apart: compare rows in order

    def keyed_columns(self) -> list[tuple[Expr, str]]:
        """Each column with its key in `.subquery().c`: its label, else the
        column's name, made unique as SQLAlchemy does (id, id_1)."""
        keys: list[tuple[Expr, str]] = []
        taken: set[str] = set()
        for e, label in self.columns:
            key = label or unlabelled_name(e)
            n = 0
            while key in taken:
                n += 1
                key = f"{label or unlabelled_name(e)}_{n}"
            taken.add(key)
            keys.append((e, key))
        return keys

    def render(self, r: Renderer) -> Any:
        rendered = self.source.render(r)
        items = [r.el(e) if label is None else r.el(e).label(label) for e, label in self.columns]
        stmt = self.source.apply(r, r.m.select(*items), rendered)
        if self.where is not None:
            stmt = stmt.where(r.el(self.where))
        if self.group_by:
            stmt = stmt.group_by(*(r.el(e) for e in self.group_by))
        if self.having is not None:
            stmt = stmt.having(r.el(self.having))
        if self.order_by:
            stmt = stmt.order_by(*(o.render(r) for o in self.order_by))
        if self.limit is not None:
            stmt = stmt.limit(self.limit)
        if self.offset is not None:
            stmt = stmt.offset(self.offset)
        return stmt


def has_aggregate(node: Any) -> bool:
    """Whether an aggregate occurs in `node`, outside nested SELECTs."""
    if isinstance(node, Agg):
        return True
    if isinstance(node, (tuple, list)):
        return any(has_aggregate(n) for n in node)
    if isinstance(node, Node) and not isinstance(node, Select):
        return any(has_aggregate(getattr(node, f)) for f in node.__dataclass_fields__)  # type: ignore[attr-defined]
    return False


def unlabelled_name(e: Expr) -> str:
    """The name of an unlabelled column (only a Col goes unlabelled)."""
    assert isinstance(e, Col)
    return e.ref.name


@dataclass
class Scenario:
    schema: Schema
    data: dict[str, list[dict[str, Any]]]
    select: Select
    more: tuple[Select, ...] = ()  # further statements on the same tables (the breadth test)

    @property
    def selects(self) -> tuple[Select, ...]:
        return (self.select, *self.more)


# --- generation -------------------------------------------------------------------


MAX_SUBQUERY_DEPTH = 2


@dataclass
class Gen:
    """Draws AST nodes for one scenario; `draw` is hypothesis's."""

    draw: Any
    schema: Schema
    aliases: list[str] = field(default_factory=list)
    breadth: bool = False  # draw the constructs of issue 15 (ExprKind.breadth) more often

    def expr(self, scope: Scope, type_: str, depth: int) -> Expr:
        kinds = [
            k
            for k in EXPRESSIONS
            if type_ in k.types
            and (depth > 0 or k.leaf)
            and (scope.mode == "group" or not k.group_only)
            and (scope.window or not k.window_only)
        ]
        if self.breadth:
            kinds += [k for k in kinds if k.breadth]
        kind = self.draw(st.sampled_from(kinds))
        node = kind.cls.generate(self, scope, type_, depth - 1)  # type: ignore[attr-defined]
        if node is None:  # this construct cannot make a `type_` here: a literal
            node = Lit(self.draw(VALUES[type_]), type_, True)
        return node

    def expr_or_null(self, scope: Scope, type_: str, depth: int) -> Expr:
        """An expression, or (sometimes, with `breadth`) null()."""
        if self.breadth and self.draw(st.integers(0, 4)) == 0:
            return Null(type_)
        return self.expr(scope, type_, depth)

    def alias(self) -> str:
        self.aliases.append(f"sq{len(self.aliases)}")
        return self.aliases[-1]

    def subselect(self, scope: Scope, single: str | None, one_row: bool) -> Select | None:
        """A SELECT nested in an expression: over tables no enclosing SELECT
        reads, its WHERE may reference the enclosing scope's columns."""
        if scope.subquery_depth >= MAX_SUBQUERY_DEPTH:
            return None
        taken = scope.outer_tables
        free = [t.name for t in self.schema.tables if t.name not in taken]
        if not free:
            return None
        table = self.draw(st.sampled_from(free))
        correlated = [c for c in scope.columns] if self.draw(st.booleans()) else []
        return self.select(
            TableSource(table),
            outer_tables=taken | {table},
            correlated=correlated,
            single=single,
            one_row=one_row,
            subquery_depth=scope.subquery_depth + 1,
        )

    def source(self, subquery_depth: int) -> Source:
        """A FROM source; with `breadth`, the constructs of issue 15 are drawn more often."""
        kinds = [k.cls for k in SOURCES]
        if self.breadth:
            kinds += [k.cls for k in SOURCES if k.breadth] * 2
        made = self.draw(st.sampled_from(kinds)).generate(self, subquery_depth)  # type: ignore[attr-defined]
        return made if made is not None else _table_source(self, subquery_depth)  # type: ignore[return-value]

    def select(
        self,
        source: Source,
        outer_tables: frozenset[str] = frozenset(),
        correlated: list[ColRef] | None = None,
        single: str | None = None,
        one_row: bool = False,
        subquery_depth: int = 0,
        dedup: bool = False,
        types: list[str] | None = None,
    ) -> Select:
        """A SELECT from `source`. `single`: exactly one column of that type
        tag; `one_row`: at most one row (an aggregate, or LIMIT 1); `dedup`:
        a subquery, whose unlabelled columns may share a name (SQLAlchemy then
        keys them id, id_1); `types`: a set operation's member, plain columns
        of these type tags and no ORDER BY / LIMIT."""
        draw = self.draw
        member = types is not None
        tiebreak = source.tiebreakers(self.schema)
        row = Scope(
            source.scope_columns(self.schema),
            outer_tables=outer_tables | source.tables(),
            subquery_depth=subquery_depth,
        )
        where_scope = Scope(row.columns + (correlated or []), "row", None, row.outer_tables, subquery_depth)
        where = self.expr(where_scope, "bool", 3) if draw(st.booleans()) else None
        modes = ["plain", "grouped", "aggregate"]
        if single is not None and one_row:
            modes = ["aggregate", "plain"]  # plain: made one row by LIMIT 1
        mode = "plain" if types is not None else draw(st.sampled_from(modes))
        group_by: list[Expr] = []
        having = None
        columns: list[tuple[Expr, str | None]] = []
        if mode == "plain":
            scope = row
            column_scope = Scope(
                row.columns, "row", None, row.outer_tables, subquery_depth, window=True, tiebreak=tiebreak
            )
            if types is None:
                types = [single] if single else draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=4))
            for i, t in enumerate(types):
                node = self.expr(column_scope, t, 2)
                # Only a column goes unlabelled. Open difference (result naming): an
                # unlabelled type_coerce(t0.id) next to t0.id is keyed id, id_1 by
                # SQLAlchemy and id, id by cormorant. Functions and other unnamed
                # expressions are keyed as SQLAlchemy keys them (length_1, anon_1;
                # tests-py/sql/test_compile.py compares those).
                unlabelled = isinstance(node, Col)
                columns.append((node, None if unlabelled and draw(st.booleans()) else f"x{i}"))
        else:
            keys: list[ColRef] = []
            if mode == "grouped":
                keys = draw(st.lists(st.sampled_from(row.columns), min_size=1, max_size=2, unique=True))
                group_by = [Col(k) for k in keys]
            scope = Scope(keys, "group", row, row.outer_tables, subquery_depth)
            if single is None:
                columns = [(Col(k), f"k{i}") for i, k in enumerate(keys)]
                types = draw(st.lists(st.sampled_from(TYPES), min_size=0 if keys else 1, max_size=3))
            else:
                types = [single]
            for i, t in enumerate(types):
                columns.append((self.expr(scope, t, 2), f"x{i}"))
            # Python's SQLite (3.31) refuses HAVING without GROUP BY or an aggregate;
            # cormorant's newer SQLite accepts it: not a difference of the libraries'
            aggregated = group_by or any(has_aggregate(e) for e, _ in columns)
            if aggregated and draw(st.booleans()):
                having = self.expr(scope, "bool", 2)
        # an unlabelled expression has no name to clash with (its key is numbered)
        names = [
            label or (unlabelled_name(e) if isinstance(e, Col) else f"#{i}")
            for i, (e, label) in enumerate(columns)
        ]
        labels = [label for _, label in columns if label is not None]
        # a subquery's unlabelled columns may share a name; a label never may
        clash = len(set(names)) < len(names) and (not dedup or any(names.count(n) > 1 for n in labels))
        if clash:
            columns = [(e, label or f"x{i}") for i, (e, label) in enumerate(columns)]
        if member:  # SQLite refuses ORDER BY / LIMIT in a member of a compound SELECT
            order_by: list[OrderItem] = []
            limit = offset = None
            total = False
        else:
            order_by, limit, offset, total = self.ordering(mode, scope, columns, tiebreak, one_row)
        return Select(
            source,
            tuple(columns),
            where,
            tuple(group_by),
            having,
            tuple(order_by),
            limit,
            offset,
            total_order=total,
        )

    def ordering(
        self,
        mode: str,
        scope: Scope,
        columns: list[tuple[Expr, str | None]],
        tiebreak: list[ColRef],
        one_row: bool,
    ) -> tuple[list[OrderItem], int | None, int | None, bool]:
        """ORDER BY (some keys of the user's, by expression or by a selected
        label, then when wanted what makes the order total), LIMIT, OFFSET."""
        draw = self.draw
        order_by = []
        for _ in range(draw(st.integers(0, 2))):
            direction = draw(st.sampled_from([None, "asc", "desc"]))
            nulls = draw(st.sampled_from([None, None, "first", "last"]))
            # ORDER BY a name: a label, or an unlabelled column's name
            names = [label or unlabelled_name(e) for e, label in columns if label or isinstance(e, Col)]
            unique = [n for n in names if names.count(n) == 1]
            if unique and draw(st.integers(0, 3)) == 0:
                name = draw(st.sampled_from(unique))
                order_by.append(OrderItem(None, direction, nulls if direction else None, "function", name))
            else:
                expr = self.expr(scope, draw(st.sampled_from(["int", "float", "str"])), 1)
                order_by.append(
                    OrderItem(expr, direction, nulls, draw(st.sampled_from(["method", "function"])))
                )
        if mode == "grouped":
            tiebreak = scope.columns  # the GROUP BY keys
        elif mode == "aggregate":
            tiebreak = []  # one row
        limit = offset = None
        total = mode == "aggregate" or one_row or draw(st.booleans())
        if total:
            order_by += [OrderItem(Col(c), None, None, "method") for c in tiebreak]
            if one_row:  # an "aggregate" SELECT without an aggregate has a row per row read
                limit = 1
            elif mode != "aggregate" and draw(st.booleans()):
                limit = draw(st.integers(0, 5))
            if mode != "aggregate" and draw(st.booleans()):
                offset = draw(st.integers(0, 3))
        return order_by, limit, offset, total


@st.composite
def scenarios(draw: Any, breadth: bool = False, statements: int = 1) -> Scenario:
    """A schema, its rows and `statements` SELECTs over them; `breadth` draws
    the constructs of issue 15 (CASE, CAST, window functions, set operations,
    CTEs, self-joins...) more often."""
    schema = draw(schemas())
    data = draw(datasets(schema))
    g = Gen(draw, schema, breadth=breadth)
    selects = [g.select(g.source(0)) for _ in range(statements)]
    return Scenario(schema, data, selects[0], tuple(selects[1:]))


# --- comparing results -------------------------------------------------------------------


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    def key(v: Any) -> tuple[Any, ...]:
        if v is None:
            return (0,)
        if isinstance(v, (float, decimal.Decimal)) and not isinstance(v, bool):
            return (1, "number", float(f"{float(v):.6g}"))
        return (1, type(v).__name__, v)

    return tuple(key(v) for v in row)


def same_value(a: Any, b: Any) -> bool:
    """Equal values of the same Python type; floats within a relative 1e-9.

    One deliberate exception: SQLAlchemy leaves a few boolean expressions
    untyped (between(), not_() of and_() / or_()), so on SQLite it returns
    their 0 / 1 as an int; cormorant types them Boolean and returns a bool.
    A bool from cormorant where SQLAlchemy gave the equal int 0 or 1 passes."""
    if type(a) is int and type(b) is bool and a in (0, 1):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, decimal.Decimal):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def row_differences(expected: list[tuple[Any, ...]], got: list[tuple[Any, ...]], ordered: bool) -> list[str]:
    """What differs between SQLAlchemy's rows and cormorant's; empty when they match."""
    if not ordered:
        expected, got = sorted(expected, key=_sort_key), sorted(got, key=_sort_key)
    if len(expected) != len(got):
        return [f"{len(expected)} rows from SQLAlchemy, {len(got)} from cormorant"]
    problems = []
    for i, (e, g) in enumerate(zip(expected, got)):
        if len(e) != len(g) or not all(same_value(a, b) for a, b in zip(e, g)):
            problems.append(f"row {i}: SQLAlchemy {e!r} != cormorant {g!r}")
    return problems
