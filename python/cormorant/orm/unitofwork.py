"""The unit of work: pending INSERTs parents-first, UPDATEs of changed
columns, DELETEs children-first, batched per table and column set."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..engine.base import Connection
from ..exc import StaleDataError
from ..sql.elements import BindParameter
from .attributes import DELETED, NO_VALUE, PERSISTENT, STATE_KEY
from .mapper import Mapper, mapper_of

if TYPE_CHECKING:
    from .session import Session


def _table_order(mappers: set[Mapper]) -> list[Mapper]:
    from .. import _native

    by_table = {m.table.name: m for m in mappers}
    deps = [(m.table.name, m.table.referenced_table_names()) for m in mappers]
    return [by_table[name] for name in _native.sort_tables(deps)]


def flush_session(session: Session, conn: Connection) -> None:
    new = list(session._new.values())
    deleted = list(session._deleted.values())
    modified = [o for o in session._modified.values() if id(o) not in session._deleted]
    mappers = {mapper_of(o) for o in new + deleted + modified}
    order = _table_order(mappers)
    by_mapper: dict[Mapper, list[Any]] = defaultdict(list)
    for obj in new:
        by_mapper[mapper_of(obj)].append(obj)
    for mapper in order:
        if by_mapper.get(mapper):
            _insert_objects(session, conn, mapper, by_mapper[mapper])
    _update_objects(conn, modified)
    deletes: dict[Mapper, list[Any]] = defaultdict(list)
    for obj in deleted:
        deletes[mapper_of(obj)].append(obj)
    for mapper in reversed(order):
        if deletes.get(mapper):
            _delete_objects(session, conn, mapper, deletes[mapper])
    session._new.clear()
    session._modified.clear()
    session._deleted.clear()


# --- INSERT -----------------------------------------------------------------------


def _insert_params(mapper: Mapper, obj: Any) -> dict[str, Any]:
    d = obj.__dict__
    params: dict[str, Any] = {}
    for column in mapper.columns:
        key = mapper.column_keys[column]
        if key in d:
            params[column.key] = d[key]
        elif column.default is not None:
            params[column.key] = d[key] = column.default.value()
    return params


def _fetched_columns(mapper: Mapper, params: dict[str, Any]) -> list[Any]:
    """Columns the database fills in (autoincrement keys, server defaults), read back with RETURNING."""
    return [
        c for c in mapper.columns if c.key not in params and (c.primary_key or c.server_default is not None)
    ]


def _insert_objects(session: Session, conn: Connection, mapper: Mapper, objects: list[Any]) -> None:
    from ..sql.dml import insert

    groups: dict[tuple, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for obj in objects:
        params = _insert_params(mapper, obj)
        groups[tuple(params)].append((obj, params))
    for members in groups.values():
        fetched = _fetched_columns(mapper, members[0][1])
        if fetched:
            stmt = insert(mapper.table).returning(*fetched)
            for obj, params in members:
                row = conn.execute(stmt.values(**params) if params else stmt).one()
                for column, value in zip(fetched, row):
                    obj.__dict__[mapper.column_keys[column]] = value
                _mark_persistent(session, mapper, obj)
        else:
            stmt = insert(mapper.table)
            if len(members) == 1:
                conn.execute(stmt.values(**members[0][1]))
            else:
                conn.execute(stmt, [params for _, params in members])
            for obj, _ in members:
                _mark_persistent(session, mapper, obj)


def _mark_persistent(session: Session, mapper: Mapper, obj: Any) -> None:
    state = obj.__dict__[STATE_KEY]
    key = mapper.identity_of(obj)
    state.key = key
    state.status = PERSISTENT
    state.committed = None
    state.expired = False
    session._identity_map[key] = obj
    session._inserted_in_transaction[id(obj)] = obj


def _pk_params(mapper: Mapper, obj: Any) -> dict[str, Any]:
    """The WHERE parameters that identify `obj`'s row, from its identity key."""
    ident = obj.__dict__[STATE_KEY].key[1]
    values = ident if len(mapper.primary_key) > 1 else (ident,)
    return {f"pk_{c.key}": v for c, v in zip(mapper.primary_key, values)}


def _runner(conn: Connection, stmt: Any) -> Callable[[dict[str, Any]], Any]:
    """Compiles a group's statement once; the result runs it with one object's parameters."""
    compiled, values = conn.engine._cache.compile(stmt)
    return lambda params: conn._execute_compiled(compiled, compiled.bind_values(dict(values), params))


# --- UPDATE -----------------------------------------------------------------------


def _changes(mapper: Mapper, obj: Any) -> dict[str, Any]:
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
    from ..sql.dml import update

    groups: dict[tuple, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for obj in modified:
        state = obj.__dict__[STATE_KEY]
        if state.status != PERSISTENT:
            continue
        mapper = mapper_of(obj)
        changes = _changes(mapper, obj)
        state.committed = None
        if changes:
            groups[(mapper, tuple(changes))].append((obj, changes))
    for (mapper, keys), members in groups.items():
        where = [c == BindParameter(f"pk_{c.key}", type_=c.type) for c in mapper.primary_key]
        stmt = (
            update(mapper.table)
            .where(*where)
            .values(
                **{
                    mapper.attr_columns[k].key: BindParameter(f"v_{k}", type_=mapper.attr_columns[k].type)
                    for k in keys
                }
            )
        )
        run = _runner(conn, stmt)
        count = 0
        for obj, changes in members:
            params = {f"v_{k}": v for k, v in changes.items()}
            params.update(_pk_params(mapper, obj))
            count += run(params).rowcount
        if count != len(members):
            raise StaleDataError(
                f"UPDATE statement on table '{mapper.table.name}' expected to update {len(members)} row(s); "
                f"{count} were matched"
            )


# --- DELETE -----------------------------------------------------------------------


def _delete_objects(session: Session, conn: Connection, mapper: Mapper, objects: list[Any]) -> None:
    from ..sql.dml import delete

    where = [c == BindParameter(f"pk_{c.key}", type_=c.type) for c in mapper.primary_key]
    stmt = delete(mapper.table).where(*where)
    run = _runner(conn, stmt)
    for obj in objects:
        run(_pk_params(mapper, obj))
        state = obj.__dict__[STATE_KEY]
        session._identity_map.pop(state.key, None)
        state.status = DELETED
        session._flushed_deletes.append(obj)
