"""Mapped attributes read from SQL: column_property() (a column or a SQL
expression loaded with the entity), deferred() (a column loaded on first
access, alone, with its group, or never: raiseload) and query_expression()
(an attribute a query fills through with_expression())."""

from __future__ import annotations

import copy
from typing import Any

from ..exc import ArgumentError
from ..sql.elements import ColumnElement, Null, coerce
from ..sql.schema import Column, Table
from ..sql.selectable import ResultEntry, TableAlias, TableClause
from ..sql.visitors import Visitable
from .attributes import Mapped
from .decl_dataclass import pop_field_arguments
from .interfaces import MapperProperty


class ColumnProperty(MapperProperty[Any], Mapped[Any]):
    """A mapped column or SQL expression: what Mapper.attrs holds for each
    column attribute, and what column_property(), deferred() and
    query_expression() return in a class body (mapping turns it into the
    class's instrumented attribute)."""

    key: str = ""
    parent: Any = None  # the Mapper, once mapped

    def __init__(
        self,
        expression: Any,
        *,
        group: str | None = None,
        deferred: bool = False,
        raiseload: bool = False,
        active_history: bool = False,
        expire_on_flush: bool = True,
        info: dict[str, Any] | None = None,
        doc: str | None = None,
        query_expression: bool = False,
        dataclass_arguments: dict[str, Any] | None = None,
    ) -> None:
        self.expression: ColumnElement[Any] = coerce(expression)
        self.group = group
        # a group or raiseload implies deferred, as in SQLAlchemy
        self.deferred = bool(deferred or group is not None or raiseload or query_expression)
        self.raiseload = raiseload
        self.active_history = active_history
        self.expire_on_flush = expire_on_flush
        self.info: dict[str, Any] = dict(info or {})
        self.doc = doc
        self.query_expression = query_expression
        # init/repr/default...: the dataclass field of a MappedAsDataclass class
        self.dataclass_arguments = dataclass_arguments or {}

    @property
    def maps_table_column(self) -> bool:
        """True for column_property(Column(...)) in a class body: the column joins the class's table."""
        return isinstance(self.expression, Column) and self.expression.table is None

    @property
    def columns(self) -> list[ColumnElement[Any]]:
        return [self.expression]

    def __repr__(self) -> str:
        return f"<ColumnProperty {self.expression!r}>"


class MappedSQLExpression(ColumnProperty):
    """What column_property() and deferred() return (SQLAlchemy's name for a
    column property declared in a class body)."""


def _property(
    column: Any, additional: tuple[Any, ...], kw: dict[str, Any], function: str, **options: Any
) -> ColumnProperty:
    if additional:
        raise NotImplementedError(f"{function}() of more than one column is not supported yet")
    comparator = kw.pop("comparator_factory", None)
    if comparator is not None:
        raise NotImplementedError(f"{function}(comparator_factory=...) is not supported yet")
    dataclass_arguments = pop_field_arguments(kw)
    if kw:
        raise ArgumentError(f"{function}() got unexpected keyword argument(s): {', '.join(sorted(kw))}")
    return MappedSQLExpression(column, dataclass_arguments=dataclass_arguments, **options)


def column_property(
    column: Any,
    *additional_columns: Any,
    group: str | None = None,
    deferred: bool = False,
    raiseload: bool = False,
    active_history: bool = False,
    expire_on_flush: bool = True,
    info: dict[str, Any] | None = None,
    doc: str | None = None,
    **kw: Any,
) -> Any:
    """Maps an attribute to a SQL expression (or a column): loaded with the
    entity's SELECT, usable in queries, never written by the unit of work."""
    return _property(
        column,
        additional_columns,
        kw,
        "column_property",
        group=group,
        deferred=deferred,
        raiseload=raiseload,
        active_history=active_history,
        expire_on_flush=expire_on_flush,
        info=info,
        doc=doc,
    )


def deferred(
    column: Any,
    *additional_columns: Any,
    group: str | None = None,
    raiseload: bool = False,
    active_history: bool = False,
    expire_on_flush: bool = True,
    info: dict[str, Any] | None = None,
    doc: str | None = None,
    **kw: Any,
) -> Any:
    """A column_property() left out of the entity's SELECT: it loads on first
    access (with the rest of its `group`), or raises with `raiseload`."""
    return _property(
        column,
        additional_columns,
        kw,
        "deferred",
        group=group,
        deferred=True,
        raiseload=raiseload,
        active_history=active_history,
        expire_on_flush=expire_on_flush,
        info=info,
        doc=doc,
    )


def query_expression(
    default_expr: Any = None,
    *,
    expire_on_flush: bool = True,
    info: dict[str, Any] | None = None,
    doc: str | None = None,
    **kw: Any,
) -> Any:
    """An attribute that holds what a query's with_expression() option
    computes for it, else None (or `default_expr`, when one is given)."""
    prop = _property(
        Null() if default_expr is None else default_expr,
        (),
        kw,
        "query_expression",
        expire_on_flush=expire_on_flush,
        info=info,
        doc=doc,
        query_expression=True,
    )
    prop.deferred = isinstance(prop.expression, Null)  # a real default is selected as a column
    return prop


def adapt_to_selectable(
    expression: ColumnElement[Any], table: Any, selectable: Any
) -> ColumnElement[Any] | None:
    """`expression` reading `selectable` (an alias or subquery of `table`) where
    it read `table`, for an aliased or joined entity; None when a column of
    `table` has no counterpart there. Only the elements that change are copied."""
    replace: dict[int, Any] = {id(table): selectable}
    for column in table.columns:
        counterpart = selectable.corresponding_column(column)
        if counterpart is None:
            return None
        replace[id(column)] = counterpart
    try:
        adapted: ColumnElement[Any] = _replaced(expression, replace)
    except RecursionError:  # a self-referring tree (a recursive CTE): left to load on access
        return None
    return adapted


def _replaced(value: Any, replace: dict[int, Any]) -> Any:
    """`value` with the objects `replace` names swapped in, copying each SQL
    element on the way to one; schema objects, mappers and types are shared."""
    found = replace.get(id(value))
    if found is not None:
        return found
    if type(value) in (list, tuple):
        items = [_replaced(v, replace) for v in value]
        changed = any(a is not b for a, b in zip(items, value))
        return type(value)(items) if changed else value
    if not isinstance(value, (Visitable, ResultEntry)) or isinstance(value, _SHARED):
        return value
    changes = {name: new for name, old in _attributes(value) if (new := _replaced(old, replace)) is not old}
    if not changes:
        return value
    clone = copy.copy(value)
    for name, new in changes.items():
        object.__setattr__(clone, name, new)
    return clone


def _attributes(obj: Any) -> list[tuple[str, Any]]:
    found = [
        (slot, getattr(obj, slot))
        for cls in type(obj).__mro__
        for slot in cls.__dict__.get("__slots__", ())
        if hasattr(obj, slot)
    ]
    found.extend(getattr(obj, "__dict__", {}).items())
    return found


_SHARED = (Table, Column, TableAlias, TableClause)
