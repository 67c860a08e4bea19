"""PostgreSQL's array expressions: the ARRAY[...] literal (array), array_agg()
typed as an ARRAY, an aggregate's own ORDER BY (aggregate_order_by), and
Any / All comparisons with an array's items."""

from __future__ import annotations

import operator as _operator
import typing
from collections.abc import Callable, Iterable, Sequence

from ...sql.elements import BindCollector, ColumnElement, all_, any_, coerce
from ...sql.functions import Function
from ...sql.sqltypes import NullType, TypeEngine, to_instance
from .types import ARRAY

# The engine groups an operand whose precedence is not above its operator's,
# so a list of items is a tree of "," operators whose precedence grows inward:
# a nested list never gets parentheses (which would make it a ROW).
_LIST_ROOT = 1


def _comma_list(datums: Sequence[typing.Any], precedence: int = _LIST_ROOT) -> typing.Any:
    if len(datums) == 1:
        return datums[0]
    half = (len(datums) + 1) // 2
    left, right = _comma_list(datums[:half], precedence + 1), _comma_list(datums[half:], precedence + 1)
    return ("custom_op", ",", left, right, min(precedence, 100))


class array(ColumnElement[typing.Any]):  # noqa: N801  (SQLAlchemy's name)
    """ARRAY[a, b, ...]: a PostgreSQL array built from expressions or values,
    typed ARRAY(the first item's type) unless `type_` gives the item type."""

    __visit_name__ = "array"
    __slots__ = ("clauses", "type")

    def __init__(self, clauses: Iterable[typing.Any], *, type_: typing.Any = None, **kw: typing.Any) -> None:
        if kw:
            raise TypeError(f"array() got unexpected keyword arguments {', '.join(sorted(kw))}")
        item_type = to_instance(type_) if type_ is not None else None
        self.clauses = [coerce(c, item_type) for c in clauses]
        if item_type is None:
            item_type = self.clauses[0].type if self.clauses else NullType()
        if isinstance(item_type, ARRAY):  # an array of arrays: one more dimension
            self.type = ARRAY(item_type.item_type, dimensions=(item_type.dimensions or 1) + 1)
        else:
            self.type = ARRAY(item_type)

    def _datum(self, binds: BindCollector) -> tuple[typing.Any, ...]:
        if not self.clauses:  # an empty ARRAY[] needs its type
            return ("cast", ("text", "ARRAY[]"), self.type._ddl())
        items = [c._datum(binds) for c in self.clauses]
        return ("binop", "[]", ("text", "ARRAY"), _comma_list(items))

    def _from_objects(self) -> list[typing.Any]:
        return [f for c in self.clauses for f in c._from_objects()]


# How many ORDER BY items keep their ASC / DESC unparenthesised (a DESC binds
# like a precedence-3 operator: the "," tree above it must stay below that).
_MAX_ORDER_ITEMS = 4


class aggregate_order_by(ColumnElement[typing.Any]):  # noqa: N801  (SQLAlchemy's name)
    """`target ORDER BY a, b`: an aggregate function's argument with its own
    order, as in array_agg(aggregate_order_by(t.c.a, t.c.b.desc()))."""

    __visit_name__ = "aggregate_order_by"
    __slots__ = ("target", "order_by", "type")

    def __init__(self, target: typing.Any, *order_by: typing.Any) -> None:
        if not order_by:
            raise TypeError("at least one ORDER BY element is required")
        if len(order_by) > _MAX_ORDER_ITEMS:
            raise NotImplementedError(
                f"aggregate_order_by() with more than {_MAX_ORDER_ITEMS} ORDER BY expressions: "
                "cormorant's SQL renderer cannot write a longer list unparenthesised"
            )
        self.target = coerce(target)
        self.order_by = [coerce(o) for o in order_by]
        self.type = self.target.type

    def _datum(self, binds: BindCollector) -> tuple[typing.Any, ...]:
        items = _comma_list([o._datum(binds) for o in self.order_by])
        return ("custom_op", "ORDER BY", self.target._datum(binds), items, 0)

    def _from_objects(self) -> list[typing.Any]:
        return self.target._from_objects() + [f for o in self.order_by for f in o._from_objects()]


def array_agg(*arg: typing.Any, **kw: typing.Any) -> Function[typing.Any]:
    """PostgreSQL's array_agg(), typed ARRAY(the argument's type) (or
    ARRAY(type_) when type_ is given)."""
    type_ = kw.pop("type_", None)
    if kw:
        raise TypeError(f"array_agg() got unexpected keyword arguments {', '.join(sorted(kw))}")
    arguments = [coerce(a) for a in arg]
    if type_ is None:
        item = arguments[0].type if arguments else NullType()
        type_ = item if isinstance(item, ARRAY) else ARRAY(item)
    return Function("array_agg", *arguments, type_=type_)


def _compared(
    other: typing.Any, arrexpr: typing.Any
) -> tuple[ColumnElement[typing.Any], ColumnElement[typing.Any]]:
    array_ = coerce(arrexpr)
    item_type: TypeEngine | None = getattr(array_.type, "item_type", None)
    return coerce(other, item_type), array_


def Any(  # noqa: N802  (SQLAlchemy's name)
    other: typing.Any,
    arrexpr: typing.Any,
    operator: Callable[[typing.Any, typing.Any], typing.Any] = _operator.eq,
) -> typing.Any:
    """`other <operator> ANY (arrexpr)`: true when the comparison holds for some item."""
    left, array_ = _compared(other, arrexpr)
    return operator(left, any_(array_))


def All(  # noqa: N802  (SQLAlchemy's name)
    other: typing.Any,
    arrexpr: typing.Any,
    operator: Callable[[typing.Any, typing.Any], typing.Any] = _operator.eq,
) -> typing.Any:
    """`other <operator> ALL (arrexpr)`: true when the comparison holds for every item."""
    left, array_ = _compared(other, arrexpr)
    return operator(left, all_(array_))


__all__ = ["All", "Any", "aggregate_order_by", "array", "array_agg"]
