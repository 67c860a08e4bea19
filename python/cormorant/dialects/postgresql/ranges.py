"""PostgreSQL's range and multirange types (INT4RANGE ... TSTZMULTIRANGE) and
`Range`, the Python value of a range: its bounds, emptiness and the range
algebra PostgreSQL has (contains, overlaps, adjacent_to, union...).

Ranges are bound and read in PostgreSQL's text form ([1,5), empty, {[1,3),[5,7)});
a multirange's value is a MultiRange, a list of Range."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import decimal
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar

from ...sql.elements import CustomOpExpression, coerce
from ...sql.sqltypes import (
    BigInteger,
    Boolean,
    Converter,
    Date,
    DateTime,
    Integer,
    Numeric,
    TypeEngine,
    _short_repr,
)
from ...sql.standard_types import SpelledType

_T = TypeVar("_T")
Bounds = Literal["()", "[)", "(]", "[]"]
_BOUNDS = ("()", "[)", "(]", "[]")


# --- Range: the Python value ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Range(Generic[_T]):
    """A range of values: `lower` and `upper` (None: unbounded), `bounds` saying
    which ends are included ("[)" by default), or the empty range (empty=True).
    Ranges of ints and dates compare equal in any spelling of the same set
    (Range(1, 3, bounds="[]") == Range(1, 4))."""

    lower: _T | None = None
    upper: _T | None = None
    bounds: Bounds = "[)"
    empty: bool = False

    def __init__(
        self, lower: _T | None = None, upper: _T | None = None, *, bounds: Bounds = "[)", empty: bool = False
    ) -> None:
        if bounds not in _BOUNDS:
            raise ValueError(f"bounds must be one of {', '.join(_BOUNDS)}, got {bounds!r}")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)
        object.__setattr__(self, "bounds", bounds)
        object.__setattr__(self, "empty", empty)

    # --- its ends -------------------------------------------------------------------------

    def __bool__(self) -> bool:
        return not self.empty

    @property
    def isempty(self) -> bool:
        return self.empty

    is_empty = isempty

    @property
    def lower_inc(self) -> bool:
        return not self.empty and self.lower is not None and self.bounds[0] == "["

    @property
    def upper_inc(self) -> bool:
        return not self.empty and self.upper is not None and self.bounds[1] == "]"

    @property
    def lower_inf(self) -> bool:
        return not self.empty and self.lower is None

    @property
    def upper_inf(self) -> bool:
        return not self.empty and self.upper is None

    def _canonical(self) -> Range[Any]:
        """The same set with discrete ends (ints, dates) written [lower, upper)."""
        step = _step(self.lower if self.lower is not None else self.upper)
        if self.empty or step is None:
            return self
        lower, upper = self.lower, self.upper
        if lower is not None and self.bounds[0] == "(":
            lower = lower + step
        if upper is not None and self.bounds[1] == "]":
            upper = upper + step
        if lower is not None and upper is not None and not lower < upper:  # type: ignore[operator]
            return Range(empty=True)
        return Range(lower, upper, bounds="[)")

    def _lower_edge(self) -> _Edge:
        return _Edge(self.lower, self.bounds[0] == "[", lower=True)

    def _upper_edge(self) -> _Edge:
        return _Edge(self.upper, self.bounds[1] == "]", lower=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Range):
            return NotImplemented
        a, b = self._canonical(), other._canonical()
        if a.empty or b.empty:
            return a.empty and b.empty
        return a._lower_edge() == b._lower_edge() and a._upper_edge() == b._upper_edge()

    def __hash__(self) -> int:
        a = self._canonical()
        return hash(("empty",)) if a.empty else hash((a._lower_edge(), a._upper_edge()))

    # --- the range algebra ------------------------------------------------------------------

    def contains(self, value: Any) -> bool:
        """Whether `value` (an element, or a Range) lies within this range."""
        if isinstance(value, Range):
            a, b = self._canonical(), value._canonical()
            if b.empty:
                return True
            return not a.empty and a._lower_edge() <= b._lower_edge() and b._upper_edge() <= a._upper_edge()
        if self.empty:
            return False
        point = _Edge(value, True, lower=True)
        return self._lower_edge() <= point and _Edge(value, True, lower=False) <= self._upper_edge()

    __contains__ = contains

    def overlaps(self, other: Range[Any]) -> bool:
        """Whether the ranges share a point (&&)."""
        a, b = self._canonical(), other._canonical()
        if a.empty or b.empty:
            return False
        return _meet(a._lower_edge(), b._upper_edge()) and _meet(b._lower_edge(), a._upper_edge())

    def strictly_left_of(self, other: Range[Any]) -> bool:
        """Whether every point of this range is below every point of `other` (<<)."""
        a, b = self._canonical(), other._canonical()
        if a.empty or b.empty:
            return False
        return not _meet(b._lower_edge(), a._upper_edge())

    __lshift__ = strictly_left_of

    def strictly_right_of(self, other: Range[Any]) -> bool:
        """Whether every point of this range is above every point of `other` (>>)."""
        return Range.strictly_left_of(other, self)

    __rshift__ = strictly_right_of

    def not_extend_right_of(self, other: Range[Any]) -> bool:
        """Whether this range does not reach above `other` (&<)."""
        a, b = self._canonical(), other._canonical()
        return not (a.empty or b.empty) and a._upper_edge() <= b._upper_edge()

    def not_extend_left_of(self, other: Range[Any]) -> bool:
        """Whether this range does not reach below `other` (&>)."""
        a, b = self._canonical(), other._canonical()
        return not (a.empty or b.empty) and b._lower_edge() <= a._lower_edge()

    def adjacent_to(self, other: Range[Any]) -> bool:
        """Whether the ranges touch without sharing a point (-|-)."""
        a, b = self._canonical(), other._canonical()
        if a.empty or b.empty:
            return False
        return _touch(a._upper_edge(), b._lower_edge()) or _touch(b._upper_edge(), a._lower_edge())

    def union(self, other: Range[Any]) -> Range[Any]:
        """The range covering both (+); they must overlap or be adjacent."""
        a, b = self._canonical(), other._canonical()
        if a.empty:
            return b
        if b.empty:
            return a
        if not a.overlaps(b) and not a.adjacent_to(b):
            raise ValueError("Adding non-overlapping and non-adjacent ranges is not implemented")
        return _from_edges(min(a._lower_edge(), b._lower_edge()), max(a._upper_edge(), b._upper_edge()))

    __add__ = union

    def difference(self, other: Range[Any]) -> Range[Any]:
        """This range without the points of `other` (-); `other` may not split it in two."""
        a, b = self._canonical(), other._canonical()
        if a.empty or b.empty or not a.overlaps(b):
            return a
        low_a, up_a, low_b, up_b = a._lower_edge(), a._upper_edge(), b._lower_edge(), b._upper_edge()
        if low_a < low_b and up_b < up_a:
            raise ValueError("Subtracting a strictly inner range is not implemented")
        if low_b <= low_a and up_a <= up_b:
            return Range(empty=True)
        if low_b <= low_a:  # `other` covers the left part
            return _from_edges(up_b.complement(), up_a)._canonical()
        return _from_edges(low_a, low_b.complement())._canonical()

    __sub__ = difference

    def intersection(self, other: Range[Any]) -> Range[Any]:
        """The points in both (*)."""
        a, b = self._canonical(), other._canonical()
        if not a.overlaps(b):
            return Range(empty=True)
        return _from_edges(max(a._lower_edge(), b._lower_edge()), min(a._upper_edge(), b._upper_edge()))

    __mul__ = intersection

    def _literal_type(self) -> TypeEngine:
        """The range type a literal Range binds as: from its ends' Python type."""
        return _range_type_of(self.lower if self.lower is not None else self.upper, self.upper)

    def __str__(self) -> str:
        """PostgreSQL's text form: [1,5), (,2020-01-01], empty."""
        if self.empty:
            return "empty"
        lower = "" if self.lower is None else _bound_text(self.lower)
        upper = "" if self.upper is None else _bound_text(self.upper)
        return f"{self.bounds[0]}{lower},{upper}{self.bounds[1]}"

    def __repr__(self) -> str:
        if self.empty:
            return "Range(empty=True)"
        return f"Range({self.lower!r}, {self.upper!r}, bounds={self.bounds!r})"


class MultiRange(list[Range[_T]]):
    """A multirange's value: a list of Range (the server keeps them sorted and merged)."""


def _step(value: Any) -> Any:
    """The distance between neighbours of a discrete element type, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return 1
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.timedelta(days=1)
    return None


class _Edge:
    """One end of a nonempty range, ordered among ends: an unbounded lower end
    first, an unbounded upper end last; at the same value, [ before ( for
    lower ends and ) before ] for upper ends."""

    __slots__ = ("value", "inclusive", "lower")

    def __init__(self, value: Any, inclusive: bool, lower: bool) -> None:
        self.value, self.inclusive, self.lower = value, inclusive and value is not None, lower

    def _key(self) -> tuple[int, Any, int]:
        if self.value is None:
            return (-1 if self.lower else 1, 0, 0)
        # Where the end sits just around its value: an excluded lower end just
        # after it, an excluded upper end just before it.
        shift = 0 if self.inclusive else (1 if self.lower else -1)
        return (0, self.value, shift)

    def __lt__(self, other: _Edge) -> bool:
        return self._key() < other._key()

    def __le__(self, other: _Edge) -> bool:
        return self._key() <= other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Edge) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def complement(self) -> _Edge:
        """The end the remaining part starts or stops at, when this end is cut away."""
        return _Edge(self.value, not self.inclusive, not self.lower)


def _meet(lower: _Edge, upper: _Edge) -> bool:
    """Whether a lower end is at or below an upper end (the two ranges share a point)."""
    if lower.value is None or upper.value is None:
        return True
    return bool(
        lower.value < upper.value or (lower.value == upper.value and lower.inclusive and upper.inclusive)
    )


def _touch(upper: _Edge, lower: _Edge) -> bool:
    return (
        upper.value is not None
        and lower.value is not None
        and upper.value == lower.value
        and upper.inclusive != lower.inclusive
    )


def _from_edges(lower: _Edge, upper: _Edge) -> Range[Any]:
    bounds = ("[" if lower.inclusive else "(") + ("]" if upper.inclusive else ")")
    return Range(lower.value, upper.value, bounds=bounds)  # type: ignore[arg-type]


def _bound_text(value: Any) -> str:
    text = value.isoformat() if isinstance(value, (_dt.date, _dt.time)) else str(value)
    if any(ch in text for ch in ' ,()[]"\\'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _range_type_of(end: Any, other_end: Any) -> TypeEngine:
    from ...sql.sqltypes import NullType

    if isinstance(end, bool) or end is None:
        return NullType()
    if isinstance(end, int):
        big = any(isinstance(v, int) and v.bit_length() >= 32 for v in (end, other_end))
        return INT8RANGE() if big else INT4RANGE()
    if isinstance(end, (decimal.Decimal, float)):
        return NUMRANGE()
    if isinstance(end, _dt.datetime):
        return TSTZRANGE() if end.tzinfo is not None else TSRANGE()
    if isinstance(end, _dt.date):
        return DATERANGE()
    return NullType()


# --- reading PostgreSQL's text form ------------------------------------------------------


def _parse_range(text: str, element: Callable[[str], Any]) -> Range[Any]:
    if text == "empty":
        return Range(empty=True)
    bounds = text[0] + text[-1]
    lower, upper = _split_bounds(text[1:-1])
    return Range(
        None if lower is None else element(lower),
        None if upper is None else element(upper),
        bounds=bounds,  # type: ignore[arg-type]
    )


def _split_bounds(body: str) -> tuple[str | None, str | None]:
    """`1,5` / `,5` / `"2020-01-01 00:00:00",` -> the two bound texts (None: unbounded)."""
    parts: list[str | None] = []
    pos = 0
    for _ in range(2):
        if pos < len(body) and body[pos] == '"':
            chars, pos = [], pos + 1
            while body[pos] != '"':
                if body[pos] == "\\":
                    pos += 1
                chars.append(body[pos])
                pos += 1
            parts.append("".join(chars))
            pos += 1
        else:
            end = body.find(",", pos)
            end = len(body) if end < 0 else end
            parts.append(body[pos:end] or None)
            pos = end
        pos += 1  # the comma
    return parts[0], parts[1]


def _parse_multirange(text: str, element: Callable[[str], Any]) -> MultiRange[Any]:
    """{[1,3),[5,7)} -> the ranges; quoted bounds may hold commas and brackets."""
    ranges: list[Range[Any]] = []
    pos, body = 0, text[1:-1]
    while pos < len(body):
        if body[pos] in ", ":
            pos += 1
            continue
        if body.startswith("empty", pos):
            ranges.append(Range(empty=True))
            pos += len("empty")
            continue
        end, quoted = pos + 1, False
        while quoted or body[end] not in ")]":
            if body[end] == "\\":
                end += 1
            elif body[end] == '"':
                quoted = not quoted
            end += 1
        ranges.append(_parse_range(body[pos : end + 1], element))
        pos = end + 1
    return MultiRange(ranges)


def _datetime(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text)


# --- the column types ----------------------------------------------------------------------


class AbstractRange(SpelledType):
    """Base of the range and multirange types: spelled by name, values in
    PostgreSQL's text form, with the range operators as expression methods."""

    _name = ""
    _element_type: Callable[[], TypeEngine] = Integer
    _parse_element: Callable[[str], Any] = int

    def _spelling(self, dialect: str | None) -> str:
        if dialect == "sqlite":
            from ...exc import UnsupportedCompilationError

            raise UnsupportedCompilationError("sqlite type compiler", type(self))
        return self._name

    def _operand(self, other: Any) -> Any:
        """`other` bound as this range type when it is a range (or list of
        ranges), else as the element type."""
        if isinstance(other, Range):
            return coerce(other, self._single_range(), None)
        if isinstance(other, list):
            return coerce(other, self, None)
        return coerce(other, type(self)._element_type(), None)  # (a column stays itself)

    def _single_range(self) -> TypeEngine:
        """The range type of this type's ranges (itself, for a single range)."""
        return self

    def _contains_expression(self, expr: Any, other: Any) -> Any:
        return _range_op(self, expr, "@>", other)


def _range_op(type_: AbstractRange, expr: Any, operator: str, other: Any) -> CustomOpExpression:
    return CustomOpExpression(expr, operator, type_._operand(other), Boolean(), 5)


def _range_arith(type_: AbstractRange, expr: Any, operator: str, other: Any) -> CustomOpExpression:
    return CustomOpExpression(expr, operator, coerce(other, type_, None), type_, 7)


def _comparison(operator: str) -> Callable[..., Any]:
    return lambda type_, expr, other: _range_op(type_, expr, operator, other)


def _arithmetic(operator: str) -> Callable[..., Any]:
    return lambda type_, expr, other: _range_arith(type_, expr, operator, other)


AbstractRange._operators = {
    "contained_by": _comparison("<@"),
    "overlaps": _comparison("&&"),
    "strictly_left_of": _comparison("<<"),
    "strictly_right_of": _comparison(">>"),
    "not_extend_right_of": _comparison("&<"),
    "not_extend_left_of": _comparison("&>"),
    "adjacent_to": _comparison("-|-"),
    "union": _arithmetic("+"),
    "difference": _arithmetic("-"),
    "intersection": _arithmetic("*"),
}


class AbstractSingleRange(AbstractRange):
    """A range type: values are Range."""

    python_type = Range

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _range_text

    def _result_converter(self, dialect: str) -> Converter:
        element = type(self)._parse_element
        return lambda text: _parse_range(text, element) if isinstance(text, str) else text


def _range_text(value: Any) -> str:
    if isinstance(value, Range):
        return str(value)
    raise TypeError(f"expected a Range, got {type(value).__name__} {_short_repr(value)}")


class AbstractMultiRange(AbstractRange):
    """A multirange type: values are lists of Range."""

    python_type = list
    _range_type: type[AbstractSingleRange] = AbstractSingleRange

    def _single_range(self) -> TypeEngine:
        return self._range_type()

    def _bind_processor(self, dialect: str) -> Callable[[Any], Any] | None:
        return _multirange_text

    def _result_converter(self, dialect: str) -> Converter:
        element = type(self)._parse_element
        return lambda text: _parse_multirange(text, element) if isinstance(text, str) else text


def _multirange_text(value: Any) -> str:
    if isinstance(value, (list, tuple)) and all(isinstance(r, Range) for r in value):
        return "{" + ",".join(str(r) for r in value) + "}"
    raise TypeError(f"expected a list of Range, got {type(value).__name__} {_short_repr(value)}")


def _aware_datetime() -> TypeEngine:
    return DateTime(timezone=True)


class INT4RANGE(AbstractSingleRange):
    """A range of 4-byte integers; values are Range[int]."""

    _name = "INT4RANGE"


class INT8RANGE(AbstractSingleRange):
    """A range of 8-byte integers; values are Range[int]."""

    _name = "INT8RANGE"
    _element_type = BigInteger


class NUMRANGE(AbstractSingleRange):
    """A range of numerics; values are Range[Decimal]."""

    _name = "NUMRANGE"
    _element_type = Numeric
    _parse_element = decimal.Decimal


class DATERANGE(AbstractSingleRange):
    """A range of dates; values are Range[date]."""

    _name = "DATERANGE"
    _element_type = Date
    _parse_element = _dt.date.fromisoformat


class TSRANGE(AbstractSingleRange):
    """A range of timestamps without time zone; values are Range[datetime]."""

    _name = "TSRANGE"
    _element_type = DateTime
    _parse_element = staticmethod(_datetime)


class TSTZRANGE(AbstractSingleRange):
    """A range of timestamps with time zone; values are Range[datetime] (aware)."""

    _name = "TSTZRANGE"
    _element_type = _aware_datetime
    _parse_element = staticmethod(_datetime)


class INT4MULTIRANGE(AbstractMultiRange):
    """A set of INT4RANGEs; values are lists of Range[int]."""

    _name = "INT4MULTIRANGE"
    _range_type = INT4RANGE


class INT8MULTIRANGE(AbstractMultiRange):
    """A set of INT8RANGEs; values are lists of Range[int]."""

    _name = "INT8MULTIRANGE"
    _range_type = INT8RANGE
    _element_type = BigInteger


class NUMMULTIRANGE(AbstractMultiRange):
    """A set of NUMRANGEs; values are lists of Range[Decimal]."""

    _name = "NUMMULTIRANGE"
    _range_type = NUMRANGE
    _element_type = Numeric
    _parse_element = decimal.Decimal


class DATEMULTIRANGE(AbstractMultiRange):
    """A set of DATERANGEs; values are lists of Range[date]."""

    _name = "DATEMULTIRANGE"
    _range_type = DATERANGE
    _element_type = Date
    _parse_element = _dt.date.fromisoformat


class TSMULTIRANGE(AbstractMultiRange):
    """A set of TSRANGEs; values are lists of Range[datetime]."""

    _name = "TSMULTIRANGE"
    _range_type = TSRANGE
    _element_type = DateTime
    _parse_element = staticmethod(_datetime)


class TSTZMULTIRANGE(AbstractMultiRange):
    """A set of TSTZRANGEs; values are lists of Range[datetime] (aware)."""

    _name = "TSTZMULTIRANGE"
    _range_type = TSTZRANGE
    _element_type = _aware_datetime
    _parse_element = staticmethod(_datetime)


__all__ = [
    "AbstractMultiRange",
    "AbstractRange",
    "AbstractSingleRange",
    "DATEMULTIRANGE",
    "DATERANGE",
    "INT4MULTIRANGE",
    "INT4RANGE",
    "INT8MULTIRANGE",
    "INT8RANGE",
    "MultiRange",
    "NUMMULTIRANGE",
    "NUMRANGE",
    "Range",
    "TSMULTIRANGE",
    "TSRANGE",
    "TSTZMULTIRANGE",
    "TSTZRANGE",
]
