"""Inspector: the tables, columns, keys and indexes of a live database, read
from the database's own catalogs (never from MetaData). `inspect(engine)` and
`inspect(connection)` return one. The catalog queries are the dialects':
cormorant.dialects.<name>.reflection, found by the engine's dialect name and
imported on first use; this module holds what they share (the reflected
dicts' types and the type names they map to cormorant types)."""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol, TypeVar

from ..exc import ArgumentError, NoSuchTableError
from ..sql import sqltypes
from ..sql.defaults import DefaultClause
from ..sql.elements import text
from ..sql.schema import (
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from .base import Connection, Engine

_R = TypeVar("_R")

ReflectedColumn = dict[str, Any]
ReflectedPrimaryKey = dict[str, Any]
ReflectedForeignKey = dict[str, Any]
ReflectedIndex = dict[str, Any]
ReflectedUniqueConstraint = dict[str, Any]


class ObjectKind(enum.Flag):
    """Which objects Inspector.get_multi_*() read: tables, views, materialized views."""

    TABLE = 1
    VIEW = 2
    MATERIALIZED_VIEW = 4
    ANY_VIEW = VIEW | MATERIALIZED_VIEW
    ANY = TABLE | VIEW | MATERIALIZED_VIEW


class ObjectScope(enum.Flag):
    """Whether Inspector.get_multi_*() read ordinary (DEFAULT) or TEMPORARY objects."""

    DEFAULT = 1
    TEMPORARY = 2
    ANY = DEFAULT | TEMPORARY


class DialectReflection(Protocol):
    """What a dialect's reflection class answers, each on a given Connection;
    `schema` None means the default schema. Unknown tables raise NoSuchTableError."""

    def default_schema_name(self, conn: Connection) -> str: ...
    def schema_names(self, conn: Connection) -> list[str]: ...
    def table_names(self, conn: Connection, schema: str | None) -> list[str]: ...
    def view_names(self, conn: Connection, schema: str | None) -> list[str]: ...
    def has_table(self, conn: Connection, table: str, schema: str | None) -> bool: ...
    def columns(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedColumn]: ...
    def pk_constraint(self, conn: Connection, table: str, schema: str | None) -> ReflectedPrimaryKey: ...
    def foreign_keys(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedForeignKey]: ...
    def indexes(
        self, conn: Connection, table: str, schema: str | None, include_auto: bool
    ) -> list[ReflectedIndex]: ...
    def unique_constraints(
        self, conn: Connection, table: str, schema: str | None
    ) -> list[ReflectedUniqueConstraint]: ...


# dialect name -> (module, class) of its reflection; imported on first use, as
# the dialect modules import this one
_DIALECT_REFLECTION = {
    "sqlite": ("cormorant.dialects.sqlite.reflection", "SQLiteReflection"),
    "postgresql": ("cormorant.dialects.postgresql.reflection", "PostgreSQLReflection"),
}


def _dialect_reflection(dialect_name: str) -> DialectReflection:
    """A new instance of the reflection class of the dialect named `dialect_name`."""
    try:
        module_name, class_name = _DIALECT_REFLECTION[dialect_name]
    except KeyError:
        raise NotImplementedError(f"no reflection for the {dialect_name!r} dialect") from None
    reflection: type[DialectReflection] = getattr(importlib.import_module(module_name), class_name)
    return reflection()


class Inspector:
    """Reads schema information from the database behind an Engine or a
    Connection. Made from an Engine, each call checks out a connection of its
    own and returns it; made from a Connection, it runs on that connection
    (inside its transaction, which it begins if none is open). Nothing is
    cached: every call reads the database as it is now."""

    def __init__(self, bind: Engine | Connection) -> None:
        if isinstance(bind, Connection):
            self.engine = bind.engine
        elif isinstance(bind, Engine):
            self.engine = bind
        else:
            raise ArgumentError(f"Inspector needs an Engine or a Connection, got {type(bind).__name__}")
        self.bind = bind
        self.dialect = self.engine.dialect
        self._impl = _dialect_reflection(self.dialect.name)

    def _run(self, method: Callable[..., _R], *args: Any) -> _R:
        if isinstance(self.bind, Connection):
            return method(self.bind, *args)
        with self.engine.connect() as conn:
            return method(conn, *args)

    def clear_cache(self) -> None:
        """Kept for SQLAlchemy compatibility: this Inspector caches nothing."""

    @property
    def default_schema_name(self) -> str:
        """The schema names resolve in when none is given ("main" on SQLite)."""
        return self._run(self._impl.default_schema_name)

    def get_schema_names(self, **kw: Any) -> list[str]:
        return self._run(self._impl.schema_names)

    def get_table_names(self, schema: str | None = None, **kw: Any) -> list[str]:
        """The names of the tables (not views) in `schema` or the default schema, sorted."""
        return self._run(self._impl.table_names, schema)

    def get_view_names(self, schema: str | None = None, **kw: Any) -> list[str]:
        return self._run(self._impl.view_names, schema)

    def has_table(self, table_name: str, schema: str | None = None, **kw: Any) -> bool:
        """Whether a table (or view, or temporary table) of that name exists."""
        return self._run(self._impl.has_table, table_name, schema)

    def get_columns(self, table_name: str, schema: str | None = None, **kw: Any) -> list[ReflectedColumn]:
        """One dict per column, in table order: name, type (a cormorant type),
        nullable, default (the server default's SQL text, or None), and
        primary_key (position in the key, 0 if none) on SQLite or
        autoincrement and comment on PostgreSQL, as in SQLAlchemy."""
        return self._run(self._impl.columns, table_name, schema)

    def get_pk_constraint(self, table_name: str, schema: str | None = None, **kw: Any) -> ReflectedPrimaryKey:
        """{"constrained_columns": [...in key order], "name": ...}."""
        return self._run(self._impl.pk_constraint, table_name, schema)

    def get_foreign_keys(
        self, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[ReflectedForeignKey]:
        """One dict per foreign key: name, constrained_columns, referred_schema,
        referred_table, referred_columns and options (ondelete, onupdate,
        deferrable, initially, match when not the default)."""
        return self._run(self._impl.foreign_keys, table_name, schema)

    def get_indexes(self, table_name: str, schema: str | None = None, **kw: Any) -> list[ReflectedIndex]:
        """One dict per index (name, column_names, unique), sorted by name.
        As in SQLAlchemy, SQLite's automatic indexes (sqlite_autoindex_*, for
        PRIMARY KEY and UNIQUE constraints) are left out unless
        include_auto_indexes=True, and PostgreSQL's primary-key index is left
        out while an index backing a UNIQUE constraint is listed with
        "duplicates_constraint" naming that constraint."""
        return self._run(self._impl.indexes, table_name, schema, bool(kw.get("include_auto_indexes")))

    def get_unique_constraints(
        self, table_name: str, schema: str | None = None, **kw: Any
    ) -> list[ReflectedUniqueConstraint]:
        """One dict per UNIQUE constraint: name (None when SQLite has none) and column_names."""
        return self._run(self._impl.unique_constraints, table_name, schema)

    def reflect_table(
        self,
        table: Table,
        include_columns: Collection[str] | None = None,
        exclude_columns: Collection[str] = (),
        resolve_fks: bool = True,
        **kw: Any,
    ) -> None:
        """Fills `table` from the database: the columns it lacks (all, or those
        in `include_columns`, less `exclude_columns`), its primary key, foreign
        keys (reflecting the tables they refer to into the same MetaData, with
        `resolve_fks`), unique constraints and indexes."""
        if kw:
            raise TypeError(f"reflect_table() got unsupported keyword argument(s): {', '.join(sorted(kw))}")
        name = table.name
        if not self.has_table(name):
            raise NoSuchTableError(name)
        wanted = _column_filter(table, include_columns, exclude_columns)
        pk = self.get_pk_constraint(name)
        keys = self.get_foreign_keys(name)
        single = {key["constrained_columns"][0]: key for key in keys if len(key["constrained_columns"]) == 1}
        for column in self.get_columns(name):
            if wanted(column["name"]):
                foreign_key = single.get(column["name"])
                table.append_column(_reflected_column(column, pk, foreign_key))
        if pk.get("name") and all(c in table.c for c in pk["constrained_columns"]):
            table.append(PrimaryKeyConstraint(*pk["constrained_columns"], name=pk["name"]))
        for key in keys:
            if resolve_fks and key["referred_table"] not in table.metadata.tables:
                Table(key["referred_table"], table.metadata, autoload_with=self.bind)
            if len(key["constrained_columns"]) > 1 and all(c in table.c for c in key["constrained_columns"]):
                table.append(_reflected_key_constraint(key))
        for unique in self.get_unique_constraints(name):
            if all(c in table.c for c in unique["column_names"]):
                table.append(UniqueConstraint(*unique["column_names"], name=unique["name"]))
        for index in self.get_indexes(name):
            columns = index["column_names"]
            if "duplicates_constraint" not in index and all(c is not None and c in table.c for c in columns):
                Index(index["name"], *(table.c[c] for c in columns), unique=index["unique"])

    # --- several tables at once: {(schema, table name): what get_<thing>() gives} ---

    def _multi(
        self,
        read: Callable[..., _R],
        schema: str | None,
        filter_names: Sequence[str] | None,
        kind: ObjectKind,
        scope: ObjectScope,
        **kw: Any,
    ) -> dict[tuple[str | None, str], _R]:
        if ObjectScope.TEMPORARY in scope:
            raise NotImplementedError(
                "Inspector.get_multi_*() with ObjectScope.TEMPORARY is not supported: cormorant's "
                "reflection lists the tables of a schema, not temporary ones"
            )
        if ObjectKind.MATERIALIZED_VIEW in kind:
            raise NotImplementedError(
                "Inspector.get_multi_*() with ObjectKind.MATERIALIZED_VIEW is not supported: cormorant's "
                "reflection does not list materialized views"
            )
        names = self.get_table_names(schema) if ObjectKind.TABLE in kind else []
        names += self.get_view_names(schema) if ObjectKind.VIEW in kind else []
        if filter_names is not None:
            names = [name for name in names if name in filter_names]
        return {(schema, name): read(name, schema, **kw) for name in names}

    def get_multi_columns(
        self,
        schema: str | None = None,
        filter_names: Sequence[str] | None = None,
        kind: ObjectKind = ObjectKind.TABLE,
        scope: ObjectScope = ObjectScope.DEFAULT,
        **kw: Any,
    ) -> dict[tuple[str | None, str], list[ReflectedColumn]]:
        """get_columns() of each table of `schema` (filter_names: only those)."""
        return self._multi(self.get_columns, schema, filter_names, kind, scope, **kw)

    def get_multi_pk_constraint(
        self,
        schema: str | None = None,
        filter_names: Sequence[str] | None = None,
        kind: ObjectKind = ObjectKind.TABLE,
        scope: ObjectScope = ObjectScope.DEFAULT,
        **kw: Any,
    ) -> dict[tuple[str | None, str], ReflectedPrimaryKey]:
        return self._multi(self.get_pk_constraint, schema, filter_names, kind, scope, **kw)

    def get_multi_foreign_keys(
        self,
        schema: str | None = None,
        filter_names: Sequence[str] | None = None,
        kind: ObjectKind = ObjectKind.TABLE,
        scope: ObjectScope = ObjectScope.DEFAULT,
        **kw: Any,
    ) -> dict[tuple[str | None, str], list[ReflectedForeignKey]]:
        return self._multi(self.get_foreign_keys, schema, filter_names, kind, scope, **kw)

    def get_multi_indexes(
        self,
        schema: str | None = None,
        filter_names: Sequence[str] | None = None,
        kind: ObjectKind = ObjectKind.TABLE,
        scope: ObjectScope = ObjectScope.DEFAULT,
        **kw: Any,
    ) -> dict[tuple[str | None, str], list[ReflectedIndex]]:
        return self._multi(self.get_indexes, schema, filter_names, kind, scope, **kw)

    def get_multi_unique_constraints(
        self,
        schema: str | None = None,
        filter_names: Sequence[str] | None = None,
        kind: ObjectKind = ObjectKind.TABLE,
        scope: ObjectScope = ObjectScope.DEFAULT,
        **kw: Any,
    ) -> dict[tuple[str | None, str], list[ReflectedUniqueConstraint]]:
        return self._multi(self.get_unique_constraints, schema, filter_names, kind, scope, **kw)

    def __repr__(self) -> str:
        return f"<Inspector {self.engine.url}>"


def _column_filter(
    table: Table, include: Collection[str] | None, exclude: Collection[str]
) -> Callable[[str], bool]:
    """Which reflected columns go into `table`: not those it has (given
    explicitly, they win), and as include_columns / exclude_columns say."""
    return lambda name: name not in table.c and (include is None or name in include) and name not in exclude


def _reflected_column(
    column: ReflectedColumn, pk: ReflectedPrimaryKey, foreign_key: ReflectedForeignKey | None
) -> Column[Any]:
    default = column.get("default")
    extra: list[Any] = []
    if foreign_key is not None:
        options = foreign_key.get("options", {})
        target = f"{foreign_key['referred_table']}.{foreign_key['referred_columns'][0]}"
        extra.append(
            ForeignKey(
                target,
                name=foreign_key["name"],
                ondelete=options.get("ondelete"),
                onupdate=options.get("onupdate"),
            )
        )
    return Column(
        column["name"],
        column["type"],
        *extra,
        primary_key=column["name"] in pk["constrained_columns"],
        nullable=column["nullable"],
        server_default=DefaultClause(text(default), _reflected=True) if default is not None else None,
        autoincrement=column.get("autoincrement", "auto"),
        comment=column.get("comment"),
    )


def _reflected_key_constraint(key: ReflectedForeignKey) -> ForeignKeyConstraint:
    """A foreign key over several columns (one over a single column sits on that column)."""
    options = key.get("options", {})
    return ForeignKeyConstraint(
        key["constrained_columns"],
        [f"{key['referred_table']}.{c}" for c in key["referred_columns"]],
        name=key["name"],
        ondelete=options.get("ondelete"),
        onupdate=options.get("onupdate"),
    )


# --- column types, shared by the dialects --------------------------------------


def _type_args(args: str | None) -> list[int]:
    """The numbers in a type's parentheses. SQLite keeps any declared text, so
    a number too long to be a length or precision (more than 18 digits; int()
    refuses beyond 4300) leaves the type without arguments."""
    numbers = re.findall(r"[0-9]+", args or "")
    if any(len(n.lstrip("0")) > 18 for n in numbers):
        return []
    return [int(n) for n in numbers]


def _string(args: list[int]) -> sqltypes.TypeEngine:
    return sqltypes.String(args[0] if args else None)


def _numeric(args: list[int]) -> sqltypes.TypeEngine:
    return sqltypes.Numeric(args[0] if args else None, args[1] if len(args) > 1 else None)


def _plain(type_: type[sqltypes.TypeEngine], **kw: Any) -> Callable[[list[int]], sqltypes.TypeEngine]:
    return lambda _: type_(**kw)


# Type names, upper case and without arguments, as SQLite declarations and
# PostgreSQL's format_type() spell them.
NAMED_TYPES: dict[str, Callable[[list[int]], sqltypes.TypeEngine]] = {
    **dict.fromkeys(["INTEGER", "INT", "INT4", "MEDIUMINT"], _plain(sqltypes.Integer)),
    **dict.fromkeys(["BIGINT", "INT8"], _plain(sqltypes.BigInteger)),
    **dict.fromkeys(["SMALLINT", "INT2", "TINYINT"], _plain(sqltypes.SmallInteger)),
    **dict.fromkeys(
        ["VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "CHARACTER", "CHARACTER VARYING", "BPCHAR"], _string
    ),
    **dict.fromkeys(["TEXT", "CLOB"], _plain(sqltypes.Text)),
    **dict.fromkeys(["BOOLEAN", "BOOL"], _plain(sqltypes.Boolean)),
    **dict.fromkeys(["NUMERIC", "DECIMAL"], _numeric),
    **dict.fromkeys(
        ["FLOAT", "REAL", "DOUBLE", "DOUBLE PRECISION", "FLOAT4", "FLOAT8"], _plain(sqltypes.Float)
    ),
    "DATE": _plain(sqltypes.Date),
    **dict.fromkeys(["DATETIME", "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE"], _plain(sqltypes.DateTime)),
    **dict.fromkeys(["TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"], _plain(sqltypes.DateTime, timezone=True)),
    **dict.fromkeys(
        ["TIME", "TIME WITHOUT TIME ZONE", "TIME WITH TIME ZONE", "TIMETZ"], _plain(sqltypes.Time)
    ),
    **dict.fromkeys(["BLOB", "BYTEA"], _plain(sqltypes.LargeBinary)),
    **dict.fromkeys(["JSON", "JSONB"], _plain(sqltypes.JSON)),
    "UUID": _plain(sqltypes.Uuid),
}


_DECLARED_TYPE = re.compile(r"^\s*([^(]*?)\s*(?:\((.*)\))?\s*([^()]*?)\s*$", re.S)


def split_declared(declared: str) -> tuple[str, list[int]]:
    """A type's name and numeric arguments: "numeric(10, 2)" -> ("NUMERIC",
    [10, 2]); "timestamp(3) with time zone" -> ("TIMESTAMP WITH TIME ZONE", [3])."""
    match = _DECLARED_TYPE.match(declared)
    if match is None:
        return declared.upper(), []
    name = " ".join(f"{match.group(1)} {match.group(3)}".upper().split())
    return name, _type_args(match.group(2))


def named_type(name: str, args: list[int]) -> sqltypes.TypeEngine | None:
    """The cormorant type for a type name as split_declared() gives it, or
    None when the name is not one of NAMED_TYPES."""
    factory = NAMED_TYPES.get(name)
    return factory(args) if factory is not None else None
