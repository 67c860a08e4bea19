"""DeferredReflection: declarative classes whose tables are read from the
database when prepare(engine) is called, instead of declared column by column.

Until then such a class is declared but not mapped; prepare() reads each
class's table with the Inspector (columns, primary key, foreign keys), adds
the columns the class does not declare itself, and maps it. Tables those
foreign keys refer to, if no class maps them, are reflected into the same
MetaData so joins and relationships find them."""

from __future__ import annotations

from typing import Any, ClassVar

from ...engine.base import Connection, Engine
from ...exc import ArgumentError
from ...inspection import inspect
from ...orm.decl_base import MappedColumn, _map_class, _polymorphic_identity_on_init
from ...sql.elements import text
from ...sql.schema import Column, ForeignKey, MetaData, Table

_DEFERRED = "_cm_deferred_reflection"


class DeferredReflection:
    """Mixin of declarative classes mapped by `prepare(engine)` onto the tables
    the database has::

        class Reflected(DeferredReflection):
            __abstract__ = True

        class Person(Reflected, Base):
            __tablename__ = "person"

        Reflected.prepare(engine)"""

    _cm_pending: ClassVar[list[type]] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        deferred = "__abstract__" not in cls.__dict__ and hasattr(cls, "registry")
        if deferred:
            # declared now, mapped by prepare(): declarative mapping passes over an abstract class
            type.__setattr__(cls, "__abstract__", True)
            type.__setattr__(cls, _DEFERRED, True)
            DeferredReflection._cm_pending.append(cls)
        super().__init_subclass__(**kw)

    @classmethod
    def prepare(cls, bind: Engine | Connection, **reflect_kw: Any) -> None:
        """Reflects the tables of this class's (not yet mapped) subclasses and maps them."""
        if not isinstance(bind, (Engine, Connection)):
            raise ArgumentError(f"DeferredReflection.prepare() needs an Engine or Connection, not {bind!r}")
        schema = reflect_kw.pop("schema", None)
        if reflect_kw:
            raise NotImplementedError(
                f"DeferredReflection.prepare(): {', '.join(sorted(reflect_kw))} not supported by cormorant"
            )
        pending = [k for k in DeferredReflection._cm_pending if issubclass(k, cls)]
        mapped_names = {getattr(k, "__tablename__", None) for k in pending}
        inspector = inspect(bind)
        for klass in pending:
            DeferredReflection._cm_pending.remove(klass)
            _add_reflected_columns(klass, inspector, schema)
            type.__delattr__(klass, "__abstract__")
            type.__delattr__(klass, _DEFERRED)
            _map_class(klass, klass.registry)  # type: ignore[attr-defined]
            _polymorphic_identity_on_init(klass)
        for klass in pending:
            _reflect_referred_tables(klass.__table__, inspector, schema, mapped_names)  # type: ignore[attr-defined]


def _declared_column_names(cls: type) -> set[str]:
    """The attribute names of cls (and bases), and the column names its mapped_column()s give."""
    names = set(dir(cls))
    for klass in cls.__mro__:
        for value in vars(klass).values():
            column = value.column if isinstance(value, MappedColumn) else value
            if isinstance(column, Column) and column.name:
                names.add(column.name)
    return names


def _add_reflected_columns(cls: type, inspector: Any, schema: str | None) -> None:
    """Puts the columns of cls's table that cls does not declare on it, as Column attributes."""
    if "__table__" in cls.__dict__:
        return  # mapped onto a Table it gives itself
    table_name = getattr(cls, "__tablename__", None)
    if table_name is None:
        return  # single-table inheritance: the parent's table
    declared = _declared_column_names(cls)
    for column in _reflected_columns(inspector, table_name, schema):
        if column.name not in declared:
            type.__setattr__(cls, column.name, column)


def _reflected_columns(inspector: Any, table_name: str, schema: str | None) -> list[Column[Any]]:
    primary_key = set(inspector.get_pk_constraint(table_name, schema)["constrained_columns"])
    references: dict[str, str] = {}
    for fk in inspector.get_foreign_keys(table_name, schema):
        if len(fk["constrained_columns"]) != 1:
            raise NotImplementedError(
                f"DeferredReflection: the composite foreign key {fk['constrained_columns']} of '{table_name}' "
                "is not supported; declare it in __table_args__"
            )
        referred_schema = fk.get("referred_schema")
        prefix = f"{referred_schema}." if referred_schema else ""
        references[fk["constrained_columns"][0]] = (
            f"{prefix}{fk['referred_table']}.{fk['referred_columns'][0]}"
        )
    columns: list[Column[Any]] = []
    for reflected in inspector.get_columns(table_name, schema):
        name = reflected["name"]
        args: list[Any] = [name, reflected["type"]]
        if name in references:
            args.append(ForeignKey(references[name]))
        default = reflected.get("default")
        columns.append(
            Column(
                *args,
                primary_key=name in primary_key,
                nullable=bool(reflected["nullable"]) and name not in primary_key,
                server_default=text(default) if default is not None else None,
            )
        )
    return columns


def _reflect_referred_tables(
    table: Table, inspector: Any, schema: str | None, mapped_names: set[Any]
) -> None:
    """Reflects into table's MetaData the tables its foreign keys refer to that are not there yet."""
    metadata: MetaData = table.metadata
    waiting = [table]
    while waiting:
        current = waiting.pop()
        for column in current.columns:
            for fk in column.foreign_keys:
                target = fk.target_fullname.rsplit(".", 1)[0]
                if target in metadata.tables or target in mapped_names:
                    continue
                name = target.rsplit(".", 1)[-1]
                waiting.append(
                    Table(name, metadata, *_reflected_columns(inspector, name, schema), schema=schema)
                )


__all__ = ["DeferredReflection"]
