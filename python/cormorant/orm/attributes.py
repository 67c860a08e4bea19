"""Instrumented column attributes: the class-level SQL expression (User.id)
and the instance-level descriptor that records changes for the unit of work."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar, overload

from .. import _native
from ..exc import InvalidRequestError
from ..sql.elements import BindCollector, ColumnElement
from .base import InspectionAttrInfo, LoaderCallableStatus, ORMDescriptor, SQLORMExpression
from .exc import DetachedInstanceError
from .interfaces import PropComparator

if TYPE_CHECKING:
    from ..sql.base import FromClause
    from ..sql.schema import Column
    from .mapper import Mapper
    from .session import Session

_T = TypeVar("_T")

STATE_KEY = _native.STATE_ATTRIBUTE
NO_VALUE = LoaderCallableStatus.NO_VALUE  # an attribute never loaded nor set
LOADERS_KEY = "_cm_loaders"  # per-instance strategies set by loader options (raiseload(), noload(), defer(raiseload=True))

TRANSIENT = _native.TRANSIENT
PENDING = _native.PENDING
PERSISTENT = _native.PERSISTENT
DELETED = _native.DELETED
DETACHED = _native.DETACHED

InstanceState = _native.InstanceState


class SessionRef:
    """What an InstanceState points at: the owning Session while attached.

    Session.expunge_all()/close() detach every loaded object at once by
    clearing this reference instead of visiting each object. The Session is
    held weakly, as SQLAlchemy's states do, so loaded objects never form a
    reference cycle with their Session."""

    __slots__ = ("_session",)

    def __init__(self, session: Any) -> None:
        self._session: weakref.ref[Any] | None = weakref.ref(session)

    @property
    def session(self) -> Session | None:
        ref = self._session
        return ref() if ref is not None else None

    @session.setter
    def session(self, value: Any) -> None:
        self._session = weakref.ref(value) if value is not None else None


def owning_session(state: InstanceState) -> Session | None:
    """The Session `state`'s object is attached to, if it still exists."""
    ref = state.session
    return ref.session if ref is not None else None


def state_of(obj: Any) -> InstanceState:
    """The InstanceState of `obj`, created (transient) on first use."""
    d = obj.__dict__
    state: InstanceState | None = d.get(STATE_KEY)
    if state is None:
        state = d[STATE_KEY] = InstanceState()
    return state


def record_change(obj: Any, key: str, old: Any, collection: bool = False) -> None:
    """Keeps the value a persistent object's attribute had when loaded (a
    copy of a collection's members), the first time it changes, and marks
    the object modified; the unit of work compares against it."""
    state = obj.__dict__.get(STATE_KEY)
    if state is None or state.status != PERSISTENT:
        return
    committed = state.committed
    if committed is None:
        committed = state.committed = {}
    if key not in committed:
        committed[key] = _snapshot(old) if collection and old is not NO_VALUE else old
    session = owning_session(state)
    if session is not None:
        session.note_modified(obj)


def _snapshot(collection: Any) -> list[Any]:
    """The members of a collection as they are now (a keyed dictionary's values)."""
    if isinstance(collection, list):
        return list(collection)
    members = getattr(collection, "_members", None)  # sets, keyed dictionaries, user classes
    return list(members()) if members is not None else list(collection)


class Mapped(Generic[_T]):
    """Annotation marker for mapped attributes; also the base of InstrumentedAttribute."""

    __slots__ = ()

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> InstrumentedAttribute[_T]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

        def __get__(self, instance: Any, owner: Any) -> Any: ...

        def __set__(self, instance: Any, value: _T) -> None: ...


class QueryableAttribute(ORMDescriptor[_T], SQLORMExpression[_T], PropComparator[_T], InspectionAttrInfo):
    """The class of a mapped class's attributes (User.name, User.addresses):
    SQL expressions on the class, with `property` their MapperProperty and
    `parent` their Mapper."""

    __slots__ = ()

    is_attribute = True

    @property
    def prop(self) -> Any:
        return self.property


class InstrumentedAttribute(Mapped[_T], ColumnElement[_T], QueryableAttribute[_T]):
    """User.name: a SQL expression on the class, the value on an instance."""

    __slots__ = ("key", "column", "mapper", "type", "class_")

    def __init__(self, key: str, column: Column[Any], mapper: Mapper) -> None:
        self.key = key
        self.column = column
        self.mapper = mapper
        self.type = column.type
        self.class_ = mapper.class_

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.column._datum(binds)

    def _from_objects(self) -> list[FromClause]:
        joined = self.mapper.entity_from  # a joined-table inheritance class: all its tables
        return [joined] if joined is not None else self.column._from_objects()

    @property
    def _entity_mapper(self) -> Mapper:
        """The mapper whose criteria a SELECT of this attribute carries."""
        return self.mapper

    @property
    def _row_key(self) -> str:
        return self.key

    def __clause_element__(self) -> Column[Any]:
        return self.column

    @property
    def expression(self) -> Column[Any]:
        return self.column

    @property
    def parent(self) -> Mapper:
        """The Mapper of the class the attribute belongs to."""
        return self.mapper

    @property
    def info(self) -> dict[str, Any]:
        """The info dictionary given to the attribute's mapped_column() or column_property()."""
        prop = self.mapper.expressions.get(self.key)
        info: dict[str, Any] = prop.info if prop is not None else self.column.info
        return info

    @property
    def doc(self) -> str | None:
        prop = self.mapper.expressions.get(self.key)
        doc: str | None = prop.doc if prop is not None else self.column.doc
        return doc

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        try:
            return instance.__dict__[self.key]
        except KeyError:
            return self._load_missing(instance)

    def _load_missing(self, instance: Any) -> Any:
        state = instance.__dict__.get(STATE_KEY)
        if state is None or state.status in (TRANSIENT, PENDING) or state.key is None:
            return None
        session = owning_session(state)
        if session is None or state.status == DETACHED:
            raise DetachedInstanceError(
                f"Instance <{type(instance).__name__}> is not bound to a Session; attribute '{self.key}' "
                "was expired and cannot be loaded (keep the session open, or use expire_on_commit=False)"
            )
        d = instance.__dict__
        if not state.expired and self._loads_without_sql(d):
            return d.get(self.key)
        session._refuse_unawaited_load(
            instance, self.key, "Expired attribute" if state.expired else "Deferred column"
        )
        if state.expired:
            session._load_expired(instance, state)
        if self.key not in d and not self._loads_without_sql(d):
            session._load_deferred(instance, state, self.key)
        return d.get(self.key)

    def _loads_without_sql(self, d: dict[str, Any]) -> bool:
        """True when the attribute is never loaded by itself: a query_expression()
        (None unless a query filled it); raises for a raiseload-deferred one."""
        mapper, key = self.mapper, self.key
        loaders = d.get(LOADERS_KEY)
        if key in mapper.raiseload_keys or (loaders is not None and loaders.get(key) == "raise"):
            raise InvalidRequestError(f"'{self!r}' is not available due to raiseload=True")
        prop = mapper.expressions.get(key)
        return prop is not None and prop.query_expression

    def __set__(self, instance: Any, value: Any) -> None:
        d = instance.__dict__
        record_change(instance, self.key, d.get(self.key, NO_VALUE))
        d[self.key] = value

    def __delete__(self, instance: Any) -> None:
        self.__set__(instance, None)

    def __repr__(self) -> str:
        return f"{self.class_.__name__}.{self.key}"

    @property
    def property(self) -> Any:  # last: the name shadows the builtin in this class body
        """The attribute's ColumnProperty."""
        return self.mapper.column_props[self.key]


class History(NamedTuple):
    """An attribute's change since it was loaded: the values `added`, those
    `unchanged`, and those `deleted` (replaced or removed)."""

    added: Any
    unchanged: Any
    deleted: Any

    def empty(self) -> bool:
        return not (self.added or self.deleted or self.unchanged)

    def has_changes(self) -> bool:
        return bool(self.added or self.deleted)

    def sum(self) -> list[Any]:
        return [*(self.added or ()), *(self.unchanged or ()), *(self.deleted or ())]

    def non_deleted(self) -> list[Any]:
        return [*(self.added or ()), *(self.unchanged or ())]

    def non_added(self) -> list[Any]:
        return [*(self.unchanged or ()), *(self.deleted or ())]


def get_history(obj: object, key: str, passive: Any = None) -> History:
    """The History of attribute `key` of a mapped object, loading the attribute
    first if it is not loaded (inspect(obj).attrs[key].history does not load)."""
    from .instance_state import AttributeState
    from .instance_state import InstanceState as StateView

    if passive is not None:
        raise NotImplementedError(
            "get_history(passive=...) is not supported by cormorant: it always loads the attribute; "
            "inspect(obj).attrs[key].history reads it without loading"
        )
    return AttributeState(StateView(obj), key).load_history()
