"""ORM bulk UPDATE by primary key: `session.execute(update(Entity), [dict, ...])`.

SQLAlchemy 2.0's "ORM Bulk UPDATE by Primary Key". Each parameter dict names
the entity's primary-key attribute(s) and the attributes to set, by attribute
name (not column name). Runs of consecutive dicts with the same keys become one
executemany of `UPDATE table SET col=? ... WHERE pk=?`, sent through
Connection.execute() as the unit of work sends its UPDATEs; values are always
bound. The dicts themselves are the parameter sets: binds are named after the
attributes, so no row is copied.

As in SQLAlchemy:
* a dict without its primary key raises InvalidRequestError ("No primary key
  value supplied ..."); a dict with nothing to set is skipped;
* each executemany must match one row per dict, else StaleDataError (not
  checked when the statement has its own .where() criteria);
* statement .values() apply to every row, a dict's value winning;
* synchronize_session 'auto'/'evaluate' (the default) gives loaded objects
  the new values of their loaded attributes, and expires those with
  unflushed changes; False/None leaves them alone; 'fetch' is refused;
* the Result has no rows and no `rowcount` attribute (SQLAlchemy's
  null_result()).

Unlike SQLAlchemy, which silently ignores keys that are not column
attributes, an unknown key raises InvalidRequestError. Every dict is checked
before anything is written."""

from __future__ import annotations

from collections.abc import KeysView, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .. import _native
from ..engine.result import Result
from ..exc import ArgumentError, InvalidRequestError
from ..sql.dml import Update
from ..sql.elements import BindCollector, BindParameter, coerce
from .attributes import STATE_KEY
from .mapper import Mapper
from .unitofwork import check_update_rowcount

if TYPE_CHECKING:
    from ..sql.schema import Column
    from .session import Session

_SYNC_STRATEGIES = ("auto", "evaluate", "fetch", False, None)
_BULK_STRATEGIES = ("auto", "bulk")

# one run of consecutive parameter sets with the same keys:
# (index of its first set, the attributes it sets, its parameter sets)
Run = tuple[int, list[str], Sequence[Mapping[str, Any]]]


def is_bulk_update_by_pk(statement: Update, params: Any, execution_options: Mapping[str, Any] | None) -> bool:
    """True for an UPDATE of a mapped class executed with a list of dicts
    (an empty list included), as SQLAlchemy picks its "bulk" strategy. A
    tuple of dicts, or a Table target, stays a Core executemany."""
    if not isinstance(params, list) or (params and not isinstance(params[0], Mapping)):
        return False
    if not isinstance(getattr(statement.entity, "__mapper__", None), Mapper):
        return False
    return _options(statement, execution_options).get("dml_strategy", "auto") in _BULK_STRATEGIES


def bulk_update_by_pk(
    session: Session,
    statement: Update,
    params: list[Mapping[str, Any]],
    execution_options: Mapping[str, Any] | None = None,
) -> Result[Any]:
    """Runs `statement` once per parameter set, each matching its row by primary key."""
    mapper: Mapper = statement.entity.__mapper__
    if statement._returning:
        raise InvalidRequestError(
            "ORM bulk UPDATE by primary key does not support RETURNING "
            "(UPDATE..RETURNING is not available when executemany is used)"
        )
    sync = _sync_strategy(statement, execution_options)
    runs = _checked_runs(mapper, statement, params or [{}])
    session._autoflush()
    conn = session._connection_for_use()
    check_rowcount = not statement._where
    for _, attrs, rows in runs:
        matched = conn.execute(_run_statement(statement, mapper, attrs), rows).rowcount
        if check_rowcount:
            check_update_rowcount(mapper.table, len(rows), matched)
    if sync in ("auto", "evaluate"):
        _synchronize(session, mapper, runs)
    return null_result()


# --- options ----------------------------------------------------------------------


def _options(statement: Update, execution_options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The statement's execution options, those given to execute() winning."""
    return {**statement._execution_options, **(execution_options or {})}


def _sync_strategy(statement: Update, execution_options: Mapping[str, Any] | None) -> Any:
    sync = _options(statement, execution_options).get("synchronize_session", "auto")
    if sync not in _SYNC_STRATEGIES:
        raise ArgumentError(
            "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False"
        )
    if sync == "fetch":
        raise InvalidRequestError(
            "The 'fetch' synchronization strategy is not available for 'bulk' ORM updates "
            "(i.e. multiple parameter sets)"
        )
    if statement._where and sync in ("auto", "evaluate"):
        raise InvalidRequestError(
            "bulk synchronize of persistent objects not supported when using bulk update with "
            "additional WHERE criteria right now.  add synchronize_session=None execution option "
            "to bypass synchronize of persistent objects."
        )
    return sync


# --- checking the parameter sets --------------------------------------------------------


def _checked_runs(mapper: Mapper, statement: Update, params: Sequence[Mapping[str, Any]]) -> list[Run]:
    """The runs to execute, each checked; raises before anything is written."""
    passed_through = _statement_bind_names(statement)
    runs = []
    for start, keys, rows in _runs(params):
        attrs = _attributes_set(mapper, keys, start, passed_through)
        if not attrs and not statement._values:
            continue  # nothing to SET: skipped, as SQLAlchemy does
        _check_primary_key(mapper, keys, rows, start)
        runs.append((start, attrs, rows))
    return runs


def _runs(
    params: Sequence[Mapping[str, Any]],
) -> list[tuple[int, KeysView[str], Sequence[Mapping[str, Any]]]]:
    """Consecutive parameter sets with the same keys (in any order), in order:
    a later set still updates a row after an earlier one."""
    runs = []
    start = 0
    keys = params[0].keys()
    for i in range(1, len(params)):
        other = params[i].keys()
        if other != keys:
            runs.append((start, keys, params[start:i]))
            start, keys = i, other
    runs.append((start, keys, params[start:] if start else params))
    return runs


def _attributes_set(mapper: Mapper, keys: KeysView[str], index: int, passed_through: set[str]) -> list[str]:
    """The attributes a run sets, in table column order; an unknown key raises."""
    pk_keys = mapper.pk_keys
    for key in keys:
        if key not in mapper.attr_columns and key not in passed_through:
            raise InvalidRequestError(_unknown_key_message(mapper, key, index))
    return [k for k in mapper.column_order if k in keys and k not in pk_keys]


def _unknown_key_message(mapper: Mapper, key: str, index: int) -> str:
    name = mapper.class_.__name__
    message = (
        f"ORM bulk UPDATE by primary key: {key!r} (parameter set {index}) is not a column attribute "
        f"of mapped class {name}"
    )
    attr = next((a for a, c in mapper.attr_columns.items() if c.name == key), None)
    if attr is not None:
        message += f"; it is the column name of attribute {name}.{attr}, use {attr!r}"
    elif key in mapper.relationships:
        message += "; relationships cannot be set this way"
    return message


def _check_primary_key(
    mapper: Mapper, keys: KeysView[str], rows: Sequence[Mapping[str, Any]], start: int
) -> None:
    """Every parameter set of a run names each primary-key attribute, not as None."""
    for column, attr in zip(mapper.primary_key, mapper.pk_keys):
        if attr not in keys:
            raise InvalidRequestError(_missing_pk_message(mapper, column, attr, start))
        if None in map(itemgetter(attr), rows):
            index = start + [row[attr] for row in rows].index(None)
            raise InvalidRequestError(_missing_pk_message(mapper, column, attr, index))


def _missing_pk_message(mapper: Mapper, column: Column[Any], attr: str, index: int) -> str:
    # SQLAlchemy's message, then which attribute, class and parameter set
    return (
        f"No primary key value supplied for column(s) {mapper.table.name}.{column.name}; "
        "per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values "
        f"(attribute {attr!r} of {mapper.class_.__name__}, parameter set {index})"
    )


def _statement_bind_names(statement: Update) -> set[str]:
    """Names of bindparam()s in the statement's WHERE and values(): keys of
    those names in the dicts are their values, passed through, not attributes."""
    if not statement._where and not statement._values:
        return set()
    binds = BindCollector("sqlite")
    statement._where_datum(binds)
    for column, value in statement._values.items():
        coerce(value, column.type, column.key)._datum(binds)
    return set(binds.named)


# --- the statements ---------------------------------------------------------------


def _run_statement(statement: Update, mapper: Mapper, attrs: list[str]) -> Update:
    """The user's statement (its values() and where() kept) with a bound SET
    value per attribute and the primary-key criteria."""
    columns = mapper.attr_columns
    assignments: dict[str, BindParameter[Any]] = {
        attr: BindParameter(attr, type_=columns[attr].type, label=columns[attr].key) for attr in attrs
    }
    return statement.values(**assignments).where(*mapper.pk_criteria())


# --- after the UPDATEs --------------------------------------------------------------


def _synchronize(session: Session, mapper: Mapper, runs: list[Run]) -> None:
    """Loaded objects of the updated rows take the new values of their loaded
    attributes; an attribute with an unflushed change is expired instead (it
    reloads from the database on access). Unloaded attributes stay unloaded."""
    objects = session._identity_map.for_class(mapper.identity_class)
    if not objects:
        return
    pk_keys = mapper.pk_keys
    identity = itemgetter(*pk_keys)
    for _, attrs, rows in runs:
        for row in rows:
            obj = objects.get(identity(row))
            if obj is not None:
                _apply(obj.__dict__, attrs, row)


def _apply(d: dict[str, Any], attrs: list[str], row: Mapping[str, Any]) -> None:
    committed = d[STATE_KEY].committed
    for attr in attrs:
        if attr not in d:
            continue
        if committed and attr in committed:
            del d[attr]
            del committed[attr]
        else:
            d[attr] = row[attr]


_NO_KEYS = _native.RowKeys(())


def null_result() -> Result[Any]:
    """An empty Result like SQLAlchemy's null_result(): `.all()` is [] and,
    as there, it has no `rowcount` attribute."""
    result: Result[Any] = Result([], _NO_KEYS, False)
    del result.rowcount
    return result
