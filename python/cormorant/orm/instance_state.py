"""What inspect(instance) returns: a mapped object's place in its lifecycle
(transient, pending, persistent, deleted, detached), its identity and its
Session, in the vocabulary of SQLAlchemy's InstanceState."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from .attributes import DELETED, DETACHED, PENDING, PERSISTENT, TRANSIENT, owning_session, state_of
from .mapper import mapper_of

if TYPE_CHECKING:
    from .mapper import Mapper
    from .session import Session


class InstanceState:
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
