"""PostgreSQL reflection for the Inspector (cormorant.engine.reflection): the
pg_catalog queries for tables, columns, keys, indexes and constraints, and
column types from format_type()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...engine.reflection import (
    ReflectedColumn,
    ReflectedForeignKey,
    ReflectedIndex,
    ReflectedPrimaryKey,
    ReflectedUniqueConstraint,
    named_type,
    split_declared,
)
from ...exc import InvalidRequestError, NoSuchTableError
from ...sql import sqltypes

if TYPE_CHECKING:
    from ...engine.base import Connection


def postgresql_type(formatted: str) -> sqltypes.TypeEngine:
    """The type of a PostgreSQL column from format_type(): NullType for arrays
    and the types cormorant has no class for."""
    if formatted.endswith("]"):
        return sqltypes.NullType()
    named = named_type(*split_declared(formatted))
    return named if named is not None else sqltypes.NullType()


_RELATION = """
SELECT c.oid FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND """
_IN_SCHEMA = "n.nspname = $2"
_VISIBLE = "pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog'"

# {kinds} and {schema} are filled from constants only: relkind letters, and
# current_schema() or $1.
_NAMES = """
SELECT c.relname::text FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ({kinds}) AND n.nspname = {schema}
ORDER BY c.relname"""

_COLUMNS = """
SELECT a.attname::text,
       pg_catalog.format_type(bt.oid, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END),
       a.attnotnull,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid),
       a.attidentity::text,
       a.attgenerated::text,
       pg_catalog.col_description(a.attrelid, a.attnum),
       bt.typtype::text,
       bt.oid::int8,
       bt.typname::text
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum"""

_ENUM_LABELS = "SELECT enumlabel::text FROM pg_catalog.pg_enum WHERE enumtypid = $1 ORDER BY enumsortorder"

# One row per column of each constraint of the kind $2, in key order.
_CONSTRAINT_COLUMNS = """
SELECT con.conname::text, a.attname::text, pg_catalog.obj_description(con.oid, 'pg_constraint')
FROM pg_catalog.pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
WHERE con.conrelid = $1 AND con.contype = $2::"char"
ORDER BY con.conname, k.position"""

_FOREIGN_KEYS = """
SELECT con.conname::text, a.attname::text, rc.relname::text, rn.nspname::text,
       rn.nspname = current_schema(), ra.attname::text,
       con.confupdtype::text, con.confdeltype::text, con.confmatchtype::text,
       con.condeferrable, con.condeferred, pg_catalog.obj_description(con.oid, 'pg_constraint')
FROM pg_catalog.pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum
WHERE con.conrelid = $1 AND con.contype = 'f'
ORDER BY con.conname, k.position"""

# One row per key column of each index but the primary key's, in key order;
# an expression's position has attnum 0 and no attname.
_INDEXES = """
SELECT ic.relname::text, i.indisunique, a.attname::text,
       pg_catalog.pg_get_indexdef(i.indexrelid, k.position, true), con.conname::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) AS k(position)
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.position - 1] AND a.attnum > 0
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
WHERE i.indrelid = $1 AND NOT i.indisprimary
ORDER BY ic.relname, k.position"""

_REFERENTIAL_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


class PostgreSQLReflection:
    """The Inspector's questions, answered from pg_catalog."""

    def _oid(self, conn: Connection, table: str, schema: str | None) -> int:
        if schema is None:
            query, params = _RELATION + _VISIBLE, [table]
        else:
            query, params = _RELATION + _IN_SCHEMA, [table, schema]
        oid: int | None = conn.exec_driver_sql(query, params).scalar()
        if oid is None:
            raise NoSuchTableError(f"{schema}.{table}" if schema is not None else table)
        return oid

    def default_schema_name(self, conn: Connection) -> str:
        name = conn.exec_driver_sql("SELECT current_schema()").scalar()
        if not isinstance(name, str):  # NULL when no schema of the search_path exists
            raise InvalidRequestError("the connection's search_path names no existing schema")
        return name

    def schema_names(self, conn: Connection) -> list[str]:
        sql = "SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1"
        return [row[0] for row in conn.exec_driver_sql(sql).all()]

    def _names(self, conn: Connection, kinds: str, schema: str | None) -> list[str]:
        if schema is None:
            rows = conn.exec_driver_sql(_NAMES.format(kinds=kinds, schema="current_schema()")).all()
        else:
            rows = conn.exec_driver_sql(_NAMES.format(kinds=kinds, schema="$1"), [schema]).all()
        return [row[0] for row in rows]

    def table_names(self, conn: Connection, schema: str | None) -> list[str]:
        return self._names(conn, "'r', 'p'", schema)

    def view_names(self, conn: Connection, schema: str | None) -> list[str]:
        return self._names(conn, "'v'", schema)

    def has_table(self, conn: Connection, table: str, schema: str | None) -> bool:
        try:
            self._oid(conn, table, schema)
        except NoSuchTableError:
            return False
        return True

    def columns(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedColumn]:
        oid = self._oid(conn, table, schema)
        found = []
        for row in conn.exec_driver_sql(_COLUMNS, [oid]).all():
            name, formatted, notnull, default, identity, generated, comment, kind, type_oid, type_name = row
            if kind == "e":
                labels = [r[0] for r in conn.exec_driver_sql(_ENUM_LABELS, [type_oid]).all()]
                type_: sqltypes.TypeEngine = sqltypes.Enum(*labels, name=type_name)
            else:
                type_ = postgresql_type(formatted)
            column: ReflectedColumn = {
                "name": name,
                "type": type_,
                "nullable": not notnull,
                "default": default if not generated else None,
                "autoincrement": bool(identity) or (default or "").startswith("nextval("),
                "comment": comment,
            }
            if generated:
                column["computed"] = {"sqltext": default, "persisted": generated == "s"}
            found.append(column)
        return found

    def _constraints(self, conn: Connection, oid: int, kind: str) -> dict[str, tuple[list[str], str | None]]:
        found: dict[str, tuple[list[str], str | None]] = {}
        for name, column, comment in conn.exec_driver_sql(_CONSTRAINT_COLUMNS, [oid, kind]).all():
            found.setdefault(name, ([], comment))[0].append(column)
        return found

    def pk_constraint(self, conn: Connection, table: str, schema: str | None) -> ReflectedPrimaryKey:
        for name, (columns, comment) in self._constraints(conn, self._oid(conn, table, schema), "p").items():
            return {"constrained_columns": columns, "name": name, "comment": comment}
        return {"constrained_columns": [], "name": None}

    def foreign_keys(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedForeignKey]:
        rows = conn.exec_driver_sql(_FOREIGN_KEYS, [self._oid(conn, table, schema)]).all()
        found: dict[str, ReflectedForeignKey] = {}
        for row in rows:
            name, column, referred_table, referred_schema, in_default_schema, referred_column = row[:6]
            on_update, on_delete, match, deferrable, deferred, comment = row[6:]
            fk = found.get(name)
            if fk is None:
                options: dict[str, Any] = {}
                if on_delete in _REFERENTIAL_ACTIONS:
                    options["ondelete"] = _REFERENTIAL_ACTIONS[on_delete]
                if on_update in _REFERENTIAL_ACTIONS:
                    options["onupdate"] = _REFERENTIAL_ACTIONS[on_update]
                if deferrable:
                    options["deferrable"] = True
                if deferred:
                    options["initially"] = "DEFERRED"
                if match == "f":
                    options["match"] = "FULL"
                fk = found[name] = {
                    "name": name,
                    "constrained_columns": [],
                    "referred_schema": None if schema is None and in_default_schema else referred_schema,
                    "referred_table": referred_table,
                    "referred_columns": [],
                    "options": options,
                    "comment": comment,
                }
            fk["constrained_columns"].append(column)
            fk["referred_columns"].append(referred_column)
        return list(found.values())

    def indexes(
        self, conn: Connection, table: str, schema: str | None, include_auto: bool
    ) -> list[ReflectedIndex]:
        rows = conn.exec_driver_sql(_INDEXES, [self._oid(conn, table, schema)]).all()
        found: dict[str, ReflectedIndex] = {}
        for name, unique, column, definition, constraint in rows:
            index = found.get(name)
            if index is None:
                index = found[name] = {"name": name, "column_names": [], "unique": unique, "expressions": []}
                if constraint is not None:
                    index["duplicates_constraint"] = constraint
            index["column_names"].append(column)
            index["expressions"].append(column if column is not None else definition)
        for index in found.values():
            if None not in index["column_names"]:
                del index["expressions"]
        return list(found.values())

    def unique_constraints(
        self, conn: Connection, table: str, schema: str | None
    ) -> list[ReflectedUniqueConstraint]:
        found = self._constraints(conn, self._oid(conn, table, schema), "u")
        return [
            {"name": name, "column_names": columns, "comment": comment}
            for name, (columns, comment) in found.items()
        ]
