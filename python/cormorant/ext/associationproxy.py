"""Association proxies, as sqlalchemy.ext.associationproxy: an attribute that
shows one attribute of the objects a relationship holds (member.tags is the
`tag` of each MemberTag in member.member_tags). Adding to it creates the
intermediate objects, removing from it removes them; on the class it builds
EXISTS criteria over the relationship."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, MutableMapping, MutableSequence, MutableSet
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..exc import ArgumentError, InvalidRequestError
from ..orm.base import InspectionAttrExtensionType, refuse_dataclass_options
from ..orm.relationships import MANYTOONE
from ..sql.elements import ColumnElement, or_

if TYPE_CHECKING:
    from ..orm.relationships import Relationship

_T = TypeVar("_T")


class AssociationProxyExtensionType(InspectionAttrExtensionType):
    """The `extension_type` of an association proxy."""

    ASSOCIATION_PROXY = "ASSOCIATION_PROXY"


ASSOCIATION_PROXY = AssociationProxyExtensionType.ASSOCIATION_PROXY


def association_proxy(
    target_collection: str,
    attr: str,
    *,
    creator: Callable[..., Any] | None = None,
    getset_factory: Callable[..., Any] | None = None,
    proxy_factory: Callable[..., Any] | None = None,
    proxy_bulk_set: Callable[..., Any] | None = None,
    info: dict[Any, Any] | None = None,
    cascade_scalar_deletes: bool = False,
    create_on_none_assignment: bool = False,
    **dataclass_options: Any,
) -> AssociationProxy[Any]:
    """A proxy showing `attr` of the object(s) in the relationship `target_collection`."""
    refuse_dataclass_options("association_proxy", dataclass_options)
    return AssociationProxy(
        target_collection,
        attr,
        creator=creator,
        getset_factory=getset_factory,
        proxy_factory=proxy_factory,
        proxy_bulk_set=proxy_bulk_set,
        info=info,
        cascade_scalar_deletes=cascade_scalar_deletes,
        create_on_none_assignment=create_on_none_assignment,
    )


class AssociationProxy(Generic[_T]):
    """The descriptor association_proxy() puts in a class body; annotate it
    as AssociationProxy[list[str]] (or [set[...]], [dict[...]], [str] for a scalar)."""

    is_attribute = True
    extension_type = AssociationProxyExtensionType.ASSOCIATION_PROXY

    def __init__(
        self,
        target_collection: str,
        attr: str,
        *,
        creator: Callable[..., Any] | None = None,
        getset_factory: Callable[..., Any] | None = None,
        proxy_factory: Callable[..., Any] | None = None,
        proxy_bulk_set: Callable[..., Any] | None = None,
        info: dict[Any, Any] | None = None,
        cascade_scalar_deletes: bool = False,
        create_on_none_assignment: bool = False,
    ) -> None:
        self.target_collection = target_collection
        self.value_attr = attr
        self.creator = creator
        self.getset_factory = getset_factory
        self.proxy_factory = proxy_factory
        self.proxy_bulk_set = proxy_bulk_set
        self.cascade_scalar_deletes = cascade_scalar_deletes
        self.create_on_none_assignment = create_on_none_assignment
        self.key = f"_{type(self).__name__}_{target_collection}_{id(self)}"
        self.info = info if info is not None else {}
        self._instances: dict[type, AssociationProxyInstance[_T]] = {}

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> AssociationProxyInstance[_T]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

    def __get__(self, instance: Any, owner: Any) -> Any:
        if owner is None and instance is None:
            return self
        if instance is None:
            if getattr(owner, "__mapper__", None) is None:
                return self  # read while its class is being mapped
            return self.for_class(owner)
        return self.for_class(type(instance)).get(instance)

    def __set__(self, instance: Any, values: _T) -> None:
        self.for_class(type(instance)).set(instance, values)

    def __delete__(self, instance: Any) -> None:
        self.for_class(type(instance)).delete(instance)

    def for_class(self, class_: type, obj: Any = None) -> AssociationProxyInstance[_T]:
        """This proxy as it applies to `class_` (a mapped class holding it)."""
        found = self._instances.get(class_)
        if found is None:
            found = self._instances[class_] = AssociationProxyInstance.for_proxy(self, class_)
        return found

    def __repr__(self) -> str:
        return f"AssociationProxy({self.target_collection!r}, {self.value_attr!r})"


class AssociationProxyInstance(Generic[_T]):
    """An association proxy on one class: knows the relationship, the target
    class and its attribute; reads and writes instances, builds criteria."""

    _target_is_object = False

    def __init__(
        self, parent: AssociationProxy[_T], owning_class: type, target_class: type, value_attr: str
    ) -> None:
        self.parent = parent
        self.key = parent.key
        self.owning_class = owning_class
        self.target_collection = parent.target_collection
        self.target_class = target_class
        self.value_attr = value_attr
        rel = self._relationship
        self.collection_class: Any = rel.collection_class if rel.uselist else None
        self.scalar = self.collection_class is None  # the relationship holds one object
        self._default_getset = _attribute_getset(value_attr)

    @classmethod
    def for_proxy(cls, parent: AssociationProxy[Any], owning_class: type) -> AssociationProxyInstance[Any]:
        mapper = getattr(owning_class, "__mapper__", None)
        rel = mapper.relationships.get(parent.target_collection) if mapper is not None else None
        if rel is None:
            raise NotImplementedError(
                f"association proxy {owning_class.__name__}.{parent.key}: '{parent.target_collection}' is not a "
                "relationship; association proxy to a non-relationship intermediary is not supported"
            )
        target_class = rel._ensure().mapper.class_
        target_mapper = target_class.__mapper__
        value_attr = parent.value_attr
        if value_attr in target_mapper.relationships:
            return ObjectAssociationProxyInstance(parent, owning_class, target_class, value_attr)
        if value_attr in target_mapper.instrumented:
            return ColumnAssociationProxyInstance(parent, owning_class, target_class, value_attr)
        return AmbiguousAssociationProxyInstance(parent, owning_class, target_class, value_attr)

    # --- what it proxies ---------------------------------------------------------------------

    @property
    def _relationship(self) -> Relationship:
        rel: Relationship = self.owning_class.__mapper__.relationships[self.target_collection]  # type: ignore[attr-defined]
        return rel._ensure()

    @property
    def local_attr(self) -> Any:
        return getattr(self.owning_class, self.target_collection)

    @property
    def remote_attr(self) -> Any:
        return getattr(self.target_class, self.value_attr)

    @property
    def attr(self) -> tuple[Any, Any]:
        return (self.local_attr, self.remote_attr)

    @property
    def info(self) -> dict[Any, Any]:
        return self.parent.info

    @property
    def _value_is_scalar(self) -> bool:
        rel = self.target_class.__mapper__.relationships.get(self.value_attr)  # type: ignore[attr-defined]
        return rel is None or not rel._ensure().uselist

    # --- instances ------------------------------------------------------------------------------

    def _getset(self) -> tuple[Callable[[Any], Any], Callable[[Any, Any], None]]:
        if self.parent.getset_factory is not None:
            given: tuple[Callable[[Any], Any], Callable[[Any, Any], None]] = self.parent.getset_factory(
                self.collection_class, self
            )
            return given
        return self._default_getset

    def _creator(self) -> Callable[..., Any]:
        return self.parent.creator or self.target_class

    def get(self, obj: Any) -> Any:
        """The proxied value: the attribute of the related object, or a
        collection proxy over the related collection."""
        if self.scalar:
            return self._getset()[0](getattr(obj, self.target_collection))
        getter, setter = self._getset()
        collection = _LazyCollection(obj, self.target_collection)
        if self.parent.proxy_factory is not None:
            return self.parent.proxy_factory(collection, self._creator(), self.value_attr, self)
        return _proxy_for(collection, self._creator(), getter, setter, self)

    def set(self, obj: Any, values: Any) -> None:
        if self.scalar:
            self._set_scalar(obj, values)
            return
        proxy = self.get(obj)
        if proxy is values:
            return
        if self.parent.proxy_bulk_set is not None:
            self.parent.proxy_bulk_set(proxy, values)
            return
        values = list(values.items()) if isinstance(proxy, MutableMapping) else list(values)
        proxy.clear()
        _bulk_add(proxy, values)

    def _set_scalar(self, obj: Any, value: Any) -> None:
        target = getattr(obj, self.target_collection)
        if target is None:
            if value is None and not self.parent.create_on_none_assignment:
                return
            setattr(obj, self.target_collection, self._creator()(value))
            return
        self._getset()[1](target, value)
        if value is None and self.parent.cascade_scalar_deletes:
            setattr(obj, self.target_collection, None)

    def delete(self, obj: Any) -> None:
        if obj is None:
            return
        delattr(obj, self.target_collection)

    # --- class-level criteria -------------------------------------------------------------------

    def _criterion_exists(self, criterion: Any = None, **kwargs: Any) -> ColumnElement[bool]:
        is_has = kwargs.pop("is_has", None)
        if self._target_is_object:
            inner = getattr(self.target_class, self.value_attr)
            value_expr = inner.any(criterion, **kwargs)
        else:
            if kwargs:
                raise ArgumentError(
                    "Can't apply keyword arguments to column-targeted association proxy; use =="
                )
            if is_has and criterion is not None:
                raise ArgumentError(
                    "Non-empty has() not allowed for column-targeted association proxy; use =="
                )
            value_expr = criterion
        exists: ColumnElement[bool] = self._relationship.any(value_expr)
        return exists

    def any(self, criterion: Any = None, **kwargs: Any) -> ColumnElement[bool]:
        """EXISTS over the collection (and the proxied relationship), as any()/has() compose it."""
        if self.scalar and (not self._target_is_object or self._value_is_scalar):
            raise InvalidRequestError("'any()' not implemented for scalar attributes. Use has().")
        return self._criterion_exists(criterion, is_has=False, **kwargs)

    def has(self, criterion: Any = None, **kwargs: Any) -> ColumnElement[bool]:
        """EXISTS over the scalar relationship, as has() composes it."""
        if not self.scalar or (self._target_is_object and not self._value_is_scalar):
            raise InvalidRequestError("'has()' not implemented for collections. Use any().")
        return self._criterion_exists(criterion, is_has=True, **kwargs)

    if TYPE_CHECKING:  # the comparisons each kind of proxy builds (below)

        def __eq__(self, other: Any) -> ColumnElement[bool]: ...  # type: ignore[override]

        def __ne__(self, other: Any) -> ColumnElement[bool]: ...  # type: ignore[override]

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.parent!r})"


class AmbiguousAssociationProxyInstance(AssociationProxyInstance[_T]):
    """A proxy whose target attribute is neither a column nor a relationship of
    the target class: instances work, class-level comparisons are refused."""

    def _refuse(self) -> InvalidRequestError:
        return InvalidRequestError(
            f"Association proxy {self.owning_class.__name__}.{self.key} refers to an attribute "
            f"'{self.value_attr}' that is not directly mapped on class {self.target_class.__name__}; "
            "specific class-level behavior can't be determined"
        )

    def __eq__(self, other: Any) -> Any:
        raise self._refuse()

    def __ne__(self, other: Any) -> Any:
        raise self._refuse()

    def any(self, criterion: Any = None, **kwargs: Any) -> ColumnElement[bool]:
        raise self._refuse()

    def has(self, criterion: Any = None, **kwargs: Any) -> ColumnElement[bool]:
        raise self._refuse()

    __hash__ = object.__hash__


class ObjectAssociationProxyInstance(AssociationProxyInstance[_T]):
    """A proxy whose target attribute is a relationship (it shows objects)."""

    _target_is_object = True

    def contains(self, other: Any, **kw: Any) -> ColumnElement[bool]:
        if self.scalar and not self._value_is_scalar:
            return self._relationship.any(self.remote_attr.contains(other))  # type: ignore[no-any-return]
        if self.scalar:
            raise InvalidRequestError("contains() doesn't apply to a scalar object endpoint; use ==")
        exists: ColumnElement[bool] = self._relationship.any(**{self.value_attr: other})
        return exists

    def __eq__(self, obj: Any) -> Any:
        expr = self._relationship.any(**{self.value_attr: obj})
        if obj is None:
            return or_(expr, _nothing_related(self._relationship))
        return expr

    def __ne__(self, obj: Any) -> Any:
        return self._relationship.any(self.remote_attr != obj)

    __hash__ = object.__hash__


class ColumnAssociationProxyInstance(AssociationProxyInstance[_T]):
    """A proxy whose target attribute is a column: comparisons become EXISTS
    over the related rows (Member.tags == "x": a member with the tag "x")."""

    def _exists(self, build: Callable[[Any], Any]) -> ColumnElement[bool]:
        exists: ColumnElement[bool] = self._relationship.any(build(self.remote_attr))
        return exists

    def operate(self, op: Callable[..., Any], *other: Any, **kwargs: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: op(remote, *other, **kwargs))

    def __eq__(self, other: Any) -> Any:
        expr = self._exists(lambda remote: remote == other)
        if other is None and self.scalar:
            return or_(expr, _nothing_related(self._relationship))
        return expr

    def __ne__(self, other: Any) -> Any:
        return self.operate(operator.ne, other)

    def __lt__(self, other: Any) -> ColumnElement[bool]:
        return self.operate(operator.lt, other)

    def __le__(self, other: Any) -> ColumnElement[bool]:
        return self.operate(operator.le, other)

    def __gt__(self, other: Any) -> ColumnElement[bool]:
        return self.operate(operator.gt, other)

    def __ge__(self, other: Any) -> ColumnElement[bool]:
        return self.operate(operator.ge, other)

    def contains(self, other: Any, **kw: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.contains(other, **kw))

    def like(self, other: Any, escape: str | None = None) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.like(other, escape=escape))

    def ilike(self, other: Any, escape: str | None = None) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.ilike(other, escape=escape))

    def startswith(self, other: Any, **kw: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.startswith(other, **kw))

    def endswith(self, other: Any, **kw: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.endswith(other, **kw))

    def in_(self, other: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.in_(other))

    def not_in(self, other: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.not_in(other))

    def is_(self, other: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.is_(other))

    def is_not(self, other: Any) -> ColumnElement[bool]:
        return self._exists(lambda remote: remote.is_not(other))

    __hash__ = object.__hash__


def _nothing_related(rel: Relationship) -> Any:
    """The criterion "no related object": a NULL foreign key for a many-to-one,
    NOT EXISTS for a one-to-one held by the other table."""
    if rel.direction == MANYTOONE:
        return rel == None  # noqa: E711 - SQL IS NULL
    return ~rel.any()


# --- the collection proxies ---------------------------------------------------------------------


class _LazyCollection:
    """The relationship's current collection on `obj`, read when needed (so a
    lazy load happens on first use, and a replaced collection is followed)."""

    __slots__ = ("parent", "target")

    def __init__(self, obj: Any, target: str) -> None:
        self.parent, self.target = obj, target

    def __call__(self) -> Any:
        return getattr(self.parent, self.target)


def _proxy_for(
    lazy: _LazyCollection,
    creator: Callable[..., Any],
    getter: Callable[[Any], Any],
    setter: Callable[[Any, Any], None],
    parent: AssociationProxyInstance[Any],
) -> Any:
    collection = lazy()
    if isinstance(collection, list):
        return _AssociationList(lazy, creator, getter, setter, parent)
    if isinstance(collection, (set, MutableSet)):
        return _AssociationSet(lazy, creator, getter, setter, parent)
    if isinstance(collection, dict):
        return _AssociationDict(lazy, creator, getter, setter, parent)
    raise ArgumentError(
        f"could not guess which interface to use for collection_class {type(collection).__name__!r} "
        f"of association proxy {parent.owning_class.__name__}.{parent.key}; pass proxy_factory="
    )


def _bulk_add(proxy: Any, values: list[Any]) -> None:
    if isinstance(proxy, _AssociationDict):
        proxy.update(values)
    elif isinstance(proxy, _AssociationSet):
        proxy |= set(values)
    else:
        proxy.extend(values)


class _AssociationCollection:
    __slots__ = ("lazy_collection", "creator", "getter", "setter", "parent")

    def __init__(
        self,
        lazy_collection: _LazyCollection,
        creator: Callable[..., Any],
        getter: Callable[[Any], Any],
        setter: Callable[[Any, Any], None],
        parent: AssociationProxyInstance[Any],
    ) -> None:
        self.lazy_collection = lazy_collection
        self.creator = creator
        self.getter = getter
        self.setter = setter
        self.parent = parent

    @property
    def col(self) -> Any:
        return self.lazy_collection()

    def __len__(self) -> int:
        return len(self.col)

    def __bool__(self) -> bool:
        return bool(self.col)


class _AssociationList(_AssociationCollection, MutableSequence[Any]):
    """The list an association proxy shows over a list relationship."""

    __slots__ = ()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.getter(member) for member in self.col[index]]
        return self.getter(self.col[index])

    def __setitem__(self, index: Any, value: Any) -> None:
        if not isinstance(index, slice):
            self.setter(self.col[index], value)
            return
        col = self.col
        start = index.indices(len(col))[0]
        del col[index]
        for offset, item in enumerate(list(value)):
            col.insert(start + offset, self.creator(item))

    def __delitem__(self, index: Any) -> None:
        del self.col[index]

    def insert(self, index: int, value: Any) -> None:
        self.col.insert(index, self.creator(value))

    def append(self, value: Any) -> None:
        self.col.append(self.creator(value))

    def extend(self, values: Iterable[Any]) -> None:
        for value in list(values):
            self.append(value)

    def clear(self) -> None:
        del self.col[:]

    def __iter__(self) -> Iterator[Any]:
        return (self.getter(member) for member in list(self.col))

    def __contains__(self, value: object) -> bool:
        return any(self.getter(member) == value for member in self.col)

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    def __ne__(self, other: object) -> bool:
        return list(self) != other

    def __lt__(self, other: list[Any]) -> bool:
        return list(self) < other

    def __add__(self, other: Iterable[Any]) -> list[Any]:
        return list(self) + list(other)

    def copy(self) -> list[Any]:
        return list(self)

    def __repr__(self) -> str:
        return repr(list(self))

    __hash__ = None  # type: ignore[assignment]


class _AssociationSet(_AssociationCollection, MutableSet[Any]):
    """The set an association proxy shows over a set relationship."""

    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return (self.getter(member) for member in list(self.col))

    def __contains__(self, value: object) -> bool:
        return any(self.getter(member) == value for member in self.col)

    def add(self, value: Any) -> None:
        if value not in self:
            self.col.add(self.creator(value))

    def discard(self, value: Any) -> None:
        for member in list(self.col):
            if self.getter(member) == value:
                self.col.remove(member)
                return

    def remove(self, value: Any) -> None:
        if value not in self:
            raise KeyError(value)
        self.discard(value)

    def clear(self) -> None:
        for member in list(self.col):
            self.col.remove(member)

    def __eq__(self, other: object) -> bool:
        return set(self) == other

    def __repr__(self) -> str:
        return repr(set(self))

    __hash__ = None  # type: ignore[assignment]


class _AssociationDict(_AssociationCollection, MutableMapping[Any, Any]):
    """The dict an association proxy shows over a dict relationship; the
    creator is called with (key, value)."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        return self.getter(self.col[key])

    def __setitem__(self, key: Any, value: Any) -> None:
        col = self.col
        if key in col:
            self.setter(col[key], value)
        else:
            col[key] = self.creator(key, value)

    def __delitem__(self, key: Any) -> None:
        del self.col[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self.col))

    def __contains__(self, key: object) -> bool:
        return key in self.col

    def __eq__(self, other: object) -> bool:
        return dict(self) == other

    def __repr__(self) -> str:
        return repr(dict(self))

    __hash__ = None  # type: ignore[assignment]


__all__ = [
    "ASSOCIATION_PROXY",
    "AmbiguousAssociationProxyInstance",
    "AssociationProxy",
    "AssociationProxyExtensionType",
    "AssociationProxyInstance",
    "ColumnAssociationProxyInstance",
    "ObjectAssociationProxyInstance",
    "association_proxy",
]


def _attribute_getset(name: str) -> tuple[Callable[[Any], Any], Callable[[Any, Any], None]]:
    """Reads and writes attribute `name` of a related object (no getset_factory)."""

    def get_value(target: Any) -> Any:
        return getattr(target, name) if target is not None else None

    def set_value(target: Any, value: Any) -> None:
        setattr(target, name, value)

    return get_value, set_value
