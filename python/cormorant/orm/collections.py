"""The collections a relationship holds: InstrumentedList (the default),
InstrumentedSet, the keyed dictionaries (KeyFuncDict and the factories
naming its key), and user classes marked with the `collection` decorators.
Changes made through them update the other side of the relationship in
memory, join new members to the owner's Session and are remembered for the
next flush; a load fills them without any of that."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex, TypeVar

from ..exc import ArgumentError, InvalidRequestError
from . import events
from .attributes import NO_VALUE, STATE_KEY, record_change
from .writeonly import PendingChanges

_F = TypeVar("_F", bound=Callable[..., Any])
_KT = TypeVar("_KT")
_VT = TypeVar("_VT")


class _MemberEvents:
    """What every instrumented collection does around a change. `_rel` is
    None while a load fills the collection, and for a collection no
    relationship owns (a KeyFuncDict made by hand): then changes are plain."""

    __slots__ = ()

    _owner: Any
    _rel: Any

    def _before_change(self) -> None:
        if self._rel is not None:
            record_change(self._owner, self._rel.key, self, collection=True)

    def _adding(self, item: Any) -> Any:
        """The member to add: a validator or an append listener with retval=True may replace it."""
        rel = self._rel
        if rel is None:
            return item
        validator = getattr(rel, "validator", None)
        if validator is not None:
            item = validator.set(self._owner, item)
        if rel._has_events:
            return events.fire_append(rel, self._owner, item)
        return item

    def _added(self, item: Any) -> None:
        if self._rel is not None:
            self._rel._appended(self._owner, item)

    def _gone(self, item: Any) -> None:
        rel = self._rel
        if rel is None:
            return
        validator = getattr(rel, "validator", None)
        if validator is not None:
            validator.remove(self._owner, item)
        if rel._has_events:
            events.fire_remove(rel, self._owner, item)
        rel._removed(self._owner, item)


class InstrumentedList(list[Any]):
    """A list that tells its relationship about every member added or removed."""

    __slots__ = ("_owner", "_rel")

    _owner: Any
    _rel: Any

    def __init__(self, items: Any = (), *, owner: Any = None, relationship: Any = None) -> None:
        super().__init__(items)
        self._owner = owner
        self._rel = relationship

    def _before_change(self) -> None:
        if self._rel is not None:
            record_change(self._owner, self._rel.key, self, collection=True)

    def _adding(self, item: Any) -> Any:
        """The member to add: an append listener with retval=True may replace it."""
        if self._rel is not None and self._rel._has_events:
            return events.fire_append(self._rel, self._owner, item)
        return item

    def _added(self, item: Any) -> None:
        if self._rel is not None:
            self._rel._appended(self._owner, item)

    def _gone(self, item: Any) -> None:
        if self._rel is None:
            return
        if self._rel._has_events:
            events.fire_remove(self._rel, self._owner, item)
        self._rel._removed(self._owner, item)

    def append(self, item: Any) -> None:
        item = self._adding(item)
        self._before_change()
        list.append(self, item)
        self._added(item)

    def extend(self, items: Iterable[Any]) -> None:
        for item in list(items):
            self.append(item)

    # misc: list's own __iadd__ takes any iterable while __add__ takes a list (typeshed ignores it too)
    def __iadd__(self, items: Iterable[Any]) -> InstrumentedList:  # type: ignore[misc]
        self.extend(items)
        return self

    def insert(self, index: SupportsIndex, item: Any) -> None:
        item = self._adding(item)
        self._before_change()
        list.insert(self, index, item)
        self._added(item)

    def remove(self, item: Any) -> None:
        self._before_change()
        list.remove(self, item)
        self._gone(item)

    def pop(self, index: SupportsIndex = -1) -> Any:
        self._before_change()
        item = list.pop(self, index)
        self._gone(item)
        return item

    def clear(self) -> None:
        self._before_change()
        items = list(self)
        list.clear(self)
        for item in items:
            self._gone(item)

    def __setitem__(self, index: Any, value: Any) -> None:
        value = [self._adding(v) for v in value] if isinstance(index, slice) else self._adding(value)
        self._before_change()
        old = self[index]
        list.__setitem__(self, index, value)
        for item in old if isinstance(index, slice) else [old]:
            self._gone(item)
        for item in value if isinstance(index, slice) else [value]:
            self._added(item)

    def __delitem__(self, index: Any) -> None:
        self._before_change()
        old = self[index]
        list.__delitem__(self, index)
        for item in old if isinstance(index, slice) else [old]:
            self._gone(item)

    def _load_member(self, item: Any) -> None:
        list.append(self, item)

    def __reduce__(self) -> Any:
        return (list, (list(self),))

    def __repr__(self) -> str:
        return list.__repr__(self)


class InstrumentedSet(_MemberEvents, set[Any]):
    """The set a collection_class=set relationship holds."""

    __slots__ = ("_owner", "_rel")

    def __init__(self, items: Iterable[Any] = (), *, owner: Any = None, relationship: Any = None) -> None:
        super().__init__(items)
        self._owner = owner
        self._rel = relationship

    def add(self, item: Any) -> None:
        if item in self:
            return
        item = self._adding(item)
        self._before_change()
        set.add(self, item)
        self._added(item)

    def discard(self, item: Any) -> None:
        if item in self:
            self.remove(item)

    def remove(self, item: Any) -> None:
        if item not in self:
            raise KeyError(item)
        self._before_change()
        set.remove(self, item)
        self._gone(item)

    def pop(self) -> Any:
        self._before_change()
        item = set.pop(self)
        self._gone(item)
        return item

    def clear(self) -> None:
        for item in list(self):
            self.remove(item)

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for item in list(other):
                self.add(item)

    def difference_update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for item in list(other):
                self.discard(item)

    def intersection_update(self, *others: Iterable[Any]) -> None:
        keep = set(self).intersection(*others)
        for item in list(self):
            if item not in keep:
                self.remove(item)

    def symmetric_difference_update(self, other: Iterable[Any]) -> None:
        for item in set(other):
            if item in self:
                self.remove(item)
            else:
                self.add(item)

    def __ior__(self, other: Any) -> InstrumentedSet:  # type: ignore[misc]
        self.update(other)
        return self

    def __isub__(self, other: Any) -> InstrumentedSet:  # type: ignore[misc]
        self.difference_update(other)
        return self

    def __iand__(self, other: Any) -> InstrumentedSet:  # type: ignore[misc]
        self.intersection_update(other)
        return self

    def __ixor__(self, other: Any) -> InstrumentedSet:  # type: ignore[misc]
        self.symmetric_difference_update(other)
        return self

    def _load_member(self, item: Any) -> None:
        set.add(self, item)

    def _unload_member(self, item: Any) -> None:
        set.discard(self, item)

    def _members(self) -> list[Any]:
        return list(self)

    def __reduce__(self) -> Any:
        return (set, (set(self),))

    def __repr__(self) -> str:
        return repr(set(self))


class KeyFuncDict(_MemberEvents, dict[_KT, _VT]):
    """A dictionary of related objects, each under the key `keyfunc` gives
    it: `set(obj)` adds one, `remove(obj)` takes it out, and `d[key] = obj`
    replaces the member under that key (the key is not checked against
    keyfunc; a reload keys the object by keyfunc)."""

    _owner: Any = None
    _rel: Any = None

    def __init__(
        self, keyfunc: Callable[[Any], Any], *dict_args: Any, ignore_unpopulated_attribute: bool = False
    ) -> None:
        self.keyfunc = keyfunc
        self.ignore_unpopulated_attribute = ignore_unpopulated_attribute
        super().__init__(*dict_args)

    def _key_of(self, value: Any) -> Any:
        key = self.keyfunc(value)
        if key is NO_VALUE:
            raise InvalidRequestError(
                f"can't populate value in KeyFuncDict; dictionary key derived from {value!r} is not "
                "populated. Ensure appropriate state is set up on the object before it joins the "
                'collection. To skip this assignment entirely, set the "ignore_unpopulated_attribute=True" '
                "parameter on the mapped collection factory."
            )
        return key

    def set(self, value: Any, _sa_initiator: Any = None) -> None:
        """Adds `value` under the key it gives."""
        key = self.keyfunc(value)
        if key is NO_VALUE:
            if self.ignore_unpopulated_attribute:
                return
            self._key_of(value)
        self[key] = value

    def remove(self, value: Any, _sa_initiator: Any = None) -> None:
        """Takes `value` out of the dictionary; it must be under its own key."""
        key = self._key_of(value)
        if self.get(key) is not value:
            raise ArgumentError(
                f"Can not remove {value!r}: the dictionary holds {self.get(key)!r} under its key {key!r}"
            )
        del self[key]

    # _sa_initiator: SQLAlchemy's event token, which subclasses overriding these pass on; events here need none
    def __setitem__(self, key: Any, value: Any, _sa_initiator: Any = None) -> None:
        old = self.get(key, NO_VALUE)
        if old is value:
            return
        value = self._adding(value)
        self._before_change()
        dict.__setitem__(self, key, value)
        if old is not NO_VALUE:
            self._gone(old)
        self._added(value)

    def __delitem__(self, key: Any, _sa_initiator: Any = None) -> None:
        old = self[key]
        self._before_change()
        dict.__delitem__(self, key)
        self._gone(old)

    def pop(self, key: Any, *default: Any) -> Any:
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[Any, Any]:
        if not self:
            raise KeyError("popitem(): dictionary is empty")
        key = next(reversed(self.keys()))
        return key, self.pop(key)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        for key in list(self):
            del self[key]

    def update(self, *others: Any, **kw: Any) -> None:
        for key, value in dict(*others, **kw).items():
            self[key] = value

    def __ior__(self, other: Any) -> KeyFuncDict[_KT, _VT]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def _load_member(self, item: Any) -> None:
        key = self.keyfunc(item)
        if key is not NO_VALUE or not self.ignore_unpopulated_attribute:
            dict.__setitem__(self, self._key_of(item), item)

    def _unload_member(self, item: Any) -> None:
        for key, value in dict.items(self):
            if value is item:
                dict.__delitem__(self, key)
                return

    def _members(self) -> list[Any]:
        return list(self.values())

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))

    def __repr__(self) -> str:
        return dict.__repr__(self)


MappedCollection = KeyFuncDict


def keyfunc_mapping(
    keyfunc: Callable[[Any], Any], *, ignore_unpopulated_attribute: bool = False
) -> type[KeyFuncDict[Any, Any]]:
    """A KeyFuncDict class keying each member by `keyfunc(member)`, for relationship(collection_class=)."""
    ignore = ignore_unpopulated_attribute

    class KeyedDict(KeyFuncDict[Any, Any]):
        def __init__(self, *dict_args: Any) -> None:
            super().__init__(keyfunc, *dict_args, ignore_unpopulated_attribute=ignore)

    return KeyedDict


def attribute_keyed_dict(
    attr_name: str, *, ignore_unpopulated_attribute: bool = False
) -> type[KeyFuncDict[Any, Any]]:
    """A KeyFuncDict class keying each member by its attribute `attr_name`."""

    def attribute_of(member: Any) -> Any:
        return NO_VALUE if _unpopulated(member, attr_name) else getattr(member, attr_name)

    return keyfunc_mapping(attribute_of, ignore_unpopulated_attribute=ignore_unpopulated_attribute)


def column_keyed_dict(
    mapping_spec: Any, *, ignore_unpopulated_attribute: bool = False
) -> type[KeyFuncDict[Any, Any]]:
    """A KeyFuncDict class keying each member by the value of a mapped column
    (or a tuple of columns' values): `column_keyed_dict(Note.__table__.c.keyword)`."""
    specs = list(mapping_spec) if isinstance(mapping_spec, (list, tuple)) else [mapping_spec]
    columns = [getattr(s, "column", s) for s in specs]

    def columns_of(member: Any) -> Any:
        mapper = type(member).__mapper__
        keys = [mapper.column_keys[c] for c in columns]
        if any(_unpopulated(member, key) for key in keys):
            return NO_VALUE
        values = tuple(getattr(member, key) for key in keys)
        return values if len(values) > 1 else values[0]

    return keyfunc_mapping(columns_of, ignore_unpopulated_attribute=ignore_unpopulated_attribute)


def _unpopulated(member: Any, key: str) -> bool:
    """True when column attribute `key` of a new (transient or pending) object was never given a value."""
    d = member.__dict__
    if key in d:
        return False
    state = d.get(STATE_KEY)
    mapper = getattr(type(member), "__mapper__", None)
    return (state is None or state.key is None) and mapper is not None and key in mapper.attrs


attribute_mapped_collection = attribute_keyed_dict
column_mapped_collection = column_keyed_dict
mapped_collection = keyfunc_mapping


# --- user-defined collection classes ------------------------------------------------------------

_ROLE = "_cm_collection_role"
_SELF_INSTRUMENTED = "_cm_internally_instrumented"
_MUTATOR = "_cm_collection_mutator"  # (what the method does, which argument)


class collection:  # noqa: N801 - SQLAlchemy's name
    """Decorators marking the methods of a user-defined collection class:
    `appender` adds a member, `remover` takes one out, `iterator` walks them;
    `adds(arg)`, `removes(arg)`, `removes_return()` and `replaces(arg)` mark
    other methods that add or remove the member given as argument `arg` (a
    position counted from 1 after self, or a name) or returned. A class
    deriving from list, set or KeyFuncDict fires its events through its
    base's methods (which the marked methods call); any other class needs an
    appender and a remover."""

    @staticmethod
    def appender(fn: _F) -> _F:
        setattr(fn, _ROLE, "appender")
        return fn

    @staticmethod
    def remover(fn: _F) -> _F:
        setattr(fn, _ROLE, "remover")
        return fn

    @staticmethod
    def iterator(fn: _F) -> _F:
        setattr(fn, _ROLE, "iterator")
        return fn

    @staticmethod
    def internally_instrumented(fn: _F) -> _F:
        """The method is left as it is: in a list or set subclass its base's
        methods fire the events; elsewhere it must not be the appender or remover."""
        setattr(fn, _SELF_INSTRUMENTED, True)
        return fn

    @staticmethod
    def converter(fn: _F) -> _F:
        """Deprecated by SQLAlchemy 1.3 (bulk_replace events replace it): refused when the class is used."""
        setattr(fn, _ROLE, "converter")
        return fn

    @staticmethod
    def adds(arg: int | str) -> Callable[[_F], _F]:
        return _mutator("adds", arg)

    @staticmethod
    def removes(arg: int | str) -> Callable[[_F], _F]:
        return _mutator("removes", arg)

    @staticmethod
    def removes_return() -> Callable[[_F], _F]:
        return _mutator("removes_return", None)

    @staticmethod
    def replaces(arg: int | str) -> Callable[[_F], _F]:
        """The method adds argument `arg` and returns the member it replaced (or None)."""
        return _mutator("replaces", arg)


def _mutator(kind: str, arg: int | str | None) -> Callable[[_F], _F]:
    def mark(fn: _F) -> _F:
        setattr(fn, _MUTATOR, (kind, arg))
        return fn

    return mark


def _mutators(cls: type) -> dict[str, tuple[str, int | str | None]]:
    """{method name: (kind, argument)} of the methods `cls` (or a base) marks with adds() and the like."""
    found: dict[str, tuple[str, int | str | None]] = {}
    for klass in reversed(cls.__mro__):
        for name, member in vars(klass).items():
            spec = getattr(member, _MUTATOR, None)
            if spec is not None:
                found[name] = spec
    return found


def _firing_mutator(method: Callable[..., Any], kind: str, arg: int | str | None) -> Callable[..., Any]:
    """`method` firing the events of the member it adds or removes."""
    signature = inspect.signature(method)

    def argument(self: Any, args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        if isinstance(arg, int):
            return args[arg - 1]
        return signature.bind(self, *args, **kw).arguments[str(arg)]

    def mutate(self: _CustomCollection, *args: Any, **kw: Any) -> Any:
        if self._rel is None:
            return method(self, *args, **kw)
        added = NO_VALUE
        if kind in ("adds", "replaces"):
            added = self._adding(argument(self, args, kw))
            if isinstance(arg, int):
                args = (*args[: arg - 1], added, *args[arg:])
            else:
                kw[str(arg)] = added
        removed = argument(self, args, kw) if kind == "removes" else NO_VALUE
        self._before_change()
        result = method(self, *args, **kw)
        if kind in ("removes_return", "replaces") and result is not None:
            removed = result
        if removed is not NO_VALUE:
            self._gone(removed)
        if added is not NO_VALUE:
            self._added(added)
        return result

    return mutate


def _roles(cls: type) -> dict[str, str]:
    """{role: method name} of the methods `cls` (or a base) marks."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        for name, member in vars(klass).items():
            role = getattr(member, _ROLE, None)
            if role is not None:
                found[role] = name
    return found


class _ByRole:
    """Loads and lists the members of a user's collection class through the
    methods it marks (its appender, remover and iterator), firing no events."""

    __slots__ = ()

    _rel: Any
    _cm_appender = ""
    _cm_remover = ""
    _cm_iterator = "__iter__"

    def _load_member(self, item: Any) -> None:
        rel, self._rel = self._rel, None
        try:
            getattr(self, self._cm_appender)(item)
        finally:
            self._rel = rel

    def _unload_member(self, item: Any) -> None:
        rel, self._rel = self._rel, None
        try:
            getattr(self, self._cm_remover)(item)
        finally:
            self._rel = rel

    def _members(self) -> list[Any]:
        return list(getattr(self, self._cm_iterator)())


class _CustomCollection(_ByRole, _MemberEvents):
    """A collection class deriving from no builtin collection: the subclass
    instrumentation makes wraps its appender and remover to fire events."""

    _owner: Any = None
    _rel: Any = None


def _firing_appender(method: Callable[..., Any]) -> Callable[..., Any]:
    def append(self: _CustomCollection, item: Any, *args: Any, **kw: Any) -> Any:
        item = self._adding(item)
        self._before_change()
        result = method(self, item, *args, **kw)
        self._added(item)
        return result

    return append


def _firing_remover(method: Callable[..., Any]) -> Callable[..., Any]:
    def remove(self: _CustomCollection, item: Any, *args: Any, **kw: Any) -> Any:
        self._before_change()
        result = method(self, item, *args, **kw)
        self._gone(item)
        return result

    return remove


_instrumented: dict[type, type] = {}


def instrumented_class(cls: type) -> type:
    """The class a relationship's collections of `cls` are made of: cls
    itself when it is already instrumented, else a subclass of it whose
    changes fire the relationship's events."""
    if cls is list:
        return InstrumentedList
    if cls is set:
        return InstrumentedSet
    made = _instrumented.get(cls)
    if made is None:
        made = _instrumented[cls] = _instrument(cls)
    return made


def _instrument(cls: type) -> type:
    roles = _roles(cls)
    if "converter" in roles:
        raise NotImplementedError(
            f"collection class {cls.__name__}: @collection.converter is not supported (SQLAlchemy deprecated "
            "it); convert the value before assigning it, or in a bulk_replace listener"
        )
    if issubclass(cls, (InstrumentedList, InstrumentedSet, KeyFuncDict)):
        return cls
    for base, instrumented, add in ((list, InstrumentedList, "append"), (set, InstrumentedSet, "add")):
        if issubclass(cls, base):
            builtin_based = {
                "__module__": cls.__module__,
                "_cm_appender": roles.get("appender", add),
                "_cm_remover": roles.get("remover", "remove"),
                "_cm_iterator": roles.get("iterator", "__iter__"),
            }
            return type(cls.__name__, (_ByRole, cls, instrumented), builtin_based)
    if issubclass(cls, dict):
        raise ArgumentError(
            f"Type {cls.__name__} must elect an appender method to be a collection class; "
            "derive dictionary collections from KeyFuncDict (attribute_keyed_dict() and friends)"
        )
    for role, article in (("appender", "an"), ("remover", "a")):
        if role not in roles:
            raise ArgumentError(
                f"Type {cls.__name__} must elect {article} {role} method to be a collection class"
            )
        if getattr(getattr(cls, roles[role]), _SELF_INSTRUMENTED, False):
            raise NotImplementedError(
                f"collection class {cls.__name__}: an @collection.internally_instrumented {role} would fire "
                "its events through collection_adapter(), which cormorant does not have; leave the "
                f"{role} undecorated by it and cormorant fires them"
            )
    namespace: dict[str, Any] = {
        "__module__": cls.__module__,
        "_cm_appender": roles["appender"],
        "_cm_remover": roles["remover"],
        "_cm_iterator": roles.get("iterator", "__iter__"),
        roles["appender"]: _firing_appender(getattr(cls, roles["appender"])),
        roles["remover"]: _firing_remover(getattr(cls, roles["remover"])),
    }
    for name, (kind, arg) in _mutators(cls).items():
        if name not in (roles["appender"], roles["remover"]):
            namespace[name] = _firing_mutator(getattr(cls, name), kind, arg)
    return type(cls.__name__, (cls, _CustomCollection), namespace)


def collection_factory(given: Any) -> Callable[[], Any]:
    """What makes a relationship's collections from its collection_class: a
    class (instrumented as need be), or a callable returning an instance of
    an instrumented class, of list or of set."""
    if isinstance(given, type):
        return instrumented_class(given)
    made = type(given())
    if hasattr(made, "_load_member"):
        return given  # type: ignore[no-any-return]
    if made in (list, set):
        return instrumented_class(made)
    raise ArgumentError(
        f"collection_class {given!r} returned a {made.__name__}; give the class itself so that it "
        "can be instrumented"
    )


def build_collection(factory: Callable[[], Any], owner: Any, relationship: Any, items: Iterable[Any]) -> Any:
    """A new collection from `factory` (an instrumented class, or a callable
    returning an instance of one), holding `items` without firing events."""
    collection = factory()
    for item in items:
        collection._load_member(item)
    collection._owner = owner
    collection._rel = relationship
    return collection


def quiet_append(collection: Any, item: Any) -> None:
    """Adds `item` to a set, dictionary or user collection as a load or the other side's change does: no events."""
    collection._load_member(item)


def quiet_remove(collection: Any, item: Any) -> None:
    """Takes `item` out of a set, dictionary or user collection without events."""
    collection._unload_member(item)


def members(value: Any) -> list[Any]:
    """The objects a relationship value holds: a collection's items, a scalar, or none."""
    if value is None or value is NO_VALUE:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, PendingChanges):
        return value.pending()  # never loaded: only what was added since the last flush
    if isinstance(value, (InstrumentedSet, KeyFuncDict, _CustomCollection)):
        return value._members()
    if isinstance(value, (set, frozenset)):  # an unpickled collection is a plain one
        return list(value)
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def is_relationship_collection(value: Any) -> bool:
    """True for a collection a relationship made (not a plain list): its members come from members()."""
    return isinstance(value, (InstrumentedSet, KeyFuncDict, _CustomCollection))


def every_member(value: Any) -> list[Any]:
    """members(), except that a collection never loaded (dynamic, write-only)
    gives every related object, read from the database, or refuses."""
    if isinstance(value, PendingChanges):
        return value.every_member()
    return members(value)


__all__ = [
    "InstrumentedList",
    "InstrumentedSet",
    "KeyFuncDict",
    "MappedCollection",
    "attribute_keyed_dict",
    "attribute_mapped_collection",
    "collection",
    "column_keyed_dict",
    "column_mapped_collection",
    "keyfunc_mapping",
    "mapped_collection",
]
