"""DDL scripts: the datums that CREATE or DROP a set of tables, in order, with
their indexes, their use_alter foreign keys and the native enum types
PostgreSQL needs. The bind runs a script (Engine/Connection._run_ddl): the
engine calls into sql/, and nothing here executes."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..exc import ArgumentError, IdentifierError
from .elements import BindCollector, ClauseElement, Executable

DDLScript = list[Any]  # DDL datums, compiled by the engine like any statement


def supports_alter(dialect: str) -> bool:
    """ALTER TABLE ... ADD CONSTRAINT; SQLite lacks it but accepts foreign
    keys to tables created later, so there they stay inline."""
    return dialect == "postgresql"


def create_script(tables: Sequence[Any], dialect: str, checkfirst: bool, *, defer_alter: bool) -> DDLScript:
    """CREATE TABLE (and CREATE INDEX) for `tables` in the order given, after
    their enum types on PostgreSQL. With `defer_alter` (create_all), use_alter
    foreign keys are added by ALTER TABLE once every table exists."""
    deferred = defer_alter and supports_alter(dialect)
    script: DDLScript = []
    if dialect == "postgresql":
        require_identifier_lengths(tables)
        script += [("create_enum", n, v, checkfirst) for n, v in _native_enums(tables).items()]
    for table in tables:
        script.append(table._create_datum(checkfirst, not deferred, dialect))
        script.extend(index._create_datum(checkfirst) for index in table.indexes)
    if deferred:
        script += add_deferred_foreign_keys(tables, checkfirst)
    return script


# The longest name PostgreSQL keeps whole (NAMEDATALEN - 1); it would cut longer ones.
POSTGRESQL_MAX_IDENTIFIER = 63


def require_identifier_lengths(tables: Sequence[Any]) -> None:
    """IdentifierError for an index or constraint name given explicitly that
    PostgreSQL would cut short, as SQLAlchemy raises (the names cormorant makes
    up, for Column(index=True), are left to PostgreSQL)."""
    for table in tables:
        names = [index.name for index in table.indexes if not index._column_flag]
        names += [constraint.name for constraint in table.constraints]
        names += [fk.name for fk in table.foreign_keys]
        for name in names:
            if name and len(name) > POSTGRESQL_MAX_IDENTIFIER:
                raise IdentifierError(
                    f"Identifier '{name}' exceeds maximum length of {POSTGRESQL_MAX_IDENTIFIER} characters"
                )


def drop_script(tables: Sequence[Any], dialect: str, checkfirst: bool, *, defer_alter: bool) -> DDLScript:
    """DROP TABLE for `tables` in the order given (dependents first), then
    their enum types on PostgreSQL; with `defer_alter` (drop_all), use_alter
    foreign keys are dropped first."""
    script: DDLScript = []
    if defer_alter and supports_alter(dialect):
        script += drop_deferred_foreign_keys(tables, checkfirst)
    script += [("drop_table", t.name, checkfirst) for t in tables]
    if dialect == "postgresql":
        script += [("drop_enum", n, checkfirst) for n in _native_enums(tables)]
    return script


def _deferred_foreign_keys(tables: Iterable[Any]) -> list[tuple[Any, Any, str]]:
    found = []
    for table in tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.use_alter:
                    target = fk.target_table_name
                    found.append((table, fk, fk.name or f"fk_{table.name}_{column.name}_{target}"))
    return found


def add_deferred_foreign_keys(tables: Iterable[Any], checkfirst: bool) -> DDLScript:
    """ALTER TABLE ... ADD CONSTRAINT for use_alter foreign keys, once every table exists."""
    script: DDLScript = []
    for table, fk, name in _deferred_foreign_keys(tables):
        target_table, target_column = fk.target_fullname.rsplit(".", 1)
        constraint = (
            "foreign_key",
            name,
            (fk.parent.name,),
            target_table,
            (target_column,),
            fk.ondelete,
            fk.onupdate,
        )
        script.append(("add_constraint", table.name, constraint, checkfirst))
    return script


def drop_deferred_foreign_keys(tables: Iterable[Any], checkfirst: bool) -> DDLScript:
    return [
        ("drop_constraint", table.name, name, checkfirst) for table, _, name in _deferred_foreign_keys(tables)
    ]


def _native_enums(tables: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    from .sqltypes import Enum

    found: dict[str, tuple[str, ...]] = {}
    for table in tables:
        for column in table.columns:
            type_ = column._resolve_type()
            if isinstance(type_, Enum) and type_.native_name:
                found.setdefault(type_.native_name, tuple(type_.values))
    return found


class BaseDDLElement(ClauseElement):
    """Base of the DDL constructs."""


class ExecutableDDLElement(Executable, BaseDDLElement):
    """A DDL statement a Connection executes (conn.execute(DDL(...)))."""

    target: Any = None

    def __init__(self) -> None:
        self._execution_options: dict[str, Any] = {}

    def against(self, target: Any) -> ExecutableDDLElement:
        """This statement for `target` (a Table), whose names it may substitute."""
        new = copy.copy(self)
        new.target = target
        return new

    def execute_if(
        self, dialect: Any = None, callable_: Any = None, state: Any = None
    ) -> ExecutableDDLElement:
        raise NotImplementedError(
            "DDL.execute_if() conditions DDL run by metadata events (after_create, before_drop), "
            "which cormorant does not dispatch yet; run the DDL with conn.execute() where it applies"
        )


DDLElement = ExecutableDDLElement


class DDL(ExecutableDDLElement):
    """Literal DDL text: `DDL("CREATE INDEX ... ON %(table)s (x)")`. Against a
    table, %(table)s, %(schema)s and %(fullname)s name it; `context` adds
    other substitutions. No bound parameters: colons are plain text."""

    __visit_name__ = "ddl"

    def __init__(self, statement: str, context: Mapping[str, Any] | None = None) -> None:
        if not isinstance(statement, str):
            raise ArgumentError(f"DDL() takes SQL text, got {statement!r}")
        super().__init__()
        self.statement = statement
        self.context = dict(context or {})

    def _substituted(self) -> str:
        names = dict(self.context)
        if self.target is not None:
            schema = getattr(self.target, "schema", None)
            name = self.target.name
            names.update(table=name, schema=schema or "", fullname=f"{schema}.{name}" if schema else name)
        try:
            return self.statement % names if names or "%" in self.statement else self.statement
        except KeyError as e:
            raise ArgumentError(
                f"DDL {self.statement!r} names %({e.args[0]})s, which nothing supplies"
            ) from None

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("text", self._substituted().replace(":", "\\:"))

    def __repr__(self) -> str:
        return f"<DDL@{id(self)}; {self.statement!r}>"
