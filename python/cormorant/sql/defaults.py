"""What fills a column when a row does not: Python-side defaults (ColumnDefault),
server-side ones (DefaultClause, FetchedValue), generated columns (Computed,
Identity) and sequences, with the DDL datums they add to a column."""

from __future__ import annotations

import inspect as _inspect
from collections.abc import Callable
from typing import Any

from ..util.options import refuse_unsupported
from .elements import BindCollector, ColumnElement, TextClause, coerce
from .functions import next_value


class SchemaVisitable:
    """An object a SchemaVisitor dispatches on, by its __visit_name__."""

    __slots__ = ()
    __visit_name__ = "schema_item"


class SchemaItem(SchemaVisitable):
    """Base of the objects a schema is made of: tables, columns, constraints,
    indexes, defaults and sequences."""

    __slots__ = ()


class DefaultGenerator(SchemaItem):
    """Base of the client-side defaults: ColumnDefault and Sequence."""

    __slots__ = ()
    is_sequence = False
    is_server_default = False
    for_update = False


class ColumnDefault(DefaultGenerator):
    """A Python-side default: a constant, a SQL expression, or a callable run once per row."""

    __slots__ = ("arg", "is_callable", "_given")
    __visit_name__ = "column_default"

    def __init__(self, arg: Any) -> None:
        self.is_callable = callable(arg) and not isinstance(arg, ColumnElement)
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


class FetchedValue(SchemaItem):
    """Marks a column the database fills in by itself (a trigger, a generated
    column): the ORM reads it back after INSERT; the DDL says nothing of it."""

    __visit_name__ = "fetched_value"
    is_server_default = True
    has_argument = False
    is_clause_element = False

    def __init__(self, for_update: bool = False) -> None:
        if for_update:
            raise NotImplementedError(
                "FetchedValue(for_update=True) (server_onupdate) is not supported: cormorant does not "
                "read back columns the database changes on UPDATE"
            )
        self.for_update = for_update

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class DefaultClause(FetchedValue):
    """A server default: `DEFAULT <arg>` in CREATE TABLE, where `arg` is a string
    (a quoted value), text() (SQL as written) or a SQL expression such as func.now()."""

    __visit_name__ = "default_clause"
    has_argument = True

    def __init__(
        self, arg: str | ColumnElement[Any], for_update: bool = False, _reflected: bool = False
    ) -> None:
        if not isinstance(arg, (str, ColumnElement)):
            raise TypeError(f"server_default must be a string, text() or a SQL expression, not {arg!r}")
        super().__init__(for_update)
        self.arg = arg
        self.reflected = _reflected

    def _datum(self, dialect: str | None = None) -> tuple[Any, ...]:
        if isinstance(self.arg, str):  # a string value: DEFAULT 'value'
            return ("literal", self.arg)
        if isinstance(self.arg, TextClause):  # SQL as written: DEFAULT now()
            return ("text", self.arg.text)
        return ddl_datum(coerce(self.arg), dialect)

    def __repr__(self) -> str:
        return f"DefaultClause({self.arg!r}, for_update={self.for_update})"


def ddl_datum(expression: ColumnElement[Any], dialect: str | None) -> tuple[Any, ...]:
    from .compiler import ddl_expression_datum

    datum: tuple[Any, ...] = ddl_expression_datum(expression, dialect)
    return datum


def as_server_default(value: Any) -> FetchedValue | None:
    """`server_default=` as given, as the FetchedValue it stands for."""
    if value is None or isinstance(value, FetchedValue):
        return value
    return DefaultClause(value)


class Computed(FetchedValue):
    """A generated column: `GENERATED ALWAYS AS (sqltext)`, STORED when `persisted`
    (PostgreSQL's only kind), VIRTUAL when False (SQLite)."""

    __visit_name__ = "computed_column"

    def __init__(self, sqltext: Any, persisted: bool | None = None) -> None:
        super().__init__()
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else coerce(sqltext)
        self.persisted = persisted

    def _generated_datum(self, dialect: str | None) -> tuple[Any, ...]:
        persisted = None if self.persisted is None else ("stored" if self.persisted else "virtual")
        return ("computed", ddl_datum(self.sqltext, dialect), persisted)

    def __repr__(self) -> str:
        return f"Computed({self.sqltext!r}, persisted={self.persisted!r})"


# The sequence options of Identity and Sequence, in the order PostgreSQL's DDL writes them.
_OPTION_KEYWORDS = (
    ("increment", "INCREMENT BY"),
    ("start", "START WITH"),
    ("minvalue", "MINVALUE"),
    ("maxvalue", "MAXVALUE"),
    ("cache", "CACHE"),
)


class IdentityOptions:
    """The options a sequence is made with, shared by Identity and Sequence."""

    def __init__(
        self,
        start: int | None = None,
        increment: int | None = None,
        minvalue: int | None = None,
        maxvalue: int | None = None,
        nominvalue: bool | None = None,
        nomaxvalue: bool | None = None,
        cycle: bool | None = None,
        cache: int | None = None,
        order: bool | None = None,
    ) -> None:
        if order is not None:
            raise NotImplementedError("order= is Oracle's sequence option; SQLite and PostgreSQL have none")
        self.start, self.increment, self.cache = start, increment, cache
        self.minvalue, self.maxvalue = minvalue, maxvalue
        self.nominvalue, self.nomaxvalue, self.cycle = nominvalue, nomaxvalue, cycle
        self.order = order

    def _options_sql(self) -> str:
        parts = [
            f"{keyword} {getattr(self, name)}"
            for name, keyword in _OPTION_KEYWORDS[:2]
            if getattr(self, name) is not None
        ]
        if self.minvalue is not None:
            parts.append(f"MINVALUE {self.minvalue}")
        if self.nominvalue:
            parts.append("NO MINVALUE")
        if self.maxvalue is not None:
            parts.append(f"MAXVALUE {self.maxvalue}")
        if self.nomaxvalue:
            parts.append("NO MAXVALUE")
        if self.cache is not None:
            parts.append(f"CACHE {self.cache}")
        if self.cycle is not None:
            parts.append("CYCLE" if self.cycle else "NO CYCLE")
        return " ".join(parts)


class Identity(IdentityOptions, FetchedValue):
    """An identity column: `GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (options)`
    on PostgreSQL; on SQLite, which has none, a plain column (an integer primary
    key numbers itself there), as SQLAlchemy writes it."""

    __visit_name__ = "identity_column"

    def __init__(self, always: bool = False, on_null: bool | None = None, **options: Any) -> None:
        if on_null is not None:
            raise NotImplementedError("Identity(on_null=) is Oracle's; SQLite and PostgreSQL have none")
        FetchedValue.__init__(self)
        IdentityOptions.__init__(self, **options)
        self.always = always
        self.on_null = on_null

    def _generated_datum(self, dialect: str | None) -> tuple[Any, ...]:
        return ("identity", self.always, self._options_sql() or None)

    def __repr__(self) -> str:
        return f"Identity(always={self.always!r})"


class Sequence(IdentityOptions, DefaultGenerator):
    """A named sequence (PostgreSQL): CREATE SEQUENCE with create_all, and, as a
    column's default, `nextval('name')` for rows that give no value. SQLite has
    no sequences: there it does nothing, as in SQLAlchemy."""

    __visit_name__ = "sequence"
    is_sequence = True

    def __init__(
        self,
        name: str,
        start: int | None = None,
        increment: int | None = None,
        minvalue: int | None = None,
        maxvalue: int | None = None,
        nominvalue: bool | None = None,
        nomaxvalue: bool | None = None,
        cycle: bool | None = None,
        schema: str | None = None,
        cache: int | None = None,
        order: bool | None = None,
        data_type: Any = None,
        optional: bool = False,
        metadata: Any = None,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported(f"Sequence({name!r})", unsupported, {"for_update": False})
        if schema is not None:
            raise NotImplementedError(
                f"Sequence({name!r}, schema=): schema-qualified names are not supported"
            )
        IdentityOptions.__init__(
            self, start, increment, minvalue, maxvalue, nominvalue, nomaxvalue, cycle, cache, order
        )
        self.name = name
        self.schema = schema
        self.data_type = data_type
        self.optional = optional
        self.metadata = metadata
        if metadata is not None:
            metadata._add_sequence(self)

    def next_value(self) -> next_value:
        """`nextval('name')`: the sequence's next value, as a SQL expression."""
        return next_value(self)

    def value(self) -> Any:
        """What a row that gives no value gets: the next value (PostgreSQL)."""
        return _SequenceDefault(self)

    def _options_sql(self) -> str:
        options = super()._options_sql()
        if self.data_type is not None:
            from .sqltypes import to_instance

            type_sql = to_instance(self.data_type).compile("postgresql")
            options = f"AS {type_sql}" + (f" {options}" if options else "")
        return options

    def create(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import CreateSequence

        bind._run_ddl(
            lambda dialect: [CreateSequence(self, if_not_exists=checkfirst)._sequence_datum(dialect)]
        )

    def drop(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import DropSequence

        bind._run_ddl(lambda dialect: [DropSequence(self, if_exists=checkfirst)._sequence_datum(dialect)])

    def __repr__(self) -> str:
        return f"Sequence({self.name!r})"


class _SequenceDefault(next_value):
    """The value a Sequence gives a row that has none: nextval('name') on
    PostgreSQL; NULL on SQLite, which has no sequences (an INTEGER PRIMARY KEY
    then numbers itself), as SQLAlchemy leaves the column out there."""

    __slots__ = ()

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect == "sqlite":
            return ("null",)
        return super()._datum(binds)
