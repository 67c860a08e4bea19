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
Statement-level clauses (a new SELECT option) are fields of `Select`, drawn
in `Gen.select` and applied in `Select.render`.
"""

from __future__ import annotations

import decimal
import math
import operator
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


EXPRESSIONS: list[ExprKind] = []


def expression(
    *types: str, leaf: bool = False, group_only: bool = False
) -> Callable[[type[Expr]], type[Expr]]:
    """Registers an Expr class as a generator of expressions of these type tags."""

    def register(cls: type[Expr]) -> type[Expr]:
        EXPRESSIONS.append(ExprKind(cls, frozenset(types), leaf, group_only))
        return cls

    return register


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

    def of_type(self, type_: str) -> list[ColRef]:
        return [c for c in self.columns if c.type == type_]


def _is_element(value: Any) -> bool:
    return hasattr(value, "_datum") or hasattr(value, "__clause_element__") or hasattr(value, "compile")


class Renderer:
    """Renders AST nodes with the module `m` (cormorant or sqlalchemy)."""

    def __init__(self, m: Any, tables: dict[str, Any]) -> None:
        self.m = m
        self.froms: dict[str, Any] = dict(tables)

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
        typed = all(
            isinstance(e, Lit) or (isinstance(e, Col) and e.ref.source in TABLE_NAMES) for e in (left, right)
        )
        return cls(left, right, g.draw(st.sampled_from(["+", "concat"])) if typed else "concat")


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
            return cls(name, tuple(g.expr(scope, type_, depth) for _ in range(n)), type_)
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

    def render(self, r: Renderer) -> Any:
        fn = getattr(r.m.func, self.name)
        return fn() if self.arg is None else fn(r.el(self.arg))

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
        return cls(name, g.expr(scope.inner, arg_type, depth), type_)


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

    def render(self, r: Renderer) -> Any:
        exists = r.select(self.select).exists()
        return ~exists if self.negate else exists

    @classmethod
    def generate(cls, g: Gen, scope: Scope, type_: str, depth: int) -> Expr | None:
        stmt = g.subselect(scope, single=None, one_row=False)
        return cls(stmt, g.draw(st.booleans())) if stmt is not None else None


# --- FROM sources and the SELECT statement -------------------------------------------------


class Source(Node):
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
        raise AssertionError("a join is applied by Select.render")

    def onclause(self, r: Renderer) -> Any:
        if not self.explicit_on:
            return None
        parent = self.right if self.child == self.left else self.left
        return r.froms[self.child].c.ref == r.froms[parent].c.id

    def apply(self, r: Renderer, stmt: Any) -> Any:
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
        return [ColRef(self.alias, label, item.type) for item, label in self.select.labelled_columns()]

    def tables(self) -> frozenset[str]:
        return frozenset()

    def tiebreakers(self, schema: Schema) -> list[ColRef]:
        return self.scope_columns(schema)


@dataclass(frozen=True)
class OrderItem:
    expr: Expr
    direction: str | None  # "asc", "desc" or None
    nulls: str | None  # "first", "last" or None
    style: str  # "method" (expr.desc()) or "function" (desc(expr))

    def render(self, r: Renderer) -> Any:
        el = r.el(self.expr)
        if self.direction is not None:
            el = getattr(el, self.direction)() if self.style == "method" else getattr(r.m, self.direction)(el)
        if self.nulls is not None:
            el = getattr(el, f"nulls_{self.nulls}")()
        return el


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

    def labelled_columns(self) -> list[tuple[Expr, str]]:
        return [(e, label or e.ref.name) for e, label in self.columns]  # type: ignore[attr-defined]

    def render(self, r: Renderer) -> Any:
        source = None if isinstance(self.source, JoinSource) else self.source.render(r)
        items = [r.el(e) if label is None else r.el(e).label(label) for e, label in self.columns]
        stmt = r.m.select(*items)
        if isinstance(self.source, JoinSource):
            stmt = self.source.apply(r, stmt)
        else:
            stmt = stmt.select_from(source)
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


@dataclass
class Scenario:
    schema: Schema
    data: dict[str, list[dict[str, Any]]]
    select: Select


# --- generation -------------------------------------------------------------------


MAX_SUBQUERY_DEPTH = 2


@dataclass
class Gen:
    """Draws AST nodes for one scenario; `draw` is hypothesis's."""

    draw: Any
    schema: Schema
    aliases: list[str] = field(default_factory=list)

    def expr(self, scope: Scope, type_: str, depth: int) -> Expr:
        kinds = [
            k
            for k in EXPRESSIONS
            if type_ in k.types and (depth > 0 or k.leaf) and (scope.mode == "group" or not k.group_only)
        ]
        kind = self.draw(st.sampled_from(kinds))
        node = kind.cls.generate(self, scope, type_, depth - 1)  # type: ignore[attr-defined]
        if node is None:  # this construct cannot make a `type_` here: a literal
            node = Lit(self.draw(VALUES[type_]), type_, True)
        return node

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
        tables = [t.name for t in self.schema.tables]
        kinds = ["table"]
        linked = [t for t in self.schema.tables if t.ref]
        if linked:
            kinds.append("join")
        if subquery_depth < MAX_SUBQUERY_DEPTH:
            kinds.append("subquery")
        kind = self.draw(st.sampled_from(kinds))
        if kind == "join":
            child = linked[0]
            left, right = self.draw(st.permutations([child.name, child.ref]))
            return JoinSource(
                left,
                right,
                child.name,
                self.draw(st.booleans()),
                self.draw(st.booleans()),
                self.draw(st.sampled_from(["select_from", "join_from", "join"])),
            )
        if kind == "subquery":
            inner = self.select(self.source(subquery_depth + 1), subquery_depth=subquery_depth + 1)
            return SubquerySource(inner, self.alias())
        return TableSource(self.draw(st.sampled_from(tables)))

    def select(
        self,
        source: Source,
        outer_tables: frozenset[str] = frozenset(),
        correlated: list[ColRef] | None = None,
        single: str | None = None,
        one_row: bool = False,
        subquery_depth: int = 0,
    ) -> Select:
        """A SELECT from `source`. `single`: exactly one column of that type
        tag; `one_row`: at most one row (an aggregate, or LIMIT 1)."""
        draw = self.draw
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
        mode = draw(st.sampled_from(modes))
        group_by: list[Expr] = []
        having = None
        columns: list[tuple[Expr, str | None]] = []
        if mode == "plain":
            scope = row
            types = [single] if single else draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=4))
            for i, t in enumerate(types):
                node = self.expr(scope, t, 2)
                columns.append((node, None if isinstance(node, Col) and draw(st.booleans()) else f"x{i}"))
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
            if draw(st.booleans()):
                having = self.expr(scope, "bool", 2)
        if len({label or e.ref.name for e, label in columns}) < len(columns):  # type: ignore[attr-defined]
            columns = [(e, label or f"x{i}") for i, (e, label) in enumerate(columns)]

        # ORDER BY: some keys of the user's, then (when wanted) what makes the order total
        order_by = [
            OrderItem(
                self.expr(scope, draw(st.sampled_from(["int", "float", "str"])), 1),
                draw(st.sampled_from([None, "asc", "desc"])),
                draw(st.sampled_from([None, None, "first", "last"])),
                draw(st.sampled_from(["method", "function"])),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        if mode == "plain":
            tiebreak = source.tiebreakers(self.schema)
        elif mode == "grouped":
            tiebreak = keys
        else:
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


@st.composite
def scenarios(draw: Any) -> Scenario:
    schema = draw(schemas())
    data = draw(datasets(schema))
    g = Gen(draw, schema)
    select = g.select(g.source(0))
    return Scenario(schema, data, select)


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
