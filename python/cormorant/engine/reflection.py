"""Inspector: the tables, columns, keys and indexes of a live database, read
from SQLite's PRAGMAs and schema table or from PostgreSQL's catalogs (never
from MetaData). `inspect(engine)` and `inspect(connection)` return one."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from ..exc import ArgumentError, NoSuchTableError
from ..sql import sqltypes
from .base import Connection, Engine

_R = TypeVar("_R")

ReflectedColumn = dict[str, Any]
ReflectedPrimaryKey = dict[str, Any]
ReflectedForeignKey = dict[str, Any]
ReflectedIndex = dict[str, Any]
ReflectedUniqueConstraint = dict[str, Any]


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
        self._impl: _SQLiteReflection | _PostgreSQLReflection = (
            _SQLiteReflection() if self.engine.name == "sqlite" else _PostgreSQLReflection()
        )

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

    def __repr__(self) -> str:
        return f"<Inspector {self.engine.url}>"


# --- column types -----------------------------------------------------------------


def _type_args(args: str | None) -> list[int]:
    return [int(a) for a in re.findall(r"\d+", args or "")]


def _string(args: list[int]) -> sqltypes.TypeEngine:
    return sqltypes.String(args[0] if args else None)


def _numeric(args: list[int]) -> sqltypes.TypeEngine:
    return sqltypes.Numeric(*args[:2])


def _plain(type_: type[sqltypes.TypeEngine], **kw: Any) -> Callable[[list[int]], sqltypes.TypeEngine]:
    return lambda _: type_(**kw)


# Type names, upper case and without arguments, as SQLite declarations and
# PostgreSQL's format_type() spell them.
_NAMED_TYPES: dict[str, Callable[[list[int]], sqltypes.TypeEngine]] = {
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


def _split_declared(declared: str) -> tuple[str, list[int]]:
    """A type's name and numeric arguments: "numeric(10, 2)" -> ("NUMERIC",
    [10, 2]); "timestamp(3) with time zone" -> ("TIMESTAMP WITH TIME ZONE", [3])."""
    match = _DECLARED_TYPE.match(declared)
    if match is None:
        return declared.upper(), []
    name = " ".join(f"{match.group(1)} {match.group(3)}".upper().split())
    return name, _type_args(match.group(2))


def sqlite_type(declared: str | None) -> sqltypes.TypeEngine:
    """The type of a SQLite column from its declared type: a known name, else
    the type SQLite's affinity rules give it, as SQLAlchemy resolves it."""
    name, args = _split_declared(declared or "")
    if name in _NAMED_TYPES:
        return _NAMED_TYPES[name](args)
    if "INT" in name:
        return sqltypes.Integer()
    if "CHAR" in name or "CLOB" in name or "TEXT" in name:
        return sqltypes.Text()
    if "BLOB" in name or not name:
        return sqltypes.NullType()
    if "REAL" in name or "FLOA" in name or "DOUB" in name:
        return sqltypes.Float()
    return sqltypes.Numeric(*args[:2])


def postgresql_type(formatted: str) -> sqltypes.TypeEngine:
    """The type of a PostgreSQL column from format_type(): NullType for arrays
    and the types cormorant has no class for."""
    if formatted.endswith("]"):
        return sqltypes.NullType()
    name, args = _split_declared(formatted)
    factory = _NAMED_TYPES.get(name)
    return factory(args) if factory is not None else sqltypes.NullType()


# --- SQLite -----------------------------------------------------------------------


def _quote(name: str) -> str:
    """An SQL identifier, double-quoted (for PRAGMAs, which take no parameters)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class _ParsedTable:
    """What only the CREATE TABLE text tells: constraint names, a foreign
    key's DEFERRABLE / INITIALLY, and generated columns' expressions."""

    pk_name: str | None = None
    uniques: list[tuple[str | None, list[str]]] = field(default_factory=list)
    # (name, constrained columns, referred table, referred columns, options)
    foreign_keys: list[tuple[str | None, list[str], str, list[str], dict[str, Any]]] = field(
        default_factory=list
    )
    # column name, lower-cased -> the SQL text of its AS (...) expression
    generated: dict[str, str] = field(default_factory=dict)


_SQL_TOKEN = re.compile(
    r"""\s+|--[^\n]*|/\*.*?(?:\*/|\Z)
    |(?P<ident>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    |(?P<string>'(?:[^']|'')*')
    |(?P<word>[\w$]+)
    |(?P<punct>.)""",
    re.S | re.X,
)


class _Token(NamedTuple):
    kind: str  # "ident" (quoted identifier), "word", "string" or "punct"
    value: str  # the identifier unquoted; the text otherwise
    start: int  # where the token begins and ends in the statement
    end: int

    @property
    def keyword(self) -> str | None:
        return self.value.upper() if self.kind == "word" else None

    def is_punct(self, char: str) -> bool:
        return self.kind == "punct" and self.value == char


def _tokenize(sql: str) -> list[_Token]:
    tokens = []
    for match in _SQL_TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind is None:
            continue
        text = match.group(kind)
        if kind == "ident":
            quote = text[0]
            text = text[1:-1] if quote == "[" else text[1:-1].replace(quote * 2, quote)
        tokens.append(_Token(kind, text, match.start(), match.end()))
    return tokens


def _table_elements(sql: str) -> list[list[_Token]]:
    """The comma-separated column definitions and table constraints of a
    CREATE TABLE statement, each as its tokens."""
    elements: list[list[_Token]] = []
    current: list[_Token] = []
    depth = 0
    for token in _tokenize(sql):
        if depth == 0:
            if token.keyword == "AS":  # CREATE TABLE ... AS SELECT: no constraints
                return []
            if token.is_punct("("):
                depth = 1
            continue
        if token.is_punct("("):
            depth += 1
        elif token.is_punct(")"):
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and token.is_punct(","):
            elements.append(current)
            current = []
        else:
            current.append(token)
    if current:
        elements.append(current)
    return elements


def _keyword(tokens: list[_Token], i: int) -> str | None:
    return tokens[i].keyword if i < len(tokens) else None


def _skip_parens(tokens: list[_Token], i: int) -> int:
    """The index after the parenthesized group that starts at tokens[i]."""
    depth = 0
    while i < len(tokens):
        if tokens[i].is_punct("("):
            depth += 1
        elif tokens[i].is_punct(")"):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _column_list(tokens: list[_Token], i: int) -> tuple[list[str], int]:
    """The names in a parenthesized column list at tokens[i] (each item's first
    token: `name COLLATE x DESC` gives name), and the index after it."""
    if i >= len(tokens) or not tokens[i].is_punct("("):
        return [], i
    end = _skip_parens(tokens, i)
    names: list[str] = []
    expect_name = True
    for token in tokens[i + 1 : end - 1]:
        if token.is_punct(","):
            expect_name = True
        elif expect_name:
            names.append(token.value)
            expect_name = False
    return names, end


def _references(tokens: list[_Token], i: int) -> tuple[str, list[str], dict[str, Any], int]:
    """REFERENCES table [(columns)] [ON ... | MATCH x | [NOT] DEFERRABLE |
    INITIALLY x]..., from just after REFERENCES: the table, columns, the
    options only the text holds, and the index after the clause."""
    table = tokens[i].value if i < len(tokens) else ""
    columns, i = _column_list(tokens, i + 1)
    options: dict[str, Any] = {}
    while i < len(tokens):
        word = tokens[i].keyword
        if word == "ON":
            i += 4 if _keyword(tokens, i + 2) in ("SET", "NO") else 3
        elif word == "MATCH":
            i += 2
        elif word == "NOT" and _keyword(tokens, i + 1) == "DEFERRABLE":
            options["deferrable"] = False
            i += 2
        elif word == "DEFERRABLE":
            options["deferrable"] = True
            i += 1
        elif word == "INITIALLY":
            options["initially"] = _keyword(tokens, i + 1)
            i += 2
        else:
            break
    return table, columns, options, i


_TABLE_CONSTRAINT_START = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


def _parse_table(sql: str | None) -> _ParsedTable:
    sql = sql or ""
    keys = _ParsedTable()
    for tokens in _table_elements(sql):
        if not tokens:
            continue
        if tokens[0].keyword in _TABLE_CONSTRAINT_START:
            name = tokens[1].value if tokens[0].keyword == "CONSTRAINT" and len(tokens) > 1 else None
            i = 2 if tokens[0].keyword == "CONSTRAINT" else 0
            kind = _keyword(tokens, i)
            if kind == "PRIMARY":
                keys.pk_name = name
            elif kind == "UNIQUE":
                keys.uniques.append((name, _column_list(tokens, i + 1)[0]))
            elif kind == "FOREIGN" and _keyword(tokens, i + 1) == "KEY":
                columns, j = _column_list(tokens, i + 2)
                if _keyword(tokens, j) == "REFERENCES":
                    table, referred, options, _ = _references(tokens, j + 1)
                    keys.foreign_keys.append((name, columns, table, referred, options))
            continue
        column = tokens[0].value
        pending: str | None = None  # the name a CONSTRAINT clause gives the next constraint
        i = 1
        while i < len(tokens):
            token = tokens[i]
            word = token.keyword
            if token.is_punct("("):  # a type's arguments, or a CHECK / DEFAULT expression
                end = _skip_parens(tokens, i)
                if _keyword(tokens, i - 1) == "AS" and end - 1 < len(tokens):
                    keys.generated[column.lower()] = sql[token.end : tokens[end - 1].start].strip()
                i = end
                continue
            if word == "CONSTRAINT" and i + 1 < len(tokens):
                pending = tokens[i + 1].value
                i += 2
                continue
            if word == "REFERENCES":
                table, referred, options, i = _references(tokens, i + 1)
                keys.foreign_keys.append((pending, [column], table, referred, options))
                pending = None
                continue
            if word == "PRIMARY":
                keys.pk_name = pending
            elif word == "UNIQUE":
                keys.uniques.append((pending, [column]))
            if word in ("PRIMARY", "UNIQUE", "NOT", "NULL", "CHECK", "DEFAULT", "COLLATE", "GENERATED", "AS"):
                pending = None
            i += 1
    return keys


def _folded(names: list[str]) -> list[str]:
    """SQLite compares identifiers without regard to (ASCII) case."""
    return [n.lower() for n in names]


def _key_columns(table_info: list[Any]) -> list[str]:
    """The primary key's columns, in key order, from PRAGMA table_info rows."""
    return [row[1] for row in sorted((r for r in table_info if r[5]), key=lambda r: r[5])]


class _SQLiteReflection:
    def _pragma(self, conn: Connection, pragma: str, name: str, schema: str | None) -> list[Any]:
        prefix = f"{_quote(schema)}." if schema is not None else ""
        return conn.exec_driver_sql(f"PRAGMA {prefix}{pragma}({_quote(name)})").all()

    def _master(self, schema: str | None) -> str:
        return f"{_quote(schema or 'main')}.sqlite_master"

    def _table_info(self, conn: Connection, table: str, schema: str | None) -> list[Any]:
        """PRAGMA table_xinfo rows (cid, name, type, notnull, dflt_value, pk,
        hidden); NoSuchTableError if there is no such table or view."""
        rows = self._pragma(conn, "table_xinfo", table, schema)
        if not rows:
            raise NoSuchTableError(table)
        return rows

    def _table_sql(self, conn: Connection, table: str, schema: str | None) -> str | None:
        masters = (
            [self._master(schema)] if schema is not None else ["temp.sqlite_master", "main.sqlite_master"]
        )
        for master in masters:
            sql = conn.exec_driver_sql(
                f"SELECT sql FROM {master} WHERE type = 'table' AND name = ? COLLATE NOCASE", [table]
            ).scalar()
            if sql is not None:
                return sql
        return None

    def default_schema_name(self, conn: Connection) -> str:
        return "main"

    def schema_names(self, conn: Connection) -> list[str]:
        return [row[1] for row in conn.exec_driver_sql("PRAGMA database_list").all() if row[1] != "temp"]

    def _names(self, conn: Connection, kind: str, schema: str | None) -> list[str]:
        sql = (
            f"SELECT name FROM {self._master(schema)} WHERE type = ? "
            "AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name"
        )
        return [row[0] for row in conn.exec_driver_sql(sql, [kind]).all()]

    def table_names(self, conn: Connection, schema: str | None) -> list[str]:
        return self._names(conn, "table", schema)

    def view_names(self, conn: Connection, schema: str | None) -> list[str]:
        return self._names(conn, "view", schema)

    def has_table(self, conn: Connection, table: str, schema: str | None) -> bool:
        return bool(self._pragma(conn, "table_info", table, schema))

    def columns(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedColumn]:
        found = []
        generated: dict[str, str] | None = None
        for _, name, declared, notnull, default, pk, hidden in self._table_info(conn, table, schema):
            if hidden == 1:  # a virtual table's hidden column
                continue
            column: ReflectedColumn = {
                "name": name,
                "type": sqlite_type(declared),
                "nullable": not notnull,
                "default": default,
                "primary_key": pk,
            }
            if hidden in (2, 3):  # generated: 2 VIRTUAL, 3 STORED
                if generated is None:
                    generated = _parse_table(self._table_sql(conn, table, schema)).generated
                column["computed"] = {"sqltext": generated.get(name.lower(), ""), "persisted": hidden == 3}
            found.append(column)
        return found

    def pk_constraint(self, conn: Connection, table: str, schema: str | None) -> ReflectedPrimaryKey:
        columns = _key_columns(self._table_info(conn, table, schema))
        name = _parse_table(self._table_sql(conn, table, schema)).pk_name if columns else None
        return {"constrained_columns": columns, "name": name}

    def foreign_keys(self, conn: Connection, table: str, schema: str | None) -> list[ReflectedForeignKey]:
        self._table_info(conn, table, schema)
        rows = self._pragma(conn, "foreign_key_list", table, schema)
        if not rows:
            return []
        found: dict[int, ReflectedForeignKey] = {}
        for fk_id, _, referred_table, column, referred_column, on_update, on_delete, _ in sorted(
            rows, key=lambda r: (r[0], r[1])
        ):
            fk = found.get(fk_id)
            if fk is None:
                options = {}
                if on_delete and on_delete != "NO ACTION":
                    options["ondelete"] = on_delete
                if on_update and on_update != "NO ACTION":
                    options["onupdate"] = on_update
                fk = found[fk_id] = {
                    "name": None,
                    "constrained_columns": [],
                    "referred_schema": schema,
                    "referred_table": referred_table,
                    "referred_columns": [],
                    "options": options,
                }
            fk["constrained_columns"].append(column)
            if referred_column is not None:
                fk["referred_columns"].append(referred_column)
        parsed = _parse_table(self._table_sql(conn, table, schema)).foreign_keys
        for fk in found.values():
            if not fk["referred_columns"]:  # REFERENCES t, without columns: t's primary key
                referred = self._pragma(conn, "table_info", fk["referred_table"], schema)
                fk["referred_columns"] = _key_columns(referred)
            for entry in parsed:
                name, columns, referred_table, referred_columns, options = entry
                if (
                    _folded(columns) == _folded(fk["constrained_columns"])
                    and referred_table.lower() == fk["referred_table"].lower()
                    and (not referred_columns or _folded(referred_columns) == _folded(fk["referred_columns"]))
                ):
                    fk["name"] = name
                    fk["options"].update(options)
                    parsed.remove(entry)
                    break
        return list(found.values())

    def _index_columns(self, conn: Connection, index: str, schema: str | None) -> list[str | None]:
        return [row[2] for row in sorted(self._pragma(conn, "index_info", index, schema))]

    def indexes(
        self, conn: Connection, table: str, schema: str | None, include_auto: bool
    ) -> list[ReflectedIndex]:
        self._table_info(conn, table, schema)
        found = []
        for _, name, unique, _, _ in self._pragma(conn, "index_list", table, schema):
            if name.startswith("sqlite_autoindex") and not include_auto:
                continue
            columns = self._index_columns(conn, name, schema)
            if None in columns:
                warnings.warn(
                    f"Skipped unsupported reflection of expression-based index {name}",
                    RuntimeWarning,
                    stacklevel=4,
                )
                continue
            found.append({"name": name, "column_names": columns, "unique": bool(unique)})
        return sorted(found, key=lambda ix: ix["name"])

    def unique_constraints(
        self, conn: Connection, table: str, schema: str | None
    ) -> list[ReflectedUniqueConstraint]:
        self._table_info(conn, table, schema)
        automatic = [row[1] for row in self._pragma(conn, "index_list", table, schema) if row[3] == "u"]
        if not automatic:
            return []
        # sqlite_autoindex_<table>_<n> is numbered in the order the constraints are declared
        automatic.sort(key=lambda name: int(name.rsplit("_", 1)[1]) if name[-1:].isdigit() else 0)
        parsed = _parse_table(self._table_sql(conn, table, schema)).uniques
        found = []
        for index in automatic:
            columns = [c for c in self._index_columns(conn, index, schema) if c is not None]
            name = None
            for entry in parsed:
                if _folded(entry[1]) == _folded(columns):
                    name = entry[0]
                    parsed.remove(entry)
                    break
            found.append({"name": name, "column_names": columns})
        return found


# --- PostgreSQL ---------------------------------------------------------------------

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


class _PostgreSQLReflection:
    def _oid(self, conn: Connection, table: str, schema: str | None) -> int:
        if schema is None:
            oid = conn.exec_driver_sql(_RELATION + _VISIBLE, [table]).scalar()
        else:
            oid = conn.exec_driver_sql(_RELATION + _IN_SCHEMA, [table, schema]).scalar()
        if oid is None:
            raise NoSuchTableError(f"{schema}.{table}" if schema is not None else table)
        return oid

    def default_schema_name(self, conn: Connection) -> str:
        return conn.exec_driver_sql("SELECT current_schema()").scalar()

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
