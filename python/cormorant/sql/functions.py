"""SQL functions, as SQLAlchemy's `sqlalchemy.sql.functions`: `func.<name>(...)`,
the GenericFunction classes that give known names their SQL type (and
register themselves under their name), and the window, WITHIN GROUP and
FILTER forms built from a function."""

from __future__ import annotations

import copy as _copy
import datetime
import decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, overload

from ..exc import ArgumentError
from .base import ColumnCollection, FromClause
from .elements import (
    BinaryExpression,
    BindCollector,
    ColumnElement,
    FunctionFilter,
    Over,
    WithinGroup,
    coerce,
)
from .sqltypes import Date, DateTime, Integer, NullType, Numeric, String, Time, TypeEngine, to_instance

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")


class FunctionElement(ColumnElement[_T]):
    """Base of every SQL function call: its arguments, and the window, FILTER
    and WITHIN GROUP forms built on it."""

    __slots__ = ("name", "packagenames", "clauses", "type")

    def __init__(self, name: str, *args: Any, type_: Any = None, packagenames: tuple[str, ...] = ()) -> None:
        self.name = name
        self.packagenames = tuple(packagenames)
        self.clauses: list[ColumnElement[Any]] = [coerce(a, label=name) for a in args]
        self.type = to_instance(type_) if type_ is not None else self._default_type()

    def _default_type(self) -> TypeEngine:
        return NullType()

    @property
    def args(self) -> list[ColumnElement[Any]]:
        return self.clauses

    def _sql_name(self, dialect: str) -> str:
        return ".".join((*self.packagenames, self.name))

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("func", self._sql_name(binds.dialect), tuple(a._datum(binds) for a in self.clauses))

    def _from_objects(self) -> list[FromClause]:
        return [f for a in self.clauses for f in a._from_objects()]

    @property
    def _row_key(self) -> str:
        return self.name

    def over(
        self,
        *,
        partition_by: Any = None,
        order_by: Any = None,
        rows: tuple[int | None, int | None] | None = None,
        range_: tuple[int | None, int | None] | None = None,
        groups: tuple[int | None, int | None] | None = None,
    ) -> Over[_T]:
        """This function as a window function: f(...) OVER (...)."""
        return Over(
            self, partition_by=partition_by, order_by=order_by, rows=rows, range_=range_, groups=groups
        )

    def within_group(self, *order_by: Any) -> WithinGroup[_T]:
        """f(...) WITHIN GROUP (ORDER BY ...), for ordered-set aggregates."""
        return WithinGroup(self, *order_by)

    @overload
    def filter(self) -> Self: ...
    @overload
    def filter(self, criterion: Any, /, *more: Any) -> FunctionFilter[_T]: ...
    def filter(self, *criterion: Any) -> FunctionFilter[_T] | Self:
        """f(...) FILTER (WHERE ...); no criteria leaves the function as it is."""
        if not criterion:
            return self
        return FunctionFilter(self, *criterion)

    def within_group_type(self, within_group: WithinGroup[Any]) -> TypeEngine | None:
        """The type of this function WITHIN GROUP; None keeps the function's own."""
        return None

    def as_comparison(self, left_index: int, right_index: int) -> FunctionAsBinary:
        return FunctionAsBinary(self, left_index, right_index)

    def scalar_table_valued(self, name: str, type_: Any = None) -> ScalarFunctionColumn[Any]:
        """(f(...)).name: one field of a function returning a composite value."""
        return ScalarFunctionColumn(self, name, type_)

    def table_valued(self, *expr: Any, **kw: Any) -> TableValuedAlias:
        """This function as a FROM item, f(...) AS name, whose columns (named by
        `expr`: strings, or column() objects carrying a type) are in .c."""
        name = _table_valued_options(kw, "table_valued")
        columns = [_named_column(e) for e in expr]
        return TableValuedAlias(self, name, columns)

    def column_valued(self, name: str | None = None, joins_implicitly: bool = False) -> TableValuedColumn:
        """This function as a FROM item of one column, selected by the alias
        itself: SELECT x FROM unnest(...) AS x."""
        return TableValuedAlias(self, name, []).column

    def alias(self, name: str | None = None, joins_implicitly: bool = False) -> TableValuedAlias:
        return TableValuedAlias(self, name, [])


class Function(FunctionElement[_T]):
    """A SQL function call by name, such as count(users.id)."""

    __slots__ = ()


_registry: dict[str, dict[str, type[GenericFunction[Any]]]] = {"_default": {}}


def register_function(identifier: str, fn: type[GenericFunction[Any]], package: str = "_default") -> None:
    """Makes `func.<identifier>` (in `package`) build `fn`."""
    _registry.setdefault(package, {})[identifier.lower()] = fn


class GenericFunction(Function[_T]):
    """A function known by name: subclasses register themselves under their
    `identifier` (the class name unless given) and give `func.<name>` their
    `type`."""

    __slots__ = ()
    identifier: ClassVar[str]
    package: ClassVar[str] = "_default"
    _register: ClassVar[bool] = True
    _fixed_type: ClassVar[TypeEngine | None] = None
    _function_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        # `type = Integer()` and `name = "..."` in a class body are class-level
        # settings here; instances keep theirs in the slots of the same names.
        if "type" in cls.__dict__:
            cls._fixed_type = to_instance(cls.__dict__["type"])
            delattr(cls, "type")
        if "name" in cls.__dict__:
            cls._function_name = cls.__dict__["name"]
            delattr(cls, "name")
        else:
            cls._function_name = cls.__name__
        if not cls.__dict__.get("_register", True):
            cls._register = True
            return
        cls.identifier = cls.__dict__.get("identifier", cls._function_name)
        register_function(cls.identifier, cls, cls.package)

    def __init__(self, *args: Any, type_: Any = None, packagenames: tuple[str, ...] = ()) -> None:
        super().__init__(type(self)._function_name, *args, type_=type_, packagenames=packagenames)

    def _default_type(self) -> TypeEngine:
        fixed = type(self)._fixed_type
        return _copy.copy(fixed) if fixed is not None else NullType()


class AnsiFunction(GenericFunction[_T]):
    """A function written without parentheses when it has no arguments
    (CURRENT_DATE, LOCALTIME, CURRENT_USER)."""

    __slots__ = ()
    _register = False

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if self.clauses or self.packagenames:
            return super()._datum(binds)
        return ("ansi_func", _ANSI_SPELLING.get(self.name, self.name))


# How SQL spells the ANSI functions SQLAlchemy's compiler knows; others as named.
_ANSI_SPELLING = {
    name: name.upper()
    for name in (
        "current_date",
        "current_time",
        "current_timestamp",
        "current_user",
        "localtime",
        "localtimestamp",
        "session_user",
        "user",
    )
}


class ReturnTypeFromArgs(GenericFunction[_T]):
    """A function whose result has the type of its first typed argument."""

    __slots__ = ()
    _register = False

    def _default_type(self) -> TypeEngine:
        return next((a.type for a in self.clauses if not isinstance(a.type, NullType)), NullType())


class ReturnTypeFromOptionalArgs(ReturnTypeFromArgs[_T]):
    __slots__ = ()
    _register = False


class OrderedSetAgg(GenericFunction[_T]):
    """An ordered-set aggregate (percentile_cont, mode): WITHIN GROUP gives
    it the type of what it orders by."""

    __slots__ = ()
    _register = False

    def within_group_type(self, within_group: WithinGroup[Any]) -> TypeEngine | None:
        return within_group.order_by[0].type if within_group.order_by else None


class FunctionAsBinary(BinaryExpression):
    """A function call that stands for a comparison of two of its arguments
    (as_comparison()), as custom relationship join conditions use."""

    __slots__ = ("sql_function", "left_index", "right_index")

    def __init__(self, fn: FunctionElement[Any], left_index: int, right_index: int) -> None:
        count = len(fn.clauses)
        for index in (left_index, right_index):
            if not 1 <= index <= count:
                raise ArgumentError(
                    f"argument index {index} is out of range for {fn.name}() of {count} arguments"
                )
        super().__init__(fn.clauses[left_index - 1], "=", fn.clauses[right_index - 1], fn.type)
        self.sql_function, self.left_index, self.right_index = fn, left_index, right_index

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return self.sql_function._datum(binds)


class ScalarFunctionColumn(ColumnElement[_T]):
    """A named field of a function's composite result: (f(x)).name."""

    __slots__ = ("fn", "name", "type")

    def __init__(self, fn: FunctionElement[Any], name: str, type_: Any = None) -> None:
        self.fn, self.name, self.type = fn, name, to_instance(type_)

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        return ("field_of", self.fn._datum(binds), self.name)

    def _from_objects(self) -> list[FromClause]:
        return self.fn._from_objects()

    @property
    def _row_key(self) -> str:
        return self.name


def _table_valued_options(kw: dict[str, Any], method: str) -> str | None:
    unknown = sorted(set(kw) - {"name", "joins_implicitly", "with_ordinality"})
    if unknown:
        raise ArgumentError(f"unknown keyword argument(s) for {method}(): {', '.join(unknown)}")
    if kw.get("with_ordinality"):
        raise NotImplementedError(f"{method}(with_ordinality=...) is not supported")
    name: str | None = kw.get("name")
    return name


def _named_column(expr: Any) -> tuple[str, TypeEngine]:
    if isinstance(expr, str):
        return (expr, NullType())
    name, type_ = getattr(expr, "name", None), getattr(expr, "type", None)
    if not isinstance(name, str):
        raise ArgumentError(f"a table-valued column is a name or a column(), got {expr!r}")
    return (name, type_ if isinstance(type_, TypeEngine) else NullType())


class TableValuedAlias(FromClause):
    """A function in a FROM clause, f(...) AS name, with the columns it
    yields in .c; render_derived() adds the column list, AS name(a, b)."""

    def __init__(
        self,
        fn: FunctionElement[Any],
        name: str | None,
        columns: list[tuple[str, TypeEngine]],
        derived: bool | None = None,
    ) -> None:
        self.fn, self.name = fn, name  # None: anon_1, anon_2... in the statement that reads it
        self._columns, self._derived = columns, derived  # None: no column list; True: with types
        self.c: ColumnCollection[TableValuedColumn] = ColumnCollection()
        self.columns = self.c
        for column_name, type_ in columns:
            self.c._add(TableValuedColumn(self, column_name, type_))

    @property
    def column(self) -> TableValuedColumn:
        """The alias itself as a column (the value of a one-column function)."""
        return TableValuedColumn(self, None, self.fn.type)

    def alias(self, name: str | None = None, flat: bool = False) -> TableValuedAlias:
        return TableValuedAlias(self.fn, name, self._columns, self._derived)

    def render_derived(self, name: str | None = None, with_types: bool = False) -> TableValuedAlias:
        return TableValuedAlias(self.fn, name or self.name, self._columns, with_types)

    def _name_in(self, binds: BindCollector) -> str:
        return self.name or binds.from_name(self, "anon")

    def _datum_from(self, binds: BindCollector) -> tuple[Any, ...]:
        derived = None
        if self._derived is not None:
            derived = tuple((n, t._ddl() if self._derived else None) for n, t in self._columns)
        return ("table_valued", self.fn._datum(binds), self._name_in(binds), derived)


class TableValuedColumn(ColumnElement[Any]):
    """A column of a TableValuedAlias; without a name, the alias itself."""

    __slots__ = ("parent", "name", "key", "type", "_whole")

    def __init__(self, parent: TableValuedAlias, name: str | None, type_: TypeEngine) -> None:
        self.parent, self.type = parent, type_
        self._whole = name is None  # the alias itself: column_valued(), or .column
        self.name = self.key = name if name is not None else (parent.name or "anon")

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if self._whole:
            return ("col", None, self.parent._name_in(binds))
        return ("col", self.parent._name_in(binds), self.name)

    def _from_objects(self) -> list[FromClause]:
        return [self.parent]

    @property
    def _row_key(self) -> str:
        return self.name


# --- the named functions -------------------------------------------------------


class aggregate_strings(GenericFunction[str]):
    """The strings of a group joined by a separator: group_concat() on
    SQLite, string_agg() on PostgreSQL."""

    __slots__ = ()
    type = String()

    def __init__(self, clause: Any, separator: str) -> None:
        super().__init__(clause, separator)

    def _sql_name(self, dialect: str) -> str:
        return "group_concat" if dialect == "sqlite" else "string_agg"


class array_agg(ReturnTypeFromArgs[Any]):
    __slots__ = ()


class char_length(GenericFunction[int]):
    """The length of a string; SQLite calls it length()."""

    __slots__ = ()
    type = Integer()

    def _sql_name(self, dialect: str) -> str:
        return "length" if dialect == "sqlite" else "char_length"


class coalesce(ReturnTypeFromOptionalArgs[Any]):
    __slots__ = ()


class concat(GenericFunction[str]):
    __slots__ = ()
    type = String()


class count(GenericFunction[int]):
    """count(expr), or count(*) without an argument."""

    __slots__ = ()
    type = Integer()


class _GroupingFunction(GenericFunction[Any]):
    """CUBE / ROLLUP / GROUPING SETS of a GROUP BY, spelled in capitals."""

    __slots__ = ()
    _register = False

    def _sql_name(self, dialect: str) -> str:
        return self.name.upper().replace("_", " ")


class cube(_GroupingFunction):
    __slots__ = ()


class rollup(_GroupingFunction):
    __slots__ = ()


class grouping_sets(_GroupingFunction):
    __slots__ = ()


class cume_dist(GenericFunction[decimal.Decimal]):
    __slots__ = ()
    type = Numeric()


class percent_rank(GenericFunction[decimal.Decimal]):
    __slots__ = ()
    type = Numeric()


class rank(GenericFunction[int]):
    __slots__ = ()
    type = Integer()


class dense_rank(GenericFunction[int]):
    __slots__ = ()
    type = Integer()


class current_date(AnsiFunction[datetime.date]):
    __slots__ = ()
    type = Date()


class current_time(AnsiFunction[datetime.time]):
    __slots__ = ()
    type = Time()


class current_timestamp(AnsiFunction[datetime.datetime]):
    __slots__ = ()
    type = DateTime()


class localtime(AnsiFunction[datetime.datetime]):
    __slots__ = ()
    type = DateTime()


class localtimestamp(AnsiFunction[datetime.datetime]):
    __slots__ = ()
    type = DateTime()


class sysdate(AnsiFunction[datetime.datetime]):
    __slots__ = ()
    type = DateTime()


class current_user(AnsiFunction[str]):
    __slots__ = ()
    type = String()


class session_user(AnsiFunction[str]):
    __slots__ = ()
    type = String()


class user(AnsiFunction[str]):
    __slots__ = ()
    type = String()


class max(ReturnTypeFromArgs[Any]):  # noqa: A001  (SQLAlchemy's name)
    __slots__ = ()


class min(ReturnTypeFromArgs[Any]):  # noqa: A001
    __slots__ = ()


class sum(ReturnTypeFromArgs[Any]):  # noqa: A001
    __slots__ = ()


class mode(OrderedSetAgg[Any]):
    __slots__ = ()


class percentile_cont(OrderedSetAgg[Any]):
    __slots__ = ()


class percentile_disc(OrderedSetAgg[Any]):
    __slots__ = ()


class now(GenericFunction[datetime.datetime]):
    """now(); CURRENT_TIMESTAMP on SQLite."""

    __slots__ = ()
    type = DateTime()


class random(GenericFunction[Any]):
    __slots__ = ()


class next_value(GenericFunction[int]):
    """The next value of a sequence: nextval('name') on PostgreSQL."""

    __slots__ = ("sequence_name",)
    type = Integer()

    def __init__(self, seq: Any) -> None:
        name = getattr(seq, "name", None)
        if not isinstance(name, str):
            raise ArgumentError("next_value() accepts a Sequence object as input.")
        super().__init__()
        self.sequence_name = name

    def _datum(self, binds: BindCollector) -> tuple[Any, ...]:
        if binds.dialect != "postgresql":
            raise NotImplementedError(f"Dialect '{binds.dialect}' does not support sequence increments.")
        return ("func", "nextval", (("literal", self.sequence_name),))


# --- func -------------------------------------------------------------------------

if TYPE_CHECKING:
    # A column expression typed by its Python value: Column[int], User.id.
    _Expression: TypeAlias = ColumnElement[_T]

_FUNCTION_KEYWORDS = frozenset({"type_"})


class _FunctionGenerator:
    """`func.<name>(...)` builds a Function for any SQL function name, and
    `func.<package>.<name>(...)` a dotted one. Names registered by a
    GenericFunction build that class, typed by what it yields: func.count()
    is a Function[int], func.max(User.id) a Function[int] (the argument's
    type), func.now() a Function[datetime]; any other name a Function[Any]."""

    __slots__ = ("_names",)

    def __init__(self, *names: str) -> None:
        self._names = names

    def __getattr__(self, name: str) -> _FunctionGenerator:
        if name.startswith("__"):
            raise AttributeError(name)
        return _FunctionGenerator(*self._names, name.removesuffix("_") if name.endswith("_") else name)

    def __call__(self, *args: Any, **kw: Any) -> Function[Any]:
        if not self._names:
            raise ArgumentError("func() needs a function name: func.<name>(...)")
        return _call_function(self._names, *args, **kw)

    # Functions of a fixed result type.

    def count(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function((*self._names, "count"), *args, **kw)

    def char_length(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function((*self._names, "char_length"), *args, **kw)

    def row_number(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function((*self._names, "row_number"), *args, **kw)

    def rank(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function((*self._names, "rank"), *args, **kw)

    def dense_rank(self, *args: Any, **kw: Any) -> Function[int]:
        return _call_function((*self._names, "dense_rank"), *args, **kw)

    def percent_rank(self, *args: Any, **kw: Any) -> Function[decimal.Decimal]:
        return _call_function((*self._names, "percent_rank"), *args, **kw)

    def cume_dist(self, *args: Any, **kw: Any) -> Function[decimal.Decimal]:
        return _call_function((*self._names, "cume_dist"), *args, **kw)

    def random(self, *args: Any, **kw: Any) -> Function[float]:
        return _call_function((*self._names, "random"), *args, **kw)

    def concat(self, *args: Any, **kw: Any) -> Function[str]:
        return _call_function((*self._names, "concat"), *args, **kw)

    def aggregate_strings(self, *args: Any, **kw: Any) -> Function[str]:
        return _call_function((*self._names, "aggregate_strings"), *args, **kw)

    def now(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function((*self._names, "now"), *args, **kw)

    def current_timestamp(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function((*self._names, "current_timestamp"), *args, **kw)

    def localtimestamp(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function((*self._names, "localtimestamp"), *args, **kw)

    def current_date(self, *args: Any, **kw: Any) -> Function[datetime.date]:
        return _call_function((*self._names, "current_date"), *args, **kw)

    def current_time(self, *args: Any, **kw: Any) -> Function[datetime.time]:
        return _call_function((*self._names, "current_time"), *args, **kw)

    def localtime(self, *args: Any, **kw: Any) -> Function[datetime.datetime]:
        return _call_function((*self._names, "localtime"), *args, **kw)

    # Functions whose result has the type of their first argument.

    @overload
    def max(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def max(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def max(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function((*self._names, "max"), col, *args, **kw)

    @overload
    def min(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def min(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def min(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function((*self._names, "min"), col, *args, **kw)

    @overload
    def sum(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def sum(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def sum(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function((*self._names, "sum"), col, *args, **kw)

    @overload
    def coalesce(self, col: _Expression[_T], /, *args: Any, **kw: Any) -> Function[_T]: ...
    @overload
    def coalesce(self, col: _T, /, *args: Any, **kw: Any) -> Function[_T]: ...
    def coalesce(self, col: Any, /, *args: Any, **kw: Any) -> Function[Any]:
        return _call_function((*self._names, "coalesce"), col, *args, **kw)


def _call_function(names: tuple[str, ...], *args: Any, **kw: Any) -> Function[Any]:
    """The function `names` calls: a registered GenericFunction (in its
    package, or the default one), else a plain Function; `type_=` overrides
    the SQL type."""
    unknown = sorted(set(kw) - _FUNCTION_KEYWORDS)
    if unknown:
        raise ArgumentError(f"unknown keyword argument(s) for func.{'.'.join(names)}(): {', '.join(unknown)}")
    *packages, name = names
    package = packages[0] if len(packages) == 1 else "_default"
    registered = _registry.get(package, {}).get(name.lower()) if len(packages) <= 1 else None
    if registered is not None:
        fn: Function[Any] = registered(*args)
        if kw.get("type_") is not None:
            fn.type = to_instance(kw["type_"])
        return fn
    return Function(name, *args, type_=kw.get("type_"), packagenames=tuple(packages))


func = _FunctionGenerator()
modifier = _FunctionGenerator()
