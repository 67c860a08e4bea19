"""DDL scripts: the datums that CREATE or DROP a set of tables, in order, with
their indexes, their use_alter foreign keys and the native enum types
PostgreSQL needs. The bind runs a script (Engine/Connection._run_ddl): the
engine calls into sql/, and nothing here executes."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .. import _native
from ..exc import ArgumentError, CompileError, IdentifierError
from .elements import BindCollector, ClauseElement, Executable
from .visitors import ClauseVisitor

DDLScript = list[Any]  # DDL datums, compiled by the engine like any statement


def supports_alter(dialect: str) -> bool:
    """ALTER TABLE ... ADD CONSTRAINT; SQLite lacks it but accepts foreign
    keys to tables created later, so there they stay inline."""
    return dialect == "postgresql"


def create_script(
    tables: Sequence[Any], dialect: str, checkfirst: bool, *, defer_alter: bool, metadata: Any = None
) -> DDLScript:
    """CREATE TABLE (and CREATE INDEX) for `tables` in the order given, after
    their enum types on PostgreSQL. With `defer_alter` (create_all), use_alter
    foreign keys are added by ALTER TABLE once every table exists."""
    deferred = defer_alter and supports_alter(dialect)
    script: DDLScript = []
    if dialect == "postgresql":
        require_identifier_lengths(tables)
        script += [("create_enum", n, v, checkfirst) for n, v in _native_enums(tables).items()]
        script += [
            CreateSequence(s, checkfirst)._sequence_datum(dialect) for s in sequences_of(tables, metadata)
        ]
    for named in _named_types(tables):  # PostgreSQL's domains
        script += named._schema_script(dialect, True, checkfirst)
    for table in tables:
        script.append(table._create_datum(checkfirst, not deferred, dialect))
        script.extend(
            index._create_datum(checkfirst) for index in table.indexes if index._included_on(dialect)
        )
        if dialect == "postgresql":
            script.extend(_comment_datums(table))
    if deferred:
        script += add_deferred_foreign_keys(tables, checkfirst)
    return script


def _comment_datums(table: Any) -> DDLScript:
    """COMMENT ON the table and its columns, for those that have one (PostgreSQL)."""
    items: list[_CommentDDL] = [SetTableComment(table)] if table.comment else []
    items += [SetColumnComment(c) for c in table.columns if c.comment]
    binds = BindCollector("postgresql")
    return [item._datum(binds) for item in items]


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


def drop_script(
    tables: Sequence[Any], dialect: str, checkfirst: bool, *, defer_alter: bool, metadata: Any = None
) -> DDLScript:
    """DROP TABLE for `tables` in the order given (dependents first), then
    their enum types on PostgreSQL; with `defer_alter` (drop_all), use_alter
    foreign keys are dropped first."""
    script: DDLScript = []
    if defer_alter and supports_alter(dialect):
        script += drop_deferred_foreign_keys(tables, checkfirst)
    script += [("drop_table", t.name, checkfirst) for t in tables]
    for named in _named_types(tables):
        script += named._schema_script(dialect, False, checkfirst)
    if dialect == "postgresql":
        script += [("drop_enum", n, checkfirst) for n in _native_enums(tables)]
        script += [
            DropSequence(s, checkfirst)._sequence_datum(dialect) for s in sequences_of(tables, metadata)
        ]
    return script


def _deferred_foreign_keys(tables: Iterable[Any]) -> list[tuple[Any, Any, str]]:
    found = []
    for table in tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.use_alter:
                    target = fk.target_table_name
                    datum = table._column_foreign_key_datum(column, fk)
                    found.append((table, fk, datum[1] or f"fk_{table.name}_{column.name}_{target}"))
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
            if isinstance(type_, Enum) and type_.native_name and getattr(type_, "create_type", True):
                found.setdefault(type_.native_name, tuple(type_.values))
    return found


class HasConditionalDDL:
    """An index or constraint that create_all makes only on some dialects: ddl_if()."""

    _ddl_dialects: tuple[str, ...] | None = None

    def ddl_if(
        self, dialect: str | Sequence[str] | None = None, callable_: Any = None, state: Any = None
    ) -> Any:
        """Create this item only on `dialect` (a name, or several) with create_all."""
        if callable_ is not None or state is not None:
            raise NotImplementedError(
                "ddl_if(callable_=, state=): cormorant builds DDL scripts before it has a connection "
                "to call them with; give dialect= instead"
            )
        self._ddl_dialects = (
            None if dialect is None else (dialect,) if isinstance(dialect, str) else tuple(dialect)
        )
        return self

    def _included_on(self, dialect: str | None) -> bool:
        return self._ddl_dialects is None or dialect is None or dialect in self._ddl_dialects


class SchemaVisitor(ClauseVisitor):
    """A visitor over schema objects: traverse_single(item) calls visit_<name>(item)."""

    __traverse_options__ = {"schema_visitor": True}

    def traverse_single(self, obj: Any, **kw: Any) -> Any:
        method = getattr(self, f"visit_{obj.__visit_name__}", None)
        return method(obj, **kw) if method is not None else None


class InvokeDDLBase(SchemaVisitor):
    """A SchemaVisitor that runs DDL on `connection` as it visits (create_all's kind)."""

    def __init__(self, connection: Any, **kw: Any) -> None:
        self.connection = connection
        for name, value in kw.items():
            setattr(self, name, value)


def _named_types(tables: Iterable[Any]) -> list[Any]:
    """The schema types other than enums the tables' columns use (domains),
    once each by name, unless created elsewhere (create_type=False)."""
    from .sqltypes import Enum, SchemaType

    found: dict[str, Any] = {}
    for table in tables:
        for column in table.columns:
            type_ = column._resolve_type()
            if (
                isinstance(type_, SchemaType)
                and not isinstance(type_, Enum)
                and getattr(type_, "create_type", False)
            ):
                found.setdefault(type_.name, type_)  # type: ignore[attr-defined]
    return list(found.values())


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


# --- DDL about one schema item: CreateTable(t), DropIndex(ix), AddConstraint(c)... -------------


def _ddl_dialect(binds: BindCollector) -> str | None:
    """The dialect a DDL datum is built for; None for SQLAlchemy's generic string form."""
    return binds.dialect if binds.dialect in ("sqlite", "postgresql") else None


def _q(name: str) -> str:
    return _native.quote_identifier(name)


def _string_literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _text_datum(sql: str) -> tuple[Any, ...]:
    return ("text", sql.replace(":", "\\:"))


class _CreateDropBase(ExecutableDDLElement):
    """A DDL statement about one schema item, `element`, built for the dialect
    it is compiled for. Printed without a dialect, it reads as SQLAlchemy's
    generic DDL, which SQLite's spelling of the types matches."""

    _default_string_dialect = "sqlite"

    def __init__(self, element: Any) -> None:
        super().__init__()
        self.element = element

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self.element, 'name', self.element)!r}>"


class CreateTable(_CreateDropBase):
    """CREATE TABLE for a Table: its columns, key and constraints (not its indexes)."""

    __visit_name__ = "create_table"

    def __init__(
        self, element: Any, include_foreign_key_constraints: Any = None, if_not_exists: bool = False
    ) -> None:
        if include_foreign_key_constraints is not None:
            raise NotImplementedError(
                "CreateTable(include_foreign_key_constraints=) is not supported: cormorant writes a "
                "table's foreign keys inline, and adds use_alter ones with AddConstraint"
            )
        super().__init__(element)
        self.if_not_exists = if_not_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        datum: tuple[Any, ...] = self.element._create_datum(self.if_not_exists, True, _ddl_dialect(binds))
        return datum


class CreateColumn(BaseDDLElement):
    """A Column as CREATE TABLE writes it (`name TYPE DEFAULT ... NOT NULL`):
    printable, and what a @compiles(CreateColumn) hook is handed."""

    __visit_name__ = "create_column"
    _default_string_dialect = "sqlite"

    def __init__(self, element: Any) -> None:
        self.element = element

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("create_column", self.element._ddl(_ddl_dialect(binds)))


class DropTable(_CreateDropBase):
    __visit_name__ = "drop_table"

    def __init__(self, element: Any, if_exists: bool = False) -> None:
        super().__init__(element)
        self.if_exists = if_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("drop_table", self.element.name, self.if_exists)


class CreateIndex(_CreateDropBase):
    __visit_name__ = "create_index"

    def __init__(self, element: Any, if_not_exists: bool = False) -> None:
        super().__init__(element)
        self.if_not_exists = if_not_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        datum: tuple[Any, ...] = self.element._create_datum(self.if_not_exists)
        return datum


class DropIndex(_CreateDropBase):
    __visit_name__ = "drop_index"

    def __init__(self, element: Any, if_exists: bool = False) -> None:
        super().__init__(element)
        self.if_exists = if_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        datum: tuple[Any, ...] = self.element._drop_datum(self.if_exists)
        return datum


class AddConstraint(_CreateDropBase):
    """ALTER TABLE ... ADD CONSTRAINT (PostgreSQL; SQLite has no such statement).
    With `isolate_from_table` (the default), CreateTable leaves the constraint out."""

    __visit_name__ = "add_constraint"

    def __init__(self, element: Any, isolate_from_table: bool = True) -> None:
        super().__init__(element)
        if isolate_from_table:
            element.create_inline = False

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        constraint = self.element
        if not hasattr(constraint, "_datum") or constraint.table is None:
            raise ArgumentError(f"AddConstraint() takes a constraint of a table, not {constraint!r}")
        return ("add_constraint", constraint.table.name, constraint._datum(_ddl_dialect(binds)), False)


class DropConstraint(_CreateDropBase):
    __visit_name__ = "drop_constraint"

    def __init__(self, element: Any, cascade: bool = False, if_exists: bool = False) -> None:
        super().__init__(element)
        self.cascade, self.if_exists = cascade, if_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        constraint = self.element
        if constraint.name is None or constraint.table is None:
            raise ArgumentError("DropConstraint() needs a named constraint of a table")
        if not self.cascade:
            return ("drop_constraint", constraint.table.name, constraint.name, self.if_exists)
        exists = "IF EXISTS " if self.if_exists else ""
        return _text_datum(
            f"ALTER TABLE {_q(constraint.table.name)} DROP CONSTRAINT {exists}{_q(constraint.name)} CASCADE"
        )


class CreateSchema(_CreateDropBase):
    __visit_name__ = "create_schema"

    def __init__(self, name: str, if_not_exists: bool = False) -> None:
        super().__init__(name)
        self.if_not_exists = if_not_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return _text_datum(
            f"CREATE SCHEMA {'IF NOT EXISTS ' if self.if_not_exists else ''}{_q(self.element)}"
        )


class DropSchema(_CreateDropBase):
    __visit_name__ = "drop_schema"

    def __init__(self, name: str, cascade: bool = False, if_exists: bool = False) -> None:
        super().__init__(name)
        self.cascade, self.if_exists = cascade, if_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        exists = "IF EXISTS " if self.if_exists else ""
        return _text_datum(f"DROP SCHEMA {exists}{_q(self.element)}{' CASCADE' if self.cascade else ''}")


class _CommentDDL(_CreateDropBase):
    """COMMENT ON ... IS ...: PostgreSQL's; SQLite keeps no comments."""

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect == "sqlite":
            raise CompileError(
                f"{type(self).__name__}: SQLite does not support comments on tables or columns"
            )
        return _text_datum(f"COMMENT ON {self._target()} IS {_string_literal(self._comment())}")

    def _target(self) -> str:
        raise NotImplementedError

    def _comment(self) -> str | None:
        return None  # the Drop... forms


class SetTableComment(_CommentDDL):
    __visit_name__ = "set_table_comment"

    def _target(self) -> str:
        return f"TABLE {_q(self.element.name)}"

    def _comment(self) -> str | None:
        comment: str | None = self.element.comment
        return comment


class DropTableComment(SetTableComment):
    __visit_name__ = "drop_table_comment"

    def _comment(self) -> str | None:
        return None


class SetColumnComment(_CommentDDL):
    __visit_name__ = "set_column_comment"

    def _target(self) -> str:
        column = self.element
        return f"COLUMN {_q(column.table.name)}.{_q(column.name)}"

    def _comment(self) -> str | None:
        comment: str | None = self.element.comment
        return comment


class DropColumnComment(SetColumnComment):
    __visit_name__ = "drop_column_comment"

    def _comment(self) -> str | None:
        return None


class SetConstraintComment(_CommentDDL):
    __visit_name__ = "set_constraint_comment"

    def _target(self) -> str:
        constraint = self.element
        return f"CONSTRAINT {_q(constraint.name)} ON {_q(constraint.table.name)}"

    def _comment(self) -> str | None:
        comment: str | None = getattr(self.element, "comment", None)
        return comment


class DropConstraintComment(SetConstraintComment):
    __visit_name__ = "drop_constraint_comment"

    def _comment(self) -> str | None:
        return None


class CreateSequence(_CreateDropBase):
    """CREATE SEQUENCE name [options] (PostgreSQL)."""

    __visit_name__ = "create_sequence"

    def __init__(self, element: Any, if_not_exists: bool = False) -> None:
        super().__init__(element)
        self.if_not_exists = if_not_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self._sequence_datum(binds.dialect)

    def _sequence_datum(self, dialect: str) -> tuple[Any, ...]:
        exists = "IF NOT EXISTS " if self.if_not_exists else ""
        options = self.element._options_sql()
        return _text_datum(
            f"CREATE SEQUENCE {exists}{_q(self.element.name)}" + (f" {options}" if options else "")
        )


class DropSequence(_CreateDropBase):
    __visit_name__ = "drop_sequence"

    def __init__(self, element: Any, if_exists: bool = False) -> None:
        super().__init__(element)
        self.if_exists = if_exists

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self._sequence_datum(binds.dialect)

    def _sequence_datum(self, dialect: str) -> tuple[Any, ...]:
        return _text_datum(f"DROP SEQUENCE {'IF EXISTS ' if self.if_exists else ''}{_q(self.element.name)}")


def sequences_of(tables: Iterable[Any], metadata: Any = None) -> list[Any]:
    """The sequences create_all makes for `tables`: their columns' defaults, and
    those made with metadata=, each once."""
    found = {id(s): s for s in (getattr(metadata, "_sequences", {}) or {}).values()}
    for table in tables:
        for column in table.columns:
            if getattr(column.default, "is_sequence", False):
                found.setdefault(id(column.default), column.default)
    return list(found.values())


def _referred_table(key: Any) -> str:
    """The table a ForeignKey or a ForeignKeyConstraint refers to."""
    name: str = key.target_table_name if hasattr(key, "target_table_name") else key.referred_table_name
    return name


def sort_tables(
    tables: Iterable[Any], skip_fn: Callable[[Any], bool] | None = None, extra_dependencies: Any = None
) -> list[Any]:
    """`tables` ordered so that each comes after the tables its foreign keys
    reference; `skip_fn(foreign_key)` True leaves that key out of the order,
    `extra_dependencies` adds (parent, child) pairs."""
    chosen = list(tables)
    by_name = {t.name: t for t in chosen}
    edges: dict[str, list[str]] = {}
    for table in chosen:
        keys = [*table.foreign_keys, *(c for c in table.constraints if hasattr(c, "referred_table_name"))]
        refs = [_referred_table(key) for key in keys if skip_fn is None or not skip_fn(key)]
        edges[table.name] = [n for n in dict.fromkeys(refs) if n != table.name and n in by_name]
    for parent, child in extra_dependencies or ():
        if child.name in edges:
            edges[child.name].append(parent.name)
    return [by_name[name] for name in _native.sort_tables(list(edges.items()))]


def sort_tables_and_constraints(
    tables: Iterable[Any],
    filter_fn: Callable[[Any], bool | None] | None = None,
    extra_dependencies: Any = None,
) -> list[tuple[Any, list[Any]]]:
    """(table, []) for each table in dependency order, then (None, [keys]): the
    foreign keys that cannot be created with their table (use_alter, or those
    `filter_fn` returns False for), to be added by ALTER TABLE once all exist."""
    chosen = list(tables)
    deferred = [
        key
        for table in chosen
        for key in [*table.foreign_keys, *(c for c in table.constraints if hasattr(c, "referred_table_name"))]
        if getattr(key, "use_alter", False) or (filter_fn is not None and filter_fn(key) is False)
    ]
    skipped = {id(key) for key in deferred}
    ordered = sort_tables(chosen, lambda key: id(key) in skipped, extra_dependencies)
    return [*((table, []) for table in ordered), (None, deferred)]
