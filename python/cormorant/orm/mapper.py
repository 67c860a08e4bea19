"""Mapper: the link between a class and its table, and the native entity plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exc import ArgumentError
from ..sql.elements import BindParameter, ColumnElement
from ..sql.schema import Column, Table
from .attributes import InstrumentedAttribute


class Mapper:
    """Maps a class's attributes onto the columns of one table."""

    def __init__(
        self,
        class_: type,
        table: Table,
        attributes: dict[str, Column[Any]],
        deferred: frozenset[str] = frozenset(),
    ) -> None:
        self.class_ = class_
        self.table = table
        self.local_table = table
        self.persist_selectable = table
        self.attr_columns: dict[str, Column[Any]] = attributes
        self.column_keys: dict[Column[Any], str] = {c: k for k, c in attributes.items()}
        self.columns: list[Column[Any]] = [c for c in table.columns if c in self.column_keys]
        self.primary_key: list[Column[Any]] = [c for c in self.columns if c.primary_key]
        if not self.primary_key:
            raise ArgumentError(
                f"Mapper Mapper[{class_.__name__}({table.name})] could not assemble any primary key columns "
                f"for mapped table '{table.name}'"
            )
        self.pk_keys = [self.column_keys[c] for c in self.primary_key]
        self.identity_class = class_
        self.attrs: dict[str, InstrumentedAttribute[Any]] = {}
        self.relationships: dict[str, Any] = {}
        self.column_order = [self.column_keys[c] for c in self.columns]
        self.default_load_keys = [k for k in self.column_order if k not in deferred]
        self.deferred = deferred
        self._memo: dict[Any, Any] = {}
        self.registry: Any = None  # the registry that mapped the class (set by declarative mapping)

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """What `build()` returns, built once per mapper and kept under `key`:
        the statements the Session and the unit of work reuse for this class."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    @property
    def eager_relationships(self) -> list[Any]:
        """Relationships declared with lazy="joined" or "selectin"."""
        return [r for r in self.relationships.values() if r.lazy in ("joined", "selectin")]

    @property
    def plain_loading(self) -> bool:
        """True when a SELECT of this class loads every column and nothing else."""
        plain = self.__dict__.get("_plain_loading")
        if plain is None:
            plain = self._plain_loading = not self.deferred and not self.eager_relationships
        return plain

    def pk_criteria(self, bind_name: Callable[[Column[Any]], str] | None = None) -> list[ColumnElement[Any]]:
        """WHERE pk = :bind for each primary-key column; binds are named after
        the attributes unless `bind_name(column)` says otherwise."""
        return [
            column
            == BindParameter(bind_name(column) if bind_name else attr, type_=column.type, label=column.key)
            for column, attr in zip(self.primary_key, self.pk_keys)
        ]

    def pk_params(self, identity: Any, names: list[str] | None = None) -> dict[str, Any]:
        """The values of pk_criteria()'s binds (`names`, else the attributes) for
        an identity (a tuple for a composite key)."""
        names = names or self.pk_keys
        return dict(zip(names, identity)) if len(names) > 1 else {names[0]: identity}

    @property
    def expire_keys(self) -> list[str]:
        """Every attribute that expiry removes: columns and relationships."""
        return [*self.attr_columns, *self.relationships]

    def add_relationship(self, key: str, rel: Any) -> None:
        self.relationships[key] = rel
        self.__dict__.pop("_plain_loading", None)

    @property
    def selectable(self) -> Table:
        return self.table

    @property
    def entity(self) -> type:
        return self.class_

    @property
    def column_attrs(self) -> list[InstrumentedAttribute[Any]]:
        return [self.attrs[self.column_keys[c]] for c in self.columns]

    def instrument(self) -> None:
        for key, column in self.attr_columns.items():
            attr: InstrumentedAttribute[Any] = InstrumentedAttribute(key, column, self)
            self.attrs[key] = attr
            setattr(self.class_, key, attr)

    def identity_key_from_values(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return (self.identity_class, values[0] if len(values) == 1 else tuple(values))

    def identity_of(self, obj: Any) -> tuple[Any, ...] | None:
        d = obj.__dict__
        values = tuple(d.get(k) for k in self.pk_keys)
        if any(v is None for v in values):
            return None
        return self.identity_key_from_values(values)

    def __repr__(self) -> str:
        return f"<Mapper {self.class_.__name__}>"


def mapper_of(obj_or_class: Any) -> Mapper:
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    mapper = getattr(cls, "__mapper__", None)
    if type(mapper) is not Mapper:
        from ..exc import UnmappedInstanceError

        raise UnmappedInstanceError(f"Class '{cls.__module__}.{cls.__name__}' is not mapped")
    return mapper
