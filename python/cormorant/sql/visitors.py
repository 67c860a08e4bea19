"""Visiting a statement's elements: Visitable (the base of every element,
named by `__visit_name__`), iterate() and traverse(), and ClauseVisitor,
whose visit_<name>() methods are called for each element of that name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.strip("_")).lower()


class Visitable:
    """An element a visitor can reach: its `__visit_name__` picks the
    visit_<name>() method, and get_children() the elements inside it."""

    __slots__ = ()
    __visit_name__ = "visitable"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "__visit_name__" not in cls.__dict__:
            cls.__visit_name__ = _snake(cls.__name__)

    def get_children(self, **kw: Any) -> Iterator[Visitable]:
        """The elements this one holds directly, in attribute order."""
        seen: set[int] = set()
        for value in _attribute_values(self):
            for child in _elements_in(value):
                if id(child) not in seen and child is not self:
                    seen.add(id(child))
                    yield child


def _attribute_values(obj: Any) -> Iterator[Any]:
    for cls in type(obj).__mro__:
        for slot in cls.__dict__.get("__slots__", ()):
            if hasattr(obj, slot):
                yield getattr(obj, slot)
    yield from getattr(obj, "__dict__", {}).values()


def _elements_in(value: Any) -> Iterator[Visitable]:
    if isinstance(value, Visitable):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _elements_in(item)
    else:
        clause = getattr(value, "__clause_element__", None)  # a ResultEntry's column, an ORM attribute
        if clause is None and hasattr(value, "column") and isinstance(value.column, Visitable):
            yield value.column
        elif clause is not None and not isinstance(value, type):
            element = clause()
            if isinstance(element, Visitable):
                yield element


def iterate(obj: Visitable | None, opts: Mapping[str, Any] | None = None) -> Iterator[Visitable]:
    """Every element under `obj` (itself first), breadth first, each once."""
    if obj is None:
        return
    queue = [obj]
    seen = {id(obj)}
    while queue:
        element = queue.pop(0)
        yield element
        for child in element.get_children():
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)


def traverse(
    obj: Visitable | None, opts: Mapping[str, Any], visitors: Mapping[str, Callable[[Any], Any]]
) -> Visitable | None:
    """Calls visitors[element.__visit_name__](element) for every element under `obj`."""
    for element in iterate(obj, opts):
        visit = visitors.get(element.__visit_name__)
        if visit is not None:
            visit(element)
    return obj


class ClauseVisitor:
    """Subclass with visit_<name>(element) methods (visit_column, visit_binary,
    visit_select, visit_table, visit_bindparam...); traverse(stmt) calls
    them for every element of the statement."""

    __traverse_options__: dict[str, Any] = {}

    @property
    def _visitor_dict(self) -> dict[str, Callable[[Any], Any]]:
        return {name[6:]: getattr(self, name) for name in dir(self) if name.startswith("visit_")}

    def iterate(self, obj: Visitable | None) -> Iterator[Visitable]:
        return iterate(obj, self.__traverse_options__)

    def traverse(self, obj: Visitable | None) -> Visitable | None:
        return traverse(obj, self.__traverse_options__, self._visitor_dict)
