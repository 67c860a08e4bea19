"""In-place change tracking of mutable column values, as SQLAlchemy's
sqlalchemy.ext.mutable: a MutableDict / MutableList / MutableSet value (or a
MutableComposite) tells its parent objects when it changes, marking their
attribute modified so that the unit of work writes it.

How values become mutable: the column attributes of a mutable type get a
descriptor class of their own when their mapper instruments them (other
attributes keep the plain one, so nothing else pays). Assigning coerces the
value into the Mutable class; a value loaded from the database (which the
native loader puts straight into the object's __dict__) is coerced the first
time the attribute is read."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, SupportsIndex, TypeVar

from ..orm.attributes import NO_VALUE, InstrumentedAttribute, record_change
from ..orm.events import EventedAttribute
from ..orm.mapper import ATTRIBUTE_INSTRUMENTERS
from ..sql.sqltypes import TypeEngine, to_instance

_KT = TypeVar("_KT")
_VT = TypeVar("_VT")
_T = TypeVar("_T")

_PARENTS = "_cm_mutable_parents"


def flag_modified(instance: Any, key: str) -> None:
    """Marks attribute `key` of `instance` changed, whatever its value compares to."""
    record_change(instance, key, NO_VALUE)


class MutableBase:
    """What Mutable and MutableComposite share: the parents a value belongs to,
    and coerce()."""

    @property
    def _parents(self) -> dict[int, tuple[weakref.ref[Any], str]]:
        """The objects holding this value, weakly: id(parent) -> (reference, attribute key)."""
        d = self.__dict__
        parents: dict[int, tuple[weakref.ref[Any], str]] | None = d.get(_PARENTS)
        if parents is None:
            parents = d[_PARENTS] = {}
        return parents

    def _link_parent(self, parent: Any, key: str) -> None:
        parents = self._parents
        entry = parents.get(id(parent))
        if entry is None or entry[0]() is not parent or entry[1] != key:
            parent_id = id(parent)
            parents[parent_id] = (weakref.ref(parent, lambda _: parents.pop(parent_id, None)), key)

    def _unlink_parent(self, parent: Any) -> None:
        self._parents.pop(id(parent), None)

    def _each_parent(self) -> list[tuple[Any, str]]:
        found = []
        for ref, key in list(self._parents.values()):
            parent = ref()
            if parent is not None:
                found.append((parent, key))
        return found

    @classmethod
    def coerce(cls, key: str, value: Any) -> Any:
        """`value` as this class; None stays None, anything else this class
        cannot take raises ValueError. Subclasses convert what they accept."""
        if value is None:
            return None
        raise ValueError(f"Attribute '{key}' does not accept objects of type {type(value)}")


class Mutable(MutableBase):
    """A mutable column value: calls changed() after each in-place change."""

    def changed(self) -> None:
        """Marks the attribute holding this value modified on every parent
        object that still holds it (not one that expired or replaced it)."""
        for parent, key in self._each_parent():
            if parent.__dict__.get(key) is self:
                flag_modified(parent, key)

    @classmethod
    def associate_with_attribute(cls, attribute: InstrumentedAttribute[Any]) -> None:
        """Makes one mapped attribute (User.data) hold values of this class."""
        attribute.__class__ = _attribute_class(cls)

    @classmethod
    def associate_with(cls, sqltype: type[TypeEngine]) -> None:
        """Every column of type `sqltype` (a class: JSON, say) mapped from now on holds values of this class."""
        _ASSOCIATED_TYPES.append((sqltype, cls))
        _install_instrumenter()

    @classmethod
    def as_mutable(cls, sqltype: Any) -> Any:
        """`sqltype` (a type or type class) as an instance whose columns hold
        values of this class: mapped_column(MutableDict.as_mutable(JSON))."""
        instance = to_instance(sqltype)
        _MUTABLE_TYPE_INSTANCES[id(instance)] = (instance, cls)
        _install_instrumenter()
        return instance


class MutableComposite(MutableBase):
    """A composite() value class whose changes write back to its columns:
    call changed() after changing an attribute (from __setattr__, typically)."""

    def changed(self) -> None:
        """Writes this value's attributes to the columns of every parent object."""
        for parent, key in self._each_parent():
            setattr(parent, key, self)


class MutableDict(Mutable, dict[_KT, _VT]):
    """A dict that marks its parent modified when changed."""

    def __setitem__(self, key: _KT, value: _VT) -> None:
        dict.__setitem__(self, key, value)
        self.changed()

    def setdefault(self, key: _KT, value: Any = None) -> Any:
        result = dict.setdefault(self, key, value)
        self.changed()
        return result

    def __delitem__(self, key: _KT) -> None:
        dict.__delitem__(self, key)
        self.changed()

    def update(self, *args: Any, **kw: Any) -> None:
        dict.update(self, *args, **kw)
        self.changed()

    def __ior__(self, other: Any) -> MutableDict[_KT, _VT]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def pop(self, *args: Any) -> Any:
        result = dict.pop(self, *args)
        self.changed()
        return result

    def popitem(self) -> tuple[_KT, _VT]:
        result = dict.popitem(self)
        self.changed()
        return result

    def clear(self) -> None:
        dict.clear(self)
        self.changed()

    @classmethod
    def coerce(cls, key: str, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            return cls(value)
        return Mutable.coerce(key, value)

    def __getstate__(self) -> dict[_KT, _VT]:
        return dict(self)

    def __setstate__(self, state: dict[_KT, _VT]) -> None:
        self.update(state)


class MutableList(Mutable, list[_T]):
    """A list that marks its parent modified when changed."""

    def __reduce_ex__(self, proto: SupportsIndex) -> tuple[type, tuple[list[_T]]]:
        return (self.__class__, (list(self),))

    def __setstate__(self, state: Iterable[_T]) -> None:
        self[:] = state

    def __setitem__(self, index: Any, value: Any) -> None:
        list.__setitem__(self, index, value)
        self.changed()

    def __delitem__(self, index: Any) -> None:
        list.__delitem__(self, index)
        self.changed()

    def pop(self, *arg: SupportsIndex) -> _T:
        result = list.pop(self, *arg)
        self.changed()
        return result

    def append(self, x: _T) -> None:
        list.append(self, x)
        self.changed()

    def extend(self, x: Iterable[_T]) -> None:
        list.extend(self, x)
        self.changed()

    def __iadd__(self, x: Iterable[_T]) -> MutableList[_T]:  # type: ignore[override,misc]
        self.extend(x)
        return self

    def __imul__(self, n: SupportsIndex) -> MutableList[_T]:
        list.__imul__(self, n)
        self.changed()
        return self

    def insert(self, i: SupportsIndex, x: _T) -> None:
        list.insert(self, i, x)
        self.changed()

    def remove(self, i: _T) -> None:
        list.remove(self, i)
        self.changed()

    def clear(self) -> None:
        list.clear(self)
        self.changed()

    def sort(self, **kw: Any) -> None:
        list.sort(self, **kw)
        self.changed()

    def reverse(self) -> None:
        list.reverse(self)
        self.changed()

    @classmethod
    def coerce(cls, key: str, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, list):
            return cls(value)
        return Mutable.coerce(key, value)


class MutableSet(Mutable, set[_T]):
    """A set that marks its parent modified when changed."""

    def update(self, *arg: Iterable[_T]) -> None:
        set.update(self, *arg)
        self.changed()

    def intersection_update(self, *arg: Iterable[Any]) -> None:
        set.intersection_update(self, *arg)
        self.changed()

    def difference_update(self, *arg: Iterable[Any]) -> None:
        set.difference_update(self, *arg)
        self.changed()

    def symmetric_difference_update(self, *arg: Iterable[_T]) -> None:
        set.symmetric_difference_update(self, *arg)
        self.changed()

    def __ior__(self, other: Any) -> MutableSet[_T]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __iand__(self, other: Any) -> MutableSet[_T]:  # type: ignore[misc]
        self.intersection_update(other)
        return self

    def __ixor__(self, other: Any) -> MutableSet[_T]:  # type: ignore[override,misc]
        self.symmetric_difference_update(other)
        return self

    def __isub__(self, other: Any) -> MutableSet[_T]:  # type: ignore[misc]
        self.difference_update(other)
        return self

    def add(self, elem: _T) -> None:
        set.add(self, elem)
        self.changed()

    def remove(self, elem: _T) -> None:
        set.remove(self, elem)
        self.changed()

    def discard(self, elem: object) -> None:
        set.discard(self, elem)
        self.changed()

    def pop(self, *arg: Any) -> _T:
        result = set.pop(self, *arg)
        self.changed()
        return result

    def clear(self) -> None:
        set.clear(self)
        self.changed()

    @classmethod
    def coerce(cls, key: str, value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, set):
            return cls(value)
        return Mutable.coerce(key, value)

    def __getstate__(self) -> set[_T]:
        return set(self)

    def __setstate__(self, state: Iterable[_T]) -> None:
        self.update(state)

    def __reduce_ex__(self, proto: SupportsIndex) -> tuple[type, tuple[list[_T]]]:
        return (self.__class__, (list(self),))


# --- the attributes that hold mutable values -------------------------------------------------


class MutableAttribute(EventedAttribute):
    """The descriptor of a column attribute holding Mutable values: assigning
    coerces; reading coerces a value loaded as a plain one and links the value
    to its parent. Subclassed per Mutable class (its `mutable_class`), as
    InstrumentedAttribute's slots leave no room for one more field."""

    __slots__ = ()
    mutable_class: type[Mutable] = Mutable

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        d = instance.__dict__
        key = self.key
        try:
            value = d[key]
        except KeyError:
            value = self._load_missing(instance)
        if value is None:
            return None
        if not isinstance(value, self.mutable_class):
            value = d[key] = self.mutable_class.coerce(key, value)
        value._link_parent(instance, key)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        if not isinstance(value, self.mutable_class):
            value = self.mutable_class.coerce(self.key, value)
        if value is not None:
            value._link_parent(instance, self.key)
        old = instance.__dict__.get(self.key)
        if isinstance(old, MutableBase) and old is not value:
            old._unlink_parent(instance)
        EventedAttribute.__set__(self, instance, value)


_ATTRIBUTE_CLASSES: dict[type[Mutable], type[MutableAttribute]] = {}


def _attribute_class(mutable_class: type[Mutable]) -> type[MutableAttribute]:
    found = _ATTRIBUTE_CLASSES.get(mutable_class)
    if found is None:
        name = f"{mutable_class.__name__}Attribute"
        found = type(name, (MutableAttribute,), {"__slots__": (), "mutable_class": mutable_class})
        _ATTRIBUTE_CLASSES[mutable_class] = found
    return found


# as_mutable(): id of the type instance -> (the instance, kept alive; its Mutable class)
_MUTABLE_TYPE_INSTANCES: dict[int, tuple[Any, type[Mutable]]] = {}
# associate_with(): (type class, Mutable class), in the order given
_ASSOCIATED_TYPES: list[tuple[type[Any], type[Mutable]]] = []


def _mutable_class_for(type_: Any) -> type[Mutable] | None:
    entry = _MUTABLE_TYPE_INSTANCES.get(id(type_))
    if entry is not None and entry[0] is type_:
        return entry[1]
    for sqltype, mutable_class in _ASSOCIATED_TYPES:
        if isinstance(type_, sqltype):
            return mutable_class
    return None


def _instrument_mapper(mapper: Any) -> None:
    """Gives each column attribute of a mutable type its MutableAttribute class."""
    for key, column in mapper.attr_columns.items():
        mutable_class = _mutable_class_for(column.type)
        if mutable_class is not None:
            mutable_class.associate_with_attribute(mapper.instrumented[key])


def _install_instrumenter() -> None:
    if _instrument_mapper not in ATTRIBUTE_INSTRUMENTERS:
        ATTRIBUTE_INSTRUMENTERS.append(_instrument_mapper)


__all__ = [
    "Mutable",
    "MutableBase",
    "MutableComposite",
    "MutableDict",
    "MutableList",
    "MutableSet",
]
