"""SQL expression elements: columns, bound values, operators, functions,
labels and text. Each element describes itself as a *datum*: a nested tuple
that is both the structural cache key and the input of the native compiler.
Bound values never enter the datum; they are collected on the side."""

from __future__ import annotations

import copy
import decimal
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..exc import ArgumentError, CompileError
from .sqltypes import (
    JSON,
    Boolean,
    Concatenable,
    Float,
    Integer,
    NullType,
    Numeric,
    String,
    TypeEngine,
    resolve_variant,
    to_instance,
)
from .type_api import TupleType
from .type_operators import TypeOperators
from .visitors import Visitable

if TYPE_CHECKING:
    from typing_extensions import Self

    from .base import FromClause
    from .cache_key import CacheKey
    from .compiler import SQLCompiler
    from .selectable import Select

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


def convert_bind(processor: Callable[[Any], Any], value: Any, type_: Any, label: str | None) -> Any:
    """`value` through its type's bind processor; an error it raises (a value
    the type cannot take, say) becomes StatementError naming the column (or
    parameter) and the value's type, as SQLAlchemy wraps it, unless it is a
    cormorant error already or its class mixes in DontWrapMixin. None stays
    SQL NULL unless the type binds it (JSON's null)."""
    if value is None and not type_.binds_none:
        return None
    try:
        return processor(value)
    except Exception as e:
        from ..exc import CormorantError, DontWrapMixin, StatementError

        if isinstance(e, (DontWrapMixin, CormorantError)):
            raise

        where = f"column '{label}'" if label else "a bound parameter"
        raise StatementError(
            f"({type(e).__module__}.{type(e).__name__}) {type(type_).__name__} value for {where}: {e}",
            None,
            None,
            e,
        ) from e


def bind_processors(named: dict[str, tuple[TypeEngine, str]], dialect: str) -> dict[str, Any]:
    """Named bind key -> its type's converter (raising StatementError), for the binds that have one."""
    processors = {}
    for key, (type_, label) in named.items():
        processor = type_._bind_processor(dialect)
        if processor is not None:
            processors[key] = functools.partial(convert_bind, processor, type_=type_, label=label)
    return processors


class BindCollector:
    """Collects bound values while a statement is turned into its datum.

    A collector made for display (`display=True`, see sql/compiler.py) names
    anonymous binds as SQLAlchemy shows them (`:id_1`, `:param_1`), keeps the
    values as given rather than converted for the driver, and types no bind."""

    __slots__ = (
        "values",
        "dialect",
        "named",
        "_count",
        "correlate",
        "display",
        "types",
        "_anonymous_counts",
        "_anonymous_froms",
        "label_scope",
        "ctes",
    )

    def __init__(self, dialect: str, display: bool = False) -> None:
        self.values: dict[str, Any] = {}
        self.dialect = dialect
        # Named binds, whose values arrive at execution: key -> (type, label).
        self.named: dict[str, tuple[TypeEngine, str]] = {}
        self._count = 0
        # The FROM items of the SELECT enclosing the one being turned into its
        # datum: what a subquery in its WHERE or columns auto-correlates to.
        self.correlate: Sequence[Any] = ()
        self.display = display
        self.types: dict[str, TypeEngine] = {}  # display only: each bind's type, for literal_binds
        # Anonymous names given, per base name, and to which alias or subquery:
        # made on first use, as most statements have none.
        self._anonymous_counts: dict[str, int] | None = None
        self._anonymous_froms: dict[int, str] | None = None
        # While a SELECT's ORDER BY / GROUP BY is turned into its datum: its
        # columns by label or name, which order_by("name") refers to.
        self.label_scope: dict[str, ColumnElement[Any]] | None = None
        # The CTEs the statement's WITH clauses gather (selectable.CteCollector),
        # None until the outermost statement begins its datum.
        self.ctes: Any = None

    def add(self, value: Any, type_: TypeEngine, label: str | None = None) -> tuple[Any, ...]:
        """An anonymous bind of `value`; `label` names its column in errors."""
        if self.display:
            return self._display_bind(self._anonymous_name(label or "param"), value, type_)
        key = f"%{self._count}"
        self._count += 1
        type_ = resolve_variant(type_, self.dialect)
        processor = type_._bind_processor(self.dialect)
        if processor is not None:
            value = convert_bind(processor, value, type_, label)
        self.values[key] = value
        if self.dialect == "postgresql" and not isinstance(type_, NullType):
            return ("bind", key, type_._bind_ddl(self.dialect))
        return ("bind", key)

    def add_value(self, value: Any, type_: TypeEngine, column_key: str) -> tuple[Any, ...]:
        """The bind of a value given for a column in INSERT ... VALUES or UPDATE
        ... SET: shown as `:column_key`, as SQLAlchemy names it."""
        if self.display:
            return self._display_bind(column_key, value, type_)
        return self.add(value, type_, column_key)

    def bind(self, key: str, type_: TypeEngine, label: str | None = None) -> tuple[Any, ...]:
        """A bind's datum. On PostgreSQL a typed bind renders `$n::TYPE`, as
        SQLAlchemy's PostgreSQL dialects cast their parameters."""
        type_ = resolve_variant(type_, self.dialect)
        self.named[key] = (type_, label or key)
        if self.display:
            self.types[key] = type_
            self.values.setdefault(key, None)
            return ("bind", key)
        if self.dialect == "postgresql" and not isinstance(type_, NullType):
            return ("bind", key, type_._bind_ddl(self.dialect))
        return ("bind", key)

    def from_name(self, from_: Any, base: str) -> str:
        """The name of an unnamed alias or subquery in this statement: `base_1`,
        `base_2`... in the order they are met, as SQLAlchemy names them."""
        froms = self._anonymous_froms
        if froms is None:
            froms = self._anonymous_froms = {}
        name = froms.get(id(from_))
        if name is None:
            name = froms[id(from_)] = self._anonymous_name(base)
        return name

    def anonymous_name(self, base: str) -> str:
        """A name for something unnamed in this statement: base_1, base_2..."""
        return self._anonymous_name(base)

    def _anonymous_name(self, base: str) -> str:
        counts = self._anonymous_counts
        if counts is None:
            counts = self._anonymous_counts = {}
        count = counts[base] = counts.get(base, 0) + 1
        return f"{base}_{count}"

    def _display_bind(self, key: str, value: Any, type_: TypeEngine) -> tuple[Any, ...]:
        self.values[key] = value
        self.types[key] = type_
        return ("bind", key)


class ClauseElement(Visitable):
    """Base of everything that can appear in a SQL statement."""

    __slots__ = ()
    __visit_name__ = "clause"

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        raise NotImplementedError(type(self).__name__)

    def _memo_key(self, param_keys: Sequence[str]) -> Any:
        """Statements whose compiled form and values may be remembered on the
        object return what tells their compilations apart; others None."""
        return None

    def _from_objects(self) -> list[FromClause]:
        return []

    def compile(self, bind: Any = None, dialect: Any = None, **kw: Any) -> SQLCompiler:
        """This statement or expression compiled for reading: for `dialect`
        (cormorant.dialects.postgresql.dialect(), sqlite.dialect()), for the
        dialect of `bind` (an Engine or Connection), or in SQLAlchemy's default
        string form. `compile_kwargs={"literal_binds": True}` writes the bound
        values inline."""
        from .compiler import SQLCompiler

        return SQLCompiler(self, dialect if dialect is not None else getattr(bind, "dialect", None), **kw)

    def __str__(self) -> str:
        return self.compile().string

    def _generate_cache_key(self) -> CacheKey:
        """The structural key this statement is cached under (its datum, with
        values left out) and its bound parameters."""
        from .cache_key import cache_key_of

        return cache_key_of(self)


class Executable(ClauseElement):
    """A statement a Connection or Session runs: SELECT, INSERT, UPDATE,
    DELETE, text(), DDL, savepoints. It carries execution options."""

    __slots__ = ()
    _execution_options: dict[str, Any]

    def execution_options(self, **options: Any) -> Self:
        """A copy with these execution options added (yield_per, stream_results...)."""
        clone = getattr(self, "_clone", None)
        new = clone() if clone is not None else copy.copy(self)
        new._execution_options = {**self._execution_options, **options}
        return new

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)


def is_table_column(element: Any) -> bool:
    """Whether `element` is a column of a table, alias or subquery (or an ORM
    attribute of one), rather than an expression: what SQLAlchemy names by itself."""
    column = getattr(element, "column", element)  # an ORM attribute's column
    return getattr(column, "table", None) is not None and isinstance(getattr(column, "name", None), str)


def is_named_column(element: Any) -> bool:
    """A table's column, or a column()/literal_column() standing alone: what a
    unary operator passes its name through from (-users.id is keyed id)."""
    from .selectable import ColumnClause

    column = getattr(element, "column", element)
    return is_table_column(column) or isinstance(column, (LiteralColumn, ColumnClause))


def _label_of(element: Any) -> str | None:
    """What a value compared with `element` is named after: a column's key
    (which also says which column a bad value was meant for) or a function's
    name, as SQLAlchemy names such binds (:id_1, :count_1)."""
    column = getattr(element, "column", element)  # an ORM attribute's column
    if getattr(column, "table", None) is not None:
        return getattr(column, "key", None)
    from .functions import FunctionElement

    return element.name if isinstance(element, FunctionElement) else None


def coerce(value: Any, type_: TypeEngine | None = None, label: str | None = None) -> ColumnElement[Any]:
    """Turns a Python value (or anything with __clause_element__) into an element.
    An untyped bindparam() takes the type of what it is compared or assigned to."""
    if isinstance(value, BindParameter) and isinstance(value.type, NullType) and type_ is not None:
        return BindParameter(value.key, value.value, type_, label or value.column_label)
    if isinstance(value, ColumnElement):
        return value
    clause = getattr(value, "__clause_element__", None)
    if clause is not None:  # an ORM attribute, or anything standing for a column expression
        element: ColumnElement[Any] = clause()
        return element
    if value is None:
        return BindParameter(None, None, type_, label) if type_ is not None and type_.binds_none else Null()
    return BindParameter(None, value, type_ if type_ is not None else _type_of_value(value), label)


def _type_of_value(value: Any) -> TypeEngine:
    """The type a Python value is bound as on its own; an int beyond 32 bits
    is a BigInteger, as SQLAlchemy's Integer resolves such a literal."""
    from .sqltypes import BigInteger, type_for_python

    if type(value) is int and value.bit_length() >= 32:
        return BigInteger()
    found = type_for_python(type(value))
    if found is None:  # a value that knows its SQL type (a PostgreSQL Range)
        literal_type = getattr(value, "_literal_type", None)
        found = literal_type() if literal_type is not None else NullType()
    return found


def _compared_type(type_: TypeEngine, value: Any) -> TypeEngine:
    """The type a Python value compared with (or combined with) an expression
    of `type_` is bound as: `type_`, except a float next to an integer
    expression, which stays a Float, an int next to a Float or Numeric one,
    which stays an Integer, and any value next to an untyped one
    (func.length(...) + 0.25), which takes its own type, as SQLAlchemy's
    coerce_compared_value does: `int_col < 1.5` does not compare with 1.5 cast
    to 2, nor does PostgreSQL read 0.25 as an integer."""
    if isinstance(type_, Integer) and isinstance(value, float):
        return Float()
    if isinstance(type_, (Float, Numeric)) and type(value) is int:
        return _type_of_value(value)  # an int next to a Float / Numeric stays an Integer
    if isinstance(type_, NullType):
        return _type_of_value(value)
    if type(type_).coerce_compared_value is not TypeEngine.coerce_compared_value:
        return type_.coerce_compared_value(None, value)  # a TypeDecorator or a user type
    return type_


def _is_null(value: Any) -> bool:
    """None or null(): what == and != turn into IS / IS NOT (on the right only, as SQLAlchemy)."""
    return value is None or isinstance(value, Null)


class ColumnOperators(TypeOperators):
    """The Python operators that build SQL expressions."""

    __slots__ = ()
    type: TypeEngine

    def _binary(self, op: str, other: Any, result_type: TypeEngine | None = None) -> BinaryExpression:
        this = coerce(self)
        other_el = (
            Null() if other is None else coerce(other, _compared_type(this.type, other), _label_of(this))
        )  # IS NULL, even for JSON
        return BinaryExpression(this, op, other_el, result_type or Boolean())

    def __eq__(self, other: Any) -> BinaryExpression:  # type: ignore[override]
        return self._binary("IS", None) if _is_null(other) else self._binary("=", other)

    def __ne__(self, other: Any) -> BinaryExpression:  # type: ignore[override]
        return self._binary("IS NOT", None) if _is_null(other) else self._binary("!=", other)

    def __lt__(self, other: Any) -> BinaryExpression:
        return self._binary("<", other)

    def __le__(self, other: Any) -> BinaryExpression:
        return self._binary("<=", other)

    def __gt__(self, other: Any) -> BinaryExpression:
        return self._binary(">", other)

    def __ge__(self, other: Any) -> BinaryExpression:
        return self._binary(">=", other)

    def _arith(self, op: str, other: Any, reverse: bool = False) -> BinaryExpression:
        this = coerce(self)
        other_el = coerce(other, _compared_type(this.type, other), _label_of(this))
        left, right = (other_el, this) if reverse else (this, other_el)
        return BinaryExpression(left, op, right, _arith_type(op, this.type, other_el.type))

    def __add__(self, other: Any) -> BinaryExpression:
        if isinstance(coerce(self).type, Concatenable):
            return self._arith("||", other)
        return self._arith("+", other)

    def __radd__(self, other: Any) -> BinaryExpression:
        if isinstance(coerce(self).type, Concatenable):
            return self._arith("||", other, reverse=True)
        return self._arith("+", other, reverse=True)

    def __sub__(self, other: Any) -> BinaryExpression:
        return self._arith("-", other)

    def __rsub__(self, other: Any) -> BinaryExpression:
        return self._arith("-", other, reverse=True)

    def __mul__(self, other: Any) -> BinaryExpression:
        return self._arith("*", other)

    def __lshift__(self, other: Any) -> ColumnElement[Any]:
        """A range's strictly_left_of(); no meaning elsewhere."""
        if "strictly_left_of" not in type(coerce(self).type)._operators:
            raise NotImplementedError("Operator 'lshift' is not supported on this expression")
        result: ColumnElement[Any] = self._type_operator("strictly_left_of", other)
        return result

    def __rshift__(self, other: Any) -> ColumnElement[Any]:
        """A range's strictly_right_of(); no meaning elsewhere."""
        if "strictly_right_of" not in type(coerce(self).type)._operators:
            raise NotImplementedError("Operator 'rshift' is not supported on this expression")
        result: ColumnElement[Any] = self._type_operator("strictly_right_of", other)
        return result

    def _type_operator(self, name: str, *args: Any, **kw: Any) -> Any:
        """The expression the type's operator `name` builds (TypeOperators' methods)."""
        this = coerce(self)
        operator = type(this.type)._operators.get(name)
        if operator is None:
            raise AttributeError(
                f"Neither {type(self).__name__!r} object nor 'Comparator' object has an attribute {name!r}"
            )
        return operator(this.type, this, *args, **kw)

    def __rmul__(self, other: Any) -> BinaryExpression:
        return self._arith("*", other, reverse=True)

    def _truediv(self, other: Any, reverse: bool) -> BinaryExpression:
        """True division, as in SQLAlchemy 2.0: the divisor is always made
        non-integer (TrueDivisor) so that 7 / 2 is 3.5; integer / integer is a
        Numeric, and an integer over an untyped divisor stays an Integer."""
        expr = self._arith("/", other, reverse)
        left, right = expr.left, expr.right
        type_: TypeEngine = left.type
        if isinstance(left.type, Float) or isinstance(right.type, Float):
            type_ = Float()
        elif isinstance(left.type, Integer) and isinstance(right.type, (Integer, Numeric)):
            type_ = right.type if isinstance(right.type, Numeric) else Numeric()
        return BinaryExpression(left, "/", TrueDivisor(right), type_)

    def __truediv__(self, other: Any) -> BinaryExpression:
        return self._truediv(other, reverse=False)

    def __rtruediv__(self, other: Any) -> BinaryExpression:
        return self._truediv(other, reverse=True)

    def _floordiv(self, other: Any, reverse: bool) -> ColumnElement[Any]:
        """Floor division, as in SQLAlchemy 2.0: integer / integer is SQL's
        integer division; otherwise FLOOR(a / b)."""
        expr = self._arith("/", other, reverse)
        if isinstance(expr.left.type, Integer) and isinstance(expr.right.type, Integer):
            return BinaryExpression(expr.left, "/", expr.right, expr.type)
        from .functions import Function

        return Function("FLOOR", expr, type_=expr.type)

    def __floordiv__(self, other: Any) -> ColumnElement[Any]:
        return self._floordiv(other, reverse=False)

    def __rfloordiv__(self, other: Any) -> ColumnElement[Any]:
        return self._floordiv(other, reverse=True)

    def __mod__(self, other: Any) -> BinaryExpression:
        return self._arith("%", other)

    def __rmod__(self, other: Any) -> BinaryExpression:
        return self._arith("%", other, reverse=True)

    def __neg__(self) -> UnaryExpression:
        return UnaryExpression("neg", coerce(self), coerce(self).type)

    def __invert__(self) -> ColumnElement[Any]:
        return not_(self)

    def __and__(self, other: Any) -> BooleanClauseList:
        return and_(self, other)

    def __or__(self, other: Any) -> BooleanClauseList:
        return or_(self, other)

    def concat(self, other: Any) -> BinaryExpression:
        return self._arith("||", other)

    def _like(self, op: str, pattern: Any, escape: str | None) -> BinaryExpression:
        if escape is None:
            return self._binary(op, pattern)
        this = coerce(self)
        return LikeExpression(this, op, coerce(pattern, this.type, _label_of(this)), escape)

    def like(self, pattern: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("LIKE", pattern, escape)

    def not_like(self, pattern: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("NOT LIKE", pattern, escape)

    notlike = not_like

    def ilike(self, pattern: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("ILIKE", pattern, escape)

    def not_ilike(self, pattern: Any, escape: str | None = None) -> BinaryExpression:
        return self._like("NOT ILIKE", pattern, escape)

    notilike = not_ilike

    def _like_with(
        self, prefix: bool, suffix: bool, other: Any, escape: str | None, autoescape: bool
    ) -> BinaryExpression:
        """contains() / startswith() / endswith(): `other` wrapped in '%'. With
        autoescape, % and _ in the (string) value match themselves, escaped by
        '/' unless `escape` names another character, as in SQLAlchemy."""
        if autoescape:
            if not isinstance(other, str):
                raise ArgumentError(f"autoescape=True needs a Python string to escape, got {other!r}")
            escape = escape or "/"
            other = other.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")
        pattern: ColumnElement[Any] = coerce(other, String())
        if prefix:
            pattern = BinaryExpression(coerce("%", String()), "||", pattern, String())
        if suffix:
            pattern = BinaryExpression(pattern, "||", coerce("%", String()), String())
        if escape is not None:
            return LikeExpression(coerce(self), "LIKE", pattern, escape)
        return BinaryExpression(coerce(self), "LIKE", pattern, Boolean())

    def contains(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        contains = getattr(coerce(self).type, "_contains_expression", None)
        if contains is not None:  # an ARRAY: @>, not LIKE
            if escape is not None or autoescape:
                raise ArgumentError("escape and autoescape apply to LIKE, not to an ARRAY's contains()")
            expression: BinaryExpression = contains(coerce(self), other)
            return expression
        return self._like_with(True, True, other, escape, autoescape)

    def any(self, other: Any) -> BinaryExpression:
        """other = ANY(expr), for an ARRAY expression."""
        this = coerce(self)
        any_ = getattr(this.type, "_any_expression", None)
        if any_ is None:
            raise NotImplementedError("Operator 'any' is not supported on this expression")
        expression: BinaryExpression = any_(this, other)
        return expression

    def startswith(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        return self._like_with(False, True, other, escape, autoescape)

    def endswith(self, other: Any, escape: str | None = None, autoescape: bool = False) -> BinaryExpression:
        return self._like_with(True, False, other, escape, autoescape)

    def _in(self, values: Any, negate: bool) -> InList:
        """IN (values...), or IN (SELECT ...) for a select()."""
        this = coerce(self)
        if hasattr(values, "scalar_subquery"):  # a Select: IN (SELECT ...)
            return InList(this, [values.scalar_subquery()], negate=negate)
        if isinstance(values, ScalarSelect):
            return InList(this, [values], negate=negate)
        label = _label_of(this)
        return InList(this, [coerce(v, _compared_type(this.type, v), label) for v in values], negate=negate)

    def in_(self, values: Iterable[Any]) -> InList:
        return self._in(values, negate=False)

    def not_in(self, values: Iterable[Any]) -> InList:
        return self._in(values, negate=True)

    notin_ = not_in

    def is_(self, other: Any) -> BinaryExpression:
        return self._binary("IS", other)

    def is_not(self, other: Any) -> BinaryExpression:
        return self._binary("IS NOT", other)

    isnot = is_not

    def between(self, lower: Any, upper: Any, symmetric: bool = False) -> Between:
        this = coerce(self)
        label = _label_of(this)
        return Between(
            this,
            coerce(lower, _compared_type(this.type, lower), label),
            coerce(upper, _compared_type(this.type, upper), label),
            negate=False,
        )

    def asc(self) -> UnaryExpression:
        return UnaryExpression("asc", coerce(self), coerce(self).type)

    def desc(self) -> UnaryExpression:
        return UnaryExpression("desc", coerce(self), coerce(self).type)

    def nulls_first(self) -> UnaryExpression:
        return UnaryExpression("nulls_first", coerce(self), coerce(self).type)

    def nulls_last(self) -> UnaryExpression:
        return UnaryExpression("nulls_last", coerce(self), coerce(self).type)

    def distinct(self) -> UnaryExpression:
        return UnaryExpression("distinct", coerce(self), coerce(self).type)

    def label(self, name: str) -> Label:
        return Label(name, coerce(self))

    def cast(self, type_: Any) -> Cast:
        return Cast(coerce(self), type_)

    nullsfirst = nulls_first
    nullslast = nulls_last

    def collate(self, collation: str) -> CollationClause:
        return CollationClause(self, collation)

    def any_(self) -> CollectionAggregate:
        return any_(self)

    def all_(self) -> CollectionAggregate:
        return all_(self)

    def op(
        self,
        opstring: str,
        precedence: int = 0,
        is_comparison: bool = False,
        return_type: Any = None,
        python_impl: Any = None,
    ) -> Callable[[Any], CustomOpExpression]:
        """expr.op("&")(other): a binary operator by its SQL spelling."""
        if python_impl is not None:
            raise NotImplementedError("op(python_impl=...): cormorant evaluates no SQL operator in Python")
        return functools.partial(custom_op(opstring, precedence, is_comparison, return_type), self)

    def bool_op(
        self, opstring: str, precedence: int = 0, python_impl: Any = None
    ) -> Callable[[Any], CustomOpExpression]:
        """expr.bool_op("@@")(other): a comparison operator, typed Boolean."""
        return self.op(opstring, precedence, is_comparison=True, python_impl=python_impl)

    def bitwise_and(self, other: Any) -> CustomOpExpression:
        return custom_op("&", _BITWISE_PRECEDENCE)(self, other)

    def bitwise_or(self, other: Any) -> CustomOpExpression:
        return custom_op("|", _BITWISE_PRECEDENCE)(self, other)

    def bitwise_xor(self, other: Any) -> CustomOpExpression:
        this = coerce(self)
        right = coerce(other, _compared_type(this.type, other))
        return BitwiseXor(this, "#", right, this.type, _BITWISE_PRECEDENCE)

    def bitwise_lshift(self, other: Any) -> CustomOpExpression:
        return custom_op("<<", _BITWISE_PRECEDENCE)(self, other)

    def bitwise_rshift(self, other: Any) -> CustomOpExpression:
        return custom_op(">>", _BITWISE_PRECEDENCE)(self, other)

    def bitwise_not(self) -> UnaryExpression:
        return bitwise_not(self)

    def regexp_match(self, pattern: Any, flags: str | None = None) -> RegexpMatch:
        this = coerce(self)
        return RegexpMatch(this, coerce(pattern, String(), _label_of(this)), flags, negate=False)

    def regexp_replace(self, pattern: Any, replacement: Any, flags: str | None = None) -> RegexpReplace:
        return RegexpReplace(coerce(self), pattern, replacement, flags)

    __iter__ = None  # indexable (JSON) but never iterable

    def __getitem__(self, index: Any) -> ColumnElement[Any]:
        """expr[index] on an indexable type: a JSON path (col["key"],
        col[("a", 1)]) or an ARRAY item (PostgreSQL's col[1])."""
        this = coerce(self)
        if isinstance(this.type, JSON):
            return JSONElement(this, index)
        item = getattr(this.type, "_index_expression", None)
        if item is None:
            raise NotImplementedError(
                f"Operator 'getitem' is not supported on this expression ({this.type!r})"
            )
        element: ColumnElement[Any] = item(this, index)
        return element


class SQLColumnExpression(Generic[_T_co]):
    """For type annotations: any SQL expression yielding a value of type _T_co
    (columns, ORM attributes, functions). ColumnElement is one."""

    __slots__ = ()


def Nullable(val: Any) -> Any:  # noqa: N802 - SQLAlchemy's name
    """`val` (an expression or a type) typed as possibly None; returns it unchanged."""
    return val


def NotNullable(val: Any) -> Any:  # noqa: N802 - SQLAlchemy's name
    """`val` typed as never None; returns it unchanged."""
    return val


class ColumnElement(ColumnOperators, ClauseElement, SQLColumnExpression[_T], Generic[_T]):
    """An element with a SQL type that can be selected or compared."""

    __slots__ = ()
    type: TypeEngine = NullType()
    __hash__ = object.__hash__  # == builds SQL, so identity hashing is kept explicitly

    @property
    def _row_key(self) -> str:
        """The name this element gets as a result column."""
        return "anon"

    def self_group(self) -> ColumnElement[Any]:
        return self


class BindParameter(ColumnElement[_T]):
    """A value sent to the database as a parameter, never spliced into SQL."""

    __visit_name__ = "bindparam"

    __slots__ = ("key", "value", "type", "column_label")

    def __init__(
        self, key: str | None, value: Any = None, type_: Any = None, label: str | None = None
    ) -> None:
        self.key = key
        self.value = value
        self.type = to_instance(type_) if type_ is not None else _type_of_value(value)
        # The column it is compared or assigned to, for error messages (not
        # `label`, which is the label() method every column expression has).
        self.column_label = label

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if self.key is None:
            return binds.add(self.value, self.type, self.column_label)
        if self.value is not None and binds.display:
            binds.values[self.key] = self.value
        elif self.value is not None:  # bindparam("x", 5): a default the execution may override
            type_ = resolve_variant(self.type, binds.dialect)
            processor = type_._bind_processor(binds.dialect)
            value = self.value
            binds.values[self.key] = (
                convert_bind(processor, value, type_, self.column_label) if processor else value
            )
        return binds.bind(self.key, self.type, self.column_label)


def bindparam(key: str, value: Any = None, type_: Any = None) -> BindParameter[Any]:
    """A named parameter whose value is given at execution time."""
    return BindParameter(key, value, type_)


class Null(ColumnElement[None]):
    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("null",)


def null() -> Null:
    return Null()


class True_(ColumnElement[bool]):
    __slots__ = ()
    type = Boolean()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("true",)


class False_(ColumnElement[bool]):
    __slots__ = ()
    type = Boolean()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("false",)


def true() -> True_:
    return True_()


def false() -> False_:
    return False_()


def literal(value: Any, type_: Any = None) -> BindParameter[Any]:
    """A Python value as a bound parameter that can be used as an expression."""
    return BindParameter(None, value, type_)


class BinaryExpression(ColumnElement[Any]):
    __visit_name__ = "binary"

    __slots__ = ("left", "operator", "right", "type")

    def __init__(
        self, left: ColumnElement[Any], operator: str, right: ColumnElement[Any], type_: TypeEngine
    ) -> None:
        self.left, self.operator, self.right, self.type = left, operator, right, type_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("binop", self.operator, self.left._datum(binds), self.right._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.left._from_objects() + self.right._from_objects()

    def __bool__(self) -> bool:
        if self.operator == "=":
            return hash(self.left) == hash(self.right)
        if self.operator == "!=":
            return hash(self.left) != hash(self.right)
        raise TypeError("Boolean value of this clause is not defined")


def _arith_type(op: str, left: TypeEngine, right: TypeEngine) -> TypeEngine:
    """The type of `left <op> right`: the left operand's, except that an
    integer or a Numeric combined with a float is a Float (SQLAlchemy's
    Integer + Float, Numeric * Float), and an untyped left operand of a
    commutative operator takes the right one's type (length(x) + 5 is an
    Integer), as SQLAlchemy's NullType does."""
    if isinstance(left, (Integer, Numeric)) and isinstance(right, Float):
        return Float()
    if isinstance(left, NullType) and op in ("+", "*"):
        return right
    return left


class TrueDivisor(ColumnElement[Any]):
    """The divisor of a true division, as SQLAlchemy 2.0 renders it: on SQLite
    (x + 0.0), elsewhere CAST(x AS NUMERIC) unless it is already a Numeric
    or Float, so that the division is not an integer division."""

    __slots__ = ("element", "type")

    def __init__(self, element: ColumnElement[Any]) -> None:
        self.element, self.type = element, element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        inner = self.element._datum(binds)
        if binds.dialect == "sqlite":
            return ("binop", "+", inner, ("text", "0.0"))
        target = self.type if isinstance(self.type, (Numeric, Float)) else Numeric()
        return ("cast", inner, target._ddl())

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


class LikeExpression(BinaryExpression):
    """[NOT] [I]LIKE with an ESCAPE character."""

    __slots__ = ("escape",)

    def __init__(
        self, left: ColumnElement[Any], operator: str, pattern: ColumnElement[Any], escape: str
    ) -> None:
        if not isinstance(escape, str) or len(escape) != 1:
            raise ArgumentError(f"the LIKE escape must be a single character, got {escape!r}")
        super().__init__(left, operator, pattern, Boolean())
        self.escape = escape

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("like", self.operator, self.left._datum(binds), self.right._datum(binds), self.escape)


class UnaryExpression(ColumnElement[Any]):
    __visit_name__ = "unary"

    __slots__ = ("operator", "element", "type")

    def __init__(self, operator: str, element: ColumnElement[Any], type_: TypeEngine) -> None:
        self.operator, self.element, self.type = operator, element, type_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (self.operator, self.element._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()

    @property
    def _row_key(self) -> str:
        # -users.id is keyed "id", as SQLAlchemy keys it; -length(x) or -(-users.id) is unnamed
        return self.element._row_key if is_named_column(self.element) else "anon"


class BooleanClauseList(ColumnElement[bool]):
    __slots__ = ("operator", "clauses")
    type = Boolean()

    def __init__(self, operator: str, clauses: Sequence[ColumnElement[Any]]) -> None:
        self.operator, self.clauses = operator, list(clauses)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (self.operator, *(c._datum(binds) for c in self.clauses))

    def _from_objects(self) -> list[FromClause]:
        return [f for c in self.clauses for f in c._from_objects()]


def _boolean_list(operator: str, clauses: Sequence[Any]) -> BooleanClauseList:
    elements = [coerce(c) for c in clauses if c is not None]
    flat: list[ColumnElement[Any]] = []
    for el in elements:
        if isinstance(el, BooleanClauseList) and el.operator == operator:
            flat.extend(el.clauses)
        else:
            flat.append(el)
    if not flat:
        raise ValueError(f"{operator}_() needs at least one expression")
    return BooleanClauseList(operator, _short_circuited(operator, flat))


def _short_circuited(operator: str, clauses: list[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """As SQLAlchemy simplifies them: false() decides an AND and true() an OR;
    true() in an AND and false() in an OR drop out (unless nothing else is left)."""
    deciding, neutral = (False_, True_) if operator == "and" else (True_, False_)
    for clause in clauses:
        if isinstance(clause, deciding):
            return [clause]
    rest = [c for c in clauses if not isinstance(c, neutral)]
    return rest or clauses[:1]


def and_(*clauses: Any) -> BooleanClauseList:
    """Joins expressions with AND."""
    return _boolean_list("and", clauses)


def or_(*clauses: Any) -> BooleanClauseList:
    """Joins expressions with OR."""
    return _boolean_list("or", clauses)


# The operator each comparison becomes when negated, as SQLAlchemy writes ~(a == b) as a != b.
_NEGATED = {
    "=": "!=",
    "!=": "=",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "IS": "IS NOT",
    "IS NOT": "IS",
    "LIKE": "NOT LIKE",
    "NOT LIKE": "LIKE",
    "ILIKE": "NOT ILIKE",
    "NOT ILIKE": "ILIKE",
}


def not_(clause: Any) -> ColumnElement[Any]:
    """Negates an expression: a comparison by its opposite operator, IN and
    BETWEEN by NOT IN / NOT BETWEEN, anything else by NOT."""
    element = coerce(clause)
    if type(element) is BinaryExpression and element.operator in _NEGATED:
        return BinaryExpression(element.left, _NEGATED[element.operator], element.right, element.type)
    if type(element) is LikeExpression and element.operator in _NEGATED:
        return LikeExpression(element.left, _NEGATED[element.operator], element.right, element.escape)
    if isinstance(element, (InList, Between)):
        negated = copy.copy(element)
        negated.negate = not element.negate
        return negated
    return UnaryExpression("not", element, Boolean())


def asc(column: Any) -> UnaryExpression:
    return order_by_element(column).asc()


def desc(column: Any) -> UnaryExpression:
    return order_by_element(column).desc()


def nulls_first(column: Any) -> UnaryExpression:
    return order_by_element(column).nulls_first()


def nulls_last(column: Any) -> UnaryExpression:
    return order_by_element(column).nulls_last()


def order_by_element(value: Any) -> ColumnElement[Any]:
    """What ORDER BY / GROUP BY take: a column expression, or a string naming
    a selected column or label (`order_by("total")`)."""
    return LabelReference(value) if isinstance(value, str) else coerce(value)


def order_by_elements(value: Any) -> list[ColumnElement[Any]]:
    """order_by_element(), where a ClauseList (an ORM composite's columns)
    stands for each of its members, as SQLAlchemy writes it: ORDER BY a, b."""
    element = order_by_element(value)
    return list(element.clauses) if type(element) is ClauseList else [element]


class LabelReference(ColumnElement[Any]):
    """order_by("name"): the selected label or column of that name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        target = binds.label_scope.get(self.name) if binds.label_scope else None
        if target is None:
            raise CompileError(
                "Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. "
                f"Textual SQL expression {self.name!r} should be explicitly declared as text({self.name!r})"
            )
        if isinstance(target, Label):
            return ("labelref", target.name)
        return target._datum(binds)


def distinct(column: Any) -> UnaryExpression:
    return coerce(column).distinct()


class InList(ColumnElement[bool]):
    __slots__ = ("element", "values", "negate")
    type = Boolean()

    def __init__(self, element: ColumnElement[Any], values: list[ColumnElement[Any]], negate: bool) -> None:
        self.element, self.values, self.negate = element, values, negate

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("in", self.element._datum(binds), tuple(v._datum(binds) for v in self.values), self.negate)

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


class Between(ColumnElement[bool]):
    __slots__ = ("element", "lower", "upper", "negate")
    type = Boolean()

    def __init__(
        self, element: ColumnElement[Any], lower: ColumnElement[Any], upper: ColumnElement[Any], negate: bool
    ) -> None:
        self.element, self.lower, self.upper, self.negate = element, lower, upper, negate

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (
            "between",
            self.element._datum(binds),
            self.lower._datum(binds),
            self.upper._datum(binds),
            self.negate,
        )

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


def between(expr: Any, lower: Any, upper: Any) -> Between:
    return coerce(expr).between(lower, upper)


class Label(ColumnElement[Any]):
    __slots__ = ("name", "element", "type")

    def __init__(self, name: str, element: ColumnElement[Any]) -> None:
        self.name, self.element, self.type = name, element, element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("label", self.element._datum(binds), self.name)

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()

    @property
    def _row_key(self) -> str:
        return self.name


class Cast(ColumnElement[Any]):
    __slots__ = ("element", "type")

    def __init__(self, element: ColumnElement[Any], type_: Any) -> None:
        self.element, self.type = element, to_instance(type_)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("cast", self.element._datum(binds), self.type._ddl())

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()

    @property
    def _row_key(self) -> str:
        return self.element._row_key


def cast(expression: Any, type_: Any) -> Cast:
    """CAST(expression AS type)."""
    return Cast(coerce(expression), type_)


class Case(ColumnElement[Any]):
    __slots__ = ("whens", "else_", "type")

    def __init__(self, *whens: Any, value: Any = None, else_: Any = None) -> None:
        pairs = list(whens[0].items()) if len(whens) == 1 and isinstance(whens[0], dict) else list(whens)
        if value is not None:
            subject = coerce(value)
            pairs = [(subject == cond, result) for cond, result in pairs]
        self.whens = [(coerce(cond), coerce(result)) for cond, result in pairs]
        self.else_ = coerce(else_) if else_ is not None else None
        # SQLAlchemy's: the LAST typed THEN's type, else ELSE's
        typed = [r.type for _, r in reversed(self.whens) if not isinstance(r.type, NullType)]
        self.type = typed[0] if typed else (self.else_.type if self.else_ is not None else NullType())

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        whens = tuple((c._datum(binds), r._datum(binds)) for c, r in self.whens)
        return ("case", whens, self.else_._datum(binds) if self.else_ is not None else None)

    def _from_objects(self) -> list[FromClause]:
        return [f for c, r in self.whens for f in c._from_objects() + r._from_objects()]


def case(*whens: Any, value: Any = None, else_: Any = None) -> Case:
    """CASE WHEN ... THEN ... ELSE ... END."""
    return Case(*whens, value=value, else_=else_)


_TEXT_PARAM = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


class TextClause(Executable, ColumnElement[Any]):
    """Literal SQL with :name parameters, from text()."""

    __visit_name__ = "textclause"

    __slots__ = ("text", "_bound", "_types", "_columns", "_names", "_execution_options")

    def __init__(self, text: str) -> None:
        self.text = text
        self._execution_options: dict[str, Any] = {}
        self._bound: dict[str, Any] = {}
        self._types: dict[str, TypeEngine] = {}
        self._columns: list[Any] = []
        self._names: tuple[str, ...] | None = None

    def _datum(self, binds: BindCollector, parameters: Any = None) -> tuple[Any, ...]:
        """On PostgreSQL, parameters get a type from bindparam(type_=...) or
        from their Python value, as psycopg sends typed values, so that
        `SELECT :n` returns an int for an int."""
        for key, value in self._bound.items():
            binds.values[key] = value
        if binds.dialect != "postgresql":
            return ("text", self.text)
        given = parameters if isinstance(parameters, dict) else {}
        typed = []
        for key in self._param_keys():
            type_ = self._types.get(key)
            if type_ is None:
                type_ = _pg_type_of_value(given.get(key, self._bound.get(key)))
            datum = binds.bind(key, type_)
            if len(datum) == 3:
                typed.append(datum)
        return ("text", self.text, tuple(typed)) if typed else ("text", self.text)

    def _param_keys(self) -> tuple[str, ...]:
        if self._names is None:
            self._names = tuple(dict.fromkeys(_TEXT_PARAM.findall(self.text)))
        return self._names

    def bindparams(self, *params: BindParameter[Any], **values: Any) -> TextClause:
        clone = TextClause(self.text)
        bound = {p.key: p.value for p in params if p.key is not None}  # bindparam() names its key
        types = {p.key: p.type for p in params if p.key is not None and not isinstance(p.type, NullType)}
        clone._bound = {**self._bound, **bound, **values}
        clone._types = {**self._types, **types}
        clone._columns = self._columns
        clone._execution_options = self._execution_options
        return clone

    def columns(self, *cols: Any, **types: Any) -> TextClause:
        clone = self.bindparams()
        clone._columns = list(cols) + [(name, to_instance(t)) for name, t in types.items()]
        return clone

    def param_names(self) -> list[str]:
        return _TEXT_PARAM.findall(self.text)

    def _textual_select(self) -> Any:
        from .selectable import textual_select

        if not self._columns:
            raise ArgumentError("text() needs .columns(...) before it can be used as a subquery or CTE")
        return textual_select(self)

    def subquery(self, name: str | None = None) -> Any:
        """(text) AS name, with the columns given to .columns() as its .c."""
        return self._textual_select().subquery(name)

    def cte(self, name: str | None = None, recursive: bool = False, nesting: bool = False) -> Any:
        return self._textual_select().cte(name, recursive=recursive, nesting=nesting)


def _pg_type_of_value(value: Any) -> TypeEngine:
    """The type psycopg would send `value` as; str and None stay untyped
    (PostgreSQL infers them from where they are used)."""
    import datetime as dt

    from .sqltypes import BigInteger, Date, DateTime, Float, LargeBinary, Numeric, Time

    if isinstance(value, bool):
        return Boolean()
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return Integer()
        return BigInteger() if -(2**63) <= value < 2**63 else Numeric()
    if isinstance(value, float):
        return Float()
    if isinstance(value, decimal.Decimal):
        return Numeric()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return LargeBinary()
    if isinstance(value, dt.datetime):
        return DateTime(timezone=value.tzinfo is not None)
    if isinstance(value, dt.date):
        return Date()
    if isinstance(value, dt.time):
        return Time()
    return NullType()


def text(sql: str) -> TextClause:
    """Literal SQL; `:name` marks a bound parameter."""
    return TextClause(sql)


class ScalarSelect(ColumnElement[Any]):
    __slots__ = ("select", "type")

    def __init__(self, select: Select[Any]) -> None:
        self.select = select
        cols = select._column_elements()
        self.type = cols[0].type if len(cols) == 1 else NullType()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("scalar_subquery", self.select._datum(binds))

    def where(self, *criteria: Any) -> ScalarSelect:
        return ScalarSelect(self.select.where(*criteria))

    def correlate(self, *froms: Any) -> ScalarSelect:
        return ScalarSelect(self.select.correlate(*froms))

    def correlate_except(self, *froms: Any) -> ScalarSelect:
        return ScalarSelect(self.select.correlate_except(*froms))


class Exists(ColumnElement[bool]):
    """EXISTS (SELECT ...); where(), select_from() and correlate() refine its SELECT."""

    __slots__ = ("select",)
    type = Boolean()

    def __init__(self, select: Select[Any]) -> None:
        self.select = select

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("exists", self.select._datum(binds))

    def where(self, *criteria: Any) -> Exists:
        return Exists(self.select.where(*criteria))

    def select_from(self, *froms: Any) -> Exists:
        return Exists(self.select.select_from(*froms))

    def correlate(self, *froms: Any) -> Exists:
        return Exists(self.select.correlate(*froms))

    def correlate_except(self, *froms: Any) -> Exists:
        return Exists(self.select.correlate_except(*froms))


def exists(*args: Any) -> Exists:
    """EXISTS (SELECT ...): of a given SELECT, of SELECT the given columns, or
    of SELECT * (refined with .where() and .select_from())."""
    from .selectable import SelectBase
    from .selectable import select as _select

    if len(args) == 1 and isinstance(args[0], SelectBase):
        return Exists(args[0])  # type: ignore[arg-type]
    return Exists(_select(*args) if args else _select(literal_column("*")))


class LiteralColumn(ColumnElement[Any]):
    """Raw SQL used as a column expression, like literal_column("1")."""

    __slots__ = ("text", "type")

    def __init__(self, text: str, type_: Any = None) -> None:
        self.text, self.type = text, to_instance(type_)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("text", self.text.replace(":", "\\:"))

    @property
    def _row_key(self) -> str:
        return self.text


def literal_column(text: str, type_: Any = None) -> LiteralColumn:
    return LiteralColumn(text, type_)


# --- more elements, with SQLAlchemy's class names ------------------------------------

Operators = ColumnOperators


class Grouping(ColumnElement[Any]):
    """An expression in parentheses."""

    __slots__ = ("element", "type")

    def __init__(self, element: Any) -> None:
        self.element = coerce(element)
        self.type = self.element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("grouping", self.element._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


class Tuple(ColumnElement[Any]):
    """(a, b, ...): compared with another tuple, or IN a list of tuples."""

    __slots__ = ("clauses", "type")

    def __init__(self, *clauses: Any, types: Sequence[Any] | None = None) -> None:
        if types is not None and len(types) != len(clauses):
            raise ArgumentError("tuple_() needs one type per element")
        given = [to_instance(t) for t in types] if types is not None else [None] * len(clauses)
        self.clauses = [coerce(c, t) for c, t in zip(clauses, given, strict=True)]
        self.type = TupleType(*(c.type for c in self.clauses))

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("tuple", tuple(c._datum(binds) for c in self.clauses))

    def _from_objects(self) -> list[FromClause]:
        return [f for c in self.clauses for f in c._from_objects()]

    def _matching(self, value: Any) -> ColumnElement[Any]:
        """A Python tuple as a Tuple of values bound as this tuple's elements are typed."""
        if isinstance(value, ColumnElement) or hasattr(value, "__clause_element__"):
            return coerce(value)
        values = list(value)
        if len(values) != len(self.clauses):
            raise ArgumentError(
                f"a tuple of {len(self.clauses)} elements is compared with {len(values)} values"
            )
        return Tuple(
            *(coerce(v, _compared_type(c.type, v)) for c, v in zip(self.clauses, values, strict=True))
        )

    def _binary(self, op: str, other: Any, result_type: TypeEngine | None = None) -> BinaryExpression:
        return BinaryExpression(self, op, self._matching(other), result_type or Boolean())

    def _in(self, values: Any, negate: bool) -> InList:
        if hasattr(values, "scalar_subquery") or isinstance(values, ScalarSelect):
            return super()._in(values, negate)
        return InList(self, [self._matching(v) for v in values], negate=negate)


class ClauseList(Tuple):
    """Expressions separated by commas; as an operand, in parentheses."""

    __slots__ = ()


class ExpressionClauseList(ClauseList):
    __slots__ = ()


def tuple_(*clauses: Any, types: Sequence[Any] | None = None) -> Tuple:
    """A SQL tuple, (a, b, ...)."""
    return Tuple(*clauses, types=types)


class CollationClause(ColumnElement[Any]):
    """expr COLLATE name."""

    __slots__ = ("element", "collation", "type")

    def __init__(self, element: Any, collation: str) -> None:
        if not isinstance(collation, str) or not collation:
            raise ArgumentError(f"a collation is a name, got {collation!r}")
        self.element, self.collation = coerce(element), collation
        self.type = self.element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("collate", self.element._datum(binds), self.collation)

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


def collate(expression: Any, collation: str) -> CollationClause:
    return CollationClause(expression, collation)


class TypeCoerce(ColumnElement[Any]):
    """An expression read (and its values bound) as another type, with the
    same SQL: the type changes only on the Python side."""

    __slots__ = ("clause", "type")

    def __init__(self, expression: Any, type_: Any) -> None:
        self.type = to_instance(type_)
        self.clause = coerce(expression, self.type)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.clause._datum(binds)

    def _from_objects(self) -> list[FromClause]:
        return self.clause._from_objects()

    @property
    def _row_key(self) -> str:
        return self.clause._row_key


def type_coerce(expression: Any, type_: Any) -> TypeCoerce:
    return TypeCoerce(expression, type_)


class TryCast(Cast):
    """TRY_CAST(x AS type): SQL Server's; neither SQLite nor PostgreSQL has
    it, so compiling it fails as in SQLAlchemy."""

    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        from ..exc import UnsupportedCompilationError

        raise UnsupportedCompilationError(
            f"{binds.dialect} compiler", type(self), "TRY_CAST is not available"
        )


def try_cast(expression: Any, type_: Any) -> TryCast:
    return TryCast(coerce(expression), type_)


class TypeClause(ClauseElement):
    """A type as it stands in a CAST."""

    __slots__ = ("type",)

    def __init__(self, type_: Any) -> None:
        self.type = to_instance(type_)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        from .. import _native

        dialect = "sqlite" if binds.dialect == "sqlite" else "postgresql"
        return ("text", _native.render_type(self.type._ddl(), dialect))


_EXTRACT_FIELDS = frozenset(
    "year month day hour minute second doy dow week epoch quarter isodow isoyear "
    "microseconds milliseconds decade century millennium timezone timezone_hour timezone_minute julian".split()
)
_SQLITE_EXTRACT_FIELDS = frozenset("year month day hour minute second doy dow week epoch".split())


class Extract(ColumnElement[int]):
    """EXTRACT(field FROM expr); on SQLite through strftime()."""

    __slots__ = ("field", "expr")
    type = Integer()

    def __init__(self, field: str, expr: Any) -> None:
        if field not in _EXTRACT_FIELDS:
            raise ArgumentError(f"{field!r} is not a field EXTRACT knows")
        self.field, self.expr = field, coerce(expr)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect == "sqlite" and self.field not in _SQLITE_EXTRACT_FIELDS:
            raise CompileError(f"{self.field} is not a valid extract argument.")
        return ("extract", self.field, self.expr._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.expr._from_objects()


def extract(field: str, expr: Any) -> Extract:
    return Extract(field, expr)


class CollectionAggregate(UnaryExpression):
    """ANY (expr) / ALL (expr), compared with a value: 5 = ANY (arr)."""

    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        inner = self.element._datum(binds)
        if not isinstance(self.element, ScalarSelect):
            inner = ("grouping", inner)
        return ("unary_op", f"{self.operator} ", inner)


def _collection(operator: str, expr: Any) -> CollectionAggregate:
    if hasattr(expr, "scalar_subquery"):
        expr = expr.scalar_subquery()
    element = coerce(expr)
    return CollectionAggregate(operator, element, element.type)


def any_(expr: Any) -> CollectionAggregate:
    return _collection("ANY", expr)


def all_(expr: Any) -> CollectionAggregate:
    return _collection("ALL", expr)


class CustomOpExpression(BinaryExpression):
    """left <operator> right for an operator given by name (op(), bool_op(),
    the bitwise operators), grouped by its precedence."""

    __slots__ = ("precedence",)

    def __init__(
        self,
        left: ColumnElement[Any],
        operator: str,
        right: ColumnElement[Any],
        type_: TypeEngine,
        precedence: int,
    ) -> None:
        super().__init__(left, operator, right, type_)
        self.precedence = precedence

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (
            "custom_op",
            self.operator,
            self.left._datum(binds),
            self.right._datum(binds),
            self.precedence,
        )


class custom_op:  # noqa: N801  (SQLAlchemy's name)
    """An operator by its SQL spelling: custom_op("&")(a, b) is `a & b`."""

    __slots__ = ("opstring", "precedence", "is_comparison", "return_type")

    def __init__(
        self, opstring: str, precedence: int = 0, is_comparison: bool = False, return_type: Any = None
    ) -> None:
        if not isinstance(opstring, str) or not opstring.strip():
            raise ArgumentError(f"an operator is a non-empty string, got {opstring!r}")
        if not 0 <= precedence <= 100:
            raise ArgumentError(f"precedence must be within 0..100, got {precedence}")
        self.opstring, self.precedence, self.is_comparison = opstring, precedence, is_comparison
        self.return_type = to_instance(return_type) if return_type is not None else None

    def __call__(self, left: Any, right: Any) -> CustomOpExpression:
        this = coerce(left)
        other = coerce(right, _compared_type(this.type, right), _label_of(this))
        type_ = self.return_type or (Boolean() if self.is_comparison else this.type)
        return CustomOpExpression(this, self.opstring, other, type_, self.precedence)


_BITWISE_PRECEDENCE = 7


class BitwiseXor(CustomOpExpression):
    """a # b on PostgreSQL; SQLite has no XOR operator: (a | b) - (a & b)."""

    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect == "postgresql":
            return super()._datum(binds)
        left, right = self.left._datum(binds), self.right._datum(binds)
        either = ("custom_op", "|", left, right, _BITWISE_PRECEDENCE)
        both = ("custom_op", "&", left, right, _BITWISE_PRECEDENCE)
        return ("binop", "-", ("grouping", either), ("grouping", both))


def bitwise_not(expr: Any) -> UnaryExpression:
    """~expr."""
    element = coerce(expr)
    return _PrefixOperator("~", element, element.type)


class _PrefixOperator(UnaryExpression):
    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("unary_op", self.operator, self.element._datum(binds))


_COMPARISON_PRECEDENCE = 5


class RegexpMatch(BinaryExpression):
    """expr ~ pattern on PostgreSQL (~* ignoring case), expr REGEXP pattern on
    SQLite, whose REGEXP function the native driver defines; other flags go
    inline, (?flags)pattern, as both sides read them."""

    __slots__ = ("flags", "negate")

    def __init__(
        self, left: ColumnElement[Any], pattern: ColumnElement[Any], flags: str | None, negate: bool
    ) -> None:
        super().__init__(left, "REGEXP", pattern, Boolean())
        self.flags, self.negate = flags, negate

    def __invert__(self) -> RegexpMatch:
        return RegexpMatch(self.left, self.right, self.flags, not self.negate)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        left, pattern = self.left._datum(binds), self.right._datum(binds)
        if binds.dialect == "postgresql" and self.flags == "i":
            operator = "!~*" if self.negate else "~*"
        else:
            if self.flags:
                prefix = binds.add(f"(?{self.flags})", String())
                pattern = ("binop", "||", prefix, pattern)
            if binds.dialect == "postgresql":
                operator = "!~" if self.negate else "~"
            else:
                operator = "NOT REGEXP" if self.negate else "REGEXP"
        return ("custom_op", operator, left, pattern, _COMPARISON_PRECEDENCE)


class RegexpReplace(ColumnElement[str]):
    """REGEXP_REPLACE(expr, pattern, replacement[, flags]): PostgreSQL's;
    SQLite has none, so compiling it there fails as in SQLAlchemy."""

    __slots__ = ("element", "pattern", "replacement", "flags", "type")

    def __init__(
        self, element: ColumnElement[Any], pattern: Any, replacement: Any, flags: str | None
    ) -> None:
        self.element, self.flags, self.type = element, flags, element.type
        self.pattern = coerce(pattern, String(), _label_of(element))
        self.replacement = coerce(replacement, String(), _label_of(element))

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect != "postgresql":
            raise CompileError(f"{binds.dialect} dialect does not support regular expression replacements")
        args = [self.element._datum(binds), self.pattern._datum(binds), self.replacement._datum(binds)]
        if self.flags:
            args.append(binds.add(self.flags, String()))
        return ("func", "REGEXP_REPLACE", tuple(args))

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


def label(name: str, element: Any, type_: Any = None) -> Label:
    """element AS name."""
    labelled = Label(name, coerce(element))
    if type_ is not None:
        labelled.type = to_instance(type_)
    return labelled


nullsfirst = nulls_first
nullslast = nulls_last


def _frame_bound(value: Any, lower: bool, binds: BindCollector) -> tuple[str, Any]:
    """One end of a window frame as (SQL words, bound offset or None): None is
    unbounded, 0 the current row, a negative number rows before, a positive
    one rows after."""
    if value is None:
        return ("UNBOUNDED PRECEDING" if lower else "UNBOUNDED FOLLOWING", None)
    if value == 0:
        return ("CURRENT ROW", None)
    return ("PRECEDING" if value < 0 else "FOLLOWING", binds.add(abs(value), Integer()))


def _frame(kind: str, bounds: Any) -> tuple[str, int | None, int | None]:
    try:
        lower, upper = bounds
    except (TypeError, ValueError):
        raise ArgumentError(f"{kind} must be a (lower, upper) pair, got {bounds!r}") from None
    for value in (lower, upper):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ArgumentError(f"Integer or None expected for {kind} value, got {value!r}")
    return (kind, lower, upper)


def _expressions(value: Any) -> list[ColumnElement[Any]]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [coerce(v) for v in value]
    return [coerce(value)]


class Over(ColumnElement[_T]):
    """A window function: f(...) OVER (PARTITION BY ... ORDER BY ... frame)."""

    __slots__ = ("element", "partition_by", "order_by", "frame", "type")

    def __init__(
        self,
        element: ColumnElement[Any],
        partition_by: Any = None,
        order_by: Any = None,
        rows: Any = None,
        range_: Any = None,
        groups: Any = None,
    ) -> None:
        given = [(k, v) for k, v in (("rows", rows), ("range_", range_), ("groups", groups)) if v is not None]
        if len(given) > 1:
            raise ArgumentError("'range_', 'rows', and 'groups' are mutually exclusive")
        self.element, self.type = element, element.type
        self.partition_by, self.order_by = _expressions(partition_by), _expressions(order_by)
        self.frame = _frame(*given[0]) if given else None

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        frame = None
        if self.frame is not None:
            kind, lower, upper = self.frame
            mode = {"rows": "ROWS", "range_": "RANGE", "groups": "GROUPS"}[kind]
            frame = (
                "window_frame",
                mode,
                *_frame_bound(lower, True, binds),
                *_frame_bound(upper, False, binds),
            )
        return (
            "over",
            self.element._datum(binds),
            tuple(p._datum(binds) for p in self.partition_by),
            tuple(o._datum(binds) for o in self.order_by),
            frame,
        )

    def _from_objects(self) -> list[FromClause]:
        return [f for e in (self.element, *self.partition_by, *self.order_by) for f in e._from_objects()]


def over(
    element: Any,
    partition_by: Any = None,
    order_by: Any = None,
    range_: Any = None,
    rows: Any = None,
    groups: Any = None,
) -> Over[Any]:
    """element OVER (...), as element.over(...)."""
    return Over(coerce(element), partition_by, order_by, rows, range_, groups)


class WithinGroup(ColumnElement[_T]):
    """An ordered-set aggregate: f(...) WITHIN GROUP (ORDER BY ...)."""

    __slots__ = ("element", "order_by", "type")

    def __init__(self, element: Any, *order_by: Any) -> None:
        self.element = element
        self.order_by = [coerce(o) for o in order_by]
        if not self.order_by:
            raise ArgumentError("within_group() needs at least one ORDER BY expression")
        typed = element.within_group_type(self) if hasattr(element, "within_group_type") else None
        self.type = typed if typed is not None else element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("within_group", self.element._datum(binds), tuple(o._datum(binds) for o in self.order_by))

    def _from_objects(self) -> list[FromClause]:
        return [f for e in (self.element, *self.order_by) for f in e._from_objects()]

    def over(self, **kw: Any) -> Over[_T]:
        return Over(self, **kw)

    def filter(self, *criterion: Any) -> FunctionFilter[_T]:
        return FunctionFilter(self, *criterion)


def within_group(element: Any, *order_by: Any) -> WithinGroup[Any]:
    """element WITHIN GROUP (ORDER BY ...), as element.within_group(...)."""
    return WithinGroup(element, *order_by)


class FunctionFilter(ColumnElement[_T]):
    """An aggregate over the rows that pass a criterion: f(...) FILTER (WHERE ...)."""

    __slots__ = ("func", "criterion", "type")

    def __init__(self, func: Any, *criterion: Any) -> None:
        if not criterion:
            raise ArgumentError("filter() needs at least one criterion")
        self.func: ColumnElement[Any] = func
        self.type = func.type
        self.criterion: ColumnElement[Any] = and_(*criterion) if len(criterion) > 1 else coerce(criterion[0])

    def filter(self, *criterion: Any) -> FunctionFilter[_T]:
        return FunctionFilter(self.func, self.criterion, *criterion)

    def over(self, **kw: Any) -> Over[_T]:
        return Over(self, **kw)

    def within_group(self, *order_by: Any) -> WithinGroup[_T]:
        return WithinGroup(self, *order_by)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("funcfilter", self.func._datum(binds), self.criterion._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.func._from_objects() + self.criterion._from_objects()


def funcfilter(func: Any, *criterion: Any) -> FunctionFilter[Any]:
    return FunctionFilter(func, *criterion)


# --- JSON paths ---------------------------------------------------------------------------

_JSON_PRECEDENCE = 15


def _json_path(path: Sequence[Any]) -> str:
    """A path as SQLite's JSON functions read it: $."a"[1]."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int) and not isinstance(step, bool):
            parts.append(f"[{step}]")
        elif isinstance(step, str):
            parts.append('."' + step.replace('"', '\\"') + '"')
        else:
            raise ArgumentError(f"a JSON path step is a str or an int, got {step!r}")
    return "".join(parts)


def _pg_text_array(path: Sequence[Any]) -> str:
    """A path as PostgreSQL's text[] literal: {"a","1"}."""
    quoted = ('"' + str(step).replace("\\", "\\\\").replace('"', '\\"') + '"' for step in path)
    return "{" + ",".join(quoted) + "}"


class JSONElement(ColumnElement[Any]):
    """An index or a path into a JSON value, col["a"] or col[("a", 1)],
    typed JSON until read as_string(), as_integer() and so on. PostgreSQL:
    -> / #> (->> / #>> for the typed reads); SQLite: JSON_EXTRACT with a
    $."a"[1] path, JSON_QUOTE'd while the value stays JSON."""

    __slots__ = ("element", "index", "type")

    def __init__(self, element: ColumnElement[Any], index: Any, type_: TypeEngine | None = None) -> None:
        if isinstance(index, (list, tuple)):
            if not index:
                raise ArgumentError("a JSON path needs at least one step")
            _json_path(index)
        elif not isinstance(index, (str, int)) or isinstance(index, bool):
            raise ArgumentError(f"a JSON index is a str, an int or a tuple of them, got {index!r}")
        self.element, self.index = element, index
        self.type = type_ if type_ is not None else JSON()

    def __getitem__(self, index: Any) -> ColumnElement[Any]:
        if not isinstance(self.type, JSON):
            raise NotImplementedError(
                f"Operator 'getitem' is not supported on this expression ({self.type!r})"
            )
        return JSONElement(self, index)

    def _as(self, type_: TypeEngine) -> JSONElement:
        return JSONElement(self.element, self.index, type_)

    def as_string(self) -> JSONElement:
        return self._as(String())

    def as_integer(self) -> JSONElement:
        return self._as(Integer())

    def as_float(self) -> JSONElement:
        return self._as(Float())

    def as_numeric(self, precision: int, scale: int, asdecimal: bool = True) -> JSONElement:
        return self._as(Numeric(precision, scale, asdecimal=asdecimal))

    def as_boolean(self) -> JSONElement:
        return self._as(Boolean())

    def as_json(self) -> JSONElement:
        return self._as(JSON())

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        target = self.element._datum(binds)
        as_json = isinstance(self.type, JSON)
        path = self.index if isinstance(self.index, (list, tuple)) else None
        if binds.dialect == "postgresql":
            return self._pg_datum(target, path, as_json, binds)
        extract = ("func", "JSON_EXTRACT", (target, binds.add(_json_path(path or [self.index]), String())))
        return ("func", "JSON_QUOTE", (extract,)) if as_json else extract

    def _pg_datum(self, target: Any, path: Any, as_json: bool, binds: BindCollector) -> tuple[Any, ...]:
        if path is not None:
            key = binds.add(_pg_text_array(path), String())
            key = ("custom_op", "::", key, ("text", "TEXT[]"), 100)
            op = "#>" if as_json else "#>>"
        else:
            key = binds.add(self.index, Integer() if isinstance(self.index, int) else String())
            op = "->" if as_json else "->>"
        read = ("custom_op", op, target, key, _JSON_PRECEDENCE)
        return read if as_json else ("cast", read, self.type._ddl())

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()


class _SavepointStatement(Executable):
    """SAVEPOINT name and its RELEASE / ROLLBACK TO; Session.begin_nested()
    and Connection.begin_nested() issue these themselves."""

    _tag = "savepoint"

    def __init__(self, ident: str) -> None:
        if not ident:
            raise ArgumentError("a savepoint needs a name")
        self.ident = ident
        self._execution_options: dict[str, Any] = {}

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (self._tag, self.ident)


class SavepointClause(_SavepointStatement):
    """SAVEPOINT name."""


class RollbackToSavepointClause(_SavepointStatement):
    """ROLLBACK TO SAVEPOINT name."""

    _tag = "rollback_to_savepoint"


class ReleaseSavepointClause(_SavepointStatement):
    """RELEASE SAVEPOINT name."""

    _tag = "release_savepoint"


def outparam(key: str, type_: Any = None) -> BindParameter[Any]:
    """A bind for a stored procedure's OUT parameter. SQLite and PostgreSQL
    have no OUT parameters in statements, so here, as in SQLAlchemy on these
    dialects, it is an ordinary named bind."""
    param: BindParameter[Any] = BindParameter(key, None, type_)
    return param


class quoted_name(str):  # noqa: N801 - SQLAlchemy's name
    """A name with its quoting stated. cormorant quotes every identifier that
    needs it (upper case, reserved words); a lower-case name reads the same
    quoted or not on SQLite and PostgreSQL, so quote=True holds as it is, and
    quote=False is refused for a name that needs quoting."""

    quote: bool | None

    def __new__(cls, value: str, quote: bool | None = None) -> quoted_name:
        if quote is False and not re.fullmatch(r"[a-z_][a-z0-9_$]*", value):
            raise ArgumentError(
                f"quoted_name({value!r}, quote=False): cormorant always quotes a name that needs "
                "quoting; use a lower-case name to leave it unquoted"
            )
        self = super().__new__(cls, value)
        self.quote = quote
        return self
