"""Query: the legacy ORM query API that SQLAlchemy 2.0 keeps
(`session.query(User).filter(...).first()`).

A Query is a thin generative wrapper around a Select: each method returns a
new Query holding a new Select, and every execution goes through
Session.execute(), so the statement cache, autoflush, the identity map,
loader options and events apply exactly as to select(). As in SQLAlchemy,
a query of one mapped entity yields instances, any other yields Rows, and
rows holding entities are deduplicated by identity."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, SupportsIndex, TypeVar, overload

from ..engine.result import Row
from ..exc import ArgumentError, InvalidRequestError, LegacyAPIWarning, NoResultFound, SADeprecationWarning
from ..sql.dml import Delete, Update, delete, update
from ..sql.elements import ColumnElement, Exists, Label, ScalarSelect, UnaryExpression, and_, literal_column
from ..sql.functions import func
from ..sql.selectable import CTE, CompoundSelect, FromStatement, Select, SelectBase, Subquery
from . import events as _events
from .events import active as _active
from .util import aliased

if TYPE_CHECKING:
    from typing_extensions import Self

    from .session import Session

_T = TypeVar("_T")
_TP = TypeVar("_TP", bound=tuple[Any, ...])

_SYNC_STRATEGIES = ("auto", "evaluate", "fetch", False, None)

SynchronizeSessionArgument = Literal["auto", "evaluate", "fetch", False, None]


class Query(Generic[_T]):
    """ORM-level SQL construction object, as SQLAlchemy's legacy Query."""

    def __init__(self, entities: Any, session: Session | None = None) -> None:
        if not isinstance(entities, (list, tuple)):
            entities = (entities,)
        self.session: Session | None = session
        self._select: Select[Any] = Select(*entities)
        self._params: dict[str, Any] = {}
        self._enable_assertions = True
        self._only_tuples = False
        self._adapted_from: tuple[Any, Subquery] | None = None  # (table, subquery) after union()
        self._from_statement: FromStatement | None = None
        self._autoflush = True

    # --- generating ----------------------------------------------------------------

    def _with_select(self, select: Select[Any]) -> Self:
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new._select = select
        return new

    def _assert_no_statement(self, method: str) -> None:
        if self._enable_assertions and self._from_statement is not None:
            raise InvalidRequestError(
                f"Query.{method}() being called on a Query with an existing full statement - can't apply criterion."
            )

    def _assert_no_limit_offset(self, method: str) -> None:
        self._assert_no_statement(method)
        if self._enable_assertions and (self._select._limit is not None or self._select._offset is not None):
            raise InvalidRequestError(
                f"Query.{method}() being called on a Query which already has LIMIT or OFFSET applied.  "
                f"Call {method}() before limit() or offset() are applied."
            )

    def _has_criterion(self, order_by: bool = True, distinct: bool = True) -> bool:
        s = self._select
        return bool(
            s._where
            or s._select_from
            or s._joins
            or s._limit is not None
            or s._offset is not None
            or s._group_by
            or (order_by and s._order_by)
            or (distinct and s._distinct)
        )

    def _assert_no_criterion(self, method: str, order_by: bool = True, distinct: bool = True) -> None:
        if self._enable_assertions and self._has_criterion(order_by, distinct):
            raise InvalidRequestError(f"Query.{method}() being called on a Query with existing criterion. ")

    def filter(self, *criterion: Any) -> Self:
        """WHERE these criteria, joined by AND to those given before."""
        self._assert_no_limit_offset("filter")
        return self._with_select(self._select.where(*self._adapted(criterion)))

    def where(self, *criterion: Any) -> Self:
        """A synonym of filter()."""
        return self.filter(*criterion)

    def filter_by(self, **kwargs: Any) -> Self:
        """WHERE attribute = value, for attributes of the last joined entity (or the first one)."""
        self._assert_no_limit_offset("filter_by")
        return self._with_select(self._select.filter_by(**kwargs))

    def order_by(self, *clauses: Any) -> Self:
        self._assert_no_limit_offset("order_by")
        return self._with_select(self._select.order_by(*self._adapted(clauses)))

    def group_by(self, *clauses: Any) -> Self:
        self._assert_no_limit_offset("group_by")
        return self._with_select(self._select.group_by(*self._adapted(clauses)))

    def having(self, *criterion: Any) -> Self:
        self._assert_no_limit_offset("having")
        return self._with_select(self._select.having(*self._adapted(criterion)))

    def join(self, target: Any, onclause: Any = None, *, isouter: bool = False, full: bool = False) -> Self:
        self._assert_no_limit_offset("join")
        return self._with_select(self._select.join(target, onclause, isouter=isouter, full=full))

    def outerjoin(self, target: Any, onclause: Any = None, *, full: bool = False) -> Self:
        return self.join(target, onclause, isouter=True, full=full)

    def select_from(self, *from_obj: Any) -> Self:
        if self._enable_assertions and (self._has_criterion() or self._select._order_by):
            raise InvalidRequestError("Query.select_from() being called on a Query with existing criterion. ")
        return self._with_select(self._select.select_from(*from_obj))

    def options(self, *args: Any) -> Self:
        return self._with_select(self._select.options(*args))

    def limit(self, limit: int | None) -> Self:
        self._assert_no_statement("limit")
        return self._with_select(self._select.limit(limit))

    def offset(self, offset: int | None) -> Self:
        self._assert_no_statement("offset")
        return self._with_select(self._select.offset(offset))

    def slice(self, start: int, stop: int) -> Self:
        """Rows start to stop (OFFSET/LIMIT), counted within any offset and limit already given."""
        self._assert_no_statement("slice")
        s = self._select
        base = s._offset or 0
        stop = min(stop, s._limit) if s._limit is not None else stop
        count = max(stop - start, 0)
        offset = base + start
        return self._with_select(s.offset(offset or None).limit(count))

    def distinct(self, *expr: Any) -> Self:
        self._assert_no_statement("distinct")
        return self._with_select(self._select.distinct(*expr))

    def correlate(self, *fromclauses: Any) -> Self:
        return self._with_select(self._select.correlate(*fromclauses))

    def with_for_update(
        self,
        *,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> Self:
        return self._with_select(
            self._select.with_for_update(
                nowait=nowait, read=read, of=of, skip_locked=skip_locked, key_share=key_share
            )
        )

    def prefix_with(self, *prefixes: Any, dialect: str = "*") -> Self:
        return self._with_select(self._select.prefix_with(*prefixes, dialect=dialect))

    def suffix_with(self, *suffixes: Any, dialect: str = "*") -> Self:
        return self._with_select(self._select.suffix_with(*suffixes, dialect=dialect))

    def params(self, __params: Mapping[str, Any] | None = None, **kw: Any) -> Self:
        """Values for bindparam()s used in the criteria, passed at execution."""
        new = self._with_select(self._select)
        new._params = {**self._params, **(__params or {}), **kw}
        return new

    def execution_options(self, **kwargs: Any) -> Self:
        return self._with_select(self._select.execution_options(**kwargs))

    def get_execution_options(self) -> dict[str, Any]:
        return self._select.get_execution_options()

    def yield_per(self, count: int) -> Self:
        """Fetches `count` rows at a time instead of all at once."""
        return self.execution_options(yield_per=count)

    def populate_existing(self) -> Self:
        """Objects already in the identity map are overwritten with the loaded rows."""
        return self.execution_options(populate_existing=True)

    def enable_assertions(self, value: bool) -> Self:
        """With False, methods no longer refuse to run in an unusual order (filter() after limit()...)."""
        new = self._with_select(self._select)
        new._enable_assertions = value
        return new

    def only_return_tuples(self, value: bool) -> Query[Any]:
        """With True, a query of one entity yields Rows too."""
        new = self._with_select(self._select)
        new._only_tuples = value
        return new

    def tuples(self) -> Query[Any]:
        return self.only_return_tuples(True)

    def autoflush(self, setting: bool) -> Self:
        """With False, running this query does not flush the Session first."""
        new = self._with_select(self._select)
        new._autoflush = setting
        return new

    def from_statement(self, statement: Any) -> Self:
        """Loads this query's entities from the rows of `statement` (text() or
        another select), run as it is; criteria can no longer be added."""
        if self._enable_assertions and (self._has_criterion() or self._from_statement is not None):
            raise InvalidRequestError(
                "Query.from_statement() being called on a Query with existing criterion. "
            )
        new = self._with_select(self._select)
        new._from_statement = self._select.from_statement(statement)
        return new

    def with_session(self, session: Session) -> Self:
        new = self._with_select(self._select)
        new.session = session
        return new

    # --- what is selected ------------------------------------------------------------

    def with_entities(self, *entities: Any) -> Query[Any]:
        """The same query selecting these entities or columns instead."""
        return self._with_select(self._select.with_only_columns(*entities))

    def add_columns(self, *column: Any) -> Query[Any]:
        return self._with_select(self._select.add_columns(*column))

    def add_entity(self, entity: Any, alias: Any = None) -> Query[Any]:
        if alias is not None:
            entity = aliased(entity, alias)
        return self._with_select(self._select.add_columns(entity))

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        return self._select.column_descriptions

    @property
    def is_single_entity(self) -> bool:
        """Whether rows are returned as the instances of the one entity selected."""
        entries = self._select.result_entries
        return not self._only_tuples and len(entries) == 1 and entries[0].mapper is not None

    @property
    def statement(self) -> Select[Any] | FromStatement:
        """The statement this query runs: its Select, or the from_statement() given."""
        return self._select if self._from_statement is None else self._from_statement

    @property
    def selectable(self) -> Select[Any]:
        return self._select

    def __clause_element__(self) -> Select[Any]:
        return self._select

    @property
    def whereclause(self) -> ColumnElement[bool] | None:
        where = self._select._where
        return and_(*where) if where else None

    def __str__(self) -> str:
        return str(self._select)

    # --- as part of another statement ------------------------------------------------

    def subquery(
        self, name: str | None = None, with_labels: bool = False, reduce_columns: bool = False
    ) -> Subquery:
        if with_labels or reduce_columns:
            name_ = "with_labels" if with_labels else "reduce_columns"
            raise NotImplementedError(f"Query.subquery({name_}=True) is not supported by cormorant")
        self._assert_no_statement("subquery")
        return self._select.subquery(name)

    def cte(self, name: str | None = None, recursive: bool = False, nesting: bool = False) -> CTE:
        self._assert_no_statement("cte")
        return self._select.cte(name, recursive=recursive, nesting=nesting)

    def label(self, name: str) -> Label:
        """The query as a labelled scalar subquery: (SELECT ...) AS name."""
        self._assert_no_statement("label")
        return self._select.label(name)

    def scalar_subquery(self) -> ScalarSelect:
        self._assert_no_statement("scalar_subquery")
        return self._select.scalar_subquery()

    def as_scalar(self) -> ScalarSelect:
        """Deprecated synonym of scalar_subquery()."""
        warnings.warn(
            "The Query.as_scalar() method is deprecated and will be removed in a future release.  "
            "Please refer to Query.scalar_subquery().",
            LegacyAPIWarning,
            stacklevel=2,
        )
        return self.scalar_subquery()

    def exists(self) -> Exists:
        """EXISTS (SELECT 1 FROM ... WHERE ...), for session.query(q.exists()).scalar()."""
        self._assert_no_statement("exists")
        inner = self._select.with_only_columns(literal_column("1"))
        first = self._entity_zero()
        if first is not None and not self._select._select_from:
            inner = inner.select_from(first)
        return Exists(inner)

    def _entity_zero(self) -> Any:
        """The first entity selected, or the table of the first column."""
        for entry in self._select.result_entries:
            if entry.mapper is not None:
                return entry.expr
            entity = getattr(entry.column, "class_", None)
            if entity is not None:
                return entity
            table = getattr(entry.column, "table", None)
            if table is not None:
                return table
        return None

    # --- set operations --------------------------------------------------------------

    def union(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.union, q)

    def union_all(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.union_all, q)

    def intersect(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.intersect, q)

    def intersect_all(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.intersect_all, q)

    def except_(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.except_, q)

    def except_all(self, *q: Query[Any]) -> Self:
        return self._set_op(self._select.except_all, q)

    def _set_op(self, combine: Any, others: Sequence[Query[Any]]) -> Self:
        """The query selecting from the set operation as a subquery: its entity
        loaded from the subquery's columns, later criteria on the entity's
        columns moved onto them (as SQLAlchemy adapts them)."""
        self._assert_no_statement("union")
        for other in others:
            other._assert_no_statement("union")
        compound: CompoundSelect = combine(*(other._select for other in others))
        subquery = compound.subquery()
        entries = self._select.result_entries
        new = self._with_select(self._select)
        if len(entries) == 1 and entries[0].mapper is not None:
            if not isinstance(entries[0].expr, type):
                raise NotImplementedError(
                    "Query set operations of an aliased() entity are not supported by cormorant"
                )
            new._select = Select(aliased(entries[0].expr, subquery))
            new._adapted_from = (entries[0].mapper.table, subquery)
        elif any(entry.mapper is not None for entry in entries):
            raise NotImplementedError(
                "Query set operations selecting an entity among other columns or entities"
            )
        else:
            new._select = Select(*subquery.c)
            new._adapted_from = None
        return new

    def _adapted(self, clauses: Sequence[Any]) -> list[Any]:
        """After union(), a column of the entity's table becomes the subquery's
        column of that name (also under asc()/desc()). Other expressions over
        the table cannot be moved onto the subquery here, and are refused
        rather than left to add the table to FROM."""
        if self._adapted_from is None:
            return list(clauses)
        return [self._adapt(clause) for clause in clauses]

    def _adapt(self, clause: Any) -> Any:
        assert self._adapted_from is not None
        table, subquery = self._adapted_from
        element = _clause_of(clause)
        if isinstance(element, UnaryExpression):
            inner = _clause_of(element.element)
            if getattr(inner, "table", None) is table:
                column = subquery.corresponding_column(inner)
                if column is not None:
                    return UnaryExpression(element.operator, column, element.type)
        if getattr(element, "table", None) is table:
            return subquery.corresponding_column(element)
        if isinstance(element, ColumnElement) and any(f is table for f in element._from_objects()):
            raise NotImplementedError(
                "cormorant cannot adapt this expression onto the subquery of a Query set operation; "
                "filter each query before union(), or use the columns of aliased(Entity, subquery)"
            )
        return clause

    # --- running it ----------------------------------------------------------------

    def _session(self) -> Session:
        if self.session is None:
            raise InvalidRequestError("This Query is not bound to a Session; use Query.with_session(session)")
        return self.session

    def _iter(self) -> Any:
        """Executes through the Session: one entity gives its instances, and
        rows holding entities are deduplicated (except when streamed)."""
        if _active("before_compile"):
            return _events.run_query_event(self, "before_compile")._run()
        return self._run()

    def _run(self) -> Any:
        session = self._session()
        if self._autoflush:
            result = session.execute(self.statement, self._params or None)
        else:
            with session.no_autoflush:
                result = session.execute(self.statement, self._params or None)
        entries = self._select.result_entries
        holds_entity = any(entry.mapper is not None for entry in entries)
        streamed = bool(self._select._execution_options.get("yield_per"))
        if self.is_single_entity:
            scalars = result.scalars()
            return scalars if streamed else scalars.unique()
        if holds_entity and not streamed:
            return result.unique()
        return result

    def __iter__(self) -> Iterator[_T]:
        return iter(self._iter())

    def all(self) -> list[_T]:
        return list(self._iter().all())

    def first(self) -> _T | None:
        """The first result (the query runs with LIMIT 1), or None."""
        limited = self if self._from_statement is not None else self._with_select(self._select.limit(1))
        first: _T | None = limited._iter().first()
        return first

    def one(self) -> _T:
        """Exactly one result, else NoResultFound or MultipleResultsFound."""
        one: _T = self._iter().one()
        return one

    def one_or_none(self) -> _T | None:
        """At most one result (None for none), else MultipleResultsFound."""
        one: _T | None = self._iter().one_or_none()
        return one

    def scalar(self) -> Any:
        """The first column of the only row (or the only instance), None when there is no row."""
        try:
            result = self.one()
        except NoResultFound:
            return None
        return result[0] if isinstance(result, Row) else result

    @overload
    def __getitem__(self, item: builtins.slice) -> list[_T]: ...
    @overload
    def __getitem__(self, item: SupportsIndex) -> _T: ...
    def __getitem__(self, item: Any) -> Any:
        """q[1:3] runs with OFFSET 1 LIMIT 2; q[0] with LIMIT 1 (IndexError when there is no row)."""
        if isinstance(item, builtins.slice):
            start, stop, step = item.start, item.stop, item.step
            if isinstance(start, int) and isinstance(stop, int) and stop - start <= 0:
                return []
            if (isinstance(start, int) and start < 0) or (isinstance(stop, int) and stop < 0):
                raise IndexError("negative indexes are not accepted by SQL index / slice operators")
            sliced = self._sliced(start or 0, stop)
            return list(sliced)[::step] if step is not None else list(sliced)
        index = item.__index__()
        if index < 0:
            raise IndexError("negative indexes are not accepted by SQL index / slice operators")
        return self[index : index + 1][0]

    def _sliced(self, start: int, stop: int | None) -> Self:
        if stop is not None:
            return self.slice(start, stop)
        return self.offset((self._select._offset or 0) + start or None)

    def count(self) -> int:
        """How many rows the query returns: SELECT count(*) FROM (the query) AS anon_1."""
        if _active("before_compile"):
            query: Query[Any] = _events.run_query_event(self, "before_compile")
            return query._count()
        return self._count()

    def _count(self) -> int:
        counting: Select[Any] = Select(func.count(literal_column("*")).label("count_1")).select_from(
            self._counted_subquery()
        )
        count: int = self._session().execute(counting, self._params or None).scalar_one()
        return count

    def _counted_subquery(self) -> Subquery:
        if self._from_statement is None:
            return self._select.subquery()
        statement = self._from_statement.statement
        if not isinstance(statement, SelectBase):
            raise NotImplementedError("Query.count() of a from_statement() that is not a select()")
        return statement.subquery()

    def get(self, ident: Any) -> _T | None:
        """Deprecated: the instance with this primary key, as Session.get()."""
        warnings.warn(
            "The Query.get() method is considered legacy as of the 1.x series of SQLAlchemy and becomes a "
            "legacy construct in 2.0. The method is now available as Session.get() (deprecated since: 2.0) "
            "(Background on SQLAlchemy 2.0 at: https://sqlalche.me/e/b8d9)",
            LegacyAPIWarning,
            stacklevel=2,
        )
        entries = self._select.result_entries
        if len(entries) != 1 or entries[0].mapper is None:
            raise InvalidRequestError("get() can only be used against a single mapped class.")
        self._assert_no_criterion("get", order_by=False, distinct=False)
        self._assert_no_statement("get")
        obj: _T | None = self._session().get(
            entries[0].expr,
            ident,
            options=self._select.loader_options or None,
            populate_existing=bool(self._select._execution_options.get("populate_existing")),
        )
        return obj

    # --- UPDATE and DELETE by criteria ---------------------------------------------------

    def update(
        self,
        values: Mapping[Any, Any] | Sequence[tuple[Any, Any]],
        synchronize_session: SynchronizeSessionArgument = "auto",
        update_args: Mapping[str, Any] | None = None,
    ) -> int:
        """UPDATE the rows this query's criteria match; returns how many matched.
        Loaded objects get the new values (synchronize_session="auto"/"evaluate"/"fetch")."""
        args = dict(update_args or {})
        ordered = args.pop("preserve_parameter_order", False)
        _refuse_dml_args("update_args", args)
        query = self
        if _active("before_compile_update"):
            context = _events.BulkUD(self, getattr(self._entity_zero(), "__mapper__", None), values)
            query = _events.run_query_event(self, "before_compile_update", context)
        statement = update(query._dml_entity("update")).where(*query._select._where)
        if ordered:
            statement = statement.ordered_values(*values)
        else:
            statement = statement.values(values)
        return query._run_dml(statement, synchronize_session)

    def delete(
        self,
        synchronize_session: SynchronizeSessionArgument = "auto",
        delete_args: Mapping[str, Any] | None = None,
    ) -> int:
        """DELETE the rows this query's criteria match; returns how many matched.
        Loaded objects among them are marked deleted."""
        _refuse_dml_args("delete_args", dict(delete_args or {}))
        query = self
        if _active("before_compile_delete"):
            context = _events.BulkUD(self, getattr(self._entity_zero(), "__mapper__", None))
            query = _events.run_query_event(self, "before_compile_delete", context)
        statement = delete(query._dml_entity("delete")).where(*query._select._where)
        return query._run_dml(statement, synchronize_session)

    def _dml_entity(self, method: str) -> Any:
        self._assert_no_statement(method)
        s = self._select
        for value, name in (
            (s._limit is not None, "limit()"),
            (s._offset is not None, "offset()"),
            (s._order_by, "order_by()"),
            (s._group_by, "group_by()"),
            (s._distinct, "distinct()"),
            (s._joins or s._select_from, "join(), outerjoin(), select_from(), or from_self()"),
        ):
            if value:
                raise InvalidRequestError(
                    f"Can't call Query.update() or Query.delete() when {name} has been called"
                )
        entity = self._entity_zero()
        if entity is None or len(s.result_entries) != 1:
            raise InvalidRequestError(
                f"Query.{method}() needs a Query of one mapped entity (or one of its columns)"
            )
        return entity

    def _run_dml(self, statement: Update | Delete, synchronize_session: Any) -> int:
        if synchronize_session not in _SYNC_STRATEGIES:
            raise ArgumentError(
                "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False"
            )
        result = self._session().execute(
            statement, self._params or None, execution_options={"synchronize_session": synchronize_session}
        )
        rowcount: int = result.rowcount
        return rowcount


class AliasOption:
    """Deprecated since SQLAlchemy 1.4, as there: entities are matched to the
    columns of a from_statement() without it, so it does nothing."""

    def __init__(self, alias: Any) -> None:
        warnings.warn(
            "The AliasOption object is not necessary for entities to be matched up to a query that is "
            "established via Query.from_statement and now does nothing. (deprecated since: 1.4)",
            SADeprecationWarning,
            stacklevel=2,
        )
        self.alias = alias


def contains_alias(alias: Any) -> AliasOption:
    """An AliasOption (deprecated; it does nothing)."""
    return AliasOption(alias)


def _clause_of(value: Any) -> Any:
    """The SQL element behind an ORM attribute (User.id gives its Column)."""
    return value.__clause_element__() if hasattr(value, "__clause_element__") else value


def _refuse_dml_args(name: str, args: Mapping[str, Any]) -> None:
    if args:
        raise NotImplementedError(f"Query {name} {', '.join(map(repr, args))} are not supported by cormorant")


class RowReturningQuery(Query[Row[_TP]]):
    """A Query typed by the Rows it yields (session.query(User.id, User.name)
    is RowReturningQuery[tuple[int, str]]); at run time every query is a Query."""

    if TYPE_CHECKING:

        def tuples(self) -> Query[_TP]: ...


__all__ = ["Query", "RowReturningQuery", "AliasOption", "contains_alias"]
