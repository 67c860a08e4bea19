"""Types of cormorant._native, the C++ engine's Python module (built from
cpp/bindings). It is private: the public API is the cormorant package, which
is the only user of these names. tests-py/test_native_stub.py checks that
this file declares exactly what the module exports."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, final

from cormorant.orm.attributes import SessionRef
from cormorant.orm.identity import IdentityMap

_TP = TypeVar("_TP", bound=tuple[Any, ...])

# A statement in tuple form (see sql/elements.py): nested tuples and lists of
# None, bool, int, float and str, whose first item names the construct.
_Datum = tuple[Any, ...]

# How a result column becomes a Python value: a converter code (RAW, BOOLEAN,
# DATETIME... in sql/sqltypes.py) or a function applied to the driver's value.
_Converter = int | Callable[[Any], Any]

# --- constants (bind_constants.cpp) ----------------------------------------------

STATE_ATTRIBUTE: str  # the attribute of a mapped object holding its InstanceState
TRANSIENT: int
PENDING: int
PERSISTENT: int
DELETED: int
DETACHED: int
CONVERT_RAW: int  # result converter codes decoded natively
CONVERT_BOOLEAN: int
CONVERT_DATETIME: int
CONVERT_DATE: int
CONVERT_TIME: int
CONVERT_FLOAT: int
CONVERT_INTEGER_ARRAY: int  # PostgreSQL array text -> nested lists of int / float / bool / str
CONVERT_FLOAT_ARRAY: int
CONVERT_BOOLEAN_ARRAY: int
CONVERT_TEXT_ARRAY: int
ERROR_KINDS: tuple[str, ...]  # every Error.kind the engine raises

# --- errors (errors.cpp) --------------------------------------------------------

class Error(Exception):
    """An error raised by the cormorant engine; engine/errors.py translates it
    to the DBAPIError subclass its kind names."""

    kind: str  # interface, operational, integrity, programming, data, not_supported, internal, pool_timeout, invalid_request, database
    sqlstate: str | None
    code: int  # the driver's own error code, 0 when it has none
    statement: str | None
    connection_dead: bool

# --- rows (row.cpp) ---------------------------------------------------------------

@final
class RowKeys:
    """The column names shared by every Row of one result."""

    def __init__(self, fields: Iterable[str], /) -> None: ...
    @property
    def fields(self) -> tuple[str, ...]: ...

@final
class Row(Generic[_TP]):
    """A result row: indexable, iterable, and with column names as attributes.
    engine/result.py re-exports it as cormorant.Row."""

    def __init__(self, keys: RowKeys, values: Iterable[Any], /) -> None: ...
    @property
    def _fields(self) -> tuple[str, ...]: ...
    @property
    def _mapping(self) -> Mapping[Any, Any]: ...  # of the type set_row_mapping_type() named
    @property
    def _t(self) -> _TP: ...
    @property
    def t(self) -> _TP: ...
    def _tuple(self) -> _TP: ...
    def tuple(self) -> _TP: ...
    def _asdict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, index: int | slice, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __getattr__(self, name: str, /) -> Any: ...

def set_row_mapping_type(type: Callable[[dict[str, Any]], Mapping[Any, Any]], /) -> None:
    """The type Row._mapping returns, called with the row's dict."""

# --- ORM state (state.cpp) -------------------------------------------------------

@final
class InstanceState:
    """ORM bookkeeping for one mapped object; orm/attributes.py gives it its meaning."""

    def __init__(self) -> None: ...
    session: SessionRef | None
    key: tuple[type, Any] | None  # (identity class, primary key value or tuple)
    committed: dict[str, Any] | None
    expired: bool
    status: int  # TRANSIENT, PENDING, PERSISTENT, DELETED or DETACHED (orm/attributes.py)

# --- connections, the pool, cursors (bind_driver.cpp) -----------------------------

@final
class Connector:
    """Opens driver connections for a Pool; made by sqlite_connector() or postgres_connector()."""

class LoopScheduler:
    def __init__(self, wait_socket: Callable[[int, bool], None], pause: Callable[[float], None]) -> None: ...

def sqlite_connector(path: str, busy_timeout: float, scheduler: LoopScheduler | None = None) -> Connector: ...

@final
class PostgresOptions:
    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        dbname: str,
        connect_timeout: float,
        parameters: Mapping[str, str],
    ) -> None: ...
    @property
    def conninfo(self) -> str: ...

def postgres_connector(options: PostgresOptions, scheduler: LoopScheduler | None = None) -> Connector: ...

@final
class Pool:
    def __init__(
        self,
        connector: Connector,
        kind: str,  # queue, static or null
        pool_size: int,
        max_overflow: int,
        timeout: float,
        recycle: float,
        pre_ping: bool,
        lifo: bool = False,  # a queue pool hands out its most recently returned idle connection first
    ) -> None: ...
    def checkout(self) -> Lease: ...
    def checkin(self, lease: Lease, /) -> None: ...
    def dispose(self) -> None: ...
    def checked_out(self) -> int: ...
    def idle(self) -> int: ...
    def overflow(self) -> int: ...

@final
class Lease:
    """One checkout of a pooled connection."""

    @property
    def fresh(self) -> bool: ...
    @property
    def id(self) -> int: ...
    @property
    def invalidated(self) -> bool: ...
    @property
    def dialect(self) -> str: ...
    def invalidate(self) -> None: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def in_transaction(self) -> bool: ...
    def ping(self) -> bool: ...
    def execute(self, sql: str, params: Sequence[Any]) -> Cursor: ...
    def execute_streaming(self, sql: str, params: Sequence[Any]) -> Cursor:
        """As execute(), with a query's rows read off the wire as they are fetched
        (PostgreSQL's single-row mode); the connection is busy until the cursor
        has read them all or is closed."""
    def execute_many(self, sql: str, keys: Sequence[str], rows: Sequence[dict[str, Any]]) -> int:
        """Runs `sql` once per dict of `rows`, read in `keys` order; the total rowcount."""

@final
class Cursor:
    @property
    def column_names(self) -> list[str]: ...
    @property
    def rowcount(self) -> int: ...
    @property
    def last_insert_id(self) -> int: ...
    def close(self) -> None:
        """Closes the cursor; a streaming one first reads, or cancels, the rest of its rows."""

# --- hydration (bind_result.cpp) -------------------------------------------------

@final
class EntityPlan:
    """How one mapped class is built from a slice of a row's columns."""

    def __init__(
        self,
        cls: type,
        identity_class: type,
        attributes: list[str],
        columns: Sequence[int],
        primary_key: Sequence[int],
        eager: list[tuple[str, EntityPlan, Callable[[Any], Any] | None]] = ...,
        polymorphic: tuple[int, dict[Any, EntityPlan]] | None = None,
    ) -> None:
        """With `polymorphic` (inheritance), each row builds the plan its
        discriminator column names: (column index, {identity: EntityPlan})."""

@final
class ResultPlan:
    """A statement's column converters and outputs (column indexes or
    EntityPlans); with `keys` None the single output is returned bare."""

    def __init__(
        self, converters: list[_Converter], outputs: list[int | EntityPlan], keys: RowKeys | None
    ) -> None: ...

def fetch_all(
    cursor: Cursor,
    plan: ResultPlan,
    identity_map: IdentityMap | None,
    session: SessionRef | None,
    populate_existing: bool = False,
) -> list[Any]:
    """Every remaining row, hydrated; the identity map and session are for entity
    outputs. With `populate_existing` the objects already in the identity map are
    refilled from the rows, their kept changes dropped."""

def fetch_many(
    cursor: Cursor,
    plan: ResultPlan,
    max_rows: int,
    identity_map: IdentityMap | None,
    session: SessionRef | None,
    populate_existing: bool = False,
) -> list[Any]:
    """At most `max_rows` further rows, hydrated (as fetch_all()); empty once the cursor is exhausted."""

def fill_collections(
    rows: list[Any],
    key_width: int,
    parents: dict[Any, Any],
    attribute: str,
    make_collection: Callable[[Any], Any],
) -> None:
    """Selectin loading: appends each row's child to the collection of the parent its key names."""

# --- SQL (bind_sql.cpp) ------------------------------------------------------------

@final
class ValuesTemplate:
    """A one-row INSERT that can be written for many rows."""

    def render(self, rows: int) -> str: ...
    @property
    def binds(self) -> int: ...

def compile(datum: _Datum, dialect: str) -> tuple[str, list[str], str, bool, bool, ValuesTemplate | None]:
    """(sql, param_keys, kind, locks_rows, reads_only, many_values) of a statement in tuple form."""

def render(datum: _Datum, dialect: str, placeholder: str, literals: dict[str, str]) -> tuple[str, list[str]]:
    """(sql, param_keys) of a statement rendered for reading: SQLAlchemy's line
    breaks, placeholders "named" (:key), "pyformat" (%(key)s), "qmark" (?) or
    "native", and the binds in `literals` written inline as the SQL given."""

def datum_forms() -> list[tuple[str, str, tuple[str, ...], int, bool]]:
    """(role, tag, slot names, optional trailing slots, last slot repeats) of
    every tuple form the engine decodes; role is "node", "type" or "element"."""

def reads_only(sql: str) -> bool:
    """Whether SQL text begins with SELECT (SQLite may then defer BEGIN)."""

def sort_tables(tables: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Orders [(table, [referenced tables])] so referenced tables come first."""

def quote_identifier(name: str) -> str:
    """An identifier as SQL writes it: quoted when reserved, mixed-case or unusual."""

def render_type(type: _Datum, dialect: str) -> str:
    """The DDL spelling of a type in tuple form, e.g. VARCHAR(20)."""
