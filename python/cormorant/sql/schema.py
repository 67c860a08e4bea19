"""Schema objects: MetaData, Table, Column, keys, constraints and indexes,
and the DDL datums that create and drop them."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .. import _native
from ..exc import (
    ArgumentError,
    ConstraintColumnNotFoundError,
    DuplicateColumnError,
    InvalidRequestError,
    NoReferencedColumnError,
    NoReferencedTableError,
)
from ..util.options import refuse_unsupported
from .base import ColumnCollection, FromClause
from .ddl import HasConditionalDDL, create_script, drop_script
from .defaults import (
    ColumnDefault,
    Computed,
    DefaultClause,
    FetchedValue,
    Identity,
    SchemaItem,
    Sequence,
    as_server_default,
    ddl_datum,
)
from .elements import BindCollector, ColumnElement, TextClause, coerce
from .naming import convention_name
from .sqltypes import Integer, NullType, TypeEngine, to_instance

NO_DEFAULT = object()


def _reflection_options(kw: dict[str, Any]) -> tuple[Any, Any, Any, bool] | None:
    """Table()'s reflection keywords, taken out of `kw`: (bind, include_columns,
    exclude_columns, resolve_fks), or None without autoload_with."""
    bind = kw.pop("autoload_with", None)
    include = kw.pop("include_columns", None)
    exclude = kw.pop("exclude_columns", ())
    resolve_fks = kw.pop("resolve_fks", True)
    # explicit columns are never replaced by reflected ones, which is what
    # autoload_replace=False asks; True (the default) has nothing to replace here
    kw.pop("autoload_replace", None)
    if kw.pop("autoload", None):
        raise ArgumentError("Table(autoload=True) was removed in SQLAlchemy 2.0; pass autoload_with=engine")
    if bind is None:
        if include is not None or exclude:
            raise ArgumentError("include_columns= and exclude_columns= need autoload_with=")
        return None
    return bind, include, exclude, resolve_fks


class SchemaConst(enum.Enum):
    RETAIN_SCHEMA = 1  # Table.to_metadata(): keep the table's schema
    BLANK_SCHEMA = 2  # Table(schema=BLANK_SCHEMA): no schema, whatever MetaData(schema=) says
    NULL_UNSPECIFIED = 3  # Column(nullable=) not given


BLANK_SCHEMA = SchemaConst.BLANK_SCHEMA

_T = TypeVar("_T")


def insert_sentinel(
    name: str | None = None,
    type_: Any = None,
    *,
    default: Any = None,
    omit_from_statements: bool = True,
) -> Column[Any]:
    """A nullable integer column (or `type_`) marked as the table's insert
    sentinel, as SQLAlchemy's; with `omit_from_statements`, SELECTs of the table
    and INSERTs that give it no value leave it out. The database table must have it."""
    return Column(
        name,
        type_ if type_ is not None else Integer(),
        default=default,
        nullable=True,
        insert_sentinel=True,
        _omit_from_statements=omit_from_statements,
    )


def _qualified_name(column: Column[Any]) -> str:
    """ "table.column" of a column given to ForeignKey() or ForeignKeyConstraint()."""
    if column.table is None:
        raise ValueError(f"column '{column.name}' is not in a table yet, so it cannot be referenced")
    return f"{column.table.name}.{column.name}"


class ForeignKey(SchemaItem):
    """A reference from a column to "table.column"."""

    __visit_name__ = "foreign_key"

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


class Column(ColumnElement[_T], SchemaItem):
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
        "computed",
        "identity",
        "_insert_sentinel",
        "_omit_from_statements",
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
            elif isinstance(a, Sequence):
                kw.setdefault("default", a)
            elif isinstance(a, FetchedValue):  # Computed, Identity, DefaultClause, FetchedValue
                if kw.get("server_default") is not None:
                    raise ArgumentError(f"Column {name!r} has both server_default= and {a!r}")
                kw["server_default"] = a
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
        self.default: ColumnDefault | Sequence | None = (
            default if isinstance(default, (Sequence, type(None))) else ColumnDefault(default)
        )
        onupdate = kw.pop("onupdate", None)
        self.onupdate = ColumnDefault(onupdate) if onupdate is not None else None
        self.server_default = as_server_default(kw.pop("server_default", None))
        self.computed = self.server_default if isinstance(self.server_default, Computed) else None
        self.identity = self.server_default if isinstance(self.server_default, Identity) else None
        if self.identity is not None and nullable is NO_DEFAULT:
            self.nullable = False
        self.unique: bool = kw.pop("unique", False) or False
        self.index: bool = kw.pop("index", False) or False
        self.autoincrement = kw.pop("autoincrement", "auto")
        self.comment = kw.pop("comment", None)
        self.info = kw.pop("info", {})
        self.doc = kw.pop("doc", None)
        self._insert_sentinel: bool = kw.pop("insert_sentinel", False)
        self._omit_from_statements: bool = kw.pop("_omit_from_statements", False)
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
        """True for the integer primary key the database numbers by itself. As
        in SQLAlchemy, autoincrement="auto" excludes a key with a foreign key, a
        Python default or a server default (an Identity aside)."""
        if not self.primary_key or self.table is None or self.foreign_keys:
            return False
        if self.autoincrement is True:
            return True
        if self.autoincrement != "auto" or isinstance(self.default, ColumnDefault):
            return False
        if self.server_default is not None and not isinstance(self.server_default, Identity):
            return False
        pks = [c for c in self.table.columns if c.primary_key]
        return len(pks) == 1 and isinstance(self._resolve_type(), Integer)

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
        server_default = self.server_default
        generated = self.computed or self.identity
        # SERIAL only where nothing else numbers the key: not an identity, not a sequence
        serial = self.is_autoincrement and self.identity is None and not isinstance(self.default, Sequence)
        if serial and dialect == "postgresql":  # SERIAL brings its own default (a reflected nextval())
            server_default = None
        return (
            "column",
            self.name,
            self._resolve_type()._dialect_ddl(dialect),
            self.nullable,
            server_default._datum(dialect) if isinstance(server_default, DefaultClause) else None,
            serial,
            generated._generated_datum(dialect) if generated is not None else None,
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
            shown.append(("server_default", repr(self.server_default)))
        if self.comment:
            shown.append(("comment", repr(self.comment)))
        return shown


class Constraint(HasConditionalDDL, SchemaItem):
    name: str | None = None
    table: Table | None = None
    create_inline = True  # False once AddConstraint() adds it by ALTER TABLE instead

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
        """The constraint as CREATE TABLE (or ALTER TABLE ... ADD) writes it."""
        raise NotImplementedError(f"{type(self).__name__} has no DDL form")

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


class ColumnCollectionMixin:
    """A constraint over named columns of its table."""

    column_names: list[str]
    table: Table | None

    @property
    def columns(self) -> ColumnCollection[Column[Any]]:
        """The constraint's columns, once it belongs to a table."""
        found: ColumnCollection[Column[Any]] = ColumnCollection()
        for name in self.column_names if self.table is not None else ():
            found._add(self.table.c[name])  # type: ignore[union-attr]
        return found

    def contains_column(self, column: Column[Any]) -> bool:
        return column.table is self.table and column.name in self.column_names


class ColumnCollectionConstraint(ColumnCollectionMixin, Constraint):
    """A constraint over some of its table's columns, given as Columns or names."""

    def __init__(self, *columns: str | Column[Any], name: str | None = None) -> None:
        self.column_names = [c if isinstance(c, str) else c.name for c in columns]
        self.name = name


class PrimaryKeyConstraint(ColumnCollectionConstraint):
    __visit_name__ = "primary_key_constraint"

    def _attach(self, table: Table) -> None:
        super()._attach(table)
        for n in self.column_names:
            table.c[n].primary_key = True
            table.c[n].nullable = False


class UniqueConstraint(ColumnCollectionConstraint):
    __visit_name__ = "unique_constraint"

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
        return ("unique", self.name, tuple(self.column_names))


class CheckConstraint(ColumnCollectionConstraint):
    __visit_name__ = "check_constraint"

    def __init__(self, sqltext: Any, name: str | None = None) -> None:
        super().__init__(name=name)
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else coerce(sqltext)

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
        return ("check", self.name, ddl_datum(self.sqltext, dialect))


class ForeignKeyConstraint(ColumnCollectionConstraint):
    __visit_name__ = "foreign_key_constraint"

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

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
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


class Index(HasConditionalDDL, SchemaItem):
    """CREATE INDEX name ON table (columns)."""

    __visit_name__ = "index"

    def __init__(
        self,
        name: str | None,
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
        owner = next((e.table for e in expressions if isinstance(e, Column) and e.table is not None), None)
        if owner is not None and not _column_flag:  # given a table's columns, it joins that table
            owner.append(self)

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


class Table(FromClause, SchemaItem):
    """A named table: its columns, constraints and indexes. With
    `autoload_with=engine` (or a Connection), the columns, keys, constraints and
    indexes the database has are read into it, after any given here."""

    def __new__(cls, *args: Any, **kw: Any) -> Table:
        """As in SQLAlchemy, a name the MetaData already holds gives that Table
        back (to be extended with extend_existing=True), unless new columns or
        constraints are given for it without keep_existing or extend_existing."""
        if len(args) >= 2 and isinstance(args[1], MetaData):
            existing = args[1].tables.get(args[0])
            if existing is not None:
                if len(args) > 2 and not (kw.get("keep_existing") or kw.get("extend_existing")):
                    raise InvalidRequestError(
                        f"Table '{args[0]}' is already defined for this MetaData instance.  Specify "
                        "'extend_existing=True' to redefine options and columns on an existing Table object."
                    )
                return existing
        return super().__new__(cls)

    def __init__(self, name: str, metadata: MetaData, *args: Any, **kw: Any) -> None:
        if "columns" in self.__dict__:  # a Table this MetaData held already (__new__)
            if kw.pop("extend_existing", False):
                self._extend(args, kw)
            return
        kw.pop("keep_existing", None)
        kw.pop("extend_existing", None)
        reflection = _reflection_options(kw)
        self.name = name
        self.metadata = metadata
        self.columns: ColumnCollection[Column[Any]] = ColumnCollection()
        self.c = self.columns
        self.constraints: list[Constraint] = []
        self.indexes: list[Index] = []
        self.info = kw.pop("info", {})
        self.comment = kw.pop("comment", None)
        schema = kw.pop("schema", None)
        self.schema = None if schema is BLANK_SCHEMA else schema if schema is not None else metadata.schema
        if kw:
            raise TypeError(
                f"Table('{name}') got keyword argument(s) cormorant does not support: {', '.join(sorted(kw))}"
            )
        for item in args:
            self.append(item)
        metadata._add_table(self)
        if reflection is not None:
            self._reflect(*reflection)

    def _extend(self, args: tuple[Any, ...], kw: dict[str, Any]) -> None:
        """Table(name, metadata, *more, extend_existing=True): adds to this table."""
        kw.pop("keep_existing", None)
        reflection = _reflection_options(kw)
        for option in ("info", "comment"):
            if option in kw:
                setattr(self, option, kw.pop(option))
        kw.pop("schema", None)
        if kw:
            raise TypeError(
                f"Table('{self.name}') got keyword argument(s) cormorant does not support: {', '.join(sorted(kw))}"
            )
        for item in args:
            if isinstance(item, Column) and item.key in self.columns:
                raise NotImplementedError(
                    f"extend_existing: replacing the column '{self.name}.{item.key}' is not supported"
                )
            self.append(item)
        if reflection is not None:
            self._reflect(*reflection)

    def _reflect(self, bind: Any, include_columns: Any, exclude_columns: Any, resolve_fks: bool) -> None:
        from ..inspection import inspect

        inspect(bind).reflect_table(self, include_columns, exclude_columns, resolve_fks=resolve_fks)

    def append(self, item: Any) -> None:
        if isinstance(item, Column):
            self.append_column(item)
        elif isinstance(item, Index):
            if item in self.indexes:
                return
            item._attach(self)
            item.name = self._named("ix", Index, item, item.column_names, item.name)
            self.indexes.append(item)
        elif isinstance(item, Constraint):
            item._attach(self)
            item.name = self._conventional_name(item)
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
            index = Index(None, column, unique=column.unique, _column_flag=True)
            index._attach(self)
            index.name = self._named("ix", Index, index, [column]) or f"ix_{self.name}_{column.name}"
            self.indexes.append(index)

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
        if self.schema is not None:
            self._refuse_schema()
        return ("table", self.name)

    def _refuse_schema(self) -> None:
        raise NotImplementedError(
            f"Table('{self.name}', schema='{self.schema}'): schema-qualified tables are not supported "
            "by cormorant yet; statements would reach the default schema instead"
        )

    def alias(self, name: str | None = None) -> Any:
        """This table under another name (`FROM t AS name`)."""
        from .selectable import TableAlias

        return TableAlias(self, name)

    def _from_objects(self) -> list[FromClause]:
        return [self]

    def _all_columns(self) -> list[Column[Any]]:
        """The columns `select(table)` names: all but an insert sentinel's."""
        return [c for c in self.columns if not c._omit_from_statements]

    def _named(
        self,
        kind: str,
        kind_class: type,
        item: Any,
        columns: list[Any],
        name: str | None = None,
        referred_table: str | None = None,
        referred_columns: tuple[str, ...] = (),
    ) -> Any:
        """`name` as the metadata's naming convention for `kind` makes it."""
        convention = self.metadata.naming_convention
        return convention_name(
            convention, kind, kind_class, item, self, columns, name, referred_table, referred_columns
        )

    def _conventional_name(self, constraint: Constraint) -> Any:
        if isinstance(constraint, ForeignKeyConstraint):
            refcols = tuple(r.rsplit(".", 1)[1] for r in constraint.refcolumns)
            return self._named(
                "fk",
                ForeignKeyConstraint,
                constraint,
                constraint.column_names,
                constraint.name,
                constraint.referred_table_name,
                refcols,
            )
        for kind, kind_class in (
            ("pk", PrimaryKeyConstraint),
            ("uq", UniqueConstraint),
            ("ck", CheckConstraint),
        ):
            if isinstance(constraint, kind_class):
                return self._named(kind, kind_class, constraint, constraint.column_names, constraint.name)
        return constraint.name

    def _primary_key_name(self, columns: list[Column[Any]]) -> Any:
        declared = next((c for c in self.constraints if isinstance(c, PrimaryKeyConstraint)), None)
        if declared is not None:
            return declared.name
        return self._named("pk", PrimaryKeyConstraint, None, columns)

    def _column_foreign_key_datum(self, column: Column[Any], fk: ForeignKey) -> tuple[Any, ...]:
        table, referred = fk.target_fullname.rsplit(".", 1)
        name = self._named("fk", ForeignKeyConstraint, fk, [column], fk.name, table, (referred,))
        return ("foreign_key", name, (column.name,), table, (referred,), fk.ondelete, fk.onupdate)

    def _create_datum(
        self, if_not_exists: bool, inline_alter: bool = True, dialect: str | None = None
    ) -> tuple[Any, ...]:
        if self.schema is not None:
            self._refuse_schema()
        constraints: list[tuple[Any, ...]] = []
        pk = [c for c in self.columns if c.primary_key]
        if pk:
            constraints.append(("primary_key", tuple(c.name for c in pk), self._primary_key_name(pk)))
        for c in self.columns:
            if c.unique and not c.index:
                constraints.append(("unique", self._named("uq", UniqueConstraint, None, [c]), (c.name,)))
        for constraint in self.constraints:
            if (
                constraint.create_inline
                and constraint._included_on(dialect)
                and not isinstance(constraint, PrimaryKeyConstraint)
            ):
                constraints.append(constraint._datum(dialect))
        for c in self.columns:
            for fk in c.foreign_keys:
                if not fk.use_alter or inline_alter:
                    constraints.append(self._column_foreign_key_datum(c, fk))
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


class MetaData(SchemaItem):
    """A collection of Tables, created and dropped together."""

    __visit_name__ = "metadata"

    def __init__(self, schema: str | None = None, naming_convention: dict[Any, Any] | None = None) -> None:
        self.tables: dict[str, Table] = {}
        self._sequences: dict[str, Sequence] = {}
        self.schema = schema
        self.naming_convention = naming_convention or dict(DEFAULT_NAMING_CONVENTION)

    def __repr__(self) -> str:
        return "MetaData()"

    def reflect(
        self,
        bind: Any,
        schema: str | None = None,
        views: bool = False,
        only: Iterable[str] | Callable[[str, MetaData], bool] | None = None,
        extend_existing: bool = False,
        autoload_replace: bool = True,
        resolve_fks: bool = True,
    ) -> None:
        """A Table, read from the database, for each of its tables (and views,
        with `views`) this MetaData does not hold yet; `only` names the tables,
        or is a callable (name, metadata) -> bool that picks them."""
        from ..inspection import inspect

        if schema is not None:
            raise NotImplementedError("MetaData.reflect(schema=): schema-qualified tables are not supported")
        inspector = inspect(bind)
        available = inspector.get_table_names() + (inspector.get_view_names() if views else [])
        if only is None:
            names = available
        elif callable(only):
            names = [name for name in available if only(name, self)]
        else:
            wanted = list(only)
            missing = [name for name in wanted if name not in available]
            if missing:
                raise InvalidRequestError(
                    f"Could not reflect: requested table(s) not available in {inspector.engine!r}: "
                    f"({', '.join(missing)})"
                )
            names = [name for name in available if name in wanted]
        for name in names:
            if name not in self.tables or extend_existing:
                Table(
                    name, self, autoload_with=bind, extend_existing=extend_existing, resolve_fks=resolve_fks
                )

    def _add_sequence(self, sequence: Sequence) -> None:
        self._sequences[sequence.name] = sequence

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
        bind._run_ddl(
            lambda dialect: create_script(selected, dialect, checkfirst, defer_alter=True, metadata=self)
        )

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
        bind._run_ddl(
            lambda dialect: drop_script(selected, dialect, checkfirst, defer_alter=True, metadata=self)
        )

    def clear(self) -> None:
        self.tables.clear()

    def remove(self, table: Table) -> None:
        self.tables.pop(table.name, None)
