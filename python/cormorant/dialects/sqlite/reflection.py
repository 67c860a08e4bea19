"""SQLite reflection for the Inspector (cormorant.engine.reflection): the
PRAGMA and sqlite_master queries, column types from declared types and
SQLite's affinity rules, and a small CREATE TABLE tokenizer and parser for
what only the statement's text holds (constraint names, a foreign key's
DEFERRABLE / INITIALLY, generated columns' expressions)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ...engine.reflection import (
    ReflectedColumn,
    ReflectedForeignKey,
    ReflectedIndex,
    ReflectedPrimaryKey,
    ReflectedUniqueConstraint,
    named_type,
    split_declared,
)
from ...exc import NoSuchTableError
from ...sql import sqltypes

if TYPE_CHECKING:
    from ...engine.base import Connection
    from ...engine.result import Row


def sqlite_type(declared: str | None) -> sqltypes.TypeEngine:
    """The type of a SQLite column from its declared type: a known name, else
    the type SQLite's affinity rules give it, as SQLAlchemy resolves it."""
    name, args = split_declared(declared or "")
    named = named_type(name, args)
    if named is not None:
        return named
    if "INT" in name:
        return sqltypes.Integer()
    if "CHAR" in name or "CLOB" in name or "TEXT" in name:
        return sqltypes.Text()
    if "BLOB" in name or not name:
        return sqltypes.NullType()
    if "REAL" in name or "FLOA" in name or "DOUB" in name:
        return sqltypes.Float()
    return sqltypes.Numeric(args[0] if args else None, args[1] if len(args) > 1 else None)


# --- the CREATE TABLE statement's text ---------------------------------------------


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


# --- PRAGMAs and sqlite_master -----------------------------------------------------


def _folded(names: list[str]) -> list[str]:
    """SQLite compares identifiers without regard to (ASCII) case."""
    return [n.lower() for n in names]


def _key_columns(table_info: Sequence[Row[Any]]) -> list[str]:
    """The primary key's columns, in key order, from PRAGMA table_info rows."""
    return [row[1] for row in sorted((r for r in table_info if r[5]), key=lambda r: r[5])]


class SQLiteReflection:
    """The Inspector's questions, answered from PRAGMAs and sqlite_master."""

    def _pragma(self, conn: Connection, pragma: str, name: str, schema: str | None) -> Sequence[Row[Any]]:
        prefix = f"{_quote(schema)}." if schema is not None else ""
        return conn.exec_driver_sql(f"PRAGMA {prefix}{pragma}({_quote(name)})").all()

    def _master(self, schema: str | None) -> str:
        return f"{_quote(schema or 'main')}.sqlite_master"

    def _table_info(self, conn: Connection, table: str, schema: str | None) -> Sequence[Row[Any]]:
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
            sql: str | None = conn.exec_driver_sql(
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
