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
        return self._then("columns", "load_only", attrs, raiseload)

    def defer(self, attr: Any, raiseload: bool = False) -> Load:
        return self._then("columns", "defer", (attr,), raiseload)

    def undefer(self, attr: Any) -> Load:
        return self._then("columns", "undefer", (attr,))

    def undefer_group(self, name: str) -> Load:
        return self._then("columns", "undefer_group", (name,))

    def with_expression(self, key: Any, expression: Any) -> Load:
        return self._then("columns", "with_expression", (key, expression))

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
    return Load((("columns", "load_only", attrs, raiseload),))


def defer(attr: Any, *more: Any, raiseload: bool = False) -> Load:
    """Leaves a column out of the SELECT; it loads on first access (raises, with `raiseload`)."""
    return Load((("columns", "defer", (attr, *more), raiseload),))


def undefer(attr: Any, *more: Any) -> Load:
    """Loads a deferred column (or column_property()) with the entity."""
    return Load((("columns", "undefer", (attr, *more)),))


def undefer_group(name: str) -> Load:
    """Loads every deferred column of group `name` with the entity."""
    return Load((("columns", "undefer_group", (name,)),))


def with_expression(key: Any, expression: Any) -> Load:
    """Fills the query_expression() attribute `key` with `expression`, for this query's objects."""
    return Load((("columns", "with_expression", (key, expression)),))


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
        if not isinstance(key, str) or (key not in mapper.attr_columns and key not in mapper.expressions):
            raise ArgumentError(f"{key!r} is not a column attribute of {mapper.class_.__name__}")
        keys.append(key)
    return keys


class LoaderCriteriaOption:
    """with_loader_criteria(): WHERE criteria added to every SELECT of an
    entity (or of every mapped subclass of a base or mixin) that a statement
    runs: its own FROM and joins, its eager loads, and, with
    `propagate_to_loaders`, the lazy loads of the objects it returns."""

    def __init__(
        self,
        entity_or_base: Any,
        where_criteria: Any,
        loader_only: bool = False,
        include_aliases: bool = False,
        propagate_to_loaders: bool = True,
        track_closure_variables: bool = True,
    ) -> None:
        mapper = getattr(entity_or_base, "__mapper__", None)
        self.root_entity: type = (
            mapper.class_ if mapper is not None else getattr(entity_or_base, "class_", entity_or_base)
        )
        if not isinstance(self.root_entity, type):
            raise ArgumentError(f"with_loader_criteria() expects a class or mapper, not {entity_or_base!r}")
        self.where_criteria = where_criteria
        self.loader_only = loader_only
        self.include_aliases = include_aliases
        self.propagate_to_loaders = propagate_to_loaders
        self._criteria: dict[Any, Any] = {}  # by mapper: the criteria made for its class

    def applies_to(self, mapper: Any) -> bool:
        return issubclass(mapper.class_, self.root_entity)

    def criteria_for(self, mapper: Any) -> Any:
        """The criteria for `mapper`'s rows (a lambda is called with its class, once)."""
        try:
            return self._criteria[mapper]
        except KeyError:
            criteria = self.where_criteria
            if callable(criteria) and not hasattr(criteria, "_datum"):
                criteria = criteria(mapper.class_)
            self._criteria[mapper] = criteria
            return criteria

    def __repr__(self) -> str:
        return f"<LoaderCriteriaOption {self.root_entity.__name__}>"


def with_loader_criteria(
    entity_or_base: Any,
    where_criteria: Any,
    loader_only: bool = False,
    include_aliases: bool = False,
    propagate_to_loaders: bool = True,
    track_closure_variables: bool = True,
) -> LoaderCriteriaOption:
    """An option adding `where_criteria` (an expression, or a function of the
    class returning one) to every SELECT of `entity_or_base` the statement
    emits, lazy and eager loads included; a base or mixin class applies it to
    each mapped subclass."""
    return LoaderCriteriaOption(
        entity_or_base,
        where_criteria,
        loader_only=loader_only,
        include_aliases=include_aliases,
        propagate_to_loaders=propagate_to_loaders,
        track_closure_variables=track_closure_variables,
    )


def criteria_of(options: Any, mapper: Any) -> list[Any]:
    """The criteria that the LoaderCriteriaOptions among `options` give for `mapper`'s rows."""
    return [
        o.criteria_for(mapper)
        for o in options
        if isinstance(o, LoaderCriteriaOption) and o.applies_to(mapper)
    ]
