"""aliased(): a mapped class read from another FROM item (a table alias for
self-joins, or a subquery, CTE or set operation that returns its columns),
and with_parent(): the criterion "related to this instance"."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ..exc import ArgumentError, InvalidRequestError
from ..sql.base import FromClause
from ..sql.elements import ColumnElement, and_
from ..sql.selectable import ResultEntry
from .mapper import Mapper, mapper_of

_O = TypeVar("_O")


class AliasedClass(Generic[_O]):
    """The class `aliased()` returns: attributes give the alias's columns
    (`boss.name`), select(alias) loads instances of the mapped class, and the
    alias can be joined to and selected from like the class itself."""

    def __init__(self, mapper: Mapper, selectable: FromClause, name: str | None) -> None:
        self._mapper = mapper
        self._selectable = selectable
        self._name = name

    def __getattr__(self, key: str) -> Any:
        mapper = self.__dict__["_mapper"]
        column = mapper.attr_columns.get(key)
        if column is not None:
            return self._selectable.corresponding_column(column)  # type: ignore[attr-defined]
        if key in mapper.relationships:
            raise NotImplementedError(
                f"relationship attributes of an aliased() entity ({self._row_key}.{key}) are not supported yet; "
                "join with an explicit ON clause instead"
            )
        declared = next((k.__dict__[key] for k in mapper.class_.__mro__ if key in k.__dict__), None)
        if hasattr(declared, "_for_alias"):  # a hybrid: its SQL side over the alias's columns
            return declared._for_alias(self)  # type: ignore[union-attr]
        raise AttributeError(f"aliased({mapper.class_.__name__}) has no attribute '{key}'")

    def __clause_element__(self) -> FromClause:
        return self._selectable

    @property
    def _row_key(self) -> str:
        """The entity's key in result rows: the alias's name, else the class's."""
        return self._name or self._mapper.class_.__name__

    def __result_entry__(self) -> ResultEntry:
        from .loading import EntityLoad

        load = EntityLoad.every_column(self._mapper)
        load.alias = self._selectable
        return ResultEntry(mapper=self._mapper, load=load, name=self._row_key, expr=self)

    def __repr__(self) -> str:
        return f"<AliasedClass {self._row_key}({self._mapper.class_.__name__})>"


def aliased(
    element: Any, alias: Any = None, name: str | None = None, flat: bool = False, adapt_on_names: bool = False
) -> Any:
    """The mapped class `element` under another name (`FROM emp AS boss`), or
    read from `alias`: a subquery, CTE or set operation returning its columns.
    A Table or other FROM item gives its `.alias(name)`. Columns are matched
    to `alias` by what it selected, then by name, so `adapt_on_names=True`
    holds either way; `flat` concerns joined-inheritance mappings, which
    cormorant does not have yet, so every alias is already flat."""
    mapper = getattr(element, "__mapper__", None)
    if mapper is None or not isinstance(element, type):
        if isinstance(element, AliasedClass):
            return aliased(element._mapper.class_, alias if alias is not None else element._selectable, name)
        if alias is not None:
            raise ArgumentError(f"aliased({element!r}, alias) needs a mapped class")
        return element.alias(name)
    mapper = mapper_of(element)
    if alias is None:
        selectable: Any = mapper.table.alias(name)
    else:
        selectable = alias.alias(name) if name is not None and hasattr(alias, "alias") else alias
        missing = [c.name for c in mapper.columns if c.name not in selectable.c]
        if missing:
            raise InvalidRequestError(
                f"aliased({mapper.class_.__name__}, ...): the selectable has no column named "
                f"{', '.join(missing)}"
            )
    return AliasedClass(mapper, selectable, name)


def with_parent(instance: Any, prop: Any, from_entity: Any = None) -> ColumnElement[bool]:
    """The criterion selecting the objects related to `instance` through the
    relationship `prop` (`select(Address).where(with_parent(user, User.addresses))`)."""
    rel = getattr(prop, "property", prop)
    if from_entity is not None:
        raise NotImplementedError("with_parent(from_entity=...) is not supported yet")
    rel._ensure()
    mapper = mapper_of(instance)
    if not issubclass(mapper.class_, rel.parent.class_):
        raise ArgumentError(f"{rel} is not a relationship of {mapper.class_.__name__}")
    return and_(*rel.related_criteria(instance))
