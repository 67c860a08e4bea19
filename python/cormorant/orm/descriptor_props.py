"""Mapped attributes that stand for other attributes: synonym() (another name
for an attribute, on instances and in queries) and composite() (one value
object, such as a Point, made of several columns)."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from ..exc import ArgumentError
from ..sql.elements import ClauseList, ColumnElement, and_
from ..sql.schema import Column
from .attributes import STATE_KEY, InstrumentedAttribute
from .base import refuse_dataclass_options
from .interfaces import MapperProperty

if TYPE_CHECKING:
    from ..sql.selectable import ResultEntry

_T = TypeVar("_T")


class DescriptorProperty(MapperProperty[Any]):
    """Base of the attributes declared in a class body that map no column of
    their own (decl_base recognises them): synonyms and composites."""

    key: str = ""
    parent: Any = None  # the Mapper, once Mapper.attrs has listed it

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def _declared_columns(self, key: str, annotation: Any) -> dict[str, Column[Any]]:
        """Columns this attribute declares inline, by attribute key (composite(mapped_column(...)))."""
        return {}

    def _map_columns(self, key: str, attributes: dict[str, Column[Any]], cls: type) -> None:
        """Adjusts the class's {attribute: column} before its Mapper is made."""


# --- synonym ------------------------------------------------------------------------------------


def synonym(
    name: str,
    *,
    map_column: bool | None = None,
    descriptor: Any = None,
    comparator_factory: Any = None,
    info: dict[Any, Any] | None = None,
    doc: str | None = None,
    **dataclass_options: Any,
) -> Any:
    """Another name for the mapped attribute `name`, usable on instances and in queries."""
    refuse_dataclass_options("synonym", dataclass_options)
    if comparator_factory is not None:
        raise NotImplementedError("synonym(comparator_factory=...) is not supported")
    return Synonym(name, map_column=map_column, descriptor=descriptor, info=info, doc=doc)


class Synonym(DescriptorProperty, Generic[_T]):
    """What synonym() returns: reads and writes go to the attribute it names;
    on the class it compares (and selects, keyed by its own name) as that attribute."""

    def __init__(
        self,
        name: str,
        map_column: bool | None = None,
        descriptor: Any = None,
        info: dict[Any, Any] | None = None,
        doc: str | None = None,
    ) -> None:
        self.name = name
        self.map_column = map_column
        self.descriptor = descriptor
        self.info = info if info is not None else {}
        self.doc = self.__doc__ = doc
        self._class_level: dict[type, Any] = {}

    def _map_columns(self, key: str, attributes: dict[str, Column[Any]], cls: type) -> None:
        if not self.map_column:
            return
        table = cls.__dict__.get("__table__")
        column = attributes.pop(key, None)
        if column is None or table is None:
            table_name = getattr(table, "name", None) or cls.__dict__.get("__tablename__", cls.__name__)
            raise ArgumentError(
                f"Can't compile synonym '{self.name}': no column on table '{table_name}' named '{key}'"
            )
        attributes[self.name] = column

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> InstrumentedAttribute[_T]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self._for_class(owner)
        if self.descriptor is not None:
            return self.descriptor.__get__(instance, owner)
        return getattr(instance, self.name)

    def __set__(self, instance: Any, value: Any) -> None:
        if self.descriptor is not None:
            self.descriptor.__set__(instance, value)
        else:
            setattr(instance, self.name, value)

    def __delete__(self, instance: Any) -> None:
        if self.descriptor is not None:
            self.descriptor.__delete__(instance)
        else:
            delattr(instance, self.name)

    def _for_class(self, owner: type) -> Any:
        found = self._class_level.get(owner)
        if found is None:
            target = getattr(owner, self.name)
            if isinstance(target, InstrumentedAttribute):  # the column attribute, keyed by this name
                found = InstrumentedAttribute(self.key, target.column, target.mapper)
            else:
                found = target
            self._class_level[owner] = found
        return found

    def __repr__(self) -> str:
        return f"synonym({self.name!r})"


SynonymProperty = Synonym


def synonym_for(name: str, map_column: bool = False) -> Callable[[Any], Synonym[Any]]:
    """Decorates a Python property: it becomes a synonym of `name` that reads and writes through it."""

    def decorate(fn: Any) -> Synonym[Any]:
        return Synonym(name, map_column=map_column, descriptor=fn)

    return decorate


# --- composite ----------------------------------------------------------------------------------


def composite(class_: Any = None, *attrs: Any, **kw: Any) -> Any:
    """A value object made of columns: composite(Point, "x1", "y1"), or with
    the class from a Mapped[Point] annotation and columns declared inline:
    composite(mapped_column("x1"), mapped_column("y1"))."""
    comparator_factory = kw.pop("comparator_factory", None)
    info = kw.pop("info", None)
    if kw.pop("deferred", False) or kw.pop("group", None) is not None:
        raise NotImplementedError("composite(deferred=..., group=...) is not supported")
    kw.pop("active_history", None)  # the unit of work always compares old and new values
    refuse_dataclass_options("composite", kw)
    if class_ is not None and not isinstance(class_, type):
        attrs = (class_, *attrs)
        class_ = None
    return Composite(class_, *attrs, comparator_factory=comparator_factory, info=info)


class Composite(DescriptorProperty, Generic[_T]):
    """What composite() returns: on an instance the value object built from its
    columns (setting it writes them), on the class a Comparator over them."""

    def __init__(
        self,
        class_: Any,
        *attrs: Any,
        comparator_factory: Any = None,
        info: dict[Any, Any] | None = None,
    ) -> None:
        self.composite_class = class_
        self.attrs = attrs
        self.comparator_factory = comparator_factory or Composite.Comparator
        self.info = info if info is not None else {}
        self._keys: list[str] | None = None

    def _declared_columns(self, key: str, annotation: Any) -> dict[str, Column[Any]]:
        from .decl_base import MappedColumn, _unwrap_annotation

        if self.composite_class is None:
            if annotation is None:
                raise ArgumentError(
                    f"composite '{key}' needs a class: composite(Point, ...) or a Mapped[Point] annotation"
                )
            self.composite_class = _unwrap_annotation(annotation)[0]
        inline = [a for a in self.attrs if isinstance(a, MappedColumn) and a.resolved is None]
        if not inline:
            return {}
        field_types = _field_types(self.composite_class)
        columns: dict[str, Column[Any]] = {}
        for position, template in enumerate(inline):
            name = template.column.name or (
                list(field_types)[position] if position < len(field_types) else None
            )
            if name is None:
                raise ArgumentError(f"composite '{key}': name each column, mapped_column('x')")
            field_type = list(field_types.values())[position] if position < len(field_types) else None
            columns[name] = template.resolved = template._column_for(name, field_type)
        return columns

    def _attribute_keys(self, owner: type) -> list[str]:
        if self._keys is None:
            mapper = owner.__mapper__  # type: ignore[attr-defined]
            self._keys = [_attribute_key(mapper, a) for a in self.attrs]
        return self._keys

    # --- instances ---------------------------------------------------------------------------

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> Composite.Comparator: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self.comparator_factory(self, owner)
        values = [getattr(instance, k) for k in self._attribute_keys(type(instance))]
        state = instance.__dict__.get(STATE_KEY)
        if (state is None or state.key is None) and all(v is None for v in values):
            return None
        value = self.composite_class(*values)
        _link_parent(value, instance, self.key)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        _link_parent(value, instance, self.key)
        keys = self._attribute_keys(type(instance))
        values = [None] * len(keys) if value is None else _composite_values(value)
        for key, item in zip(keys, values, strict=True):
            setattr(instance, key, item)

    def __delete__(self, instance: Any) -> None:
        self.__set__(instance, None)

    def __repr__(self) -> str:
        return f"composite({getattr(self.composite_class, '__name__', None)}, {self.key!r})"

    class Comparator:
        """Composite.Comparator: Point-wise comparisons of the columns (A.start
        == Point(1, 2) is x1 = 1 AND y1 = 2). Subclass it and pass it as
        comparator_factory to change them; __clause_element__().clauses are the columns."""

        def __init__(self, prop: Composite[Any], owner: type) -> None:
            self.prop = prop
            self.owner = owner

        @property
        def columns(self) -> list[ColumnElement[Any]]:
            return [getattr(self.owner, k) for k in self.prop._attribute_keys(self.owner)]

        def __clause_element__(self) -> ClauseList:
            return ClauseList(*self.columns)

        def __result_entry__(self) -> ResultEntry:
            from .bundle import composed_entry

            composite_class = self.prop.composite_class
            return composed_entry(
                self.prop.key,
                self.columns,
                lambda procs, labels: lambda row: composite_class(*(p(row) for p in procs)),
            )

        def _compare(self, op: Callable[[Any, Any], Any], other: Any) -> ColumnElement[bool]:
            columns = self.columns
            values = [None] * len(columns) if other is None else _composite_values(other)
            return and_(*(op(column, value) for column, value in zip(columns, values, strict=True)))

        def __eq__(self, other: Any) -> ColumnElement[bool]:  # type: ignore[override]
            return self._compare(operator.eq, other)

        def __ne__(self, other: Any) -> ColumnElement[bool]:  # type: ignore[override]
            return self._compare(operator.ne, other)

        def __lt__(self, other: Any) -> ColumnElement[bool]:
            return self._compare(operator.lt, other)

        def __le__(self, other: Any) -> ColumnElement[bool]:
            return self._compare(operator.le, other)

        def __gt__(self, other: Any) -> ColumnElement[bool]:
            return self._compare(operator.gt, other)

        def __ge__(self, other: Any) -> ColumnElement[bool]:
            return self._compare(operator.ge, other)

        __hash__ = object.__hash__

        def __repr__(self) -> str:
            return f"{self.owner.__name__}.{self.prop.key}"


CompositeProperty = Composite


def _field_types(cls: Any) -> dict[str, Any]:
    """A dataclass's fields and their annotations (resolved), in order."""
    if not dataclasses.is_dataclass(cls):
        return {}
    import typing

    hints = typing.get_type_hints(cls)
    return {f.name: hints.get(f.name) for f in dataclasses.fields(cls)}


def _link_parent(value: Any, instance: Any, key: str) -> None:
    """A value that tracks the objects holding it (cormorant.ext.mutable's
    MutableComposite) learns that `instance` holds it as `key`."""
    link = getattr(type(value), "_link_parent", None)
    if link is not None:
        link(value, instance, key)


def _composite_values(value: Any) -> list[Any]:
    given = getattr(value, "__composite_values__", None)
    if given is not None:
        return list(given())
    if dataclasses.is_dataclass(value):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    raise ArgumentError(
        f"{type(value).__name__} is not a dataclass and has no __composite_values__(); "
        "a composite's class must say which column values it holds"
    )


def _attribute_key(mapper: Any, attr: Any) -> str:
    from .decl_base import MappedColumn

    if isinstance(attr, str):
        return attr
    if isinstance(attr, MappedColumn):
        attr = attr.resolved
    if isinstance(attr, InstrumentedAttribute):
        return attr.key
    if isinstance(attr, Column) and attr in mapper.column_keys:
        return str(mapper.column_keys[attr])
    raise ArgumentError(f"composite(): {attr!r} is not a mapped column of {mapper.class_.__name__}")
