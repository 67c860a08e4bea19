"""Loader options: selectinload(), joinedload(), contains_eager(),
load_only(), defer() and friends. An option is a path of steps from a root
entity, applied to that entity's EntityLoad when the statement runs."""

from __future__ import annotations

from typing import Any

from ..exc import ArgumentError
from .attributes import InstrumentedAttribute


class Load:
    """A loader option: steps along relationships, each naming how to load
    the relationship (or which columns to load at that point of the path)."""

    __slots__ = ("steps", "branches")

    def __init__(self, steps: tuple[Any, ...] = (), branches: tuple[Any, ...] = ()) -> None:
        self.steps = steps
        self.branches = branches  # options given to .options(), relative to this path

    def _then(self, *step: Any) -> Load:
        return Load((*self.steps, step))

    # relationships
    def selectinload(self, attr: Any, recursion_depth: int | None = None) -> Load:
        return self._then("rel", attr, "selectin")

    subqueryload = selectinload
    immediateload = selectinload

    def joinedload(self, attr: Any, innerjoin: bool = False) -> Load:
        return self._then("rel", attr, "joined", innerjoin)

    def contains_eager(self, attr: Any, alias: Any = None) -> Load:
        return self._then("rel", attr, "contains_eager")

    def lazyload(self, attr: Any) -> Load:
        return self._then("rel", attr, "select")

    def noload(self, attr: Any) -> Load:
        return self._then("rel", attr, "noload")

    def raiseload(self, attr: Any = "*", sql_only: bool = False) -> Load:
        return self._then("rel", attr, "raise_on_sql" if sql_only else "raise")

    def defaultload(self, attr: Any) -> Load:
        return self._then("rel", attr, None)

    # columns
    def load_only(self, *attrs: Any, raiseload: bool = False) -> Load:
        return self._then("columns", "load_only", attrs)

    def defer(self, attr: Any, raiseload: bool = False) -> Load:
        return self._then("columns", "defer", (attr,))

    def undefer(self, attr: Any) -> Load:
        return self._then("columns", "undefer", (attr,))

    def options(self, *options: Load) -> Load:
        return Load(self.steps, (*self.branches, *options))

    def paths(self) -> list[tuple[Any, ...]]:
        """Every full path this option stands for (one per branch)."""
        if not self.branches:
            return [self.steps]
        paths = [self.steps]
        for branch in self.branches:
            paths.extend(self.steps + sub for sub in branch.paths())
        return paths

    def __repr__(self) -> str:
        return f"<Load {self.steps!r}>"


def selectinload(*attrs: Any, recursion_depth: int | None = None) -> Load:
    """Loads the relationship with one more SELECT ... WHERE key IN (...) per statement."""
    return _chain("selectin", attrs)


subqueryload = selectinload
immediateload = selectinload


def joinedload(*attrs: Any, innerjoin: bool = False) -> Load:
    """Loads the relationship in the same statement, through a LEFT OUTER JOIN."""
    return _chain("joined", attrs, innerjoin)


def contains_eager(*attrs: Any, alias: Any = None) -> Load:
    """Fills the relationship from columns the statement already joins explicitly."""
    return _chain("contains_eager", attrs)


def lazyload(*attrs: Any) -> Load:
    return _chain("select", attrs)


def noload(*attrs: Any) -> Load:
    return _chain("noload", attrs)


def raiseload(*attrs: Any, sql_only: bool = False) -> Load:
    """Makes a lazy load of the relationship(s) raise instead of emitting SQL."""
    return _chain("raise_on_sql" if sql_only else "raise", attrs or ("*",))


def defaultload(*attrs: Any) -> Load:
    return _chain(None, attrs)


def load_only(*attrs: Any, raiseload: bool = False) -> Load:
    """Loads only these columns (and the primary key); the others load on first access."""
    return Load((("columns", "load_only", attrs),))


def defer(attr: Any, *more: Any, raiseload: bool = False) -> Load:
    """Leaves a column out of the SELECT; it loads on first access."""
    return Load((("columns", "defer", (attr, *more)),))


def undefer(attr: Any, *more: Any) -> Load:
    return Load((("columns", "undefer", (attr, *more)),))


def selectin_polymorphic(base: Any, classes: Any) -> Load:
    """When the statement loads `base`, the own columns of the objects of
    `classes` (subclasses of it) load with a second SELECT ... WHERE key IN (...)."""
    from .mapper import mapper_of

    root = mapper_of(base)
    subclasses = tuple(mapper_of(c) for c in classes)
    for sub in subclasses:
        if not issubclass(sub.class_, root.class_):
            raise ArgumentError(
                f"selectin_polymorphic(): {sub.class_.__name__} is not a subclass of {root.class_.__name__}"
            )
    return Load((("subclasses", "selectin", (root, *subclasses)),))


def _chain(strategy: Any, attrs: tuple[Any, ...], *extra: Any) -> Load:
    if not attrs:
        raise ArgumentError("a loader option needs a relationship attribute")
    steps = tuple(("rel", attr, None) for attr in attrs[:-1]) + (("rel", attrs[-1], strategy, *extra),)
    return Load(steps)


def column_keys(attrs: tuple[Any, ...], mapper: Any) -> list[str]:
    """The mapped column attribute names an option's attributes stand for."""
    keys: list[str] = []
    for attr in attrs:
        key = attr if isinstance(attr, str) else getattr(attr, "key", None)
        if isinstance(attr, InstrumentedAttribute) and not issubclass(mapper.class_, attr.mapper.class_):
            raise ArgumentError(f"Attribute '{attr}' does not apply to entity {mapper.class_.__name__}")
        if not isinstance(key, str) or key not in mapper.attr_columns:
            raise ArgumentError(f"{key!r} is not a column attribute of {mapper.class_.__name__}")
        keys.append(key)
    return keys
