"""The unit of work: pending INSERTs parents-first, UPDATEs of changed
columns, DELETEs children-first, batched per table and column set."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..engine.base import INSERT_PAGE_PARAMS as _INSERT_PAGE_PARAMS
from ..engine.base import Connection
from ..exc import CircularDependencyError, SAWarning
from ..sql.dml import delete, insert, update
from ..sql.elements import BindParameter, ClauseElement
from . import events
from .attributes import DELETED, NO_VALUE, PENDING, PERSISTENT, STATE_KEY
from .collections import every_member, members
from .exc import FlushError, StaleDataError
from .mapper import Mapper, TableMapping, mapper_of
from .relationships import MANYTOMANY, MANYTOONE, ONETOMANY, Relationship
from .writeonly import PendingChanges

TableWriter = Mapper | TableMapping  # what writes one table's rows

if TYPE_CHECKING:
    from .identity import IdentityMap
    from .session import Session


class FlushTransaction:
    """One flush: the Session's pending objects, the connection the flush writes
    through, and the record of what it wrote, which the Session's transaction
    keeps so that a rollback can undo it. The Session builds it and hands it to
    flush(); nothing here touches the Session's own fields."""

    def __init__(
        self,
        session: Session,
        connection: Connection,
        *,
        new: dict[int, Any],
        modified: dict[int, Any],
        deleted: dict[int, Any],
        identity_map: IdentityMap,
        inserted: dict[int, Any],
        flushed_deletes: list[Any],
    ) -> None:
        self.session = session
        self.connection = connection
        self.new = new
        self.modified = modified
        self.deleted = deleted
        self.identity_map = identity_map
        self._inserted = inserted
        self._flushed_deletes = flushed_deletes

    def is_deleted(self, obj: Any) -> bool:
        return id(obj) in self.deleted

    def modified_survivors(self) -> list[Any]:
        """Modified objects that are not also being deleted."""
        deleted = self.deleted
        return [o for o in self.modified.values() if id(o) not in deleted]

    def record_insert(self, obj: Any, key: Any) -> None:
        self.identity_map[key] = obj
        self._inserted[id(obj)] = obj

    def record_delete(self, obj: Any, key: Any) -> None:
        self.identity_map.pop(key, None)
        self._flushed_deletes.append(obj)

    def finish(self) -> None:
        self.new.clear()
        self.modified.clear()
        self.deleted.clear()


# SQLAlchemy's name for the flush context that flush events receive.
UOWTransaction = FlushTransaction


def flush(uow: FlushTransaction) -> None:
    """Writes every pending change through `uow.connection`, parents first."""
    conn = uow.connection
    changes = collect_changes(uow)
    new = list(uow.new.values())
    deleted = list(uow.deleted.values())
    modified = uow.modified_survivors()
    order = _mapper_order({mapper_of(o) for o in new + deleted + modified})  # base mappers
    for child, rel in changes.unlinks:
        _sync(child, rel, None)
    new_by_mapper = _group(new)
    modified_by_mapper: dict[Mapper, list[Any]] = {}
    grouped = -1
    for mapper in order:
        changes.apply_links(mapper)
        if len(uow.modified) != grouped:  # links can change more objects
            grouped = len(uow.modified)
            modified_by_mapper = _group(uow.modified_survivors())
        _update_objects(conn, modified_by_mapper.get(mapper, []))
        for level in _insert_levels(changes, mapper, new_by_mapper.get(mapper, [])):
            for obj in level:
                changes.apply_links_of(obj)
            for run in _class_runs(mapper, level):
                _insert_objects(uow, mapper_of(run[0]), run)
    changes.apply_deferred_links()
    _update_objects(conn, uow.modified_survivors())
    _write_association_rows(conn, changes)
    _clear_references_to_deleted(conn, deleted)
    deletes = _group(deleted)
    for mapper in reversed(order):
        if deletes.get(mapper):
            for level in _delete_levels(mapper, deletes[mapper]):
                for run in _class_runs(mapper, level):
                    _delete_objects(uow, mapper_of(run[0]), run)
    if events.active("after_flush"):
        events.fire_session(uow.session, "after_flush", uow)
    uow.finish()


def _group(objects: list[Any]) -> dict[Mapper, list[Any]]:
    """The objects by the base mapper of their class, in the order given."""
    groups: dict[Mapper, list[Any]] = defaultdict(list)
    for obj in objects:
        groups[mapper_of(obj).base_mapper].append(obj)
    return groups


def _class_runs(base: Mapper, objects: list[Any]) -> list[list[Any]]:
    """An inheritance hierarchy's objects in runs of one class, order kept
    (SQLAlchemy writes a hierarchy's rows in the order they were added)."""
    if len(base.hierarchy) == 1:
        return [objects]
    runs: list[list[Any]] = []
    for obj in objects:
        if runs and type(runs[-1][0]) is type(obj):
            runs[-1].append(obj)
        else:
            runs.append([obj])
    return runs


def _mapper_order(mappers: set[Mapper]) -> list[Mapper]:
    """The base mappers of `mappers` parents-first by foreign key (over every
    table of their classes). A cycle is broken at a foreign key of a
    post_update relationship, else at a nullable one: those rows get the key
    by an UPDATE after both are inserted."""
    if len(mappers) == 1:
        (only,) = mappers
        for rel in only.relationships.values():
            rel._ensure()  # the flush reads their configuration
        return [only.base_mapper]
    tables: dict[Mapper, set[Any]] = defaultdict(set)
    for m in mappers:
        tables[m.base_mapper].update(m.tables)
    by_table = {t.name: base for base, owned in tables.items() for t in owned}
    deps: dict[Mapper, dict[Mapper, bool]] = {}
    for m, owned in tables.items():
        deferrable = {
            many for r in m.relationships.values() if r._ensure().post_update for _, many in r.pairs
        }
        edges: dict[Mapper, bool] = {}
        for table in owned:
            for column in table.columns:
                for fk in column.foreign_keys:
                    target = by_table.get(fk.target_table_name)
                    if target is not None and target is not m and column not in deferrable:
                        edges[target] = edges.get(target, True) and column.nullable
        deps[m] = edges
    _add_join_condition_edges(deps, [r for m in mappers for r in m.relationships.values()])
    order: list[Mapper] = []
    remaining = sorted(tables, key=lambda m: m.table.name)
    while remaining:
        ready = [m for m in remaining if all(t not in remaining for t in deps[m])]
        if not ready:
            breakable = [m for m in remaining if all(t not in remaining or deps[m][t] for t in deps[m])]
            ready = breakable[:1] or remaining[:1]
        for m in ready:
            order.append(m)
            remaining.remove(m)
    return order


def _add_join_condition_edges(deps: dict[Mapper, dict[Mapper, bool]], rels: list[Relationship]) -> None:
    """The dependencies a primaryjoin's foreign() columns make where no
    ForeignKey says so: the referencing class's rows after the referenced."""
    for rel in rels:
        if rel._ensure().direction == MANYTOMANY or not rel.extra_pairs_without_fk or rel.post_update:
            continue
        many, one = rel.many_mapper.base_mapper, rel.one_mapper.base_mapper
        if many is not one and many in deps and one in deps:
            nullable = all(column.nullable for _, column in rel.pairs)
            deps[many][one] = deps[many].get(one, True) and nullable


# --- relationships: what changed since load -------------------------------------------------------


class Changes:
    """What the relationship changes of one flush mean for rows: foreign keys
    to set (links) or clear (unlinks), and association rows to add or remove."""

    def __init__(self) -> None:
        self.links: dict[int, list[tuple[Relationship, Any]]] = defaultdict(
            list
        )  # many-side id -> (rel, one)
        self.linked: dict[int, Any] = {}
        self.unlinks: list[tuple[Any, Relationship]] = []
        # association row -> (rel, owner, item, {id(rel): times listed}); SQLAlchemy
        # writes a row per list entry, so a pair listed twice fails on the key
        self.association_adds: dict[tuple[Any, ...], tuple[Relationship, Any, Any, dict[int, int]]] = {}
        self.association_removes: dict[tuple[Any, ...], tuple[Relationship, Any, Any, dict[int, int]]] = {}
        self.orphan_candidates: list[tuple[Any, Relationship]] = []
        self.deferred: list[tuple[Any, Relationship, Any]] = []

    def link(self, rel: Relationship, one: Any, many: Any) -> None:
        self.links[id(many)].append((rel, one))
        self.linked[id(many)] = many

    def associate(self, rel: Relationship, owner: Any, item: Any, add: bool) -> None:
        records = self.association_adds if add else self.association_removes
        key = _association_key(rel, owner, item)
        record = records.setdefault(key, (rel, owner, item, {}))
        record[3][id(rel)] = record[3].get(id(rel), 0) + 1

    def apply_links_of(self, many: Any) -> None:
        for rel, one in self.links.pop(id(many), ()):
            if rel.post_update:
                self.deferred.append((many, rel, one))  # an UPDATE after both rows exist sets the key
            elif one.__dict__[STATE_KEY].key is None:
                raise CircularDependencyError(
                    f"Circular dependency detected: {type(many).__name__} needs {type(one).__name__} inserted "
                    f"first and the other way round; set post_update=True on one relationship ({rel})"
                )
            else:
                _sync(many, rel, one)

    def apply_links(self, mapper: Mapper) -> None:
        """Links of this mapper's objects to parents that have a key by now."""
        for key in [
            k for k, obj in self.linked.items() if k in self.links and mapper_of(obj).base_mapper is mapper
        ]:
            obj = self.linked[key]
            if obj.__dict__[STATE_KEY].key is not None:
                self.apply_links_of(obj)

    def apply_deferred_links(self) -> None:
        for many, rel, one in self.deferred:
            _sync(many, rel, one)
        self.deferred.clear()

    def depends_on(self, many: Any) -> list[Any]:
        return [one for rel, one in self.links.get(id(many), ()) if not rel.post_update]


def _association_key(rel: Relationship, owner: Any, item: Any) -> tuple[Any, ...]:
    """The same association row whichever side recorded it."""
    assert rel.secondary is not None
    sides = sorted(
        [
            (tuple(s.name for _, s in rel.local_pairs), id(owner)),
            (tuple(s.name for _, s in rel.remote_pairs), id(item)),
        ]
    )
    return (rel.secondary.name, *sides)


def _sync(many: Any, rel: Relationship, one: Any) -> None:
    """Copies the referenced key of `one` (None: clears it) into the foreign key of `many`."""
    for one_key, many_key in rel.sync_keys:
        value = None if one is None else getattr(one, one_key)
        if many.__dict__.get(many_key, NO_VALUE) != value or many.__dict__[STATE_KEY].key is None:
            setattr(many, many_key, value)


def collect_changes(uow: FlushTransaction) -> Changes:
    """Reads every relationship change of new and modified objects."""
    changes = Changes()
    for obj in list(uow.new.values()) + list(uow.modified.values()):
        _read_changes(uow, changes, obj)
    _delete_orphans(uow, changes)
    for obj in list(uow.deleted.values()):
        _release_children(uow, changes, obj)
    return changes


def _in_session(uow: FlushTransaction, rel: Relationship, related: list[Any]) -> list[Any]:
    """Related objects the flush can write; one never added to the session is left out, with a warning."""
    session = uow.session
    try:
        kept = [o for o in related if o in session or uow.is_deleted(o)]
    except AttributeError:
        if any(o is None for o in related):
            raise FlushError(f"Can't flush None value found in collection {rel}") from None
        raise
    if len(kept) != len(related):
        for obj in related:
            if obj not in session:
                warnings.warn(
                    f"Object of type {type(obj).__name__} not in session, add operation along '{rel}' will "
                    "not proceed",
                    SAWarning,
                    stacklevel=4,
                )
    return kept


def _read_changes(uow: FlushTransaction, changes: Changes, obj: Any) -> None:
    mapper = mapper_of(obj)
    if not mapper.relationships:
        return
    d = obj.__dict__
    state = d[STATE_KEY]
    committed = state.committed or {}
    for rel in mapper.relationships.values():
        if rel.viewonly or rel.key not in d:
            continue
        value = d[rel.key]
        if isinstance(value, PendingChanges):  # write-only, dynamic: the adds and removes are the changes
            added, removed = value.take_pending()
            current = added = _in_session(uow, rel, added)
        else:
            current = _in_session(uow, rel, members(value))
            if state.key is None:
                added, removed = current, []
            elif rel.key in committed:
                old = members(committed[rel.key])
                old_ids, new_ids = {id(o) for o in old}, {id(o) for o in current}
                added = [o for o in current if id(o) not in old_ids]
                removed = [o for o in old if id(o) not in new_ids]
            else:
                continue
        rel._ensure()
        if rel.direction == MANYTOMANY:
            for item in added:
                changes.associate(rel, obj, item, True)
            for item in removed:
                changes.associate(rel, obj, item, False)
        elif rel.direction == MANYTOONE:
            if current:
                changes.link(rel, current[0], obj)
            elif state.key is not None:
                changes.unlinks.append((obj, rel))
                reverse = rel.reverse
                if reverse is not None and "delete-orphan" in reverse.cascade:
                    changes.orphan_candidates.append((obj, reverse))
        else:
            for item in added:
                changes.link(rel, obj, item)
            for item in removed:
                if "delete-orphan" in rel.cascade:
                    changes.orphan_candidates.append((item, rel))
                else:
                    changes.unlinks.append((item, rel))


def _delete_orphans(uow: FlushTransaction, changes: Changes) -> None:
    """delete-orphan: a child taken out of its parent's collection, and put in no other, is deleted."""
    for child, rel in changes.orphan_candidates:
        if any(r is rel or r is rel.reverse for r, _ in changes.links.get(id(child), ())):
            continue
        reverse = rel.reverse
        if reverse is not None and child.__dict__.get(reverse.key) is not None:
            continue
        state = child.__dict__[STATE_KEY]
        if state.status == PERSISTENT and not uow.is_deleted(child):
            uow.session.delete(child)
        elif state.status == PENDING:
            uow.session.expunge(child)
        changes.unlinks = [(c, r) for c, r in changes.unlinks if c is not child]


def _release_children(uow: FlushTransaction, changes: Changes, obj: Any) -> None:
    """Rows that point at a deleted object: children without delete cascade
    get their foreign key cleared; its association rows go."""
    for rel in mapper_of(obj).relationships.values():
        rel._ensure()
        if rel.viewonly or rel.passive_deletes:
            continue
        if rel.direction == MANYTOMANY:
            for item in every_member(getattr(obj, rel.key)):
                changes.associate(rel, obj, item, False)
        elif rel.direction == ONETOMANY and "delete" not in rel.cascade:
            for child in every_member(getattr(obj, rel.key)):
                if not uow.is_deleted(child) and child.__dict__[STATE_KEY].status == PERSISTENT:
                    changes.unlinks.append((child, rel))


def _insert_levels(changes: Changes, mapper: Mapper, objects: list[Any]) -> list[list[Any]]:
    """Pending objects in insert order: a row before the rows of its table that refer to it."""
    if not objects:
        return []
    if all(rel.mapper is not mapper for rel in mapper.relationships.values()):
        return [objects]  # rows of one table depend on each other only through a self-reference
    pending = {id(o) for o in objects}
    levels: dict[int, int] = {}

    def level_of(obj: Any, seen: frozenset[Any] = frozenset()) -> int:
        key = id(obj)
        if key in levels:
            return levels[key]
        if key in seen:
            raise CircularDependencyError(
                f"Circular dependency among pending {mapper.class_.__name__} objects"
            )
        parents = [p for p in changes.depends_on(obj) if id(p) in pending and p is not obj]
        levels[key] = 1 + max((level_of(p, seen | {key}) for p in parents), default=-1)
        return levels[key]

    by_level: dict[int, list[Any]] = defaultdict(list)
    for obj in objects:
        by_level[level_of(obj)].append(obj)
    return [by_level[i] for i in sorted(by_level)]


def _delete_levels(mapper: Mapper, objects: list[Any]) -> list[list[Any]]:
    """Deleted objects children-first where the table refers to itself."""
    self_refs = [r for r in mapper.relationships.values() if r.mapper is mapper and r.direction == MANYTOONE]
    if not self_refs or len(objects) == 1:
        return [objects]
    by_key = {o.__dict__[STATE_KEY].key[1]: o for o in objects}
    depth: dict[int, int] = {}

    def depth_of(obj: Any, hops: int = 0) -> int:
        if id(obj) in depth or hops > len(objects):
            return depth.get(id(obj), 0)
        parent = None
        for rel in self_refs:
            fk = tuple(getattr(obj, many) for _, many in rel.sync_keys)
            parent = by_key.get(fk[0] if len(fk) == 1 else fk)
            if parent is not None:
                break
        depth[id(obj)] = 0 if parent is None else 1 + depth_of(parent, hops + 1)
        return depth[id(obj)]

    levels: dict[int, list[Any]] = defaultdict(list)
    for obj in objects:
        levels[depth_of(obj)].append(obj)
    return [levels[i] for i in sorted(levels, reverse=True)]


def _write_association_rows(conn: Connection, changes: Changes) -> None:
    removes = [v for k, v in changes.association_removes.items() if k not in changes.association_adds]
    adds = [v for k, v in changes.association_adds.items() if k not in changes.association_removes]
    for rows, is_add in ((removes, False), (adds, True)):
        by_table: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for rel, owner, item, listed in rows:
            row = {sec.key: getattr(owner, rel.parent.column_keys[col]) for col, sec in rel.local_pairs}
            row.update({sec.key: getattr(item, rel.mapper.column_keys[col]) for col, sec in rel.remote_pairs})
            by_table[rel.secondary].extend([row] * (max(listed.values()) if is_add else 1))
        for table, params in by_table.items():
            if is_add:
                conn.execute(insert(table), params)
            else:
                where = [c == BindParameter(c.key, type_=c.type) for c in table.columns if c.key in params[0]]
                conn.execute(delete(table).where(*where), params)


def _clear_references_to_deleted(conn: Connection, deleted: list[Any]) -> None:
    """A deleted row's post_update foreign keys are cleared first, so the rows of a cycle can go."""
    for obj in deleted:
        for rel in mapper_of(obj).relationships.values():
            if rel.post_update and rel.direction == MANYTOONE:
                if any(obj.__dict__.get(many) is not None for _, many in rel.sync_keys):
                    _sync(obj, rel, None)
    _update_objects(conn, [o for o in deleted if o.__dict__[STATE_KEY].committed])


# --- INSERT -----------------------------------------------------------------------


def _insert_params(mapper: TableWriter, obj: Any) -> dict[str, Any]:
    d = obj.__dict__
    params: dict[str, Any] = {}
    for column in mapper.columns:
        key = mapper.column_keys[column]
        value = d.get(key, NO_VALUE)
        if value is None and (
            column.primary_key or column.default is not None or column.server_default is not None
        ):
            value = NO_VALUE  # as SQLAlchemy: None leaves the key or value to the default or the database
        if value is not NO_VALUE:
            params[column.key] = value
        elif column.default is not None:
            params[column.key] = d[key] = column.default.value()
    return params


def _fetched_columns(mapper: TableWriter, params: dict[str, Any]) -> list[Any]:
    """Columns the database fills in (autoincrement keys, server defaults, SQL
    expression values such as func.now()), read back with RETURNING."""
    return [
        c
        for c in mapper.columns
        if (c.key not in params and (c.primary_key or c.server_default is not None))
        or isinstance(params.get(c.key), ClauseElement)
    ]


def _insert_objects(uow: FlushTransaction, mapper: Mapper, objects: list[Any]) -> None:
    """INSERTs of the objects' rows, a table at a time (base table first with
    joined-table inheritance), then the objects are persistent."""
    conn = uow.connection
    if mapper.polymorphic_identity is not None:
        for obj in objects:
            mapper.set_polymorphic_identity(obj)
    if events.active("before_insert"):
        events.fire_mapper(mapper, "before_insert", conn, objects)
    for part in mapper.table_mappings:
        if part is not mapper and part.inherited_keys:
            for obj in objects:
                d = obj.__dict__
                for parent_key, own_key in part.inherited_keys:
                    d[own_key] = d.get(parent_key)
        _insert_rows(conn, part, objects)
    for obj in objects:
        _mark_persistent(uow, mapper, obj)
    if events.active("after_insert"):
        events.fire_mapper(mapper, "after_insert", conn, objects)
    if mapper.expressions:
        _expire_expressions(mapper, objects)


def _insert_rows(conn: Connection, mapper: TableWriter, objects: list[Any]) -> None:
    """INSERTs into one table batched per column set: executemany, or multi-row
    INSERT ... RETURNING when the database fills in keys or server defaults."""
    groups: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for obj in objects:
        params = _insert_params(mapper, obj)
        groups[tuple(params)].append((obj, params))
    for group in groups.values():
        fetched = _fetched_columns(mapper, group[0][1])
        if not fetched:
            conn.execute(insert(mapper.table), [params for _, params in group])
        else:
            _insert_returning(conn, mapper, group, fetched)


def _insert_returning(
    conn: Connection, mapper: TableWriter, group: list[tuple[Any, dict[str, Any]]], fetched: list[Any]
) -> None:
    """INSERT ... RETURNING the columns the database fills in, copied onto the objects."""
    rows = _returning_rows(conn, mapper, [params for _, params in group], fetched)
    if len(rows) != len(group):
        raise StaleDataError(
            f"INSERT into '{mapper.table.name}' returned {len(rows)} rows for {len(group)} objects"
        )
    key = next((i for i, c in enumerate(fetched) if c.primary_key and c.is_autoincrement), None)
    if key is not None and len(rows) > 1:
        # Generated keys ascend in the order the rows were inserted.
        rows = sorted(rows, key=lambda row: row[key])
    keys = [mapper.column_keys[c] for c in fetched]
    for (obj, _), row in zip(group, rows):
        d = obj.__dict__
        for attr, value in zip(keys, row):
            d[attr] = value


def _returning_rows(
    conn: Connection, mapper: TableWriter, params: list[dict[str, Any]], fetched: list[Any]
) -> Sequence[Any]:
    """Plain values go as parameters of one statement per mapper and RETURNING list
    (compiled once; multi-row VALUES pages for many rows). SQL expressions are
    rendered inline, and rows of defaults only are inserted one by one."""
    if not params[0]:
        return [row for _ in params for row in conn.execute(insert(mapper.table).returning(*fetched)).all()]
    if any(isinstance(v, ClauseElement) for row in params for v in row.values()):
        page = _INSERT_PAGE_PARAMS // len(params[0])
        return [
            row
            for start in range(0, len(params), page)
            for row in conn.execute(
                insert(mapper.table).values(params[start : start + page]).returning(*fetched)
            ).all()
        ]
    stmt = mapper.memo(("insert_returning", *fetched), lambda: insert(mapper.table).returning(*fetched))
    return conn.execute(stmt, params).all()


def _mark_persistent(uow: FlushTransaction, mapper: Mapper, obj: Any) -> None:
    state = obj.__dict__[STATE_KEY]
    key = mapper.identity_of(obj)
    state.key = key
    state.status = PERSISTENT
    state.committed = None
    state.expired = False
    uow.record_insert(obj, key)


def _pk_params(mapper: TableWriter, obj: Any) -> dict[str, Any]:
    """The WHERE parameters that identify `obj`'s row, from its identity key."""
    names = mapper.memo("pk_bind_names", lambda: [_pk_bind_name(c) for c in mapper.primary_key])
    return mapper.pk_params(obj.__dict__[STATE_KEY].key[1], names)


def _pk_bind_name(column: Any) -> str:
    return f"pk_{column.key}"


# --- UPDATE -----------------------------------------------------------------------


def _changes(mapper: TableWriter, obj: Any) -> dict[str, Any]:
    state = obj.__dict__[STATE_KEY]
    committed = state.committed or {}
    d = obj.__dict__
    changes = {}
    for key, old in committed.items():
        if key not in mapper.attr_columns:
            continue
        new = d.get(key)
        if old is NO_VALUE or old != new or type(old) is not type(new):
            changes[key] = new
    if changes:
        for column in mapper.columns:
            if column.onupdate is not None and mapper.column_keys[column] not in changes:
                changes[mapper.column_keys[column]] = d[mapper.column_keys[column]] = column.onupdate.value()
    return changes


def _update_objects(conn: Connection, modified: list[Any]) -> None:
    """UPDATEs of the changed columns of `modified` (a table at a time with
    joined-table inheritance), one executemany per statement shape."""
    groups: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    listened = events.active("before_update") or events.active("after_update")
    if listened:
        modified = _fire_before_update(conn, modified)
    with_expressions: dict[Mapper, list[Any]] = defaultdict(list)
    for obj in modified:
        state = obj.__dict__[STATE_KEY]
        if state.status != PERSISTENT or not state.committed:
            continue
        obj_mapper = mapper_of(obj)
        if obj_mapper.expressions:
            with_expressions[obj_mapper].append(obj)
        for part in obj_mapper.table_mappings:
            changes = _changes(part, obj)
            if changes:
                # SQL expressions are part of the statement: group by which ones (by identity).
                expressions = tuple(id(v) for v in changes.values() if isinstance(v, ClauseElement))
                groups[(part, tuple(changes), expressions)].append((obj, changes))
        state.committed = None
    for (obj_mapper, _, _), group in groups.items():
        _update_group(conn, obj_mapper, group)
    for obj_mapper, objects in with_expressions.items():
        _expire_expressions(obj_mapper, objects)
    if listened:
        for obj_mapper, objects in _group(modified).items():
            events.fire_mapper(obj_mapper, "after_update", conn, objects)


def _fire_before_update(conn: Connection, modified: list[Any]) -> list[Any]:
    """before_update for each dirty object (what it changes is written too); returns them."""
    dirty = [
        obj
        for obj in modified
        if obj.__dict__[STATE_KEY].status == PERSISTENT and obj.__dict__[STATE_KEY].committed
    ]
    for obj_mapper, objects in _group(dirty).items():
        events.fire_mapper(obj_mapper, "before_update", conn, objects)
    return dirty


def _update_group(conn: Connection, mapper: TableWriter, group: list[tuple[Any, dict[str, Any]]]) -> None:
    shape = {k: v if isinstance(v, ClauseElement) else None for k, v in group[0][1].items()}
    names = {k: f"v_{k}" for k, expression in shape.items() if expression is None}
    columns = mapper.attr_columns
    # the database computed these: reload on access (SQL expressions set, Computed columns)
    computed = [k for k, expression in shape.items() if expression is not None]
    computed += [k for k, column in columns.items() if column.computed is not None]
    assignments = {
        columns[k].key: expression
        if expression is not None
        else BindParameter(names[k], type_=columns[k].type)
        for k, expression in shape.items()
    }
    stmt = update(mapper.table).where(*mapper.pk_criteria(_pk_bind_name)).values(**assignments)
    params = []
    for obj, changes in group:
        values = {name: changes[k] for k, name in names.items()}
        values.update(_pk_params(mapper, obj))
        params.append(values)
        for k in computed:
            obj.__dict__.pop(k, None)
    check_update_rowcount(mapper.table, len(group), conn.execute(stmt, params).rowcount)


def _expire_expressions(mapper: Mapper, objects: list[Any]) -> None:
    """column_property() values may read what the flush wrote: they load again on access."""
    keys = [k for k, prop in mapper.expressions.items() if prop.expire_on_flush and not prop.query_expression]
    for obj in objects:
        d = obj.__dict__
        for key in keys:
            d.pop(key, None)


def check_update_rowcount(table: Any, expected: int, matched: int) -> None:
    if matched != expected:
        raise StaleDataError(
            f"UPDATE statement on table '{table.name}' expected to update {expected} row(s); "
            f"{matched} were matched."
        )


# --- DELETE -----------------------------------------------------------------------


def _warn_delete_rowcount(table: Any, expected: int, matched: int) -> None:
    """As SQLAlchemy without a version counter: rows already gone are warned about, not an error."""
    warnings.warn(
        f"DELETE statement on table '{table.name}' expected to delete {expected} row(s); {matched} were matched.",
        SAWarning,
        stacklevel=4,
    )


def _delete_objects(uow: FlushTransaction, mapper: Mapper, objects: list[Any]) -> None:
    if events.active("before_delete"):
        events.fire_mapper(mapper, "before_delete", uow.connection, objects)
    for part in reversed(mapper.table_mappings):  # joined-table inheritance: the subclass rows first
        stmt = delete(part.table).where(*part.pk_criteria(_pk_bind_name))
        matched = uow.connection.execute(stmt, [_pk_params(part, obj) for obj in objects]).rowcount
        if matched != len(objects):
            _warn_delete_rowcount(part.table, len(objects), matched)
    for obj in objects:
        state = obj.__dict__[STATE_KEY]
        uow.record_delete(obj, state.key)
        state.status = DELETED
    if events.active("after_delete"):
        events.fire_mapper(mapper, "after_delete", uow.connection, objects)
