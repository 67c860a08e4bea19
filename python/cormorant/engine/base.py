"""Engine, Connection and Transaction: statements in, Results out.

A Connection holds one pooled native connection. It begins a transaction
implicitly on first use ("commit as you go"), as SQLAlchemy 2.0 does."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, overload

from .. import _native
from ..event import ENGINE_EVENTS, Dispatch, EventTarget
from ..exc import (
    ArgumentError,
    DBAPIError,
    InvalidRequestError,
    ObjectNotExecutableError,
    PendingRollbackError,
    ProgrammingError,
    ResourceClosedError,
    StatementError,
)
from ..inspection import Inspectable
from ..sql.cache import StatementCache
from ..sql.compiler import CompiledStatement
from ..sql.ddl import DDLScript
from ..sql.dml import Delete, Insert, Update
from ..sql.elements import ClauseElement, Executable
from ..sql.functions import FunctionElement
from ..sql.lambdas import LambdaElement
from ..util.concurrency import require_greenlet
from .default import DefaultDialect, dialect_for
from .errors import translate
from .hydration import CORE_HYDRATION, Hydration
from .interfaces import ConnectionEventsTarget, ExceptionContext, ExecutionContext
from .isolation import AUTOCOMMIT, checked_level, current_level, opening_level, set_session_level
from .result import CursorResult, Result, ScalarResult, _Stream, empty_result
from .url import URL

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from ..sql.selectable import Select
    from .reflection import Inspector  # noqa: F401 (named in the Inspectable bases)

_T = TypeVar("_T")
_TP = TypeVar("_TP", bound=tuple[Any, ...])

# Parameters per multi-row INSERT: below SQLite's (32,766) and PostgreSQL's (65,535) limits.
INSERT_PAGE_PARAMS = 30000

logger = logging.getLogger("cormorant.engine.Engine")

# SQLAlchemy execution options of Engine and Connection that cormorant cannot
# honour, with the reason; giving one raises ArgumentError rather than being ignored.
_REFUSED_EXECUTION_OPTIONS = {
    "schema_translate_map": "the native compiler writes schema names as the Table gives them",
    "compiled_cache": "each engine has one statement cache; size it with create_engine(query_cache_size=...)",
    "logging_token": "echo logs carry no per-connection token",
    "postgresql_readonly": "cormorant sets no READ ONLY transaction mode",
    "postgresql_deferrable": "cormorant sets no DEFERRABLE transaction mode",
}


def _refuse_execution_options(options: Mapping[str, Any]) -> None:
    refused = sorted(options.keys() & _REFUSED_EXECUTION_OPTIONS.keys())
    if refused:
        name = refused[0]
        raise ArgumentError(f"execution option {name!r} is not supported: {_REFUSED_EXECUTION_OPTIONS[name]}")


# Rows per chunk of a stream_results=True result that names no yield_per
# (SQLAlchemy's default max_row_buffer).
_STREAM_ROWS = 1000


@dataclass(frozen=True)
class EngineSettings:
    """create_engine()'s engine-wide options (engine/create.py checks them)."""

    isolation_level: str | None = None  # every new connection's level
    execution_options: dict[str, Any] = field(default_factory=dict)  # Connections' defaults
    hide_parameters: bool = False  # error messages and echo leave parameters out
    logging_name: str | None = None  # echo logs to cormorant.engine.Engine.<name>
    query_cache_size: int | None = None  # compiled statements kept; None: the default
    insertmanyvalues_page_size: int | None = None  # rows per multi-row INSERT ... RETURNING


class Engine(ConnectionEventsTarget, EventTarget, Inspectable["Inspector"]):
    """A pool of connections to one database, and the statement cache for it."""

    def __init__(
        self,
        url: URL,
        pool: Any,
        dialect: str,
        echo: bool | str = False,
        settings: EngineSettings | None = None,
    ) -> None:
        settings = settings or EngineSettings()
        self.url = url
        self.pool = pool
        self.dialect = dialect_for(dialect, is_async=pool.cooperative)
        self.name = dialect
        self.dispatch = Dispatch(ENGINE_EVENTS)
        self._cache = StatementCache(dialect, settings.query_cache_size)
        self._settings = settings
        self.hide_parameters = settings.hide_parameters
        self.logging_name = settings.logging_name
        self._logger = logging.getLogger(
            logger.name + (f".{settings.logging_name}" if settings.logging_name else "")
        )
        self._execution_options: dict[str, Any] = {}
        # Connections at AUTOCOMMIT send no BEGIN; one at another level sets it on checkout.
        self._autocommit = settings.isolation_level == AUTOCOMMIT
        self._connection_level: str | None = None
        self._set_execution_options(settings.execution_options)
        if settings.isolation_level not in (None, AUTOCOMMIT):
            self.dialect.default_isolation_level = settings.isolation_level
            pool.on_fresh_connection(self._set_opening_level)
        else:
            self.dialect.read_default_isolation_level = self._read_default_level
        self.echo = echo

    def _set_opening_level(self, lease: Any) -> None:
        """create_engine(isolation_level=...): each new connection's level for its life."""
        set_session_level(lease, self.name, self._settings.isolation_level)

    @property
    def _opening_level(self) -> str | None:
        """The session level the pool's connections open with (None: the server's)."""
        level = self._settings.isolation_level
        return None if level == AUTOCOMMIT else level

    def _read_default_level(self) -> str:
        lease = self.pool.lease()
        try:
            return opening_level(lease, self.name)
        finally:
            self.pool.release(lease)

    def _set_execution_options(self, options: Mapping[str, Any]) -> None:
        """Makes `options` the defaults of this engine's Connections; an
        isolation_level is set on each Connection as it checks out."""
        _refuse_execution_options(options)
        self._execution_options = {**self._execution_options, **options}
        if "isolation_level" in options:
            level = checked_level(self.name, options["isolation_level"])
            self._execution_options["isolation_level"] = level
            self._autocommit = level == AUTOCOMMIT
            self._connection_level = None if self._autocommit else level

    def execution_options(self, **options: Any) -> Engine:
        """An Engine sharing this one's pool, dialect and statement cache whose
        Connections take `options` as their execution options (SQLAlchemy's
        OptionEngine): `engine.execution_options(isolation_level="AUTOCOMMIT")`."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy._set_execution_options(options)
        return copy

    def update_execution_options(self, **options: Any) -> None:
        """Adds `options` to this engine's own defaults, in place."""
        self._set_execution_options(options)

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    @property
    def echo(self) -> bool | str:
        return self._echo

    @echo.setter
    def echo(self, value: bool | str) -> None:
        self._echo = value
        if value:
            self._logger.setLevel(logging.DEBUG if value == "debug" else logging.INFO)
            if not logger.handlers:
                handler = logging.StreamHandler()
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
                logger.addHandler(handler)

    def connect(self) -> Connection:
        """A Connection checked out of the pool; close it (or use `with`) to return it."""
        return Connection(self)

    def begin(self) -> _EngineTransaction:
        """`with engine.begin() as conn:` commits at the end, or rolls back on error."""
        return _EngineTransaction(self)

    def _run_ddl(self, script: Callable[[str], DDLScript]) -> None:
        """Runs the DDL script that `script(dialect name)` builds, in one transaction."""
        with self.begin() as conn:
            conn._run_ddl(script)

    def dispose(self, close: bool = True) -> None:
        """Closes the pooled connections; new ones are opened on demand."""
        if not close:
            raise NotImplementedError(
                "Engine.dispose(close=False) (leaving a forked parent's connections open) is not "
                "supported: the native pool closes what it lets go of"
            )
        self.pool.dispose()
        if self.dispatch.has("engine_disposed"):
            self.dispatch.fire("engine_disposed", self)

    def raw_connection(self) -> Any:
        from ..pool import DBAPIConnection

        lease = self.pool.lease()
        return DBAPIConnection(lease, self.pool.cooperative, self.pool, self.pool._record(lease))

    def __repr__(self) -> str:
        return f"Engine({self.url})"


class _EngineTransaction:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> Connection:
        self._conn = self._engine.connect()
        self._conn.begin()
        return self._conn

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        try:
            if exc_type is None:
                self._conn.commit()
            else:
                self._conn.rollback()
        finally:
            self._conn.close()


# What execute() takes as parameters: one mapping, or a list of them (executemany).
_ExecuteParams: TypeAlias = Mapping[str, Any] | Sequence[Mapping[str, Any]]


def _is_many(parameters: _ExecuteParams | None) -> TypeIs[Sequence[Mapping[str, Any]]]:
    """A non-empty list of parameter mappings: the statement runs once per
    mapping. An empty list binds nothing, which every single-execution path
    treats as it treats None."""
    return (
        isinstance(parameters, (list, tuple)) and len(parameters) > 0 and isinstance(parameters[0], Mapping)
    )


class Connection(ConnectionEventsTarget, Inspectable["Inspector"]):
    """One checked-out database connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cooperative = engine.pool.cooperative  # an async engine's: I/O only inside greenlet_spawn
        listening = engine.dispatch.listening
        self._lease = (
            _connect(engine) if listening and engine.dispatch.has("handle_error") else engine.pool.lease()
        )
        self._closed = False
        self._invalidated = False
        self._transaction: Transaction | None = None
        self._savepoints: list[NestedTransaction] = []
        self._savepoint_count = 0
        self._execution_options: dict[str, Any] = engine._execution_options
        self._streams: weakref.WeakSet[_Stream] | None = None  # open streaming results
        self._session_level: str | None = None  # a level set on the lease, undone at close
        if engine._autocommit:
            self._begin_native = self._skip_begin  # type: ignore[method-assign]
        if engine._connection_level is not None:
            self._set_session_level(engine._connection_level)
        if listening and engine.dispatch.has("engine_connect"):
            engine.dispatch.fire("engine_connect", self)

    # --- lifecycle ---------------------------------------------------------------

    def _check_open(self) -> Any:
        if self._closed:
            raise ResourceClosedError("This Connection is closed")
        if self._cooperative:
            require_greenlet()
        if self._invalidated:
            raise PendingRollbackError(
                "Can't reconnect until invalid transaction is rolled back: this Connection's database "
                "connection was lost; call rollback(), or close() it and use a new one"
            )
        if self._lease is None:  # reconnecting after a lost connection was rolled back
            self._lease = self.engine.pool.lease()
            if self._session_level is not None:
                self._set_session_level(self._session_level)
        return self._lease

    @property
    def dialect(self) -> DefaultDialect:
        return self.engine.dialect

    @property
    def connection(self) -> Any:
        """The pooled DB-API-style connection under this Connection."""
        from ..pool import DBAPIConnection

        lease = self._check_open()
        return DBAPIConnection(lease, self._cooperative, record=self.engine.pool._record(lease))

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def invalidated(self) -> bool:
        return self._invalidated

    def close(self) -> None:
        """Rolls back anything uncommitted and returns the connection to the pool."""
        if self._closed:
            return
        self._closed = True
        self._close_streams()
        lease, self._lease = self._lease, None
        self._end_transaction()
        if lease is None:
            return
        try:
            if not lease.invalidated and lease.in_transaction():
                lease.rollback()
            if self._session_level is not None and not lease.invalidated:
                self._reset_session_level(lease)
        except (_native.Error, DBAPIError):
            lease.invalidate()
        finally:
            self.engine.pool.release(lease)

    def invalidate(self, exception: BaseException | None = None) -> None:
        if self._lease is not None:
            self._lease.invalidate()
        self._invalidated = True

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def execution_options(self, **options: Any) -> Connection:
        """Sets options for every later execution on this Connection (yield_per,
        stream_results, isolation_level, ...) and returns it, as SQLAlchemy 2.0 does."""
        _refuse_execution_options(options)
        if "isolation_level" in options:
            options = {**options, "isolation_level": self._set_isolation_level(options["isolation_level"])}
        self._execution_options = {**self._execution_options, **options}
        return self

    # --- isolation levels -----------------------------------------------------------

    def _set_isolation_level(self, level: Any) -> str:
        """execution_options(isolation_level=...): from the next transaction on,
        until this Connection is closed (its pooled connection is then reset)."""
        checked = checked_level(self.engine.name, level)
        if self.in_transaction():
            raise InvalidRequestError(
                "This connection has already initialized a SQLAlchemy Transaction() object via "
                "begin() or autobegin; isolation_level may not be altered unless rollback() or "
                "commit() is called first."
            )
        if checked == AUTOCOMMIT:
            self._begin_native = self._skip_begin  # type: ignore[method-assign]
        else:
            self.__dict__.pop("_begin_native", None)
            self._set_session_level(checked)
        return checked

    def _skip_begin(self, statement: str = "BEGIN", params: Any = None, immediate: bool = False) -> None:
        """_begin_native at AUTOCOMMIT: no BEGIN is sent, so each statement
        commits as it runs (CREATE DATABASE, VACUUM can run)."""

    def _set_session_level(self, level: str) -> None:
        set_session_level(self._check_open(), self.engine.name, level)
        self._session_level = level

    def _reset_session_level(self, lease: Any) -> None:
        """Gives the pooled connection back the level it opened with."""
        self._session_level = None
        set_session_level(lease, self.engine.name, self.engine._opening_level)

    def get_isolation_level(self) -> str:
        """The isolation level in effect on the database connection, read from
        it; as in SQLAlchemy, never AUTOCOMMIT (which only means no BEGIN is sent)."""
        return current_level(self._check_open(), self.engine.name)

    @property
    def default_isolation_level(self) -> str | None:
        """The level of a newly opened connection of this engine."""
        dialect = self.engine.dialect
        if dialect._default_isolation_level is None:
            dialect.default_isolation_level = opening_level(self._check_open(), self.engine.name)
        return dialect.default_isolation_level

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    def _yield_per(self, statement: Any, execution_options: Mapping[str, Any] | None) -> int | None:
        """Rows per chunk when this execution streams its result (yield_per=N,
        or stream_results=True); None for a buffered one. Execution options
        win over the statement's, which win over the Connection's."""
        statement_options = getattr(statement, "_execution_options", None)
        if not (execution_options or statement_options or self._execution_options):
            return None
        options = {**self._execution_options, **(statement_options or {}), **(execution_options or {})}
        yield_per = options.get("yield_per")
        if yield_per:
            return int(yield_per)
        if options.get("stream_results"):
            return int(options.get("max_row_buffer") or _STREAM_ROWS)
        return None

    def _close_streams(self) -> None:
        """Closes the cursors of streaming results still open on this Connection."""
        streams, self._streams = self._streams, None
        for stream in list(streams or ()):
            stream.close()

    # --- transactions --------------------------------------------------------------

    def begin(self) -> Transaction:
        """Begins a transaction; use it as a context manager or commit() it."""
        lease = self._check_open()
        if self._transaction is not None and self._transaction.is_active and lease.in_transaction():
            raise InvalidRequestError(
                "a transaction is already begun on this Connection; commit or roll it back first"
            )
        self._transaction = RootTransaction(self)
        self._begin_native()
        return self._transaction

    def begin_twophase(self, xid: Any = None) -> TwoPhaseTransaction:
        """SQLAlchemy's two-phase transaction; see TwoPhaseTransaction."""
        return TwoPhaseTransaction(self, xid)

    def _begin_native(self, statement: str = "BEGIN", params: Any = None, immediate: bool = False) -> None:
        """Begins the database transaction; a failure is reported against
        `statement`, the one the user ran that began it implicitly. On SQLite,
        `immediate` takes the write lock now (BEGIN IMMEDIATE)."""
        lease = self._lease
        if not lease.in_transaction():
            try:
                if immediate and self.engine.name == "sqlite":
                    lease.execute("BEGIN IMMEDIATE", []).close()
                else:
                    lease.begin()
            except _native.Error as e:
                raise self._wrap_error(e, statement, params) from e
            except BaseException as e:
                self._abandon_if_interrupted(e)
                raise
            if self.engine.dispatch.has("begin"):
                self.engine.dispatch.fire("begin", self)

    def _autobegin(
        self, reads_only: bool = False, statement: str = "BEGIN", params: Any = None, locks: bool = False
    ) -> None:
        """Begins the logical transaction. On SQLite, as with pysqlite, the
        database transaction starts at the first write, so a connection that
        has only read holds no lock that would block other writers. A locking
        read (with_for_update(), which SQLite cannot express) takes SQLite's
        write lock at once instead, so the rows it read cannot change before
        the transaction writes them."""
        if self._transaction is None or not self._transaction.is_active:
            self._transaction = RootTransaction(self)
        if locks or not (reads_only and self.engine.name == "sqlite"):
            self._begin_native(statement, params, immediate=locks)

    def begin_nested(self) -> NestedTransaction:
        """A SAVEPOINT, begun inside the current transaction (which begins if needed)."""
        self._check_open()
        self._autobegin()
        self._savepoint_count += 1
        nested = NestedTransaction(self, f"sa_savepoint_{self._savepoint_count}")
        self._execute_datum(("savepoint", nested.name))
        self._savepoints.append(nested)
        return nested

    def _end_savepoint(self, nested: NestedTransaction, datum: tuple[Any, ...]) -> None:
        """Releases or rolls back to `nested`; savepoints begun inside it end with it."""
        if nested not in self._savepoints:
            nested.is_active = False
            return
        self._execute_datum(datum)
        while self._savepoints:
            inner = self._savepoints.pop()
            inner.is_active = False
            if inner is nested:
                break

    def in_nested_transaction(self) -> bool:
        return bool(self._savepoints)

    def get_nested_transaction(self) -> NestedTransaction | None:
        """The innermost SAVEPOINT in progress, if any."""
        return self._savepoints[-1] if self._savepoints else None

    def in_transaction(self) -> bool:
        return self._transaction is not None and self._transaction.is_active

    def get_transaction(self) -> Transaction | None:
        return self._transaction if self.in_transaction() else None

    def commit(self) -> None:
        """Commits the current transaction, if any."""
        if self._invalidated:
            raise InvalidRequestError("Can't commit: this Connection was invalidated; roll back instead")
        self._end_native("commit", self._check_open().commit)

    def rollback(self) -> None:
        """Rolls back the current transaction, if any."""
        if self._closed:
            raise ResourceClosedError("This Connection is closed")
        if self._invalidated:
            self._recover_invalidated()
            return
        self._end_native("rollback", self._lease.rollback if self._lease is not None else None)

    def _end_native(self, name: str, finish: Any) -> None:
        """Ends the database transaction (if one is open) and fires its event."""
        if self._lease is not None and self._lease.in_transaction():
            try:
                finish()
            except _native.Error as e:
                raise self._wrap_error(e, name.upper(), None) from e
            except BaseException as e:
                self._abandon_if_interrupted(e)
                raise
            if self.engine.dispatch.has(name):
                self.engine.dispatch.fire(name, self)
        self._end_transaction()

    def _recover_invalidated(self) -> None:
        """Ends the lost connection's transaction; as in SQLAlchemy, the next
        use checks out a new connection (none is needed to roll back)."""
        lease, self._lease = self._lease, None
        if lease is not None:
            self.engine.pool.release(lease)
        self._invalidated = False
        self._end_transaction()

    def _end_transaction(self) -> None:
        if self._transaction is not None:
            self._transaction.is_active = False
        self._transaction = None
        for nested in self._savepoints:
            nested.is_active = False
        self._savepoints.clear()

    # --- execution -------------------------------------------------------------------

    @overload
    def execute(
        self,
        statement: Select[_TP],
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Result[_TP]: ...
    @overload
    def execute(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Result[Any]: ...
    def execute(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Result[Any]:
        """Runs a statement; a list of parameter dicts runs it once per dict (executemany)."""
        if not isinstance(statement, (Executable, LambdaElement, FunctionElement)):
            raise _not_executable(statement)
        dispatch = self.engine.dispatch
        if dispatch.listening and (dispatch.has("before_execute") or dispatch.has("after_execute")):
            return self._execute_with_events(statement, parameters, execution_options)
        return self._execute_statement(statement, parameters, execution_options)

    def _execute_with_events(
        self, statement: Any, parameters: _ExecuteParams | None, execution_options: Mapping[str, Any] | None
    ) -> Result[Any]:
        """execute() with before_execute / after_execute listeners: they see (and,
        with retval=True, may replace) the statement, multiparams and params."""
        dispatch, options = self.engine.dispatch, dict(execution_options or {})
        many = _is_many(parameters)
        multiparams: list[Any] = list(parameters) if many else []  # type: ignore[arg-type]
        params: dict[str, Any] = {} if many else dict(parameters or {})  # type: ignore[arg-type]
        for fn, retval in dispatch.entries("before_execute"):
            returned = fn(self, statement, multiparams, params, options)
            if retval:
                statement, multiparams, params = returned
        if multiparams and params:
            raise InvalidRequestError(
                "Event handler can't return non-empty multiparams and params at the same time"
            )
        result = self._execute_statement(statement, multiparams or params or None, execution_options)
        dispatch.fire("after_execute", self, statement, multiparams, params, options, result)
        return result

    def _execute_statement(
        self, statement: Any, parameters: _ExecuteParams | None, execution_options: Mapping[str, Any] | None
    ) -> Result[Any]:
        if isinstance(statement, LambdaElement):
            statement = statement._resolved()
        if (
            isinstance(statement, (Insert, Update, Delete))
            and statement._return_defaults
            and not statement._returning
        ):
            if _is_many(parameters) or not isinstance(statement, Insert):
                return _described(self._execute_returning_defaults(statement, parameters), statement, None)
        if _is_many(parameters):
            return _described(self._execute_many(statement, parameters), statement, parameters)
        if isinstance(statement, Insert) and not statement._returning:
            return _described(self._execute_insert(statement, parameters), statement, None)
        yield_per = self._yield_per(statement, execution_options)
        result = self._execute_compiled(*self._compile_bound(statement, parameters), yield_per=yield_per)
        return _described(result, statement, None)

    def execute_hydrated(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None,
        hydration: Hydration,
        *,
        yield_per: int | None = None,
    ) -> Result[Any]:
        """Runs a row-returning statement whose rows `hydration` turns into
        result items: the ORM's entry point. A list of parameter dicts runs it
        once per dict; `yield_per` streams the rows that many at a time."""
        if _is_many(parameters):
            return self._execute_many(statement, parameters, hydration)
        compiled, values = self._compile_bound(statement, parameters)
        return self._execute_compiled(compiled, values, hydration, yield_per)

    def _compile_bound(
        self, statement: ClauseElement, parameters: Mapping[str, Any] | None
    ) -> tuple[CompiledStatement, dict[str, Any]]:
        """The compiled statement and every value it binds. An INSERT takes
        execution parameters named like its columns as values of those
        columns, as SQLAlchemy does (and fills the other columns' defaults)."""
        if isinstance(statement, Insert) and parameters:
            keys = [k for k in parameters if _is_column_key(statement, k)]
            compiled, values = self.engine._cache.compile(statement, keys, parameters)
            return compiled, {
                **parameters,
                **_fill_defaults(statement, keys, [parameters], values, compiled)[0],
            }
        # an UPDATE without .values() takes its SET from the parameters, as in executemany
        set_keys = (
            list(parameters) if isinstance(statement, Update) and parameters and not statement._values else []
        )
        compiled, values = self.engine._cache.compile(statement, set_keys, parameters)
        return compiled, compiled.bind_values(values, parameters)

    def _execute_insert(self, statement: Insert, parameters: Mapping[str, Any] | None) -> Result[Any]:
        """A single-row INSERT, with `inserted_primary_key`. PostgreSQL has no
        last-insert id, so a generated key is read back with RETURNING."""
        if statement._select is not None:  # INSERT ... SELECT: no single new key
            result = self._execute_compiled(*self._compile_bound(statement, parameters))
            return empty_result(result.rowcount, None, _inserted_primary_key(statement, None))
        reads_key = self.engine.name == "postgresql" or statement._return_defaults
        generated = _generated_key_column(statement, parameters) if reads_key else None
        fetched = _returned_default_columns(statement, parameters) if statement._return_defaults else []
        if generated is not None and generated not in fetched:
            fetched.insert(0, generated)
        to_run = statement.returning(*fetched) if fetched else statement
        result = self._execute_compiled(*self._compile_bound(to_run, parameters))
        if not fetched:
            new_key, rowcount, lastrowid = result.lastrowid, result.rowcount, result.lastrowid
            return empty_result(rowcount, lastrowid, _inserted_primary_key(statement, new_key, parameters))
        row = result.first()  # no row when ON CONFLICT DO NOTHING skipped it
        new_key = row[fetched.index(generated)] if row is not None and generated is not None else None
        lastrowid = new_key if self.engine.name == "sqlite" else None
        done = empty_result(
            1 if row is not None else 0, lastrowid, _inserted_primary_key(statement, new_key, parameters)
        )
        if statement._return_defaults and row is not None:
            done._returned_defaults_rows = [
                _native.Row(_native.RowKeys([c.key for c in fetched]), tuple(row))
            ]
        return done

    def _execute_returning_defaults(
        self, statement: Insert | Update | Delete, parameters: _ExecuteParams | None
    ) -> Result[Any]:
        """return_defaults() of an executemany INSERT, or of an UPDATE / DELETE:
        the values RETURNING reads become returned_defaults_rows (and, for the
        INSERT, each parameter set's primary key)."""
        many: Sequence[Mapping[str, Any]] | None = None
        first: Mapping[str, Any] | None = None
        if _is_many(parameters):
            many, first = parameters, parameters[0]
        elif isinstance(parameters, Mapping):
            first = parameters
        if isinstance(statement, Insert):
            fetched = _returned_default_columns(statement, first)
        else:
            fetched = list(statement._return_defaults_columns)
        if not fetched:
            return self._plain(statement, parameters)
        rows = [tuple(r) for r in self.execute(statement.returning(*fetched), parameters)]
        done = empty_result(len(rows))
        keys = _native.RowKeys([c.key for c in fetched])
        done._returned_defaults_rows = [_native.Row(keys, r) for r in rows]
        if isinstance(statement, Insert) and many is not None:
            done._describe("insert", True, _primary_keys_from(statement, fetched, many, rows))
        return done

    def _plain(self, statement: Insert | Update | Delete, parameters: _ExecuteParams | None) -> Result[Any]:
        """The statement run without its return_defaults() (nothing to fetch)."""
        plain = statement._clone()
        plain._return_defaults = False
        return self.execute(plain, parameters)

    def exec_driver_sql(self, statement: str, parameters: Any = None) -> Result[Any]:
        params = list(parameters) if isinstance(parameters, (list, tuple)) else []
        return self._run(statement, params, None, CORE_HYDRATION, self._yield_per(None, None))

    @overload
    def scalar(
        self,
        statement: Select[tuple[_T]],
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> _T | None: ...
    @overload
    def scalar(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any: ...
    def scalar(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> Any:
        """The first column of the first row, or None when there is no row."""
        return self.execute(statement, parameters, execution_options=execution_options).scalar()

    @overload
    def scalars(
        self,
        statement: Select[tuple[_T]],
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> ScalarResult[_T]: ...
    @overload
    def scalars(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> ScalarResult[Any]: ...
    def scalars(
        self,
        statement: ClauseElement,
        parameters: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
    ) -> ScalarResult[Any]:
        """The first column of each row."""
        return self.execute(statement, parameters, execution_options=execution_options).scalars()

    def _run_ddl(self, script: Callable[[str], DDLScript]) -> None:
        """Runs the DDL script that `script(dialect name)` builds: the sql/
        constructs (MetaData.create_all, Table.drop...) say what, the bind runs it."""
        for datum in script(self.engine.dialect.name):
            self._execute_datum(datum)

    def _execute_datum(self, datum: tuple[Any, ...]) -> Result[Any]:
        return self._execute_compiled(self.engine._cache.compile_datum(datum), {})

    def _execute_compiled(
        self,
        compiled: CompiledStatement,
        values: Mapping[str, Any],
        hydration: Hydration = CORE_HYDRATION,
        yield_per: int | None = None,
    ) -> Result[Any]:
        """`yield_per`: stream the rows, hydrating that many at a time."""
        try:
            positional = [values[k] for k in compiled.param_keys]
        except KeyError as e:
            raise ArgumentError(f"A value is required for bind parameter {e.args[0]!r}") from None
        return self._run(compiled.sql, positional, compiled, hydration, yield_per)

    def _execute_many(
        self,
        statement: ClauseElement,
        parameters: Sequence[Mapping[str, Any]],
        hydration: Hydration = CORE_HYDRATION,
    ) -> Result[Any]:
        """executemany. With RETURNING, each parameter set runs on its own and
        the result holds a row per set, in order, as SQLAlchemy 2.0 returns."""
        keys = list(parameters[0])
        compiled, values = self.engine._cache.compile(statement, keys, parameters[0])
        rows = _fill_defaults(statement, keys, parameters, values, compiled)
        try:
            return self._execute_many_rows(statement, compiled, rows, hydration)
        except TypeError as e:
            refused = _expression_parameter(compiled, rows)
            if refused is None:
                raise
            error = ProgrammingError(refused, compiled.sql, rows[:10], e)
            error.hide_parameters = self.engine.hide_parameters
            raise error from None

    def _execute_many_rows(
        self,
        statement: ClauseElement,
        compiled: CompiledStatement,
        rows: Sequence[Mapping[str, Any]],
        hydration: Hydration,
    ) -> Result[Any]:
        if compiled.returns_rows:
            if isinstance(statement, Insert) and statement._on_conflict is None:
                many = self._insert_many_values(compiled, rows, hydration)
                if many is not None:
                    return many
            results = [self._execute_compiled(compiled, row, hydration) for row in rows]
            return results[0].merged(results[1:])
        lease = self._check_open()
        self._autobegin(False, compiled.sql, rows[:10])
        sql = compiled.sql
        sql, rows = self._before_execute(sql, rows, True)
        try:
            rowcount = lease.execute_many(sql, list(compiled.param_keys), rows)
        except _native.Error as e:
            raise self._wrap_error(e, sql, rows[:10]) from e
        except KeyError as e:
            raise ArgumentError(str(e.args[0])) from None
        except BaseException as e:
            self._abandon_if_interrupted(e)
            raise
        return empty_result(rowcount)

    def _insert_many_values(
        self, compiled: CompiledStatement, rows: Sequence[Mapping[str, Any]], hydration: Hydration
    ) -> Result[Any] | None:
        """An INSERT ... RETURNING for many parameter sets as multi-row VALUES, a page at
        a time, as SQLAlchemy's "insertmanyvalues" does; None when the statement cannot."""
        keys = compiled.param_keys
        per_page = max(1, INSERT_PAGE_PARAMS // len(keys)) if keys else 1
        page_rows = self.engine._settings.insertmanyvalues_page_size
        if page_rows is not None:
            per_page = min(per_page, page_rows)
        if compiled.many_values_sql(min(len(rows), per_page)) is None:
            return None
        results = []
        for start in range(0, len(rows), per_page):
            page = rows[start : start + per_page]
            try:
                values = [row[k] for row in page for k in keys]
            except KeyError as e:
                raise ArgumentError(f"A value is required for bind parameter {e.args[0]!r}") from None
            results.append(
                self._run(compiled.many_values_sql(len(page)) or compiled.sql, values, compiled, hydration)
            )
        return results[0].merged(results[1:])

    def _before_execute(self, sql: str, params: Any, many: bool) -> tuple[str, Any]:
        if self.engine._echo:
            engine_logger = self.engine._logger
            engine_logger.info("%s", sql)
            if self.engine.hide_parameters:
                engine_logger.info("[SQL parameters hidden due to hide_parameters=True]")
            else:
                engine_logger.info("[%s] %r", "generated in native", params if not many else params[:10])
        if self.engine.dispatch.has("before_cursor_execute"):
            context = ExecutionContext(self, sql, params, many)
            sql, params = self.engine.dispatch.fire_retval(
                "before_cursor_execute", sql, params, self, None, context, many
            )
        return sql, params

    def _run(
        self,
        sql: str,
        params: list[Any],
        compiled: CompiledStatement | None,
        hydration: Hydration,
        yield_per: int | None = None,
    ) -> Result[Any]:
        """Executes on the native connection and has `hydration` turn any rows
        into items, all at once or, with `yield_per`, that many at a time as they
        are read: then the rows are read off the wire as they arrive (streaming),
        rather than received whole before the first is hydrated."""
        lease = self._check_open()
        if compiled is not None:
            self._autobegin(compiled.reads_only, sql, params, compiled.locks_rows)
        else:
            self._autobegin(_native.reads_only(sql), sql, params)
        sql, params = self._before_execute(sql, params, False)
        try:
            cursor = lease.execute_streaming(sql, params) if yield_per else lease.execute(sql, params)
            names = cursor.column_names
            if names:
                shape = hydration.shape(compiled, names)
                if yield_per:
                    result = self._streaming_result(cursor, shape, hydration, yield_per, sql, params)
                else:
                    rows = hydration.fetch(cursor, shape.plan, None)
                    result = _result_class(hydration)(
                        rows,
                        shape.keys,
                        shape.single,
                        cursor.rowcount,
                        require_unique=hydration.unique_required,
                    )
                    cursor.close()
            else:
                result = empty_result(cursor.rowcount, cursor.last_insert_id)
                cursor.close()
        except _native.Error as e:
            raise self._wrap_error(e, sql, params) from e
        except BaseException as e:
            self._abandon_if_interrupted(e)
            raise
        if self.engine.dispatch.has("after_cursor_execute"):
            context = ExecutionContext(self, sql, params, False)
            self.engine.dispatch.fire("after_cursor_execute", self, None, sql, params, context, False)
        if names and not yield_per:
            hydration.loaded(result._items, result._single)
        return result

    def _streaming_result(
        self, cursor: Any, shape: Any, hydration: Hydration, size: int, sql: str, params: Any
    ) -> Result[Any]:
        """A Result reading `cursor` `size` rows at a time; the cursor stays
        open until the rows run out, the Result is closed, or this Connection is."""
        plan = shape.plan

        def fetch(n: int) -> list[Any]:
            try:
                return hydration.fetch(cursor, plan, n)
            except _native.Error as e:
                raise self._wrap_error(e, sql, params) from e
            except BaseException as e:
                self._abandon_if_interrupted(e)
                raise

        stream = _Stream(fetch, cursor.close, size, hydration, shape.single)
        if self._streams is None:
            self._streams = weakref.WeakSet()
        self._streams.add(stream)
        return _result_class(hydration)._streaming(stream, shape.keys, shape.single, cursor.rowcount)

    def _abandon_if_interrupted(self, error: BaseException) -> None:
        """A call of an async engine's connection ended by a cancelled task
        (or another non-Exception) left its protocol state unknown: the
        connection is invalidated, so it is never pooled mid-transaction and
        rollback() just lets it go."""
        if self._cooperative and not isinstance(error, Exception):
            self.invalidate(error)

    def _wrap_error(self, error: _native.Error, sql: str, params: Any) -> Exception:
        """The cormorant.exc error for `error`. A lost connection invalidates
        this Connection and, as in SQLAlchemy, every pooled connection opened
        before it: a server restart costs one error, not one per connection."""
        wrapped: Exception = translate(error, sql, params)
        if self.engine.hide_parameters and isinstance(wrapped, StatementError):
            wrapped.hide_parameters = True
        disconnect = bool(getattr(wrapped, "connection_invalidated", False))
        invalidate_pool = True
        if self.engine.dispatch.has("handle_error"):
            context = ExceptionContext(
                self.engine,
                self,
                error,
                wrapped,
                sql,
                params,
                disconnect,
                ExecutionContext(self, sql, params, False),
            )
            wrapped = _handled_error(self.engine.dispatch, context)
            disconnect, invalidate_pool = context.is_disconnect, context.invalidate_pool_on_disconnect
            if isinstance(wrapped, DBAPIError):
                wrapped.connection_invalidated = disconnect
        if disconnect:
            self.invalidate(wrapped)
            if invalidate_pool:
                self.engine.pool.invalidate_older()
        return wrapped

    @property
    def info(self) -> dict[str, Any]:
        """A dictionary kept with the database connection under this Connection,
        for as long as the pool keeps it (shared with the pool events' record.info)."""
        info: dict[str, Any] = self.engine.pool._record(self._check_open()).info
        return info


def _handled_error(dispatch: Dispatch, context: ExceptionContext) -> Exception:
    """The exception to raise after the handle_error listeners: one a listener
    returned replaces the one before it (each listener sees the latest as
    chained_exception); a listener may also raise its own."""
    for listener in dispatch.listeners("handle_error"):
        replacement = listener(context)
        if isinstance(replacement, BaseException):
            context.chained_exception = replacement
    chosen = context.chained_exception
    assert isinstance(chosen, Exception)
    return chosen


def _connect(engine: Engine) -> Any:
    """A lease from the engine's pool; an error while connecting goes through
    the handle_error listeners (with no Connection and no statement)."""
    try:
        return engine.pool.lease()
    except DBAPIError as error:
        context = ExceptionContext(
            engine, None, error.orig or error, error, None, None, bool(error.connection_invalidated)
        )
        handled = _handled_error(engine.dispatch, context)
        if handled is error:
            raise
        raise handled from error


def _not_executable(statement: object) -> ObjectNotExecutableError:
    error = ObjectNotExecutableError(statement)
    if isinstance(statement, str):
        error.args = (
            f"{error.args[0]}; textual SQL should be explicitly declared as text({statement[:60]!r})",
        )
    return error


def _result_class(hydration: Hydration) -> type[Result[Any]]:
    """Core executions give a CursorResult; ORM-hydrated rows a plain Result, as in SQLAlchemy."""
    return CursorResult if hydration is CORE_HYDRATION else Result


def _expression_parameter(compiled: CompiledStatement, rows: Sequence[Mapping[str, Any]]) -> str | None:
    """SQLAlchemy's refusal of a SQL expression given as one parameter set's
    value (only .values() takes expressions), or None when there is none."""
    for row in rows:
        for position, key in enumerate(compiled.param_keys, 1):
            value = row.get(key)
            if isinstance(value, ClauseElement):
                kind = type(value).__name__
                return f"(cormorant.ProgrammingError) Error binding parameter {position}: type '{kind}' is not supported"
    return None


def _described(result: Result[Any], statement: ClauseElement, many: Any) -> Result[Any]:
    """`result` told which kind of DML statement made it; for an executemany
    INSERT, each parameter set's primary key (given values; generated ones unknown)."""
    if not isinstance(result, CursorResult):
        return result
    kinds = ((Insert, "insert"), (Update, "update"), (Delete, "delete"))
    kind = next((name for cls, name in kinds if isinstance(statement, cls)), None)
    key_rows = None
    if kind == "insert" and many is not None:

        def key_rows() -> list[Any]:
            return [_inserted_primary_key(statement, None, params) for params in many]

    return result._describe(kind, many is not None, key_rows)


def _returned_default_columns(statement: Insert, parameters: Mapping[str, Any] | None) -> list[Any]:
    """What an INSERT's return_defaults() fetches: the primary key, server-default
    and named columns that neither .values() nor the parameters give."""
    given = _given_keys(statement, parameters)
    named = set(statement._return_defaults_columns)
    return [
        c
        for c in statement.table.columns
        if c.key not in given and (c.primary_key or c.server_default is not None or c in named)
    ]


def _primary_keys_from(
    statement: Insert, fetched: list[Any], many: Sequence[Mapping[str, Any]], rows: list[tuple[Any, ...]]
) -> list[Any]:
    """Each parameter set's primary key: given, else read back by RETURNING."""
    pk = statement.table.primary_key
    keys = _native.RowKeys([c.key for c in pk])
    position = {c.key: i for i, c in enumerate(fetched)}
    return [
        _native.Row(
            keys, tuple(params.get(c.key, row[position[c.key]] if c.key in position else None) for c in pk)
        )
        for params, row in zip(many, rows)
    ]


def _is_column_key(statement: Insert, key: str) -> bool:
    try:
        statement._column(key)
    except KeyError:
        return False
    return True


def _given_keys(statement: Any, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Column key -> value an INSERT's .values() or execution parameters give."""
    return {**{c.key: v for c, v in (statement._values or {}).items()}, **(parameters or {})}


def _generated_key_column(statement: Any, parameters: Mapping[str, Any] | None = None) -> Any:
    """The autoincrement primary-key column a single-row INSERT leaves to the database."""
    if getattr(statement, "_multi_values", None) or not hasattr(statement, "table"):
        return None
    given = _given_keys(statement, parameters)
    for column in statement.table.primary_key:
        if column.is_autoincrement and column.key not in given:
            return column
    return None


def _inserted_primary_key(
    statement: Any, lastrowid: int | None, parameters: Mapping[str, Any] | None = None
) -> Any:
    """The primary key of a single-row INSERT, as a Row named by the key's
    columns: given values, else the database's generated key."""
    if getattr(statement, "_multi_values", None):
        return None
    given = _given_keys(statement, parameters)
    pk = statement.table.primary_key
    if not pk:
        return None
    values = tuple(given.get(c.key, lastrowid if c.is_autoincrement else None) for c in pk)
    return _native.Row(_native.RowKeys([c.key for c in pk]), values)


def _fill_defaults(
    statement: Any,
    keys: list[str],
    parameters: Sequence[Mapping[str, Any]],
    values: dict[str, Any],
    compiled: CompiledStatement,
) -> Sequence[Mapping[str, Any]]:
    """Parameter sets completed with Python column defaults and statement-level
    values, each value converted by its bind's type."""
    defaults = statement._executemany_defaults(keys) if hasattr(statement, "_executemany_defaults") else []
    if not defaults and not values and not compiled.processors:
        return parameters
    filled = []
    for params in parameters:
        given = dict(params)
        for column in defaults:
            if column.key not in given:
                given[column.key] = column.default.value()
        filled.append(compiled.bind_values(dict(values), given))
    return filled


class CommitOnExit:
    """`with` support shared by transactions: commit on success, roll back on an exception."""

    def commit(self) -> None:
        raise NotImplementedError

    def rollback(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()


class Transaction(CommitOnExit):
    """A transaction on a Connection; a context manager that commits or rolls back."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.is_active = True

    def commit(self) -> None:
        if self.is_active:
            self.connection.commit()

    def rollback(self) -> None:
        if self.is_active:
            self.connection.rollback()

    def close(self) -> None:
        self.rollback()


class RootTransaction(Transaction):
    """The outermost transaction of a Connection: conn.begin(), or the one
    begun implicitly by the first statement."""


class TwoPhaseTransaction(RootTransaction):
    """SQLAlchemy's two-phase (XA) transaction: PREPARE TRANSACTION, then
    COMMIT PREPARED. Not supported: SQLite has no two-phase commit, and on
    PostgreSQL cormorant's native connection tracks one ordinary transaction
    per session, which PREPARE TRANSACTION would end behind its back (and the
    server refuses it unless max_prepared_transactions > 0)."""

    def __init__(self, connection: Connection, xid: Any = None) -> None:
        raise NotImplementedError(
            "Connection.begin_twophase() / TwoPhaseTransaction are not supported: cormorant's native "
            "drivers have no two-phase commit (PREPARE TRANSACTION / COMMIT PREPARED)"
        )


class NestedTransaction(Transaction):
    """A SAVEPOINT inside a Connection's transaction (begin_nested()): commit()
    releases it, rollback() undoes only the work done since it began."""

    def __init__(self, connection: Connection, name: str) -> None:
        super().__init__(connection)
        self.name = name

    def commit(self) -> None:
        if self.is_active:
            self.connection._end_savepoint(self, ("release_savepoint", self.name))

    def rollback(self) -> None:
        if self.is_active:
            self.connection._end_savepoint(self, ("rollback_to_savepoint", self.name))
