"""cormorant's schema objects as SQLAlchemy's: MetaData, tables, columns,
types, server defaults, keys, constraints and indexes.

What SQLAlchemy's DDL and Alembic's autogenerate read is carried over; Python-side
column defaults are not (neither creates nor compares them). SQL expressions
(server defaults, CHECK constraints) are compiled by cormorant for the dialect
and handed over as `text()`, which is how Alembic renders SQLAlchemy's own.
"""

from __future__ import annotations

import inspect
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as sa_postgresql
from sqlalchemy.dialects import sqlite as sa_sqlite

from ...dialects import postgresql, sqlite
from ...sql import defaults, schema, sqltypes
from ...sql.elements import ColumnElement, TextClause

# Where SQLAlchemy keeps the type classes of each cormorant types module.
_TYPE_MODULES: dict[str, Any] = {
    sqltypes.__name__: sa.types,
    "cormorant.sql.standard_types": sa.types,
    "cormorant.sql.arrays": sa.types,
    "cormorant.sql.type_api": sa.types,
    "cormorant.dialects.postgresql": sa_postgresql,
    "cormorant.dialects.postgresql.types": sa_postgresql,
    "cormorant.dialects.postgresql.named_types": sa_postgresql,
    "cormorant.dialects.postgresql.ranges": sa_postgresql,
    "cormorant.dialects.postgresql.hstore": sa_postgresql,
    "cormorant.dialects.sqlite.types": sa_sqlite,
    "cormorant.dialects.sqlite": sa_sqlite,
}
_DIALECTS = {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}


def sqlalchemy_metadata(metadata: Any, dialect: str | None = None) -> sa.MetaData:
    """SQLAlchemy's MetaData for cormorant's `metadata` (returned as is when it
    is SQLAlchemy's already). SQL expressions are compiled for `dialect`
    ("sqlite", "postgresql"; None: cormorant's generic spelling)."""
    if isinstance(metadata, sa.MetaData):
        return metadata
    if not isinstance(metadata, schema.MetaData):
        raise TypeError(f"expected a cormorant or SQLAlchemy MetaData, got {type(metadata).__name__}")
    target = sa.MetaData(schema=metadata.schema, naming_convention=dict(metadata.naming_convention))
    for table in metadata.tables.values():
        _table(table, target, dialect)
    return target


def _table(table: schema.Table, target: sa.MetaData, dialect: str | None) -> sa.Table:
    columns = [_column(c, dialect) for c in table.columns]
    constraints = [_constraint(c, dialect) for c in table.constraints]
    result = sa.Table(
        table.name,
        target,
        *columns,
        *(c for c in constraints if c is not None),
        schema=table.schema,
        comment=table.comment,
        info=dict(table.info),
    )
    for index in table.indexes:
        if not index._column_flag:  # Column(index=True) makes its own, as above
            sa.Index(index.name, *(result.c[n] for n in index.column_names), unique=index.unique)
    return result


def _column(column: schema.Column[Any], dialect: str | None) -> sa.Column[Any]:
    foreign_keys = [
        sa.ForeignKey(
            fk.target_fullname,
            ondelete=fk.ondelete,
            onupdate=fk.onupdate,
            name=fk.name,
            use_alter=fk.use_alter,
        )
        for fk in column.foreign_keys
    ]
    return sa.Column(
        column.name,
        sqlalchemy_type(column._resolve_type()),
        *foreign_keys,
        *_generators(column, dialect),
        key=column.key,
        primary_key=column.primary_key,
        nullable=column.nullable,
        server_default=_server_default(column.server_default, dialect),
        autoincrement=column.autoincrement,
        unique=column.unique or None,
        index=column.index or None,
        comment=column.comment,
        info=dict(column.info),
    )


def _server_default(default: Any, dialect: str | None) -> Any:
    """A DEFAULT clause: a string value as is, SQL as text(); what the database
    generates otherwise (Computed, Identity) travels as _generators() does."""
    if not isinstance(default, defaults.DefaultClause):
        return None
    if isinstance(default.arg, str):
        return default.arg
    return sa.text(_sql(default.arg, dialect))


def _generators(column: schema.Column[Any], dialect: str | None) -> list[Any]:
    """The column's Sequence, Computed, Identity or bare FetchedValue, as SQLAlchemy's."""
    found: list[Any] = []
    sequence = column.default
    if isinstance(sequence, defaults.Sequence):
        found.append(sa.Sequence(sequence.name, **_sequence_options(sequence)))
    generated = column.server_default
    if isinstance(generated, defaults.Computed):
        found.append(sa.Computed(sa.text(_sql(generated.sqltext, dialect)), persisted=generated.persisted))
    elif isinstance(generated, defaults.Identity):
        found.append(sa.Identity(always=generated.always, **_sequence_options(generated)))
    elif generated is not None and not isinstance(generated, defaults.DefaultClause):
        found.append(sa.FetchedValue())
    return found


def _sequence_options(options: defaults.IdentityOptions) -> dict[str, Any]:
    names = ("start", "increment", "minvalue", "maxvalue", "nominvalue", "nomaxvalue", "cycle", "cache")
    return {name: getattr(options, name) for name in names if getattr(options, name) is not None}


def _sql(expression: Any, dialect: str | None) -> str:
    """An expression's SQL, values written inline, as a DDL statement carries them."""
    if isinstance(expression, TextClause):
        return expression.text
    if not isinstance(expression, ColumnElement):
        raise TypeError(f"cannot use {expression!r} as a SQL expression in a schema")
    compiled = expression.compile(
        dialect=_DIALECTS.get(dialect or ""), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def _constraint(constraint: schema.Constraint, dialect: str | None) -> sa.Constraint | None:
    if isinstance(constraint, schema.PrimaryKeyConstraint):
        # the columns carry primary_key=True; only a name needs the constraint itself
        return (
            sa.PrimaryKeyConstraint(*constraint.column_names, name=constraint.name)
            if constraint.name
            else None
        )
    if isinstance(constraint, schema.UniqueConstraint):
        return sa.UniqueConstraint(*constraint.column_names, name=constraint.name)
    if isinstance(constraint, schema.CheckConstraint):
        return sa.CheckConstraint(_sql(constraint.sqltext, dialect), name=constraint.name)
    if isinstance(constraint, schema.ForeignKeyConstraint):
        return sa.ForeignKeyConstraint(
            constraint.column_names,
            constraint.refcolumns,
            name=constraint.name,
            ondelete=constraint.ondelete,
            onupdate=constraint.onupdate,
        )
    if isinstance(constraint, postgresql.ExcludeConstraint):
        elements = [
            (e if isinstance(e, str) else sa.text(_sql(e, dialect)), op) for e, op in constraint.elements
        ]
        where = sa.text(_sql(constraint.where, dialect)) if constraint.where is not None else None
        return sa_postgresql.ExcludeConstraint(
            *elements, name=constraint.name, using=constraint.using, where=where
        )
    raise TypeError(f"cannot translate the constraint {constraint!r} for SQLAlchemy")


# --- types ----------------------------------------------------------------------------------------


def sqlalchemy_type(type_: sqltypes.TypeEngine) -> sa.types.TypeEngine[Any]:
    """SQLAlchemy's type for a cormorant column type, with the same arguments."""
    if isinstance(type_, sqltypes.TypeDecorator):
        # What the column is stored as: a migration can run it, where the user's
        # cormorant class (which Alembic would render) is no SQLAlchemy type.
        result = sqlalchemy_type(type_.impl)
    elif isinstance(type_, sqltypes.UserDefinedType):
        result = _user_defined(type_)
    elif isinstance(type_, sqltypes.Enum):
        result = _enum(type_)
    else:
        cls = _sqlalchemy_class(type(type_))
        result = cls(**_constructor_arguments(type_, cls))
    for dialect, variant in type_._variant_mapping.items():
        result = result.with_variant(sqlalchemy_type(variant), dialect)
    return result


def _sqlalchemy_class(cls: type) -> Any:
    """SQLAlchemy's class of the same name, for the nearest cormorant class SQLAlchemy has."""
    for base in cls.__mro__:
        module = _TYPE_MODULES.get(base.__module__)
        found = getattr(module, base.__name__, None) if module is not None else None
        if isinstance(found, type) and issubclass(found, sa.types.TypeEngine):
            return found
    raise TypeError(f"SQLAlchemy has no type for cormorant's {cls.__name__}")


def _constructor_arguments(type_: Any, cls: type) -> dict[str, Any]:
    """The arguments of `cls`'s constructor that `type_` carries an attribute for."""
    arguments = {}
    for name, parameter in inspect.signature(cls).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or name not in vars(type_):
            continue
        value = vars(type_)[name]
        arguments[name] = sqlalchemy_type(value) if isinstance(value, sqltypes.TypeEngine) else value
    return arguments


def _enum(type_: sqltypes.Enum) -> sa.Enum:
    members = [type_.enum_class] if type_.enum_class is not None else type_.values
    return sa.Enum(*members, name=type_.native_name, native_enum=type_.native_enum, length=type_.length)


def _user_defined(type_: sqltypes.UserDefinedType) -> sa.types.TypeEngine[Any]:
    """A SQLAlchemy UserDefinedType named as the user's class, spelled by its get_col_spec().
    Alembic renders it as `module.Class()`, as it does SQLAlchemy's own; a migration
    that runs it needs that name to be a SQLAlchemy type."""
    cls = type(type_)
    namespace = {
        "cache_ok": True,
        "__module__": cls.__module__,
        "get_col_spec": lambda self, **kw: type_.get_col_spec(**kw),
    }
    user_type: Any = type(cls.__name__, (sa.types.UserDefinedType,), namespace)
    return user_type()  # type: ignore[no-any-return]
