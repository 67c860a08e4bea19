"""The ORM's interfaces: MapperProperty (what Mapper.attrs holds, one per
mapped attribute), PropComparator (the base of the objects that turn an
attribute's Python operators into SQL), and UserDefinedOption, which carries a
payload on a statement (`select(User).options(MyOption(...))`) for
do_orm_execute listeners to read from `orm_execute_state.user_defined_options`."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from .base import InspectionAttrInfo

_T = TypeVar("_T")


class MapperProperty(Generic[_T], InspectionAttrInfo):
    """One mapped attribute of a Mapper: a column property, a relationship,
    a synonym or a composite. `key` names it, `parent` is its Mapper."""

    __slots__ = ()

    is_property = True

    @property
    def class_attribute(self) -> Any:
        """The attribute on the mapped class (User.name for the property "name")."""
        return getattr(self.parent.class_, self.key)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        parent = getattr(self, "parent", None)
        owner = parent.class_.__name__ if parent is not None else "(unmapped)"
        return f"<{type(self).__name__} at {id(self):#x}; {owner}.{getattr(self, 'key', '')}>"


class PropComparator(Generic[_T]):
    """Defines what SQL an attribute's operators produce; subclass it to give
    a comparator of your own (hybrid properties, for one, take it). `prop` is
    the MapperProperty it compares, `__clause_element__()` the expression."""

    def __init__(self, prop: Any, parentmapper: Any = None, adapt_to_entity: Any = None) -> None:
        self.prop = prop
        self._parententity = parentmapper if parentmapper is not None else getattr(prop, "parent", None)
        self._adapt_to_entity = adapt_to_entity

    def __clause_element__(self) -> Any:
        expression = getattr(self.prop, "expression", None)
        if expression is None:
            raise NotImplementedError(f"{type(self).__name__} of {self.prop!r} has no SQL expression")
        return expression

    @property
    def property(self) -> Any:  # last: the name shadows the builtin in this class body
        """The MapperProperty this comparator compares."""
        return self.prop


class UserDefinedOption:
    """Base class of an option that only do_orm_execute listeners consume."""

    __slots__ = ("payload",)

    #: SQLAlchemy carries such options on to the lazy loads of the objects
    #: loaded with them when this is True; cormorant does not, so a subclass
    #: setting it is refused when made.
    propagate_to_loaders = False

    def __init__(self, payload: Any | None = None) -> None:
        if self.propagate_to_loaders:
            raise NotImplementedError(
                f"{type(self).__name__}.propagate_to_loaders = True: cormorant does not carry "
                "user-defined options on to lazy loads and refreshes"
            )
        self.payload = payload

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.payload!r})"
