"""What inspect(instance) returns: a mapped object's place in its lifecycle
(transient, pending, persistent, deleted, detached), its identity and its
Session, in the vocabulary of SQLAlchemy's InstanceState."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from .attributes import (
    DELETED,
    DETACHED,
    NO_VALUE,
    PENDING,
    PERSISTENT,
    TRANSIENT,
    History,
    owning_session,
    state_of,
)
from .base import InspectionAttr
from .mapper import Properties, mapper_of

if TYPE_CHECKING:
    from .mapper import Mapper
    from .session import Session


class InstanceState(InspectionAttr):
    """A view of one mapped object's state, read live from the object and its
    native state (so it stays current as the object moves through a Session).
    Two views of the same object compare equal."""

    __slots__ = ("_obj", "_native")

    is_instance = True

    def __init__(self, obj: object) -> None:
        self._obj = obj
        self._native = state_of(obj)

    @property
    def object(self) -> object:
        return self._obj

    def obj(self) -> builtins.object:  # `object` is the property above, in this class
        return self._obj

    @property
    def class_(self) -> type:
        return type(self._obj)

    @property
    def mapper(self) -> Mapper:
        return mapper_of(self.class_)

    @property
    def dict(self) -> dict[str, Any]:
        """The object's __dict__, where its loaded attribute values live."""
        return self._obj.__dict__

    @property
    def status(self) -> int:
        """TRANSIENT, PENDING, PERSISTENT, DELETED or DETACHED (from
        cormorant.orm.attributes). An object whose Session was closed, or
        expunged everything, or was garbage collected, is detached (transient
        if it never had an identity)."""
        native = self._native
        status = native.status
        if status in (PENDING, PERSISTENT, DELETED) and owning_session(native) is None:
            return DETACHED if native.key is not None else TRANSIENT
        return status

    @property
    def transient(self) -> bool:
        """Not in a Session and never saved."""
        return self.status == TRANSIENT

    @property
    def pending(self) -> bool:
        """Added to a Session, not yet flushed."""
        return self.status == PENDING

    @property
    def persistent(self) -> bool:
        """In a Session, with a row in the database."""
        return self.status == PERSISTENT

    @property
    def deleted(self) -> bool:
        """Its DELETE was flushed; the transaction has not committed yet."""
        return self.status == DELETED

    @property
    def detached(self) -> bool:
        """Has an identity but no Session (expunged, closed, or deleted and committed)."""
        return self.status == DETACHED

    @property
    def session(self) -> Session | None:
        """The Session the object is pending, persistent or deleted in, else None."""
        return owning_session(self._native)

    @property
    def has_identity(self) -> bool:
        return self._native.key is not None

    @property
    def identity(self) -> tuple[Any, ...] | None:
        """The primary key values the object was saved or loaded with, as a tuple."""
        key = self._native.key
        if key is None:
            return None
        return tuple(key[1]) if len(self.mapper.pk_keys) > 1 else (key[1],)

    @property
    def identity_key(self) -> tuple[type, tuple[Any, ...], None] | None:
        """(class, identity, identity token) as SQLAlchemy spells it, or None."""
        key, identity = self._native.key, self.identity
        if key is None or identity is None:
            return None
        return (key[0], identity, None)

    @property
    def key(self) -> tuple[type, tuple[Any, ...], None] | None:
        return self.identity_key

    @property
    def expired(self) -> bool:
        """Whether the object was expired (by commit, rollback or expire())
        and has not been loaded since."""
        return bool(self._native.expired)

    @property
    def unloaded(self) -> set[str]:
        """The mapped column attributes with no value in the object's __dict__
        (expired, never loaded, or never set)."""
        d = self._obj.__dict__
        return {key for key in (*self.mapper.attr_columns, *self.mapper.expressions) if key not in d}

    @property
    def attrs(self) -> Properties:
        """An AttributeState for each mapped attribute, by key."""
        return Properties({key: AttributeState(self, key) for key in self.mapper.attrs.keys()})

    def __eq__(self, other: builtins.object) -> bool:
        if not isinstance(other, InstanceState):
            return NotImplemented
        return other._obj is self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __repr__(self) -> str:
        names = {TRANSIENT: "transient", PENDING: "pending", PERSISTENT: "persistent"}
        names.update({DELETED: "deleted", DETACHED: "detached"})
        return f"<InstanceState of {type(self._obj).__name__} at {id(self._obj):#x}: {names[self.status]}>"


_EMPTY_HISTORY = History((), (), ())


class AttributeState:
    """One attribute of a mapped object, as inspect(obj).attrs[key] gives it:
    its current `value` (loading it if needed), its `loaded_value` (without
    loading) and its `history` since it was loaded."""

    def __init__(self, state: InstanceState, key: str) -> None:
        self.state = state
        self.key = key

    @property
    def loaded_value(self) -> Any:
        """The value in the object now, or NO_VALUE when not loaded; no SQL runs."""
        return self.state.dict.get(self.key, NO_VALUE)

    @property
    def value(self) -> Any:
        """The attribute's value, loaded from the database if it is not yet."""
        return getattr(self.state.object, self.key)

    @property
    def history(self) -> History:
        """The change since the last load or flush; an unloaded attribute has an empty one."""
        return _history(self.state, self.key)

    def load_history(self) -> History:
        """history, after loading the attribute if it was not loaded."""
        getattr(self.state.object, self.key)
        return _history(self.state, self.key)

    def __repr__(self) -> str:
        return f"<AttributeState {type(self.state.object).__name__}.{self.key}>"


def _history(state: InstanceState, key: str) -> History:
    d = state.dict
    if key not in d:
        return _EMPTY_HISTORY
    current = d[key]
    collection = isinstance(current, list)
    if state._native.key is None:  # transient or pending: everything is added
        return History(list(current) if collection else [current], (), ())
    committed = state._native.committed
    if not committed or key not in committed:
        return History((), list(current) if collection else [current], ())
    old = committed[key]
    if collection:
        before = [] if old is NO_VALUE else list(old)
        kept = {id(o) for o in before}
        now = {id(o) for o in current}
        return History(
            [o for o in current if id(o) not in kept],
            [o for o in current if id(o) in kept],
            [o for o in before if id(o) not in now],
        )
    if old is NO_VALUE or old is None:
        return History([current], (), ())
    if old is current or (not _is_mapped(old) and old == current):
        return History((), [current], ())
    return History([current], (), [old])


def _is_mapped(value: Any) -> bool:
    return hasattr(type(value), "__mapper__")
