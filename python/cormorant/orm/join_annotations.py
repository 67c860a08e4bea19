"""foreign() and remote(): marks on the columns of a relationship's
`primaryjoin`, saying which column refers to the other (foreign) and which
belongs to the related rows (remote), for joins the foreign keys do not
describe. The marked expression compiles as the column itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..sql.elements import BindCollector, ColumnElement, coerce

if TYPE_CHECKING:
    from ..sql.base import FromClause


class JoinAnnotation(ColumnElement[Any]):
    """A column of a join condition with its foreign()/remote() marks."""

    __slots__ = ("element", "foreign", "remote", "type")

    def __init__(self, element: Any, *, foreign: bool = False, remote: bool = False) -> None:
        element = coerce(element)
        if isinstance(element, JoinAnnotation):
            foreign, remote = foreign or element.foreign, remote or element.remote
            element = element.element
        self.element: ColumnElement[Any] = element
        self.foreign: bool = foreign
        self.remote: bool = remote
        self.type = element.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.element._datum(binds)

    def _from_objects(self) -> list[FromClause]:
        return self.element._from_objects()

    def __clause_element__(self) -> ColumnElement[Any]:
        return self.element

    def __repr__(self) -> str:
        marks = [m for m, on in (("foreign", self.foreign), ("remote", self.remote)) if on]
        return f"{'('.join(marks)}({self.element!r}{')' * len(marks)}"


def foreign(expr: Any) -> Any:
    """Marks `expr` in a relationship's primaryjoin as the column that refers
    to the other side (the one a ForeignKey would be on)."""
    return JoinAnnotation(expr, foreign=True)


def remote(expr: Any) -> Any:
    """Marks `expr` in a relationship's primaryjoin as a column of the related
    rows (needed when both sides are the same table)."""
    return JoinAnnotation(expr, remote=True)
