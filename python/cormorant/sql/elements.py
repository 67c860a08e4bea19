"""SQL expression elements: columns, bound values, operators, functions,
labels and text. Each element describes itself as a *datum*: a nested tuple
that is both the structural cache key and the input of the native compiler.
Bound values never enter the datum; they are collected on the side."""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, overload

from ..exc import ArgumentError
from .sqltypes import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    NullType,
    Numeric,
    String,
    Time,
    TypeEngine,
    to_instance,
)

if TYPE_CHECKING:
    from .base import FromClause
    from .compiler import SQLCompiler
    from .selectable import Select

_T = TypeVar("_T")


def convert_bind(processor: Callable[[Any], Any], value: Any, type_: Any, label: str | None) -> Any:
    """`value` through its type's bind processor; a value the type cannot take
    raises StatementError naming the column (or parameter) and the value's type.
    None stays SQL NULL unless the type binds it (JSON's null)."""
    if value is None and not type_.binds_none:
        return None
    try:
        return processor(value)
    except (TypeError, ValueError, LookupError) as e:
        from ..exc import StatementError

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

    def add(self, value: Any, type_: TypeEngine, label: str | None = None) -> tuple[Any, ...]:
        """An anonymous bind of `value`; `label` names its column in errors."""
        if self.display:
            return self._display_bind(self._anonymous_name(label or "param"), value, type_)
        key = f"%{self._count}"
        self._count += 1
        processor = type_._bind_processor(self.dialect)
        if processor is not None:
            value = convert_bind(processor, value, type_, label)
        self.values[key] = value
        if self.dialect == "postgresql" and not isinstance(type_, NullType):
            return ("bind", key, type_._ddl())
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
        self.named[key] = (type_, label or key)
        if self.display:
            self.types[key] = type_
            self.values.setdefault(key, None)
            return ("bind", key)
        if self.dialect == "postgresql" and not isinstance(type_, NullType):
            return ("bind", key, type_._ddl())
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


class ClauseElement:
    """Base of everything that can appear in a SQL statement."""

    __slots__ = ()

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


def _label_of(element: Any) -> str | None:
    """What a value compared with `element` is named after: a column's key
    (which also says which column a bad value was meant for) or a function's
    name, as SQLAlchemy names such binds (:id_1, :count_1)."""
    column = getattr(element, "column", element)  # an ORM attribute's column
    if getattr(column, "table", None) is not None:
        return getattr(column, "key", None)
    return element.name if isinstance(element, Function) else None


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
    return type_for_python(type(value)) or NullType()


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
    return type_


def _is_null(value: Any) -> bool:
    """None or null(): what == and != turn into IS / IS NOT (on the right only, as SQLAlchemy)."""
    return value is None or isinstance(value, Null)


class ColumnOperators:
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
        if isinstance(coerce(self).type, String):
            return self._arith("||", other)
        return self._arith("+", other)

    def __radd__(self, other: Any) -> BinaryExpression:
        if isinstance(coerce(self).type, String):
            return self._arith("||", other, reverse=True)
        return self._arith("+", other, reverse=True)

    def __sub__(self, other: Any) -> BinaryExpression:
        return self._arith("-", other)

    def __rsub__(self, other: Any) -> BinaryExpression:
        return self._arith("-", other, reverse=True)

    def __mul__(self, other: Any) -> BinaryExpression:
        return self._arith("*", other)

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
        return self._like_with(True, True, other, escape, autoescape)

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


class ColumnElement(ColumnOperators, ClauseElement, Generic[_T]):
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
            processor = self.type._bind_processor(binds.dialect)
            value = self.value
            binds.values[self.key] = (
                convert_bind(processor, value, self.type, self.column_label) if processor else value
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
    __slots__ = ("operator", "element", "type")

    def __init__(self, operator: str, element: ColumnElement[Any], type_: TypeEngine) -> None:
        self.operator, self.element, self.type = operator, element, type_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return (self.operator, self.element._datum(binds))

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()

    @property
    def _row_key(self) -> str:
        return self.element._row_key


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
    return BooleanClauseList(operator, flat)


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


class LabelReference(ColumnElement[Any]):
    """order_by("name"): the selected label or column of that name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        target = binds.label_scope.get(self.name) if binds.label_scope else None
        if target is None:
            from ..exc import CompileError

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


class Function(ColumnElement[_T]):
    """A SQL function call such as count(users.id)."""

    __slots__ = ("name", "args", "type")

    def __init__(self, name: str, *args: Any, type_: Any = None) -> None:
        self.name = name
        self.args = [coerce(a) for a in args]
        self.type = to_instance(type_) if type_ is not None else _function_type(name, self.args)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("func", self.name, tuple(a._datum(binds) for a in self.args))

    def _from_objects(self) -> list[FromClause]:
        return [f for a in self.args for f in a._from_objects()]

    @property
    def _row_key(self) -> str:
        return self.name

    def over(self, *a: Any, **kw: Any) -> Function[_T]:
        raise NotImplementedError("window functions are not supported yet")


# Result types as SQLAlchemy 2.0's GenericFunctions give them; any other
# function (abs, lower, length, row_number...) is untyped (NullType), as there.
_INTEGER_FUNCTIONS = {"count", "char_length", "rank", "dense_rank"}
_DATETIME_FUNCTIONS = {"now", "current_timestamp", "localtimestamp"}
_DATE_FUNCTIONS = {"current_date"}
_TIME_FUNCTIONS = {"current_time", "localtime"}
_SAME_TYPE_FUNCTIONS = {"max", "min", "sum", "coalesce"}


def _function_type(name: str, args: list[ColumnElement[Any]]) -> TypeEngine:
    lname = name.lower()
    if lname in _INTEGER_FUNCTIONS:
        return Integer()
    if lname in _DATETIME_FUNCTIONS:
        return DateTime()
    if lname in _DATE_FUNCTIONS:
        return Date()
    if lname in _TIME_FUNCTIONS:
        return Time()
    if lname in _SAME_TYPE_FUNCTIONS:
        # the first typed argument's type: coalesce(null(), false()) is a Boolean
        return next((a.type for a in args if not isinstance(a.type, NullType)), NullType())
    return NullType()


if TYPE_CHECKING:
    # A column expression typed by its Python value: Column[int], User.id.
    _Expression: TypeAlias = ColumnElement[_T]


class _FunctionGenerator:
    """`func.<name>(...)` builds a Function for any SQL function name. The
    functions SQLAlchemy knows by name are typed by what they yield:
    func.count() is a Function[int], func.max(User.id) a Function[int] (the
    argument's type), func.now() a Function[datetime]; any other name gives
    a Function[Any]."""

    def __getattr__(self, name: str) -> Callable[..., Function[Any]]:
        if name.startswith("__"):
            raise AttributeError(name)
        return functools.partial(_call_function, name)

    # Functions of a fixed result type.

    def count(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function("count", *args, **kw)

    def char_length(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function("char_length", *args, **kw)

    def row_number(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function("row_number", *args, **kw)

    def rank(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function("rank", *args, **kw)

    def dense_rank(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function("dense_rank", *args, **kw)

    def percent_rank(self, *args: Any, **kw: Any) -> Function[decimal.Decimal]:
        return _call_function("percent_rank", *args, **kw)

    def cume_dist(self, *args: Any, **kw: Any) -> Function[decimal.Decimal]:
        return _call_function("cume_dist", *args, **kw)

    def random(self, *args: Any, **kw: Any) -> Function[float]:
        return _call_function("random", *args, **kw)

    def concat(self, *args: Any, **kw: Any) -> Function[str]:
        return _call_function("concat", *args, **kw)

    def now(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function("now", *args, **kw)

    def current_timestamp(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function("current_timestamp", *args, **kw)

    def localtimestamp(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function("localtimestamp", *args, **kw)

    def current_date(self, *args: Any, **kw: Any) -> Function[datetime.date]:
        return _call_function("current_date", *args, **kw)

    def current_time(self, *args: Any, **kw: Any) -> Function[datetime.time]:
        return _call_function("current_time", *args, **kw)

    def localtime(self, *args: Any, **kw: Any) -> Function[datetime.time]:
        return _call_function("localtime", *args, **kw)

    # Functions whose result has the type of their first argument.

    @overload
    def max(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def max(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def max(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function("max", col, *args, **kw)

    @overload
    def min(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def min(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def min(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function("min", col, *args, **kw)

    @overload
    def sum(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def sum(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def sum(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function("sum", col, *args, **kw)

    @overload
    def coalesce(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def coalesce(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def coalesce(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function("coalesce", col, *args, **kw)


def _call_function(name: str, *args: Any, **kw: Any) -> Function[Any]:
    """func.<name>(*args): a Function; `type_=` overrides its SQL type."""
    return Function(name, *args, type_=kw.get("type_"))


func = _FunctionGenerator()

_TEXT_PARAM = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


class TextClause(ColumnElement[Any]):
    """Literal SQL with :name parameters, from text()."""

    __slots__ = ("text", "_bound", "_types", "_columns", "_names")

    def __init__(self, text: str) -> None:
        self.text = text
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
        return clone

    def columns(self, *cols: Any, **types: Any) -> TextClause:
        clone = self.bindparams()
        clone._columns = list(cols) + [(name, to_instance(t)) for name, t in types.items()]
        return clone

    def param_names(self) -> list[str]:
        return _TEXT_PARAM.findall(self.text)


def _pg_type_of_value(value: Any) -> TypeEngine:
    """The type psycopg would send `value` as; str and None stay untyped
    (PostgreSQL infers them from where they are used)."""
    import datetime as dt
    import decimal

    from .sqltypes import BigInteger, Date, Float, LargeBinary, Numeric, Time

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


class Exists(ColumnElement[bool]):
    __slots__ = ("select",)
    type = Boolean()

    def __init__(self, select: Select[Any]) -> None:
        self.select = select

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("exists", self.select._datum(binds))


def exists(stmt: Select[Any] | None = None) -> Exists:
    from .selectable import select as _select

    return Exists(stmt if stmt is not None else _select(literal_column("1")))


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
