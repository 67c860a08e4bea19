"""Schema objects: MetaData, Table, Column, keys, constraints and indexes,
and the DDL datums that create and drop them."""

from __future__ import annotations

import inspect as _inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .. import _native
from ..exc import (
    ConstraintColumnNotFoundError,
    DuplicateColumnError,
    NoReferencedColumnError,
    NoReferencedTableError,
)
from ..util.options import refuse_unsupported
from .base import ColumnCollection, FromClause
from .ddl import create_script, drop_script
from .elements import BindCollector, ColumnElement, TextClause, coerce
from .sqltypes import Integer, NullType, TypeEngine, to_instance

NO_DEFAULT = object()

_T = TypeVar("_T")


class ColumnDefault:
    """A Python-side default: a constant, or a callable run once per row."""

    __slots__ = ("arg", "is_callable", "_given")

    def __init__(self, arg: Any) -> None:
        self.is_callable = callable(arg)
        self._given = arg
        self.arg = _zero_arg(arg) if self.is_callable else arg

    def value(self) -> Any:
        return self.arg() if self.is_callable else self.arg

    def __repr__(self) -> str:
        kind = "CallableColumnDefault" if self.is_callable else "ScalarElementColumnDefault"
        return f"{kind}({self._given!r})"


def _zero_arg(fn: Callable[..., Any]) -> Callable[[], Any]:
    try:
        params = [
            p
            for p in _inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        return fn
    if params:  # SQLAlchemy passes an execution context; we have none to give
        return lambda: fn(None)
    return fn


def _qualified_name(column: Column[Any]) -> str:
    """ "table.column" of a column given to ForeignKey() or ForeignKeyConstraint()."""
    if column.table is None:
        raise ValueError(f"column '{column.name}' is not in a table yet, so it cannot be referenced")
    return f"{column.table.name}.{column.name}"


class ForeignKey:
    """A reference from a column to "table.column"."""

    def __init__(
        self,
        column: str | Column[Any],
        ondelete: str | None = None,
        onupdate: str | None = None,
        name: str | None = None,
        use_alter: bool = False,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported("ForeignKey()", unsupported)
        self._target = column
        self.ondelete, self.onupdate, self.name = ondelete, onupdate, name
        self.use_alter = use_alter  # added by ALTER TABLE after the tables exist (cycles)
        self.parent: Column[Any] | None = None

    @property
    def target_fullname(self) -> str:
        if isinstance(self._target, Column):
            return _qualified_name(self._target)
        return self._target

    @property
    def target_table_name(self) -> str:
        return self.target_fullname.rsplit(".", 1)[0]

    @property
    def column(self) -> Column[Any]:
        """The referenced Column, resolved through the parent table's MetaData."""
        if isinstance(self._target, Column):
            return self._target
        table_name, col_name = self.target_fullname.rsplit(".", 1)
        assert self.parent is not None and self.parent.table is not None
        metadata = self.parent.table.metadata
        table = metadata.tables.get(table_name) if metadata else None
        if table is None:
            raise NoReferencedTableError(
                f"Foreign key associated with column '{self.parent.table.name}.{self.parent.name}' could not "
                f"find table '{table_name}' with which to generate a foreign key to target column '{col_name}'",
                table_name,
            )
        if col_name not in table.c:
            raise NoReferencedColumnError(
                f"Could not initialize target column for ForeignKey '{self.target_fullname}' on table "
                f"'{self.parent.table.name}': table '{table_name}' has no column named '{col_name}'",
                table_name,
                col_name,
            )
        return table.c[col_name]

    def __repr__(self) -> str:
        return f"ForeignKey({self.target_fullname!r})"


class Column(ColumnElement[_T]):
    """A table column. Also the expression that refers to it. Column[int]
    names its Python value type for static typing; a Column() call makes a
    Column[Any]."""

    __slots__ = (
        "name",
        "key",
        "type",
        "table",
        "primary_key",
        "nullable",
        "default",
        "onupdate",
        "server_default",
        "unique",
        "index",
        "autoincrement",
        "foreign_keys",
        "comment",
        "info",
        "doc",
    )

    def __init__(self: Column[Any], *args: Any, **kw: Any) -> None:
        args_list = list(args)
        name = args_list.pop(0) if args_list and isinstance(args_list[0], str) else kw.pop("name", None)
        type_: Any = None
        fks: list[ForeignKey] = []
        for a in args_list:
            if isinstance(a, ForeignKey):
                fks.append(a)
            elif isinstance(a, TypeEngine) or (isinstance(a, type) and issubclass(a, TypeEngine)):
                type_ = a
            else:
                raise TypeError(f"unexpected positional argument to Column: {a!r}")
        # A declarative attribute's Column is made without a name and gets it
        # (and its key) from the attribute when the class is mapped; until
        # then both are None. Like SQLAlchemy, they are typed by what they
        # are once the column is in a table.
        self.name: str = name
        self.key: str = kw.pop("key", name)
        self.type = to_instance(kw.pop("type_", type_))
        self.table: Table | None = None
        self.primary_key: bool = kw.pop("primary_key", False)
        nullable = kw.pop("nullable", NO_DEFAULT)
        self.nullable: bool = (not self.primary_key) if nullable is NO_DEFAULT else bool(nullable)
        default = kw.pop("default", kw.pop("insert_default", None))
        self.default = ColumnDefault(default) if default is not None else None
        onupdate = kw.pop("onupdate", None)
        self.onupdate = ColumnDefault(onupdate) if onupdate is not None else None
        self.server_default = kw.pop("server_default", None)
        self.unique: bool = kw.pop("unique", False) or False
        self.index: bool = kw.pop("index", False) or False
        self.autoincrement = kw.pop("autoincrement", "auto")
        self.comment = kw.pop("comment", None)
        self.info = kw.pop("info", {})
        self.doc = kw.pop("doc", None)
        refuse_unsupported(
            f"Column({name!r})",
            {
                option: kw.pop(option)
                for option in ("server_onupdate", "quote", "system", "sort_order")
                if option in kw
            },
            {"system": False},
        )
        if kw:
            raise TypeError(f"Column() got unexpected keyword argument(s): {', '.join(sorted(kw))}")
        self.foreign_keys: list[ForeignKey] = []
        for fk in fks:
            self._add_foreign_key(fk)

    def _add_foreign_key(self, fk: ForeignKey) -> None:
        fk.parent = self
        self.foreign_keys.append(fk)

    def _resolve_type(self) -> TypeEngine:
        if isinstance(self.type, NullType) and self.foreign_keys:
            self.type = self.foreign_keys[0].column._resolve_type()
        return self.type

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("col", self.table.name if self.table is not None else None, self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self.table] if self.table is not None else []

    @property
    def _row_key(self) -> str:
        return self.key or self.name or "anon"

    @property
    def is_autoincrement(self) -> bool:
        """True for the integer primary key the database numbers by itself."""
        if not self.primary_key or self.table is None or self.foreign_keys:
            return False
        if self.autoincrement is True:
            return True
        pks = [c for c in self.table.columns if c.primary_key]
        return self.autoincrement == "auto" and len(pks) == 1 and isinstance(self._resolve_type(), Integer)

    def _copy(self) -> Column[_T]:
        c = Column.__new__(Column)
        for slot in Column.__slots__:
            setattr(c, slot, getattr(self, slot))
        c.table = None
        c.foreign_keys = []
        for fk in self.foreign_keys:
            c._add_foreign_key(
                ForeignKey(
                    fk._target,
                    ondelete=fk.ondelete,
                    onupdate=fk.onupdate,
                    name=fk.name,
                    use_alter=fk.use_alter,
                )
            )
        return c

    def _ddl(self, dialect: str | None = None) -> tuple[Any, ...]:
        default = self.server_default
        if default is not None:
            default = _server_default_datum(default)
        return (
            "column",
            self.name,
            self._resolve_type()._dialect_ddl(dialect),
            self.nullable,
            default,
            self.is_autoincrement,
        )

    def __repr__(self) -> str:
        parts = [repr(self.name), repr(self.type)]
        parts += [repr(fk) for fk in self.foreign_keys]
        parts.append(f"table=<{self.table.name}>" if self.table is not None else "table=None")
        parts += [f"{name}={value}" for name, value in self._repr_keywords()]
        return f"Column({', '.join(parts)})"

    def _repr_keywords(self) -> list[tuple[str, str]]:
        """The keyword arguments SQLAlchemy's Column repr shows, in its order."""
        shown: list[tuple[str, str]] = []
        if self.key != self.name:
            shown.append(("key", repr(self.key)))
        if self.primary_key:
            shown.append(("primary_key", "True"))
        if not self.nullable:
            shown.append(("nullable", "False"))
        if self.onupdate is not None:
            shown.append(("onupdate", repr(self.onupdate)))
        if self.default is not None:
            shown.append(("default", repr(self.default)))
        if self.server_default is not None:
            shown.append(("server_default", f"DefaultClause({self.server_default!r}, for_update=False)"))
        if self.comment:
            shown.append(("comment", repr(self.comment)))
        return shown


def _server_default_datum(default: Any) -> tuple[Any, ...]:
    if isinstance(default, str):  # a string value: DEFAULT 'value'
        return ("literal", default)
    if isinstance(default, TextClause):  # SQL as written: DEFAULT now()
        return ("text", default.text)
    return coerce(default)._datum(BindCollector("ddl"))


class Constraint:
    name: str | None = None
    table: Table | None = None

    def _attach(self, table: Table) -> None:
        _require_columns(self, table, getattr(self, "column_names", ()))
        self.table = table


def _require_columns(constraint: Constraint | Index, table: Table, names: Iterable[Any]) -> None:
    """ConstraintColumnNotFoundError unless `table` has every column named (by string) in `names`."""
    for name in names:
        if isinstance(name, str) and name not in table.c:
            raise ConstraintColumnNotFoundError(
                f"Can't create {type(constraint).__name__} on table '{table.name}': "
                f"no column named '{name}' is present."
            )


class PrimaryKeyConstraint(Constraint):
    def __init__(self, *columns: str | Column[Any], name: str | None = None) -> None:
        self.column_names = [c if isinstance(c, str) else c.name for c in columns]
        self.name = name

    def _attach(self, table: Table) -> None:
        super()._attach(table)
        for n in self.column_names:
            table.c[n].primary_key = True
            table.c[n].nullable = False


class UniqueConstraint(Constraint):
    def __init__(self, *columns: str | Column[Any], name: str | None = None) -> None:
        self.column_names = [c if isinstance(c, str) else c.name for c in columns]
        self.name = name

    def _datum(self) -> tuple[Any, ...]:
        return ("unique", self.name, tuple(self.column_names))


class CheckConstraint(Constraint):
    def __init__(self, sqltext: Any, name: str | None = None) -> None:
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else coerce(sqltext)
        self.name = name

    def _datum(self) -> tuple[Any, ...]:
        return ("check", self.name, self.sqltext._datum(BindCollector("ddl")))


class ForeignKeyConstraint(Constraint):
    def __init__(
        self,
        columns: Iterable[str | Column[Any]],
        refcolumns: Iterable[str | Column[Any]],
        name: str | None = None,
        ondelete: str | None = None,
        onupdate: str | None = None,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported("ForeignKeyConstraint()", unsupported)
        self.column_names = [c if isinstance(c, str) else c.name for c in columns]
        self.refcolumns = [c if isinstance(c, str) else _qualified_name(c) for c in refcolumns]
        self.name, self.ondelete, self.onupdate = name, ondelete, onupdate

    @property
    def referred_table_name(self) -> str:
        return self.refcolumns[0].rsplit(".", 1)[0]

    def _datum(self) -> tuple[Any, ...]:
        refcols = tuple(r.rsplit(".", 1)[1] for r in self.refcolumns)
        return (
            "foreign_key",
            self.name,
            tuple(self.column_names),
            self.referred_table_name,
            refcols,
            self.ondelete,
            self.onupdate,
        )


class Index:
    """CREATE INDEX name ON table (columns)."""

    def __init__(
        self,
        name: str,
        *expressions: str | Column[Any],
        unique: bool = False,
        _column_flag: bool = False,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported(f"Index({name!r})", unsupported)
        self.name = name
        self.expressions = list(expressions)
        self.unique = unique
        self._column_flag = _column_flag  # made by Column(index=True), as SQLAlchemy marks it
        self.table: Table | None = None

    def _attach(self, table: Table) -> None:
        _require_columns(self, table, self.expressions)
        self.table = table

    @property
    def column_names(self) -> list[str]:
        assert self.table is not None
        return [self.table.c[e].name if isinstance(e, str) else e.name for e in self.expressions]

    def _create_datum(self, if_not_exists: bool, inline_alter: bool = True) -> tuple[Any, ...]:
        assert self.table is not None
        return (
            "create_index",
            self.name,
            self.table.name,
            tuple(self.column_names),
            self.unique,
            if_not_exists,
        )

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        bind._run_ddl(lambda dialect: [self._create_datum(checkfirst)])

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        bind._run_ddl(lambda dialect: [self._drop_datum(checkfirst)])

    def _drop_datum(self, if_exists: bool) -> tuple[Any, ...]:
        return ("drop_index", self.name, if_exists)

    def __repr__(self) -> str:
        return f"Index({self.name!r})"


class Table(FromClause):
    """A named table: its columns, constraints and indexes."""

    def __init__(self, name: str, metadata: MetaData, *args: Any, **kw: Any) -> None:
        self.name = name
        self.metadata = metadata
        self.columns: ColumnCollection[Column[Any]] = ColumnCollection()
        self.c = self.columns
        self.constraints: list[Constraint] = []
        self.indexes: list[Index] = []
        self.info = kw.pop("info", {})
        self.comment = kw.pop("comment", None)
        self.schema = kw.pop("schema", None)
        if kw:
            raise TypeError(
                f"Table('{name}') got keyword argument(s) cormorant does not support: {', '.join(sorted(kw))}"
            )
        for item in args:
            self.append(item)
        metadata._add_table(self)

    def append(self, item: Any) -> None:
        if isinstance(item, Column):
            self.append_column(item)
        elif isinstance(item, Index):
            item._attach(self)
            self.indexes.append(item)
        elif isinstance(item, Constraint):
            item._attach(self)
            self.constraints.append(item)
        else:
            raise TypeError(f"cannot add {item!r} to table '{self.name}'")

    def append_column(self, column: Column[Any]) -> None:
        if column.table is not None and column.table is not self:
            raise ValueError(f"column '{column.name}' already belongs to table '{column.table.name}'")
        if column.key in self.columns and self.columns[column.key] is not column:
            raise DuplicateColumnError(
                f"A column with name '{column.key}' is already present in table '{self.name}'."
            )
        column.table = self
        self.columns._add(column)
        if column.index:
            self.indexes.append(
                Index(f"ix_{self.name}_{column.name}", column, unique=column.unique, _column_flag=True)
            )
            self.indexes[-1]._attach(self)

    @property
    def primary_key(self) -> list[Column[Any]]:
        return [c for c in self.columns if c.primary_key]

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        return [fk for c in self.columns for fk in c.foreign_keys]

    def referenced_table_names(self, with_use_alter: bool = True) -> list[str]:
        """Tables this one's foreign keys refer to; `with_use_alter` False
        leaves out keys added by ALTER after the tables exist."""
        names = [fk.target_table_name for fk in self.foreign_keys if with_use_alter or not fk.use_alter]
        names += [c.referred_table_name for c in self.constraints if isinstance(c, ForeignKeyConstraint)]
        return [n for n in dict.fromkeys(names) if n != self.name]

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("table", self.name)

    def alias(self, name: str | None = None) -> Any:
        """This table under another name (`FROM t AS name`)."""
        from .selectable import TableAlias

        return TableAlias(self, name)

    def _from_objects(self) -> list[FromClause]:
        return [self]

    def _all_columns(self) -> list[Column[Any]]:
        return list(self.columns)

    def _create_datum(
        self, if_not_exists: bool, inline_alter: bool = True, dialect: str | None = None
    ) -> tuple[Any, ...]:
        constraints: list[tuple[Any, ...]] = []
        pk = [c.name for c in self.columns if c.primary_key]
        if pk:
            constraints.append(("primary_key", tuple(pk)))
        for c in self.columns:
            if c.unique and not c.index:
                constraints.append(("unique", None, (c.name,)))
        for constraint in self.constraints:
            if isinstance(constraint, (UniqueConstraint, CheckConstraint, ForeignKeyConstraint)):
                constraints.append(constraint._datum())
        for c in self.columns:
            for fk in c.foreign_keys:
                if fk.use_alter and not inline_alter:
                    continue
                ref = fk.target_fullname.rsplit(".", 1)
                constraints.append(
                    ("foreign_key", fk.name, (c.name,), ref[0], (ref[1],), fk.ondelete, fk.onupdate)
                )
        columns = tuple(c._ddl(dialect) for c in self.columns)
        return ("create_table", self.name, columns, tuple(constraints), if_not_exists)

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        bind._run_ddl(lambda dialect: create_script([self], dialect, checkfirst, defer_alter=False))

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        bind._run_ddl(lambda dialect: drop_script([self], dialect, checkfirst, defer_alter=False))

    def insert(self) -> Any:
        from .dml import insert

        return insert(self)

    def select(self) -> Any:
        from .selectable import select

        return select(self)

    def update(self) -> Any:
        from .dml import update

        return update(self)

    def delete(self) -> Any:
        from .dml import delete

        return delete(self)

    def __repr__(self) -> str:
        parts = [repr(self.name), repr(self.metadata), *(repr(c) for c in self.columns)]
        return f"Table({', '.join(parts)}, schema={self.schema!r})"


# SQLAlchemy's default: an index's name is "ix_" + the table and column names.
DEFAULT_NAMING_CONVENTION: dict[Any, Any] = {"ix": "ix_%(column_0_label)s"}


class MetaData:
    """A collection of Tables, created and dropped together."""

    def __init__(self, schema: str | None = None, naming_convention: dict[Any, Any] | None = None) -> None:
        self.tables: dict[str, Table] = {}
        self.schema = schema
        self.naming_convention = naming_convention or dict(DEFAULT_NAMING_CONVENTION)

    def __repr__(self) -> str:
        return "MetaData()"

    def _add_table(self, table: Table) -> None:
        if table.name in self.tables:
            raise ValueError(f"Table '{table.name}' is already defined for this MetaData instance")
        self.tables[table.name] = table

    @property
    def sorted_tables(self) -> list[Table]:
        """Tables ordered so that every table comes after the tables it references."""
        order = _native.sort_tables([(t.name, t.referenced_table_names(False)) for t in self.tables.values()])
        return [self.tables[name] for name in order]

    def create_all(self, bind: Any, tables: Iterable[Table] | None = None, checkfirst: bool = True) -> None:
        """CREATE every table (and its indexes) that does not exist yet."""
        chosen = set(tables) if tables is not None else None
        selected = [t for t in self.sorted_tables if chosen is None or t in chosen]
        self._require_referenced_tables(selected)
        bind._run_ddl(lambda dialect: create_script(selected, dialect, checkfirst, defer_alter=True))

    def _require_referenced_tables(self, tables: Iterable[Table]) -> None:
        """NoReferencedTableError for a foreign key naming a table this MetaData does not hold."""
        known = set(self.tables) | {f"{t.schema}.{t.name}" for t in self.tables.values() if t.schema}
        for table in tables:
            for fk in table.foreign_keys:
                if fk.target_table_name not in known:
                    fk.column  # raises, naming the column and the missing table

    def drop_all(self, bind: Any, tables: Iterable[Table] | None = None, checkfirst: bool = True) -> None:
        """DROP every table, dependents first."""
        chosen = set(tables) if tables is not None else None
        selected = [t for t in reversed(self.sorted_tables) if chosen is None or t in chosen]
        bind._run_ddl(lambda dialect: drop_script(selected, dialect, checkfirst, defer_alter=True))

    def clear(self) -> None:
        self.tables.clear()

    def remove(self, table: Table) -> None:
        self.tables.pop(table.name, None)
