"""How an ORM SELECT loads its entities: the columns each one reads, the
relationships joined into the same rows (hydrated natively), and the loads
that run after the rows are in: selectin queries and lazy-loader overrides.
Lazy loads of single attributes live here too."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import _native
from ..engine.hydration import Hydration, ResultShape
from ..engine.result import Row
from ..exc import ArgumentError, InvalidRequestError
from ..sql.compiler import CompiledStatement, ResultKeys, register_statement_preparer
from ..sql.elements import UnaryExpression, and_, coerce, or_
from ..sql.selectable import ResultEntry, Select, select
from ..sql.sqltypes import RAW
from . import events
from .attributes import DELETED, LOADERS_KEY, STATE_KEY, InstrumentedAttribute
from .bundle import composed_shape, is_composed
from .collections import members
from .properties import adapt_to_selectable
from .relationships import (
    MANYTOMANY,
    MANYTOONE,
    Relationship,
    RelationshipWithCriteria,
    _side,
    lazy_params,
)
from .strategy_options import Load, LoaderCriteriaOption, column_keys, criteria_of
from .writeonly import DYNAMIC, WRITE_ONLY

if TYPE_CHECKING:
    from .mapper import Mapper
    from .session import Session

SELECTIN_CHUNK = 500
_EAGER = ("joined", "selectin", "contains_eager")
# in an object's loader strategies: the with_loader_criteria() options its lazy loads carry
LOADER_CRITERIA_KEY = "__loader_criteria__"


class EntityLoad:
    """The load of one entity: columns, joined relationships (each with its
    own EntityLoad on a table alias), selectin relationships, and lazy
    strategies to record on the loaded instances."""

    __slots__ = (
        "mapper",
        "keys",
        "alias",
        "joined",
        "selectin",
        "lazy",
        "default_lazy",
        "path",
        "criteria",
        "loader_criteria",
        "expressions",
        "raise_keys",
        "adapted",
        "polymorphic",
        "from_clause",
        "selectin_subclasses",
    )

    def __init__(self, mapper: Mapper, path: tuple[Any, ...] = ()) -> None:
        self.mapper = mapper
        self.keys: list[str] = mapper.default_load_keys
        self.alias: Any = None  # the TableAlias a joined load reads from
        self.joined: dict[str, tuple[Relationship, EntityLoad, bool]] = {}
        self.selectin: dict[str, tuple[Relationship, EntityLoad]] = {}
        self.lazy: dict[str, str] = {}
        self.default_lazy: str | None = None
        self.path = path  # the relationships leading here, to stop default eager loads recursing
        self.criteria: dict[str, tuple[Any, ...]] = {}  # rel.and_(...) of a selectin load, by key
        self.loader_criteria: tuple[Any, ...] = ()  # with_loader_criteria() options reaching this entity
        self.expressions: dict[str, Any] = {}  # with_expression(), by attribute
        self.raise_keys: list[str] = []  # columns left out with raiseload=True
        self.adapted: dict[str, Any] | None = None  # SQL expressions read from the alias, by attribute
        # with_polymorphic(): subclasses whose own columns the rows carry too, and the keys of those
        self.polymorphic: dict[Mapper, list[str]] = {}
        self.from_clause: Any = mapper.entity_from  # the join the entity reads from, if it needs one
        # subclasses whose own columns load by a second SELECT (polymorphic_load="selectin", selectin_polymorphic())
        self.selectin_subclasses: list[Mapper] = mapper.selectin_subclasses

    @classmethod
    def every_column(cls, mapper: Mapper) -> EntityLoad:
        """The load of an entity entry no loader option shaped: all its columns."""
        load = cls(mapper)
        load.keys = list(mapper.column_order)
        load.add_subclasses(mapper.inline_subclasses)
        return load

    @classmethod
    def default(cls, mapper: Mapper, path: tuple[Any, ...] = ()) -> EntityLoad:
        load = cls(mapper, path)
        for rel in mapper.eager_relationships:
            if all(r is not rel for r in path):
                load.set_strategy(rel._ensure(), rel.lazy)
        load.add_subclasses(mapper.inline_subclasses)
        return load

    def add_subclasses(self, subclasses: Sequence[Mapper]) -> None:
        """Makes the rows carry these subclasses' own columns too (with_polymorphic,
        of_type(), polymorphic_load="inline"), their tables outer-joined."""
        from .util import joined_subclass_tables

        wanted = [m for m in subclasses if m is not self.mapper and m not in self.polymorphic]
        if not wanted:
            return
        if self.alias:
            raise NotImplementedError(
                f"loading subclass columns of {self.mapper.class_.__name__} through a joined eager load "
                "or an aliased() entity is not supported yet; use selectinload()"
            )
        loaded = set(self.keys).union(*self.polymorphic.values())
        for sub in sorted(wanted, key=lambda m: len(m.class_.__mro__)):  # parents before their subclasses
            extra = [k for k in sub.column_order if k not in loaded]
            loaded.update(extra)
            self.polymorphic[sub] = extra
        self.from_clause = joined_subclass_tables(self.mapper, list(self.polymorphic))

    # --- options ------------------------------------------------------------------

    def child(self, rel: Relationship) -> EntityLoad | None:
        if rel.key in self.joined:
            return self.joined[rel.key][1]
        if rel.key in self.selectin:
            return self.selectin[rel.key][1]
        return None

    def set_strategy(self, rel: Relationship, strategy: str | None, innerjoin: bool = False) -> EntityLoad:
        """Loads `rel` this way; returns the EntityLoad of its target for further steps."""
        current = self.child(rel)
        if strategy is None:  # defaultload(): keep the strategy, go one step further
            if current is not None:
                return current
            return EntityLoad(rel.mapper, (*self.path, rel))
        if rel.lazy in (WRITE_ONLY, DYNAMIC) and strategy in _EAGER:
            raise InvalidRequestError(
                f"'{rel}' does not support object population - eager loading cannot be applied."
            )
        self.joined.pop(rel.key, None)
        self.selectin.pop(rel.key, None)
        self.lazy.pop(rel.key, None)
        child = current if current is not None else EntityLoad.default(rel.mapper, (*self.path, rel))
        if strategy in ("joined", "contains_eager"):
            self.joined[rel.key] = (rel, child, innerjoin)
            if strategy == "contains_eager":
                child.alias = False  # columns come from the statement's own join
        elif strategy == "selectin":
            self.selectin[rel.key] = (rel, child)
        elif strategy != rel.lazy:
            self.lazy[rel.key] = strategy
        return child

    def apply(self, steps: tuple[Any, ...]) -> None:
        node: EntityLoad | None = self
        for step in steps:
            assert node is not None
            if step[0] == "columns":
                node.apply_columns(*step[1:])
                continue
            if step[0] == "subclasses":  # selectin_polymorphic()
                node.selectin_subclasses = [*node.selectin_subclasses, *step[2][1:]]
                continue
            attr, strategy = step[1], step[2]
            if isinstance(attr, str) and attr == "*":
                node.default_lazy = strategy
                continue
            rel = _relationship_of(node.mapper, attr)
            node.criteria.pop(rel.key, None)
            if isinstance(attr, RelationshipWithCriteria) and attr.criteria:
                node.criteria[rel.key] = _narrowing(attr, strategy)
            node = node.set_strategy(rel, strategy, step[3] if len(step) > 3 else False)
            if isinstance(attr, RelationshipWithCriteria) and attr.entity is not None:
                node.add_subclasses(attr.subclasses[1:] if len(attr.subclasses) > 1 else attr.subclasses)

    def apply_columns(self, how: str, attrs: tuple[Any, ...], raiseload: bool = False) -> None:
        mapper = self.mapper
        self.adapted = None
        if how == "with_expression":
            self._with_expression(attrs[0], attrs[1])
            return
        keys = mapper.group_keys(attrs[0]) if how == "undefer_group" else column_keys(attrs, mapper)
        every_key = (*mapper.column_order, *mapper.expressions)
        if how == "load_only":
            wanted = set(keys) | set(mapper.pk_keys)
            self.keys = [k for k in every_key if k in wanted]
        elif how == "defer":
            self.keys = [k for k in self.keys if k not in keys or k in mapper.pk_keys]
        else:
            wanted = set(self.keys) | set(keys)
            self.keys = [k for k in every_key if k in wanted]
        if raiseload:
            left_out = [k for k in every_key if k not in self.keys and (how == "load_only" or k in keys)]
            self.raise_keys = [*self.raise_keys, *left_out]

    def _with_expression(self, attr: Any, expression: Any) -> None:
        key = column_keys((attr,), self.mapper)[0]
        prop = self.mapper.expressions.get(key)
        if prop is None or not prop.query_expression:
            raise ArgumentError(f"with_expression() applies to a query_expression() attribute, not {attr}")
        self.expressions = {**self.expressions, key: coerce(expression)}
        if key not in self.keys:
            self.keys = [*self.keys, key]

    def loaded_keys(self) -> list[str]:
        """The attributes the rows carry. Read from an alias, a SQL expression
        is rewritten to read the alias; one that cannot be loads on access."""
        if self.alias and self.mapper.expressions:
            adapted = self._adapted_expressions()
            return [k for k in self.keys if k not in self.mapper.expressions or k in adapted]
        return self.keys

    def _adapted_expressions(self) -> dict[str, Any]:
        adapted = self.adapted
        if adapted is None:
            adapted = self.adapted = {}
            table = self.mapper.table
            for key in self.keys:
                prop = self.mapper.expressions.get(key)
                if prop is not None:
                    found = adapt_to_selectable(self.expressions.get(key, prop.expression), table, self.alias)
                    if found is not None:
                        adapted[key] = found
        return adapted

    # --- the statement --------------------------------------------------------------

    def columns(self) -> list[Any]:
        columns = self.mapper.attr_columns
        if self.alias:
            if not self.mapper.expressions:
                return [self.alias.corresponding_column(columns[k]) for k in self.keys]
            adapted = self._adapted_expressions()
            return [
                adapted[k] if k in adapted else self.alias.corresponding_column(columns[k])
                for k in self.loaded_keys()
            ]
        if self.mapper.expressions:
            expressions, loadable = self.expressions, self.mapper.loadable
            return [expressions[k] if k in expressions else loadable(k) for k in self.keys]
        return [columns[k] for k in self.keys]

    def elements(self) -> list[Any]:
        elements = self.columns()
        for sub, keys in self.polymorphic.items():
            elements.extend(sub.attr_columns[k] for k in keys)
        for _, child, _ in self.joined.values():
            elements.extend(child.elements())
        return elements

    def plan(self, start: int) -> _native.EntityPlan:
        """The native plan that builds this entity (and its joined relationships) from columns start.."""
        mapper = self.mapper
        loaded = self.loaded_keys()
        positions = {k: start + i for i, k in enumerate(loaded)}
        offset = start + len(loaded)
        subclass_positions: dict[Mapper, dict[str, int]] = {}
        for sub, keys in self.polymorphic.items():
            subclass_positions[sub] = {k: offset + i for i, k in enumerate(keys)}
            offset += len(keys)
        eager: list[tuple[str, _native.EntityPlan, Callable[[Any], Any] | None]] = []
        for rel, child, _ in self.joined.values():
            eager.append((rel.key, child.plan(offset), rel.collection_maker() if rel.uselist else None))
            offset += len(child.elements())
        subclass_plans = (
            self._subclass_plans(positions, subclass_positions, eager) if mapper.polymorphic else None
        )
        return _native.EntityPlan(
            mapper.class_,
            mapper.identity_class,
            list(loaded),
            [positions[k] for k in loaded],
            [positions[k] for k in mapper.pk_keys],
            eager,
            subclass_plans,
        )

    def _subclass_plans(
        self,
        positions: dict[str, int],
        subclass_positions: dict[Mapper, dict[str, int]],
        eager: list[tuple[str, _native.EntityPlan, Callable[[Any], Any] | None]],
    ) -> tuple[int, dict[Any, _native.EntityPlan]] | None:
        """(discriminator column, {identity: plan}): the class each row builds,
        with the subclass columns with_polymorphic() added to the rows."""
        mapper = self.mapper
        assert mapper.polymorphic_on is not None
        discriminator = positions.get(mapper.column_keys[mapper.polymorphic_on])
        if discriminator is None:
            return None
        plans = {}
        for sub in mapper.self_and_descendants:
            if sub.polymorphic_identity is None:
                continue
            where = dict(positions)
            for poly, extra in subclass_positions.items():
                if issubclass(sub.class_, poly.class_):
                    where.update(extra)
            plans[sub.polymorphic_identity] = _native.EntityPlan(
                sub.class_,
                mapper.identity_class,
                list(where),
                list(where.values()),
                [positions[k] for k in mapper.pk_keys],
                eager,
            )
        return discriminator, plans

    @property
    def token(self) -> tuple[Any, ...]:
        """Tells apart loads that differ in what the rows carry."""
        return (
            self.mapper,
            tuple(self.loaded_keys()),
            tuple((sub, tuple(keys)) for sub, keys in self.polymorphic.items()),
            tuple((key, child.token) for key, (_, child, _) in self.joined.items()),
        )

    def add_joins(self, joins: list[tuple[Any, Any, bool]], order_by: list[Any], counter: list[int]) -> None:
        """Appends the JOINs (target, ON clause, outer) and ORDER BY of joined loads."""
        for rel, child, inner in self.joined.values():
            if child.alias is not False:
                counter[0] += 1
                child.alias = rel.mapper.table.alias(f"{rel.mapper.table.name}_{counter[0]}")
                if rel.direction == MANYTOMANY:
                    self._join_secondary(joins, rel, child, counter)
                else:
                    onclause = rel.join_condition(parent=self.alias or None, target=child.alias)
                    narrowing = criteria_of(child.loader_criteria, rel.mapper)
                    if narrowing:
                        onclause = and_(
                            onclause, *(_adapted(c, rel.mapper.table, child.alias) for c in narrowing)
                        )
                    joins.append((child.alias, onclause, not inner))
                order_by.extend(_on_alias(o, rel.mapper.table, child.alias) for o in rel.order_by)
            child.add_joins(joins, order_by, counter)

    def _join_secondary(
        self, joins: list[tuple[Any, Any, bool]], rel: Relationship, child: EntityLoad, counter: list[int]
    ) -> None:
        assert rel.secondary is not None
        counter[0] += 1
        secondary = rel.secondary.alias(f"{rel.secondary.name}_{counter[0]}")
        on_parent = and_(
            *(_side(self.alias, col) == secondary.corresponding_column(sec) for col, sec in rel.local_pairs)
        )
        on_target = and_(
            *(_side(child.alias, col) == secondary.corresponding_column(sec) for col, sec in rel.remote_pairs)
        )
        joins.append((secondary, on_parent, True))
        joins.append((child.alias, on_target, True))

    def joins_collection(self) -> bool:
        """True when rows repeat an object: a joinedload() of a collection."""
        return any(
            (rel.uselist and child.alias is not False) or child.joins_collection()
            for rel, child, _ in self.joined.values()
        )

    def fills_collection_by_join(self) -> bool:
        """True when a joined or contains_eager load fills a collection, so an
        owner's rows can straddle two chunks of a streamed result."""
        return any(rel.uselist or child.fills_collection_by_join() for rel, child, _ in self.joined.values())

    def needs_post_load(self) -> bool:
        return bool(
            self.selectin
            or self.lazy
            or self.default_lazy
            or self.selectin_subclasses
            or self.raise_keys
            or self.loader_criteria
        ) or any(
            rel._collection_factory is not None or child.needs_post_load()
            for rel, child, _ in self.joined.values()
        )


def _on_alias(clause: Any, table: Any, alias: Any) -> Any:
    """A relationship's ORDER BY item, reading from the eager load's alias."""
    if isinstance(clause, UnaryExpression):  # desc(), nulls_last()
        return UnaryExpression(clause.operator, _on_alias(clause.element, table, alias), clause.type)
    column = getattr(clause, "column", clause)
    if getattr(column, "table", None) is table:
        return alias.corresponding_column(column)
    return clause


def _narrowing(attr: RelationshipWithCriteria, strategy: str | None) -> tuple[Any, ...]:
    """The criteria of `selectinload(rel.and_(...))`; other strategies refuse them."""
    if strategy not in ("selectin", "contains_eager"):
        raise NotImplementedError(
            f"{attr} with the {strategy!r} loading strategy is not supported yet; use selectinload()"
        )
    return attr.criteria if strategy == "selectin" else ()


def _relationship_of(mapper: Mapper, attr: Any) -> Relationship:
    if isinstance(attr, RelationshipWithCriteria):
        attr = attr.relationship
    rel = mapper.relationships.get(attr) if isinstance(attr, str) else attr
    if not isinstance(rel, Relationship):
        raise ArgumentError(f"{attr!r} is not a relationship attribute of {mapper.class_.__name__}")
    rel._ensure()
    if not issubclass(mapper.class_, rel.parent.class_):
        raise ArgumentError(
            f"Attribute '{rel}' does not link from element '{mapper.class_.__name__}'; "
            "check the order of the loader option's path"
        )
    return rel


# --- preparing a SELECT ----------------------------------------------------------------------


def prepare_select(stmt: Select[Any]) -> tuple[Select[Any], list[tuple[int, EntityLoad]]]:
    """`stmt` with its entities' loads applied, and those loads by entry
    position. Statements without options over plainly loaded classes pass through."""
    entries = list(stmt.result_entries)
    options = stmt.loader_options
    if not options and all(e.mapper is None or e.mapper.plain_loading for e in entries):
        return stmt, []
    loads = [(i, _default_load(e)) for i, e in enumerate(entries) if e.mapper is not None]
    for option in options:
        if isinstance(option, Load):
            for path in option.paths():
                _root_for(path, loads).apply(path)
    narrowing = tuple(o for o in options if isinstance(o, LoaderCriteriaOption))
    if narrowing:
        own = tuple(o for o in narrowing if not o.loader_only)  # loader_only: the loads alone
        stmt = _with_loader_criteria(stmt, own) if own else stmt
        for _, load in loads:
            _spread_loader_criteria(load, narrowing)
    if stmt.limits_rows and any(load.joins_collection() for _, load in loads):
        # LIMIT counts entities, not their joined collection rows (SQLAlchemy's subquery)
        stmt, subquery = stmt.wrapped_in_subquery()
        entries = list(stmt.result_entries)
        for _, load in loads:
            load.alias = subquery
    joins: list[tuple[Any, Any, bool]] = []
    order_by: list[Any] = []
    counter = [0]
    for i, load in loads:
        entries[i] = entries[i].with_load(load)
        load.add_joins(joins, order_by, counter)
    return stmt.with_eager_loads(entries, joins, order_by), loads


def _with_loader_criteria(stmt: Select[Any], options: tuple[LoaderCriteriaOption, ...]) -> Select[Any]:
    """`stmt` with the criteria of with_loader_criteria() options: in the WHERE
    clause for the entities it selects, in the ON clause of its joins to them."""
    from .relationships import Relationship, RelationshipWithCriteria

    where: list[Any] = []
    narrowed: set[Any] = set()  # the mappers whose own table the WHERE clause already narrows
    for entry in stmt.result_entries:
        mapper = entry.mapper
        if mapper is None:  # a column: User.name selected alone narrows User's rows too
            mapper = _column_entity_mapper(entry.column)
            if mapper is not None and mapper not in narrowed:
                narrowed.add(mapper)
                where.extend(criteria_of(options, mapper))
            continue
        if entry.expr is mapper.class_:
            if mapper not in narrowed:
                narrowed.add(mapper)
                where.extend(criteria_of(options, mapper))
        elif _aliased_included(entry, options):
            where.extend(_adapted_to_entry(c, entry) for c in criteria_of(options, mapper))
    joins = []
    target: Any
    for target, onclause, isouter, full in stmt._joins:
        if isinstance(target, (Relationship, RelationshipWithCriteria)) and onclause is None:
            rel = target.relationship if isinstance(target, RelationshipWithCriteria) else target
            narrowing = criteria_of(options, rel._ensure().mapper)
            target = target.and_(*narrowing) if narrowing else target
        elif isinstance(target, type) and hasattr(target, "__mapper__"):
            narrowing = criteria_of(options, target.__mapper__)
            if narrowing and onclause is not None:
                onclause = and_(onclause, *narrowing)
            elif narrowing and isouter:
                raise NotImplementedError(
                    f"with_loader_criteria() on an outer join to {target.__name__} without an ON clause"
                )
            else:
                where.extend(narrowing)
        joins.append((target, onclause, isouter, full))
    if not where and all(a is b for new, old in zip(joins, stmt._joins) for a, b in zip(new, old)):
        return stmt
    new = stmt.where(*where) if where else stmt._clone()
    new._joins = joins
    return new


def _column_entity_mapper(column: Any) -> Any:
    """The mapper of a selected mapped attribute (labelled or not), else None."""
    element = getattr(column, "element", column)  # a Label's expression
    return element.mapper if isinstance(element, InstrumentedAttribute) else None


def _aliased_included(entry: ResultEntry, options: tuple[LoaderCriteriaOption, ...]) -> bool:
    return any(o.include_aliases for o in options) and hasattr(entry.expr, "_selectable")


def _adapted_to_entry(criteria: Any, entry: ResultEntry) -> Any:
    return _adapted(criteria, entry.mapper.table, entry.expr._selectable)


def _adapted(criteria: Any, table: Any, alias: Any) -> Any:
    adapted = adapt_to_selectable(coerce(criteria), table, alias)
    if adapted is None:
        raise NotImplementedError(f"with_loader_criteria(): {criteria!r} cannot be read from {alias!r}")
    return adapted


def _spread_loader_criteria(load: EntityLoad, options: tuple[LoaderCriteriaOption, ...]) -> None:
    """Gives the options to `load` and the eager loads under it: selectin
    loads narrow their SELECTs, joined ones their ON clauses (add_joins)."""
    load.loader_criteria = options
    for key, (rel, child) in load.selectin.items():
        narrowing = criteria_of(options, rel.mapper)
        if narrowing:
            load.criteria[key] = (*load.criteria.get(key, ()), *narrowing)
        _spread_loader_criteria(child, options)
    for _, child, _ in load.joined.values():
        _spread_loader_criteria(child, options)


def _prepared_for_display(statement: Any) -> Any:
    """str(select(User).options(joinedload(...))) shows the eager joins, as it runs."""
    if isinstance(statement, Select) and (
        statement.loader_options or any(e.mapper is not None for e in statement.result_entries)
    ):
        return prepare_select(statement)[0]
    return statement


register_statement_preparer(_prepared_for_display)


def _default_load(entry: ResultEntry) -> EntityLoad:
    """The load of an entity entry before options: its mapper's defaults, on
    the alias it reads from when it is an aliased() entity."""
    load = EntityLoad.default(entry.mapper)
    if entry.load is not None:
        load.alias = entry.load.alias
        load.polymorphic = entry.load.polymorphic
        load.from_clause = entry.load.from_clause
    return load


def _root_for(path: tuple[Any, ...], loads: list[tuple[int, EntityLoad]]) -> EntityLoad:
    first = path[0][1] if path[0][0] == "rel" else (path[0][2][0] if path[0][2] else None)
    owner = getattr(getattr(first, "parent", None), "class_", None) or getattr(first, "class_", None)
    if path[0][:2] == ("columns", "undefer_group"):  # the first entity that has the group
        having = [load for _, load in loads if load.mapper.group_keys(path[0][2][0])]
        if having:
            return having[0]
    for _, load in loads:
        if owner is None or issubclass(load.mapper.class_, owner):
            return load
    raise ArgumentError(
        f"Mapped attribute '{first}' does not apply to any of the root entities in this query"
    )


# --- hydrating the rows ---------------------------------------------------------------------------

_ORM_SHAPE = "orm"  # where a CompiledStatement keeps the ORM plan beside the Core one


def orm_shape(compiled: CompiledStatement) -> ResultShape:
    """The native plan of an ORM result: each entity entry built by its
    EntityLoad's plan (the only entity planner), each column entry as in Core."""
    converters: list[Any] = []
    outputs: list[Any] = []
    names: list[str] = []
    key = ResultKeys()
    composed: list[tuple[str, int, int, Any]] = []  # per entry, when some are Bundles or composites
    for entry in compiled.entries:
        start = len(converters)
        elements = entry.elements
        converters.extend(compiled.converters(elements))
        first = len(outputs)
        if entry.mapper is not None:
            load = entry.load if entry.load is not None else EntityLoad.every_column(entry.mapper)
            outputs.append(load.plan(start))
            names.append(entry.name)
        else:
            outputs.extend(range(start, start + len(elements)))
            names.extend(map(key, elements))
        composed_load = entry.load if is_composed(entry) else None
        name = entry.name if composed_load is not None else names[first]
        composed.append((name, first, len(outputs) - first, composed_load))
    if any(load is not None for *_, load in composed):
        return composed_shape(converters, outputs, names, composed)
    return ResultShape.of(converters, outputs, names)


def by_name_shape(compiled: CompiledStatement, column_names: Sequence[str]) -> ResultShape:
    """The plan of from_statement() rows: each entity's columns, and each
    column entry, found by name among the statement's own columns."""
    where = {name: i for i, name in reversed(list(enumerate(column_names)))}
    converters: list[Any] = [RAW] * len(column_names)
    outputs: list[Any] = []
    names: list[str] = []
    for entry in compiled.entries:
        if is_composed(entry):
            raise NotImplementedError(
                "from_statement() with a Bundle or composite among the entities is not supported"
            )
        if entry.mapper is None:
            for el in entry.elements:
                position = _column_position(where, el._row_key, "a selected column")
                converters[position] = compiled.converters([el])[0]
                outputs.append(position)
                names.append(el._row_key)
            continue
        mapper = entry.mapper
        for column in mapper.primary_key:
            _column_position(where, column.name, f"the primary key of {mapper.class_.__name__}")
        keys = [k for k in mapper.column_order if mapper.attr_columns[k].name in where]
        positions = [where[mapper.attr_columns[k].name] for k in keys]
        for k, position in zip(keys, positions):
            converters[position] = compiled.converters([mapper.attr_columns[k]])[0]
        pk_positions = [where[c.name] for c in mapper.primary_key]
        outputs.append(
            _native.EntityPlan(mapper.class_, mapper.identity_class, keys, positions, pk_positions, [])
        )
        names.append(entry.name)
    return ResultShape.of(converters, outputs, names)


def _column_position(where: dict[str, int], name: str, what: str) -> int:
    try:
        return where[name]
    except KeyError:
        raise InvalidRequestError(
            f"from_statement(): the statement returns no column named '{name}' ({what}); "
            f"it returns {', '.join(where) or 'no columns'}"
        ) from None


class SessionHydration(Hydration):
    """Rows hydrated into entities through a Session's identity map, with the
    statement's post loads (selectin, lazy-strategy records) run on each batch.

    Streamed (yield_per), each consumed chunk's entities leave the identity
    map unless something else still refers to them: the map holds objects
    strongly, where SQLAlchemy's holds them weakly, so without this a long
    stream would keep every object it ever loaded. Only the entities the rows
    name are released; objects loaded alongside (eager loads) stay."""

    __slots__ = ("session", "loads", "streaming", "_positions", "_compose", "populate_existing")

    entities = True

    def __init__(self, session: Session, loads: list[tuple[int, EntityLoad]], streaming: bool) -> None:
        self.session = session
        self.loads = loads
        self.streaming = streaming
        self._positions: list[int] = []  # where in a row the entities are, when streaming
        self._compose: Callable[[list[Any]], None] | None = None  # rows with Bundles or composites
        self.populate_existing = False  # execution_options(populate_existing=True)

    @property
    def unique_required(self) -> bool:  # type: ignore[override]
        return any(load.joins_collection() for _, load in self.loads)

    def shape(self, compiled: CompiledStatement | None, column_names: Sequence[str]) -> ResultShape:
        if compiled is None or not compiled.entries:
            return super().shape(compiled, column_names)
        if self.streaming:
            self._positions = [i for i, e in enumerate(compiled.entries) if e.mapper is not None]
        if compiled.entries[0].by_name:
            names = tuple(column_names)
            return compiled.shape_for((_ORM_SHAPE, names), lambda c: by_name_shape(c, names))
        shape = compiled.shape_for(_ORM_SHAPE, orm_shape)
        self._compose = shape.compose
        return shape

    def fetch(self, cursor: Any, plan: Any, size: int | None) -> list[Any]:
        """The rows, hydrated natively; with populate_existing the objects
        already loaded are refilled from them, their unflushed changes dropped."""
        if events.active("load") or events.active("refresh"):
            return self._fetch_observed(cursor, plan, size)
        return self._fetch(cursor, plan, size)

    def _fetch(self, cursor: Any, plan: Any, size: int | None) -> list[Any]:
        session = self.session  # read each time: expunge_all() gives the Session a new map
        identity_map, populate = session._identity_map, self.populate_existing
        if size is None:
            return _native.fetch_all(cursor, plan, identity_map, session._ref, populate)
        return _native.fetch_many(cursor, plan, size, identity_map, session._ref, populate)

    def _fetch_observed(self, cursor: Any, plan: Any, size: int | None) -> list[Any]:
        """fetch() when load/refresh listeners must hear of the objects the
        rows create, or reload (expired ones, or with populate_existing every
        one the rows name that was loaded before)."""
        identity_map = self.session._identity_map
        hears_refresh = events.active("refresh")  # else (load listeners alone) no need to visit the map
        loaded_before = (
            {id(o): o for o in identity_map.values()} if self.populate_existing and hears_refresh else {}
        )
        expired = [o for o in identity_map.values() if o.__dict__[STATE_KEY].expired] if hears_refresh else []
        sizes = identity_map.class_sizes()
        items = self._fetch(cursor, plan, size)
        refreshed = {id(o): o for o in expired if not o.__dict__[STATE_KEY].expired}
        if loaded_before:
            for item in items:
                for value in item if isinstance(item, _native.Row) else (item,):
                    if id(value) in loaded_before:
                        refreshed[id(value)] = value
        context = events.QueryContext(self.session)
        if events.active("load"):
            events.fire_instance("load", identity_map.added_since(sizes), context)
        if refreshed and events.active("refresh"):
            events.fire_instance("refresh", list(refreshed.values()), context, None)
        return items

    def loaded(self, items: list[Any], single: bool) -> Any:
        if self._compose is not None:
            self._compose(items)
        if self.loads:
            run_post_loads(self.session, items, single, self.loads)
        if not (self.streaming and self._positions):
            return None
        if single:
            entities = items
        else:
            entities = [row[p] for row in items for p in self._positions if row[p] is not None]
        return [obj.__dict__[STATE_KEY].key for obj in entities]

    def release(self, token: Any) -> None:
        identity_map = self.session._identity_map
        maps: dict[Any, Any] = {}
        for key in token:
            objects = maps.get(key[0])
            if objects is None:
                objects = maps[key[0]] = identity_map.for_class(key[0])
            obj = objects.pop(key[1], None)
            # Two references: `obj` here and getrefcount's argument; any more
            # and something else holds the object, so it stays mapped.
            if obj is not None and sys.getrefcount(obj) > 2:
                objects[key[1]] = obj
            del obj


# --- after the rows are in ----------------------------------------------------------------------


def run_post_loads(
    session: Session, items: list[Any], single: bool, loads: list[tuple[int, EntityLoad]]
) -> None:
    """Selectin and lazy-load bookkeeping for the loaded `items` (bare entities when
    `single`, else rows holding them at each load's index)."""
    for index, load in loads:
        if not load.needs_post_load():
            continue
        objects = items if single else [row[index] for row in items]
        post_load(session, load, _unique_objects(objects))


def post_load(session: Session, load: EntityLoad, objects: list[Any]) -> None:
    if not objects:
        return
    for sub in load.selectin_subclasses:
        if sub not in load.polymorphic:
            load_subclass_columns(session, sub, [o for o in objects if isinstance(o, sub.class_)])
    if load.lazy or load.default_lazy or load.raise_keys or load.loader_criteria:
        _record_lazy(load, objects)
    for rel, child in load.selectin.values():
        related = selectin_load(session, rel, objects, child, load.criteria.get(rel.key, ()))
        if child.needs_post_load():
            post_load(session, child, related)
    for rel, child, _ in load.joined.values():
        if rel._collection_factory is not None:
            for obj in objects:
                rel._converted(obj)
        if child.needs_post_load():
            related = [o for obj in objects for o in members(obj.__dict__.get(rel.key))]
            post_load(session, child, _unique_objects(related))


def load_subclass_columns(session: Session, sub: Mapper, objects: list[Any]) -> None:
    """polymorphic_load="selectin" / selectin_polymorphic(): the subclass's own
    columns for objects loaded through a query of its base, SELECTIN_CHUNK
    keys per SELECT; values already present (changed since) are kept."""
    keys = [k for k in sub.column_order if k not in sub.base_mapper.attr_columns]
    objects = [o for o in objects if any(k not in o.__dict__ for k in keys)]
    if not objects or not keys:
        return
    pk = sub.primary_key
    base = select(*pk, *(sub.attr_columns[k] for k in keys)).select_from(sub.selectable)
    by_key = {o.__dict__[STATE_KEY].key[1]: o for o in objects}
    identities = list(by_key)
    for start in range(0, len(identities), SELECTIN_CHUNK):
        stmt = base.where(_in(pk, identities[start : start + SELECTIN_CHUNK]))
        for row in session._execute_orm(stmt, None, prepared=True).all():
            obj = by_key.get(row[0] if len(pk) == 1 else tuple(row[: len(pk)]))
            if obj is None:
                continue
            d = obj.__dict__
            for k, value in zip(keys, row[len(pk) :]):
                d.setdefault(k, value)


def _record_lazy(load: EntityLoad, objects: list[Any]) -> None:
    strategies = dict(load.lazy)
    strategies.update(dict.fromkeys(load.raise_keys, "raise"))  # columns deferred with raiseload=True
    if load.default_lazy:
        for key in load.mapper.relationships.keys():
            if key not in load.joined and key not in load.selectin:
                strategies.setdefault(key, load.default_lazy)
    propagating = tuple(o for o in load.loader_criteria if o.propagate_to_loaders)
    if propagating:
        strategies[LOADER_CRITERIA_KEY] = propagating  # type: ignore[assignment]
    for obj in objects:
        obj.__dict__[LOADERS_KEY] = strategies


def _unique_objects(objects: list[Any]) -> list[Any]:
    return [obj for obj in {id(obj): obj for obj in objects}.values() if obj is not None]


def _entity_select(*columns: Any, load: EntityLoad) -> Select[Any]:
    """select(columns..., entity) whose entity loads by `load`."""
    stmt = select(*columns, load.mapper.class_).select_from(load.mapper.selectable)
    entries = [*stmt.result_entries[:-1], ResultEntry(mapper=load.mapper, load=load)]
    joins: list[tuple[Any, Any, bool]] = []
    order_by: list[Any] = []
    load.add_joins(joins, order_by, [0])
    return stmt.with_eager_loads(entries, joins, order_by)


def selectin_load(
    session: Session, rel: Relationship, objects: list[Any], load: EntityLoad, criteria: tuple[Any, ...] = ()
) -> list[Any]:
    """Loads `rel` for every object lacking it, SELECTIN_CHUNK keys per query,
    the related rows narrowed by `criteria` (rel.and_(...)); returns the related objects."""
    pending = [o for o in objects if rel.key not in o.__dict__]
    if not pending:
        return []
    if rel.extra_criteria:
        criteria = (*rel.extra_criteria, *criteria)
    if rel.direction == MANYTOONE:
        return _selectin_many_to_one(session, rel, pending, load, criteria)
    key_columns = rel.related_columns
    parents = {_key_of(o, rel.owner_keys): o for o in pending}
    keys = list(parents)
    related: list[Any] = []
    base = _entity_select(*key_columns, load=load)
    if rel.direction == MANYTOMANY:
        base = base.join(rel.secondary, and_(*(col == sec for col, sec in rel.remote_pairs)))
    if rel.order_by:
        base = base.order_by(*rel.order_by)
    if criteria:
        base = base.where(*criteria)
    for start in range(0, len(keys), SELECTIN_CHUNK):
        chunk = keys[start : start + SELECTIN_CHUNK]
        stmt = base.where(_in(key_columns, chunk))
        rows = session._execute_orm(stmt, None, prepared=True).all()
        chunk_parents = {k: parents[k] for k in chunk}
        if rel.uselist:
            # the native loop takes a list (all() is typed as a Sequence)
            _native.fill_collections(
                list(rows), len(key_columns), chunk_parents, rel.key, rel.collection_maker()
            )
            if rel._collection_factory is not None:
                for parent in chunk_parents.values():
                    rel._converted(parent)
        else:
            _fill_scalars(rows, len(key_columns), chunk_parents, rel.key)
        related.extend(row[-1] for row in rows)
    return related


def _fill_scalars(rows: Sequence[Any], width: int, parents: dict[Any, Any], key: str) -> None:
    found: dict[Any, Any] = {}
    for row in rows:
        found.setdefault(row[0] if width == 1 else tuple(row[:width]), row[width])
    for k, parent in parents.items():
        parent.__dict__[key] = found.get(k)


def _selectin_many_to_one(
    session: Session, rel: Relationship, objects: list[Any], load: EntityLoad, criteria: tuple[Any, ...]
) -> list[Any]:
    target = rel.mapper
    fk_keys = rel.owner_keys
    by_pk = rel.references_primary_key
    wanted: dict[Any, None] = {}  # the keys, in order
    for obj in objects:
        key = _key_of(obj, fk_keys)
        if key is not None:
            wanted[key] = None
    found: dict[Any, Any] = {}
    missing = []
    identity = session.identity_map.for_class(target.identity_class)
    for key in wanted:
        obj = identity.get(key) if by_pk and not criteria else None
        if obj is not None and not obj.__dict__[STATE_KEY].expired:
            found[key] = obj
        else:
            missing.append(key)
    one_keys = [target.column_keys[c] for c in rel.related_columns]
    base = _entity_select(load=load).where(*criteria) if criteria else _entity_select(load=load)
    for start in range(0, len(missing), SELECTIN_CHUNK):
        chunk = missing[start : start + SELECTIN_CHUNK]
        stmt = base.where(_in(rel.related_columns, chunk))
        for obj in session._execute_orm(stmt, None, prepared=True).scalars().all():
            found[_key_of(obj, one_keys)] = obj
    for obj in objects:
        obj.__dict__[rel.key] = found.get(_key_of(obj, fk_keys))
    return list(found.values())


def _key_of(obj: Any, keys: list[str]) -> Any:
    d = obj.__dict__
    values = [d[k] if k in d else getattr(obj, k) for k in keys]
    if any(v is None for v in values):
        return None
    return values[0] if len(values) == 1 else tuple(values)


def _in(columns: list[Any], keys: list[Any]) -> Any:
    if len(columns) == 1:
        return columns[0].in_(keys)
    return or_(*(and_(*(c == v for c, v in zip(columns, key))) for key in keys))


# --- lazy loads ------------------------------------------------------------------------------------


def _lazy_rows(
    session: Session, rel: Relationship, instance: Any, params: Any, narrowing: tuple[Any, ...] = ()
) -> Sequence[Any]:
    """The related objects of a lazy load; its SELECT passes through do_orm_execute listeners."""
    statement = rel._lazy_statement
    if narrowing:
        statement = statement.options(*narrowing)
        # a loader_only option leaves a statement's own rows alone, but this load is one of its loads
        own = criteria_of(tuple(o for o in narrowing if o.loader_only), rel.mapper)
        statement = statement.where(*own) if own else statement
    if events.active("do_orm_execute"):
        listeners = events.session_listeners(session, "do_orm_execute")
        if listeners:
            state = instance.__dict__[STATE_KEY]
            result = session._execute_with_events(statement, params, None, None, listeners, state)
            return result.scalars().all()
    return session._execute_orm(statement, params).scalars().all()


def lazy_load(session: Session, rel: Relationship, instance: Any, raise_on_sql: bool = False) -> Any:
    """The value of `rel` for `instance`: from the identity map when the
    foreign key names a loaded object, else one SELECT."""
    params = lazy_params(rel, instance)
    if params is None:
        return rel.new_collection(instance) if rel.uselist else None
    loaders = instance.__dict__.get(LOADERS_KEY)
    narrowing: tuple[Any, ...] = loaders.get(LOADER_CRITERIA_KEY, ()) if loaders else ()
    if (
        rel.direction == MANYTOONE
        and rel.references_primary_key
        and not (narrowing and criteria_of(narrowing, rel.mapper))
    ):
        values = list(params.values())
        key = rel.mapper.identity_key_from_values(tuple(values))
        obj = session.identity_map.get(key)
        if obj is not None and obj.__dict__[STATE_KEY].status != DELETED:
            return obj
    if raise_on_sql:
        raise InvalidRequestError(f"'{rel}' is not available due to lazy='raise_on_sql'")
    session._refuse_unawaited_load(instance, rel.key, "Lazy load of relationship")
    session._autoflush()
    items = _lazy_rows(session, rel, instance, params, narrowing)
    if rel.uselist:
        return rel.new_collection(instance, items)
    return items[0] if items else None


# --- merging results into a Session -------------------------------------------------------------


def _entity_positions(statement: Any) -> list[int]:
    entries = getattr(statement, "result_entries", None)
    if entries is None and hasattr(statement, "_select"):  # a Query
        entries = statement._select.result_entries
    return [i for i, entry in enumerate(entries or ()) if entry.mapper is not None]


def _merged_rows(session: Session, positions: list[int], rows: Any, load: bool) -> list[tuple[Any, ...]]:
    """Each row with the objects at `positions` replaced by their merge() into `session`."""
    if load:
        session._autoflush()
    merged: list[tuple[Any, ...]] = []
    with session.no_autoflush:
        for row in rows:
            values = list(row)
            for i in positions:
                if values[i] is not None:
                    values[i] = session.merge(values[i], load=load)
            merged.append(tuple(values))
    return merged


def merge_frozen_result(session: Session, statement: Any, frozen_result: Any, load: bool = True) -> Any:
    """A FrozenResult (Result.freeze()) of `statement` whose objects are
    merged into `session`: how a result kept in a cache is used by another
    Session. With load=False the objects are taken as they are, without SQL."""
    rows = _merged_rows(session, _entity_positions(statement), frozen_result.data, load)
    return frozen_result.with_new_rows(rows)


def merge_result(query: Any, iterator: Any, load: bool = True) -> Any:
    """Deprecated, as in SQLAlchemy: the objects of a Query's results (a list
    of instances or rows, or a frozen result) merged into the Query's
    Session; use merge_frozen_result() with a select()."""
    session = query._session()
    if hasattr(iterator, "with_new_rows"):  # a FrozenResult
        return merge_frozen_result(session, query, iterator, load)
    if query.is_single_entity:
        return iter([row[0] for row in _merged_rows(session, [0], ((obj,) for obj in iterator), load)])
    keys = _native.RowKeys([description["name"] for description in query.column_descriptions])
    return iter([Row(keys, row) for row in _merged_rows(session, _entity_positions(query), iterator, load)])
