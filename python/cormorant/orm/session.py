"""Session and sessionmaker: the identity map, change tracking, transactions
and the ORM side of statement execution."""

from __future__ import annotations

import enum
import gc
import inspect
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..engine.base import CommitOnExit, Connection, Engine, NestedTransaction, _ExecuteParams, _is_many
from ..engine.result import Result, ScalarResult
from ..exc import (
    ArgumentError,
    InvalidRequestError,
    MissingGreenlet,
    NoResultFound,
    PendingRollbackError,
    UnboundExecutionError,
)
from ..sql.dml import Delete, Insert, Update
from ..sql.elements import ClauseElement, Executable
from ..sql.functions import FunctionElement
from ..sql.lambdas import LambdaElement
from ..sql.selectable import FromStatement, Select, select
from ..util import IdentitySet
from ..util.concurrency import in_greenlet
from . import events as _events
from . import unitofwork
from .attributes import (
    DELETED,
    DETACHED,
    LOADERS_KEY,
    NO_VALUE,
    PENDING,
    PERSISTENT,
    STATE_KEY,
    TRANSIENT,
    SessionRef,
    owning_session,
    state_of,
)
from .bulk_persistence import bulk_update_by_pk, is_bulk_update_by_pk
from .collections import every_member, members
from .events import active as _active
from .exc import ObjectDeletedError
from .identity import IdentityMap
from .loading import SessionHydration, prepare_select
from .mapper import Mapper, mapper_of
from .query import Query, RowReturningQuery
from .unitofwork import FlushTransaction
from .writeonly import WRITE_ONLY

_T = TypeVar("_T")
_TP = TypeVar("_TP", bound=tuple[Any, ...])
_T0 = TypeVar("_T0")
_T1 = TypeVar("_T1")
_T2 = TypeVar("_T2")
_T3 = TypeVar("_T3")

if TYPE_CHECKING:
    from ..sql.elements import ColumnElement
    from ..sql.selectable import _Typed
    from .util import AliasedClass


JOIN_TRANSACTION_MODES = ("conditional_savepoint", "create_savepoint", "rollback_only", "control_fully")


def _commit_events_active() -> bool:
    """A commit with nothing to write still runs its transaction when someone listens."""
    return any(
        _events.active(name)
        for name in ("before_commit", "after_commit", "after_transaction_create", "after_transaction_end")
    )


class SessionTransactionOrigin(enum.Enum):
    """How a SessionTransaction began (its `origin`)."""

    AUTOBEGIN = 0  # the Session began it on first use
    BEGIN = 1  # Session.begin()
    BEGIN_NESTED = 2  # Session.begin_nested(): a SAVEPOINT
    SUBTRANSACTION = 3  # SQLAlchemy's legacy subtransactions; cormorant has none


class SessionNestedTransaction(CommitOnExit):
    """A SAVEPOINT of the Session (begin_nested()). Rolling it back undoes the
    database work since it began; objects added since are expunged and every
    loaded object is expired, so it reloads what the database now holds."""

    def __init__(self, session: Session, savepoint: NestedTransaction) -> None:
        self.session = session
        self._savepoint = savepoint
        self._inserted_before = len(session._inserted_in_transaction)
        self._deletes_before = len(session._flushed_deletes)
        self.nested = True
        self.parent = session._transaction
        self.origin = SessionTransactionOrigin.BEGIN_NESTED

    @property
    def is_active(self) -> bool:
        return self._savepoint.is_active

    def commit(self) -> None:
        if self.is_active:
            self.session.flush()
            self._savepoint.commit()
            self.session._end_nested(self)
            if _active("after_transaction_end"):
                _events.fire_session(self.session, "after_transaction_end", self)

    def rollback(self) -> None:
        if self.is_active:
            self._savepoint.rollback()
            self.session._end_nested(self)
            self.session._undo_since(self._inserted_before, self._deletes_before)
            if _active("after_rollback"):
                _events.fire_session(self.session, "after_rollback")
            if _active("after_transaction_end"):
                _events.fire_session(self.session, "after_transaction_end", self)
            if _active("after_soft_rollback"):
                _events.fire_session(self.session, "after_soft_rollback", self)


class SessionTransaction:
    """The Session's current transaction (begin() returns it)."""

    nested = False
    parent = None

    def __init__(
        self, session: Session, origin: SessionTransactionOrigin = SessionTransactionOrigin.AUTOBEGIN
    ) -> None:
        self.session = session
        self.is_active = True
        self.origin = origin

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def __enter__(self) -> SessionTransaction:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            if self.is_active:
                self.session.commit()
        else:
            self.session.rollback()


class Session:
    """Holds loaded objects, tracks their changes and writes them back in a transaction."""

    def __init__(
        self,
        bind: Engine | Connection | None = None,
        *,
        autoflush: bool = True,
        future: bool = True,
        expire_on_commit: bool = True,
        autobegin: bool = True,
        twophase: bool = False,
        binds: Mapping[Any, Any] | None = None,
        enable_baked_queries: bool = True,
        info: dict[str, Any] | None = None,
        query_cls: type[Any] | None = None,
        autocommit: bool = False,
        join_transaction_mode: str = "conditional_savepoint",
        close_resets_only: bool = True,
    ) -> None:
        if (
            future is not True
            or twophase
            or binds
            or autocommit
            or join_transaction_mode != "conditional_savepoint"
        ):
            _check_session_arguments(future, twophase, binds, autocommit, join_transaction_mode)
        self.bind = bind
        self.join_transaction_mode = join_transaction_mode
        self.close_resets_only = close_resets_only
        self.enable_baked_queries = enable_baked_queries  # cormorant caches compiled statements regardless
        self.twophase = False
        self._query_cls = query_cls
        self.autoflush = autoflush
        self.expire_on_commit = expire_on_commit
        self.autobegin = autobegin
        self.info = info or {}
        self._identity_map = IdentityMap()
        self._ref = SessionRef(self)
        self._new: dict[int, Any] = {}
        self._deleted: dict[int, Any] = {}
        self._modified: dict[int, Any] = {}
        self._inserted_in_transaction: dict[int, Any] = {}
        self._flushed_deletes: list[Any] = []
        self._connection: Connection | None = None
        self._provisioning = threading.Lock()
        self._transaction: SessionTransaction | None = None
        self._nested: list[SessionNestedTransaction] = []
        self._failed_flush: BaseException | None = None
        self._closed = False
        # how this session's transaction sits on its Connection: None when the
        # session began it itself, else the joined Transaction or SAVEPOINT
        self._joined: Any = None
        self._commits_joined = True
        self._flushing = False
        self._no_autoflush = 0

    # --- state checks --------------------------------------------------------------

    def _check_usable(self) -> None:
        if self._closed:
            raise InvalidRequestError(
                "This Session has been permanently closed and is unable to handle any more transaction "
                "requests (it was made with close_resets_only=False)"
            )
        if self._failed_flush is not None:
            raise PendingRollbackError(
                "This Session's transaction has been rolled back due to a previous exception during flush. "
                f"To begin a new transaction with this Session, first issue Session.rollback(). "
                f"Original exception was: {self._failed_flush}"
            )

    def _connection_for_use(self) -> Connection:
        self._check_usable()
        if self._connection is None:
            if self.bind is None:
                raise UnboundExecutionError(
                    "This Session is not bound to an Engine; pass one to Session(bind=...)"
                )
            if not self.autobegin and self._transaction is None:
                raise InvalidRequestError("Autobegin is disabled on this Session; call session.begin()")
            self._provision_connection(self.bind)
        assert self._connection is not None
        return self._connection

    def _provision_connection(self, bind: Engine | Connection) -> None:
        """Checks out the transaction's Connection. Another thread doing the
        same at that moment gets SQLAlchemy's InvalidRequestError rather than a
        second connection that nothing would ever return to the pool."""
        if not self._provisioning.acquire(blocking=False):
            raise InvalidRequestError(
                "This session is provisioning a new connection; concurrent operations are not permitted "
                "(a Session must not be used by two threads at once)"
            )
        try:
            if self._connection is not None:
                return
            connection = bind.connect() if isinstance(bind, Engine) else bind
            if self._transaction is None:
                self._start_transaction()
            if isinstance(bind, Connection) and connection.in_transaction():
                self._join(connection)
            else:
                connection._autobegin(reads_only=True)
            self._connection = connection
        finally:
            self._provisioning.release()
        if _active("after_begin"):
            _events.fire_session(self, "after_begin", self._transaction, connection)

    def _join(self, connection: Connection) -> None:
        """Joins the transaction the given Connection is already in, as
        join_transaction_mode says (SQLAlchemy's rules)."""
        mode = self.join_transaction_mode
        if mode == "conditional_savepoint":
            mode = "create_savepoint" if connection.in_nested_transaction() else "rollback_only"
        if mode == "create_savepoint":
            self._joined = connection.begin_nested()
        else:
            nested = connection.get_nested_transaction()
            self._joined = nested if nested is not None else connection.get_transaction()
        self._commits_joined = mode != "rollback_only"

    def _start_transaction(
        self, origin: SessionTransactionOrigin = SessionTransactionOrigin.AUTOBEGIN
    ) -> SessionTransaction:
        transaction = self._transaction = SessionTransaction(self, origin)
        if _active("after_transaction_create"):
            _events.fire_session(self, "after_transaction_create", transaction)
        return transaction

    def _refuse_unawaited_load(self, instance: object, key: str, what: str) -> None:
        """MissingGreenlet naming the attribute, when loading it would need I/O
        that an async engine can only do inside an awaited call."""
        bind = self.bind
        if bind is None or not bind.dialect.is_async or in_greenlet():
            return
        name = f"{type(instance).__name__}.{key}"
        raise MissingGreenlet(
            f"{what} {name} needs database I/O, and this Session belongs to an AsyncSession: it can only "
            f"load inside an awaited call. Load it in the query with selectinload({name}) (or "
            f"joinedload), or read it with `await obj.awaitable_attrs.{key}`"
            + (", or keep it loaded with expire_on_commit=False" if what == "Expired attribute" else "")
        )

    def connection(self) -> Connection:
        """The Connection of the current transaction."""
        return self._connection_for_use()

    def get_bind(self, *_: Any, **__: Any) -> Any:
        return self.bind

    @property
    def is_active(self) -> bool:
        return not self._closed and self._failed_flush is None

    def in_transaction(self) -> bool:
        return self._transaction is not None

    def in_nested_transaction(self) -> bool:
        """True inside begin_nested() (a SAVEPOINT)."""
        return bool(self._nested)

    def get_transaction(self) -> SessionTransaction | None:
        """The current (outermost) transaction, or None."""
        return self._transaction

    def get_nested_transaction(self) -> SessionNestedTransaction | None:
        """The innermost begin_nested() savepoint in progress, or None."""
        return self._nested[-1] if self._nested else None

    def invalidate(self) -> None:
        """Drops the session's connection without returning it to the pool
        (after a failure that left it unusable), then closes the session."""
        if self._connection is not None:
            self._connection.invalidate()
        self.close()

    # --- adding and removing objects ----------------------------------------------------

    def add(self, instance: object, _warn: bool = True) -> None:
        """Puts a new object in the session (INSERTed at the next flush) or
        re-attaches a detached one, with the objects its relationships cascade to."""
        self._check_usable()
        self._add_one(instance)
        self._cascade_save(instance)

    def _cascade_save(self, instance: object) -> None:
        """save-update cascade: related objects (loaded ones only) join the session too."""
        if not mapper_of(instance).relationships:
            return
        queue = [instance]
        for obj in queue:  # grows while walked: breadth first, in collection order
            d = obj.__dict__
            for rel in mapper_of(obj).relationships.values():
                if rel.key in d and "save-update" in rel.cascade:
                    for item in members(d[rel.key]):
                        if item not in self:
                            self._add_one(item)
                            queue.append(item)

    def _add_one(self, instance: object) -> None:
        mapper_of(instance)
        state = state_of(instance)
        owner = owning_session(state)
        if owner is self and state.status in (PENDING, PERSISTENT):
            return
        if owner is not None and state.status in (PENDING, PERSISTENT):
            raise InvalidRequestError(f"Object {instance!r} is already attached to another session")
        if state.key is None:
            state.status = PENDING
            state.session = self._ref
            self._new[id(instance)] = instance
            return
        existing = self._identity_map.get(state.key)
        if existing is not None and existing is not instance:
            raise InvalidRequestError(
                f"Another instance with key {state.key} is already present in this session"
            )
        state.status = PERSISTENT
        state.session = self._ref
        self._identity_map[state.key] = instance
        if state.committed:
            self._modified[id(instance)] = instance

    def add_all(self, instances: Iterable[object]) -> None:
        for instance in instances:
            self.add(instance)

    def delete(self, instance: object) -> None:
        """Marks a persistent object for DELETE at the next flush."""
        self._check_usable()
        mapper_of(instance)
        state = state_of(instance)
        if state.status == PENDING and state.session is self._ref:
            self.expunge(instance)
            return
        if state.status != PERSISTENT or state.session is not self._ref:
            raise InvalidRequestError(f"Instance {instance!r} is not persisted in this session")
        self._deleted[id(instance)] = instance
        self._cascade_delete(instance)

    def _cascade_delete(self, instance: object) -> None:
        """delete cascade: related objects (loaded now if need be) are deleted too."""
        for rel in mapper_of(instance).relationships.values():
            if "delete" not in rel.cascade:
                continue
            if rel.lazy == WRITE_ONLY and rel.passive_deletes:  # the database deletes the rows
                continue
            with self.no_autoflush:
                related = every_member(getattr(instance, rel.key))
            for item in list(related):
                item_state = state_of(item)
                if item_state.status == PERSISTENT and id(item) not in self._deleted:
                    self.delete(item)
                elif item_state.status == PENDING and item_state.session is self._ref:
                    self.expunge(item)

    def expunge(self, instance: object) -> None:
        """Removes one object from the session; it becomes detached (or transient if never flushed)."""
        state = state_of(instance)
        if state.session is not self._ref:
            raise InvalidRequestError(f"Instance {instance!r} is not present in this Session")
        self._detach(instance, state)

    def _detach(self, instance: object, state: Any) -> None:
        key = id(instance)
        self._new.pop(key, None)
        self._deleted.pop(key, None)
        self._modified.pop(key, None)
        if state.key is not None and self._identity_map.get(state.key) is instance:
            del self._identity_map[state.key]
        state.status = DETACHED if state.key is not None else TRANSIENT
        state.session = None

    def expunge_all(self) -> None:
        """Detaches every object."""
        for obj in list(self._new.values()):
            self._detach(obj, obj.__dict__[STATE_KEY])
        self._ref.session = None  # detaches every loaded object at once
        self._ref = SessionRef(self)
        self._identity_map = IdentityMap()
        self._deleted.clear()
        self._modified.clear()

    def __contains__(self, instance: object) -> bool:
        state = instance.__dict__.get(STATE_KEY)
        return state is not None and state.session is self._ref and state.status in (PENDING, PERSISTENT)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._identity_map.values()) + list(self._new.values()))

    @property
    def new(self) -> IdentitySet:
        """The pending objects, added since the last flush."""
        return IdentitySet(self._new.values())

    @property
    def dirty(self) -> IdentitySet:
        """The persistent objects with changed attributes."""
        return IdentitySet(o for o in self._modified.values() if o.__dict__[STATE_KEY].committed)

    @property
    def deleted(self) -> IdentitySet:
        """The objects marked for deletion at the next flush."""
        return IdentitySet(self._deleted.values())

    @property
    def identity_map(self) -> IdentityMap:
        return self._identity_map

    def note_modified(self, instance: object) -> None:
        """Called by attribute instrumentation when a persistent object changes:
        the next flush writes it."""
        self._modified[id(instance)] = instance

    # --- flush, commit, rollback ------------------------------------------------------------

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        """Writes pending changes (INSERT, UPDATE, DELETE) inside the current transaction."""
        self._check_usable()
        if self._flushing or not (self._new or self._deleted or self._modified):
            return
        conn = self._connection_for_use()
        self._flushing = True
        try:
            flush_context = FlushTransaction(
                self,
                conn,
                new=self._new,
                modified=self._modified,
                deleted=self._deleted,
                identity_map=self._identity_map,
                inserted=self._inserted_in_transaction,
                flushed_deletes=self._flushed_deletes,
            )
            if _active("before_flush"):
                _events.fire_session(self, "before_flush", flush_context, objects)
            unitofwork.flush(flush_context)
            if _active("after_flush_postexec"):
                _events.fire_session(self, "after_flush_postexec", flush_context)
        except BaseException as e:
            self._failed_flush = e
            if not self._rollback_innermost_savepoint():
                self._rollback_connection()
            raise
        finally:
            self._flushing = False

    def _rollback_innermost_savepoint(self) -> bool:
        """After a failed flush inside begin_nested(), only the savepoint's work
        is undone and the Session stays usable, as in SQLAlchemy."""
        if not self._nested:
            return False
        try:
            self._nested[-1].rollback()
        except Exception:
            return False
        return True

    def _autoflush(self) -> None:
        if self.autoflush and not self._no_autoflush and not self._flushing:
            self.flush()

    @property
    @contextmanager
    def no_autoflush(self) -> Iterator[Session]:
        self._no_autoflush += 1
        try:
            yield self
        finally:
            self._no_autoflush -= 1

    def commit(self) -> None:
        """Flushes, commits the transaction and (by default) expires every loaded object."""
        self._check_usable()
        if self._transaction is None:
            if not (self._new or self._deleted or self._modified) and not _commit_events_active():
                return
            self._start_transaction()
        if _active("before_commit"):
            _events.fire_session(self, "before_commit")
        self.flush()
        self._commit_connection()
        transaction = self._transaction
        self._release_connection()
        self._inserted_in_transaction.clear()
        for obj in self._flushed_deletes:
            self._detach(obj, obj.__dict__[STATE_KEY])
            obj.__dict__[WAS_DELETED_KEY] = True
        self._flushed_deletes = []
        if _active("after_commit"):
            _events.fire_session(self, "after_commit")
        if self.expire_on_commit:
            self.expire_all()
        if _active("after_transaction_end"):
            _events.fire_session(self, "after_transaction_end", transaction)

    def _commit_connection(self) -> None:
        conn = self._connection
        if conn is None:
            return
        joined = self._joined
        if joined is None:
            conn.commit()
        elif self._commits_joined and joined.is_active:
            joined.commit()

    def rollback(self) -> None:
        """Rolls back; new objects are expunged and loaded ones expired, as in SQLAlchemy."""
        if self._closed:
            return
        transaction = self._transaction
        self._rollback_connection()
        self._release_connection()
        self._undo_since(0, 0)
        if transaction is not None:
            if _active("after_rollback"):
                _events.fire_session(self, "after_rollback")
            if _active("after_transaction_end"):
                _events.fire_session(self, "after_transaction_end", transaction)
            if _active("after_soft_rollback"):
                _events.fire_session(self, "after_soft_rollback", transaction)

    def _rollback_connection(self) -> None:
        conn = self._connection
        if conn is None or conn.closed:
            return
        joined = self._joined
        if joined is None:
            conn.rollback()
        elif joined.is_active:
            joined.rollback()

    def _release_connection(self) -> None:
        conn, self._connection = self._connection, None
        if self._transaction is not None:
            self._transaction.is_active = False  # it has ended
        self._transaction = None
        self._joined = None
        self._commits_joined = True
        self._nested.clear()
        if conn is not None and isinstance(self.bind, Engine):
            conn.close()

    def close(self) -> None:
        """Ends the transaction (rolling it back) and detaches every object.
        The Session may be used again: it begins anew, as SQLAlchemy 2.0's
        (unless made with close_resets_only=False)."""
        self._close(reset=self.close_resets_only)

    def _close(self, reset: bool) -> None:
        if self._closed:
            return
        transaction = self._transaction
        try:
            if self._joined is None or self._commits_joined:  # rollback_only leaves the outer one be
                self._rollback_connection()
        finally:
            self._release_connection()
            self.expunge_all()
            self._failed_flush = None
            self._closed = not reset
        if transaction is not None:
            if _active("after_transaction_end"):
                _events.fire_session(self, "after_transaction_end", transaction)

    def reset(self) -> None:
        """Ends the transaction and detaches every object; the Session stays usable."""
        self._close(reset=True)

    def begin_nested(self) -> SessionNestedTransaction:
        """Begins a SAVEPOINT (flushing pending changes first); as a context
        manager it releases the savepoint, or rolls back to it on an exception."""
        self.flush()
        connection = self._connection_for_use()
        savepoint = connection.begin_nested()
        nested = SessionNestedTransaction(self, savepoint)
        self._nested.append(nested)
        if _active("after_transaction_create"):
            _events.fire_session(self, "after_transaction_create", nested)
        if _active("after_begin"):
            _events.fire_session(self, "after_begin", nested, connection)
        return nested

    def _end_nested(self, nested: SessionNestedTransaction) -> None:
        while self._nested:
            if self._nested.pop() is nested:
                break

    def _undo_since(self, inserted_before: int, deletes_before: int) -> None:
        """Session state after a rollback (to a savepoint, or of everything
        with 0, 0): objects inserted or added since are expunged, deletes
        since are undone, and all is expired. Both counts are positions in
        the insertion-ordered records of this transaction's inserts and deletes."""
        self._failed_flush = None
        since = list(self._inserted_in_transaction.values())[inserted_before:]
        for obj in since + list(self._new.values()):
            state = obj.__dict__[STATE_KEY]
            self._detach(obj, state)
            state.key = None
            state.status = TRANSIENT
            self._inserted_in_transaction.pop(id(obj), None)
        for obj in self._flushed_deletes[deletes_before:]:
            state = obj.__dict__[STATE_KEY]
            if state.key is not None:
                state.status = PERSISTENT
                state.session = self._ref
                self._identity_map[state.key] = obj
        del self._flushed_deletes[deletes_before:]
        self._deleted.clear()
        self._discard_changes()

    def _discard_changes(self) -> None:
        """Puts back the committed values of modified objects, then expires everything."""
        for obj in self._identity_map.values():
            state = obj.__dict__[STATE_KEY]
            if state.committed:
                for key, value in state.committed.items():
                    if value is not NO_VALUE:
                        obj.__dict__[key] = value
            state.committed = None
        self._modified.clear()
        self.expire_all()

    def begin(self) -> SessionTransaction:
        """Begins the transaction explicitly; as a context manager it commits or rolls back."""
        self._check_usable()
        if self._transaction is not None:
            raise InvalidRequestError("A transaction is already begun on this Session")
        return self._start_transaction(SessionTransactionOrigin.BEGIN)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    # --- expiry and refresh ------------------------------------------------------------------

    def expire_all(self) -> None:
        for obj in self._identity_map.values():
            self._expire(obj, obj.__dict__[STATE_KEY])

    def expire(self, instance: object, attribute_names: Iterable[str] | None = None) -> None:
        state = state_of(instance)
        if attribute_names is not None:
            for name in attribute_names:
                instance.__dict__.pop(name, None)
            state.expired = True
            return
        self._expire(instance, state)

    @staticmethod
    def _expire(obj: Any, state: Any) -> None:
        d = obj.__dict__
        for key in mapper_of(obj).expire_keys:
            d.pop(key, None)
        state.expired = True
        state.committed = None

    def refresh(
        self, instance: object, attribute_names: Iterable[str] | None = None, with_for_update: Any = None
    ) -> None:
        """Reloads a persistent object's columns from the database; with
        `attribute_names`, only those (relationships among them are loaded
        again too). `with_for_update` locks the row (SELECT ... FOR UPDATE)."""
        self._check_usable()
        state = state_of(instance)
        if state.session is not self._ref or state.status != PERSISTENT:
            raise InvalidRequestError(f"Instance {instance!r} is not persistent within this Session")
        if attribute_names is None:
            self._expire(instance, state)
            self._load_expired(instance, state, with_for_update)
            return
        self._refresh_attributes(instance, state, list(attribute_names), with_for_update)

    def _refresh_attributes(
        self, instance: object, state: Any, names: list[str], with_for_update: Any
    ) -> None:
        mapper = mapper_of(instance)
        columns = [name for name in names if name in mapper.attr_columns or name in mapper.expressions]
        others = [name for name in names if name not in columns]
        unknown = [name for name in others if name not in mapper.relationships]
        if unknown:
            raise InvalidRequestError(
                f"refresh(): {type(instance).__name__} has no mapped attribute named {', '.join(map(repr, unknown))}"
            )
        d = instance.__dict__
        if columns:
            stmt = select(*(mapper.loadable(name) for name in columns)).where(*mapper.pk_criteria())
            row = self._execute_orm(_locked(stmt, with_for_update), mapper.pk_params(state.key[1])).first()
            if row is None:
                raise _deleted(instance)
            for name, value in zip(columns, row):
                d[name] = value
                if state.committed:
                    state.committed.pop(name, None)  # the change made since loading is discarded
        for name in others:
            d.pop(name, None)
            getattr(instance, name)
        if _events.active("refresh"):
            _events.fire_instance("refresh", [instance], _events.QueryContext(self), frozenset(names))

    def _load_deferred(self, instance: object, state: Any, key: str) -> None:
        """Loads a column left out of the SELECT that loaded `instance` (defer(),
        load_only()), with the unloaded rest of its deferred group."""
        mapper = mapper_of(instance)
        d = instance.__dict__
        group = mapper.deferred_groups.get(key)
        keys = [key] if group is None else [k for k in mapper.group_keys(group) if k == key or k not in d]
        read = [mapper.loadable(k) for k in keys]
        # a joined-table inheritance class: columns of one table read that table alone
        tables = {getattr(c, "table", None) for c in read}
        table = tables.pop() if mapper.entity_from is not None and len(tables) == 1 else None
        rows_of = mapper.table_rows(table) if table is not None else mapper
        stmt = select(*read).where(*rows_of.pk_criteria())
        if table is None and mapper.entity_from is not None:
            stmt = stmt.select_from(mapper.entity_from)
        self._autoflush()
        rows = self._execute_orm(stmt, rows_of.pk_params(state.key[1])).all()
        if not rows:
            raise _deleted(instance)
        d.update(zip(keys, rows[0]))

    def _load_expired(self, instance: object, state: Any, with_for_update: Any = None) -> None:
        mapper = mapper_of(instance)
        stmt, params = _identity_select(mapper, state.key[1])
        if self._execute_orm(_locked(stmt, with_for_update), params).first() is None:
            raise _deleted(instance)

    # --- queries ----------------------------------------------------------------------------

    def get(
        self,
        entity: type[_T],
        ident: Any,
        *,
        options: Sequence[Any] | None = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> _T | None:
        """The object with this primary key: from the identity map, else one
        SELECT (always one with `populate_existing` or `with_for_update`, the
        first refreshing the object's loaded state)."""
        if identity_token is not None or bind_arguments:
            name = "identity_token" if identity_token is not None else "bind_arguments"
            raise NotImplementedError(f"Session.get({name}=...): cormorant sessions have a single bind")
        mapper = mapper_of(entity)
        values = _ident_values(mapper, ident)
        key = mapper.identity_key_from_values(values)
        obj: _T | None = self._identity_map.get(key)  # an instance of `entity`, by its key
        if obj is not None:
            state = obj.__dict__[STATE_KEY]
            if id(obj) in self._deleted or state.status == DELETED or not isinstance(obj, entity):
                return None  # deleted, or (inheritance) an object of another class
            if populate_existing:
                self._expire(obj, state)
            elif not state.expired and not with_for_update:
                return obj
        self._check_usable()
        stmt, params = _identity_select(mapper, key[1])
        if options:
            stmt = stmt.options(*options)
        stmt = _locked(stmt, with_for_update)
        if execution_options:
            stmt = stmt.execution_options(**execution_options)
        if _events.active("do_orm_execute") and _events.session_listeners(self, "do_orm_execute"):
            scalars = self.execute(stmt, params).scalars()
        else:
            scalars = self._execute_orm(stmt, params).scalars()
        # a joinedload() of a collection repeats the object once per child row
        return (scalars.unique() if options else scalars).one_or_none()

    @overload
    def query(self, entity: type[_T] | AliasedClass[_T], /) -> Query[_T]: ...
    @overload
    def query(self, e0: ColumnElement[_T0], /) -> RowReturningQuery[tuple[_T0]]: ...
    @overload
    def query(self, e0: _Typed[_T0], e1: _Typed[_T1], /) -> RowReturningQuery[tuple[_T0, _T1]]: ...
    @overload
    def query(
        self, e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], /
    ) -> RowReturningQuery[tuple[_T0, _T1, _T2]]: ...
    @overload
    def query(
        self, e0: _Typed[_T0], e1: _Typed[_T1], e2: _Typed[_T2], e3: _Typed[_T3], /
    ) -> RowReturningQuery[tuple[_T0, _T1, _T2, _T3]]: ...
    @overload
    def query(self, *entities: Any, **kwargs: Any) -> Query[Any]: ...
    def query(self, *entities: Any, **kwargs: Any) -> Query[Any]:
        """The legacy Query of these entities or columns, run through this Session."""
        return Query(entities, self, **kwargs)

    def get_one(self, entity: type[_T], ident: Any, **kw: Any) -> _T:
        """get(), raising NoResultFound when there is no such row."""
        obj = self.get(entity, ident, **kw)
        if obj is None:
            raise NoResultFound("No row was found when one was required")
        return obj

    @overload
    def execute(
        self,
        statement: Select[_TP],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[_TP]: ...
    @overload
    def execute(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]: ...
    def execute(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
    ) -> Result[Any]:
        """Runs a statement; entity selects come back as objects from this session's identity map."""
        self._check_usable()
        if isinstance(statement, LambdaElement):
            statement = statement._resolved()
        if _events.active("do_orm_execute"):
            listeners = _events.session_listeners(self, "do_orm_execute")
            if listeners:
                return self._execute_with_events(
                    statement, params, execution_options, bind_arguments, listeners
                )
        return self._execute(statement, params, execution_options)

    def _execute_with_events(
        self,
        statement: Any,
        params: _ExecuteParams | None,
        execution_options: Mapping[str, Any] | None,
        bind_arguments: Any,
        listeners: list[Any],
        lazy_loaded_from: Any = None,
    ) -> Result[Any]:
        """execute() through the do_orm_execute listeners: one may return the
        Result, else the statement runs as they left it."""
        result, state = _events.run_do_orm_execute(
            self, statement, params, execution_options, bind_arguments, listeners, lazy_loaded_from
        )
        if result is not None:
            return result  # type: ignore[no-any-return]
        return self._execute(state.statement, state.parameters, state.local_execution_options)

    def _execute(
        self, statement: Any, params: _ExecuteParams | None, execution_options: Mapping[str, Any] | None
    ) -> Result[Any]:
        if execution_options and hasattr(statement, "execution_options"):
            statement = statement.execution_options(**execution_options)
        if isinstance(statement, (Select, FromStatement)):
            self._autoflush()
            return self._execute_orm(statement, params)
        if isinstance(statement, Update) and is_bulk_update_by_pk(statement, params, execution_options):
            return bulk_update_by_pk(self, statement, params, execution_options)  # type: ignore[arg-type]
        if isinstance(statement, (Update, Delete)) and not _is_many(params):
            self._autoflush()
            return self._execute_bulk_dml(statement, params)
        if isinstance(statement, Insert) or isinstance(statement, (Update, Delete)):
            self._autoflush()
            conn = self._connection_for_use()
            if statement._returning:
                if _is_many(params):
                    return conn.execute_hydrated(
                        statement, params, SessionHydration(self, [], streaming=False)
                    )
                return self._execute_orm(statement, params)
            return conn.execute(statement, params)
        if not isinstance(statement, (Executable, FunctionElement)):
            raise _not_a_statement(statement)
        self._autoflush()
        # a statement without execution_options() (text()) still takes them (yield_per)
        return self._connection_for_use().execute(statement, params, execution_options=execution_options)

    def _execute_orm(
        self, statement: Any, params: _ExecuteParams | None, prepared: bool = False
    ) -> Result[Any]:
        """Runs a row-returning statement with entities hydrated through this
        session, loader options and relationship loading strategies applied.
        `prepared`: the statement's entities already carry their loads."""
        conn = self._connection_for_use()
        loads: list[Any] = []
        if isinstance(statement, Select) and not prepared:
            statement, loads = prepare_select(statement)
        options = None if prepared else getattr(statement, "_execution_options", None)
        yield_per = options.get("yield_per") if options else None
        if yield_per and any(load.fills_collection_by_join() for _, load in loads):
            raise InvalidRequestError(
                "Can't use yield_per with eager loaders that require uniquing or row buffering, "
                "e.g. joinedload() against collections or subqueryload().  Consider the "
                "selectinload() strategy for better flexibility in loading objects."
            )
        hydration = SessionHydration(self, loads, streaming=bool(yield_per))
        if options and options.get("populate_existing"):
            hydration.populate_existing = True
        return conn.execute_hydrated(statement, params, hydration, yield_per=yield_per or None)

    def _execute_bulk_dml(self, statement: Update | Delete, params: Mapping[str, Any] | None) -> Result[Any]:
        """UPDATE/DELETE by criteria, keeping loaded objects in sync (synchronize_session)."""
        conn = self._connection_for_use()
        mapper = getattr(statement.entity, "__mapper__", None)
        unsynchronized = statement._execution_options.get("synchronize_session", "auto") in (False, None)
        if mapper is None or statement._returning or unsynchronized:
            return conn.execute(statement, params)
        sync = statement.returning(*mapper.primary_key)
        result = conn.execute(sync, params)
        keys = [mapper.identity_key_from_values(tuple(row)) for row in result.all()]
        if isinstance(statement, Delete):
            for key in keys:
                obj = self._identity_map.pop(key, None)
                if obj is not None:
                    state = obj.__dict__[STATE_KEY]
                    state.status = DELETED
                    self._modified.pop(id(obj), None)
        else:
            self._synchronize_update(statement, mapper, keys)
        from ..engine.result import empty_result

        return empty_result(len(keys))

    def _synchronize_update(self, statement: Update, mapper: Mapper, keys: list[tuple[Any, ...]]) -> None:
        from ..sql.elements import ClauseElement

        plain = {}
        expired = []
        for column, value in statement._values.items():
            attr = mapper.column_keys.get(column)
            if attr is None:
                continue
            if isinstance(value, ClauseElement) or hasattr(value, "__clause_element__"):
                expired.append(attr)
            else:
                plain[attr] = value
        for key in keys:
            obj = self._identity_map.get(key)
            if obj is None:
                continue
            d = obj.__dict__
            for attr, value in plain.items():
                if attr in d:
                    d[attr] = value
            for attr in expired:
                d.pop(attr, None)
            if expired:
                d[STATE_KEY].expired = True

    @overload
    def scalars(
        self,
        statement: Select[tuple[_T]],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> ScalarResult[_T]: ...
    @overload
    def scalars(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> ScalarResult[Any]: ...
    def scalars(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> ScalarResult[Any]:
        """The first column of each row: ScalarResult[User] for select(User)."""
        result = self.execute(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        )
        return result.scalars()

    @overload
    def scalar(
        self,
        statement: Select[tuple[_T]],
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> _T | None: ...
    @overload
    def scalar(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Any: ...
    def scalar(
        self,
        statement: ClauseElement,
        params: _ExecuteParams | None = None,
        *,
        execution_options: Mapping[str, Any] | None = None,
        bind_arguments: Any = None,
        **kw: Any,
    ) -> Any:
        """The first column of the first row, or None when there is no row."""
        result = self.execute(
            statement, params, execution_options=execution_options, bind_arguments=bind_arguments
        )
        return result.scalar()

    def merge(self, instance: _T, load: bool = True, options: Sequence[Any] | None = None) -> _T:
        """Copies the state of `instance` onto the object with its identity in
        this session (found in the identity map, loaded, or else created as
        pending) and returns that object; relationships with the "merge"
        cascade are merged in turn. With load=False nothing is loaded or
        marked changed: the copy is taken as the database state, as in SQLAlchemy."""
        self._check_usable()
        if options:
            raise NotImplementedError("Session.merge(options=...): loader options on merge")
        with self.no_autoflush:
            return self._merge(instance, load, {})

    def _merge(self, instance: _T, load: bool, merged: dict[int, Any]) -> _T:
        done = merged.get(id(instance))
        if done is not None:
            return done  # type: ignore[no-any-return]
        mapper = mapper_of(instance)
        state = state_of(instance)
        if state.session is self._ref and state.status in (PENDING, PERSISTENT):
            merged[id(instance)] = instance
            self._merge_relationships(instance, instance, mapper, load, merged)
            return instance
        if not load and state.committed:
            raise InvalidRequestError(
                "merge() with load=False option does not support objects marked as 'dirty'.  "
                "flush() all changes on mapped instances before merging with load=False."
            )
        target = self._merge_target(instance, mapper, load)
        merged[id(instance)] = target
        d, target_d = instance.__dict__, target.__dict__
        for attr in mapper.attr_columns:
            if attr in d:
                if load:
                    setattr(target, attr, d[attr])
                else:
                    target_d[attr] = d[attr]
        self._merge_relationships(instance, target, mapper, load, merged)
        return target

    def _merge_target(self, instance: _T, mapper: Mapper, load: bool) -> _T:
        """The object of this session with `instance`'s identity, or a new one."""
        if not load and state_of(instance).key is None:
            raise InvalidRequestError(
                "merge() with load=False option does not support objects transient (i.e. unpersisted) "
                "objects.  flush() all changes on mapped instances before merging with load=False."
            )
        key = mapper.identity_of(instance)
        cls = type(instance)
        target = None
        if key is not None:
            target = self._identity_map.get(key)
            if target is None and load:
                target = self.get(cls, key[1])
            elif target is None:
                target = cls.__new__(cls)
                for k, v in zip(mapper.pk_keys, (key[1],) if len(mapper.pk_keys) == 1 else key[1]):
                    target.__dict__[k] = v
                target_state = state_of(target)
                target_state.key = key
                target_state.status = DETACHED
                self._add_one(target)
                return target
        if target is None:
            target = cls.__new__(cls)
            self._add_one(target)
        return target

    def _merge_relationships(
        self, instance: Any, target: Any, mapper: Mapper, load: bool, merged: dict[int, Any]
    ) -> None:
        d = instance.__dict__
        for rel in mapper.relationships.values():
            if "merge" not in rel.cascade or rel.key not in d:
                continue
            value = d[rel.key]
            if rel._ensure().uselist:
                copies = [self._merge(item, load, merged) for item in members(value)]
                if target is instance:
                    continue
                if load:
                    setattr(
                        target,
                        rel.key,
                        copies if rel._collection_factory is None else rel.new_collection(None, copies),
                    )
                else:
                    target.__dict__[rel.key] = rel.new_collection(target, copies)
            else:
                copy = None if value is None else self._merge(value, load, merged)
                if target is instance:
                    continue
                if load:
                    setattr(target, rel.key, copy)
                else:
                    target.__dict__[rel.key] = copy


def _locked(stmt: Select[Any], with_for_update: Any) -> Select[Any]:
    """`stmt` with FOR UPDATE when `with_for_update` asks for it (True, or a
    dict of with_for_update() arguments such as {"nowait": True})."""
    if not with_for_update:
        return stmt
    return stmt.with_for_update(**(with_for_update if isinstance(with_for_update, dict) else {}))


def _not_a_statement(statement: object) -> ArgumentError:
    """What Session.execute() raises for `statement`, as SQLAlchemy words it."""
    if isinstance(statement, str):
        return ArgumentError(
            f"Textual SQL expression {statement!r} should be explicitly declared as text({statement!r})"
        )
    return ArgumentError(f"Executable SQL or text() construct expected, got {statement!r}.")


def _deleted(instance: object) -> Exception:
    from .instance_state import InstanceState

    return ObjectDeletedError(InstanceState(instance))


def _identity_select(mapper: Mapper, identity: Any) -> tuple[Select[Any], dict[str, Any]]:
    """select(entity) WHERE pk = :pk, built once per mapper (so it compiles once), and
    the parameters naming the row with this identity (a tuple for a composite key)."""
    stmt = mapper.memo("identity_select", lambda: select(mapper.class_).where(*mapper.pk_criteria()))
    return stmt, mapper.pk_params(identity)


def _ident_values(mapper: Mapper, ident: Any) -> tuple[Any, ...]:
    if isinstance(ident, dict):
        return tuple(ident[k] for k in mapper.pk_keys)
    values = tuple(ident) if isinstance(ident, (tuple, list)) else (ident,)
    if len(values) != len(mapper.primary_key):
        raise ArgumentError(
            f"Incorrect number of values in identifier formed for {mapper.class_.__name__}; "
            f"expected {len(mapper.primary_key)}, got {len(values)}"
        )
    return values


def _check_session_arguments(
    future: bool, twophase: bool, binds: Any, autocommit: bool, join_transaction_mode: str
) -> None:
    """SQLAlchemy 2.0's Session arguments that cormorant cannot honour are refused by name."""
    if future is not True:
        raise ArgumentError("The 'future' parameter passed to Session() may only be set to True.")
    if autocommit:
        raise ArgumentError("autocommit=True is no longer supported")
    if join_transaction_mode not in JOIN_TRANSACTION_MODES:
        raise ArgumentError(f'invalid selection for join_transaction_mode: "{join_transaction_mode}"')
    if twophase:
        raise NotImplementedError("Session(twophase=True): two-phase commit is not supported by cormorant")
    if binds:
        raise NotImplementedError(
            "Session(binds=...): cormorant sessions have a single bind; pass it as bind="
        )


class sessionmaker:
    """A factory of Sessions with fixed options: `SessionLocal = sessionmaker(bind=engine)`.
    Each sessionmaker makes its own subclass of `class_`, so that event
    listeners given to it apply to its sessions only, as in SQLAlchemy."""

    def __init__(
        self, bind: Engine | Connection | None = None, *, class_: type[Session] = Session, **kw: Any
    ) -> None:
        _check_keywords(class_, kw)
        self.bind = bind
        self.class_: type[Session] = type(class_.__name__, (class_,), {"__module__": class_.__module__})
        self.kw = kw

    def __call__(self, **local_kw: Any) -> Session:
        options = {**self.kw, **local_kw}
        options.setdefault("bind", self.bind)
        return self.class_(**options)

    def begin(self) -> Any:
        @contextmanager
        def scope() -> Iterator[Session]:
            with self() as session:
                with session.begin():
                    yield session

        return scope()

    def configure(self, **kw: Any) -> None:
        _check_keywords(self.class_, kw)
        if "bind" in kw:
            self.bind = kw.pop("bind")
        self.kw.update(kw)

    def __repr__(self) -> str:
        return f"sessionmaker(class_={self.class_.__name__!r}, bind={self.bind!r}, {self.kw!r})"


def _check_keywords(class_: type[Session], kw: Mapping[str, Any]) -> None:
    """TypeError for a keyword the session class does not take (expire_on_comit=...)."""
    try:
        inspect.signature(class_).bind_partial(**kw)
    except TypeError as e:
        raise TypeError(f"{class_.__name__}.__init__() {e}") from None


def object_session(instance: object) -> Session | None:
    """The Session `instance` is attached to, if any."""
    state = instance.__dict__.get(STATE_KEY)
    return owning_session(state) if state is not None else None


WAS_DELETED_KEY = "_cm_was_deleted"  # set on an object whose DELETE was committed


def close_all_sessions() -> None:
    """Closes every Session in memory (their objects become detached). The
    sessions are found by the garbage collector's walk, so that creating a
    Session keeps costing nothing for this rarely used call."""
    for session in [obj for obj in gc.get_objects() if isinstance(obj, Session)]:
        session.close()


def create_session(bind: Engine | Connection | None = None, **kwargs: Any) -> Session:
    """A Session with no automation: autoflush and expire_on_commit off
    unless given."""
    kwargs.setdefault("autoflush", False)
    kwargs.setdefault("expire_on_commit", False)
    return Session(bind=bind, **kwargs)


def was_deleted(object_: object) -> bool:
    """True when the object's DELETE was flushed: in its transaction, and
    after the transaction committed (the object is then detached)."""
    state = state_of(object_)
    return state.status == DELETED or object_.__dict__.get(WAS_DELETED_KEY, False) is True


def make_transient(instance: object) -> None:
    """Makes `instance` transient: out of its session, without an identity,
    as if never loaded (expired attributes stay unloaded)."""
    state = state_of(instance)
    session = owning_session(state)
    if session is not None and state.session is session._ref:
        session._detach(instance, state)
        session._inserted_in_transaction.pop(id(instance), None)
    instance.__dict__.pop(LOADERS_KEY, None)
    instance.__dict__.pop(WAS_DELETED_KEY, None)
    state.session = None
    state.key = None
    state.status = TRANSIENT
    state.committed = None
    state.expired = False


def make_transient_to_detached(instance: object) -> None:
    """Makes a transient object detached, with the identity of its primary
    key attributes, as if loaded and then expunged; attributes not set are
    expired (they load when the object joins a session)."""
    state = state_of(instance)
    if state.status != TRANSIENT or state.session is not None:
        raise InvalidRequestError("Given object must be transient")
    mapper = mapper_of(instance)
    key = mapper.identity_of(instance)
    if key is None:
        raise InvalidRequestError(
            f"Instance {instance!r} has no primary key value; it cannot be given an identity"
        )
    state.key = key
    state.status = DETACHED
    state.committed = None
    if any(k not in instance.__dict__ for k in mapper.attr_columns):
        state.expired = True
