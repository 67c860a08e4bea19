"""The engine's interface classes, as SQLAlchemy's sqlalchemy.engine.interfaces
names them: Dialect (what `engine.dialect` is), ExecutionContext and
ExceptionContext (what cursor-execute and handle_error listeners receive),
CreateEnginePlugin (create_engine(plugins=[...])), BindTyping and
AdaptedConnection (see its docstring for what it means over native drivers)."""

from __future__ import annotations

import enum
import importlib
from typing import TYPE_CHECKING, Any, Literal

from ..sql.compiler import Compiled
from ..sql.sqltypes import TypeEngine

if TYPE_CHECKING:
    from .base import Connection, Engine
    from .url import URL


class BindTyping(enum.Enum):
    """How a dialect tells the driver the types of bound parameters. cormorant's
    native drivers bind each value by its Python type: NONE for both backends."""

    NONE = 1
    SETINPUTSIZES = 2
    RENDER_CASTS = 3


class ExecuteStyle(enum.Enum):
    """How a statement was run: once, once per parameter set, or as multi-row
    INSERT pages (ExecutionContext.execute_style)."""

    EXECUTE = 0
    EXECUTEMANY = 1
    INSERTMANYVALUES = 2


IsolationLevel = Literal[
    "SERIALIZABLE", "REPEATABLE READ", "READ COMMITTED", "READ UNCOMMITTED", "AUTOCOMMIT"
]


class TypeCompiler:
    """The DDL spelling of types for one dialect: `dialect.type_compiler.process(String(20))`
    gives 'VARCHAR(20)', as CREATE TABLE writes it."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def process(self, type_: TypeEngine | type[TypeEngine], **kw: Any) -> str:
        instance = type_() if isinstance(type_, type) else type_
        return instance.compile(self.dialect)


class Dialect:
    """What an Engine says about its database: its name, driver, placeholder
    style and capabilities. `engine.dialect` and the dialects of
    cormorant.dialects.<name> are instances of it."""

    name: str
    driver: str
    paramstyle: str
    positional: bool
    is_async: bool
    bind_typing = BindTyping.NONE
    supports_statement_cache = True
    supports_native_enum = False
    supports_sequences = False
    supports_native_boolean = False
    returns_unicode_strings = True

    @property
    def type_compiler(self) -> TypeCompiler:
        return TypeCompiler(self)

    @property
    def type_compiler_instance(self) -> TypeCompiler:
        return self.type_compiler


class ExecutionContext:
    """One statement execution, as before_cursor_execute / after_cursor_execute
    listeners receive it (`context`) and ExceptionContext.execution_context
    gives it. Made only when a listener asks for it."""

    def __init__(self, connection: Connection, statement: str, parameters: Any, executemany: bool) -> None:
        self.root_connection = connection
        self.connection = connection
        self.engine = connection.engine
        self.dialect = connection.engine.dialect
        self.statement = statement
        self.parameters = parameters
        self.executemany = executemany
        self.execute_style = ExecuteStyle.EXECUTEMANY if executemany else ExecuteStyle.EXECUTE
        self.cursor: Any = None  # the native cursor is not a DB-API object

    def __repr__(self) -> str:
        return f"<ExecutionContext {self.statement!r}>"


class ExceptionContext:
    """What a `handle_error` listener receives about an error raised while a
    Connection ran a statement, or while connecting (then `connection` is
    None and `statement` too). The listener may return an exception to raise
    in place of `sqlalchemy_exception`, raise one itself, or set
    `is_disconnect` to decide whether the connection is invalidated."""

    def __init__(
        self,
        engine: Engine,
        connection: Connection | None,
        original_exception: BaseException,
        sqlalchemy_exception: BaseException,
        statement: str | None,
        parameters: Any,
        is_disconnect: bool,
        execution_context: ExecutionContext | None = None,
    ) -> None:
        self.connection = connection  # None when the error came while connecting
        self.engine: Engine | None = engine
        self.dialect: Dialect = engine.dialect
        self.original_exception = original_exception
        self.sqlalchemy_exception: BaseException | None = sqlalchemy_exception
        self.chained_exception: BaseException | None = sqlalchemy_exception
        self.statement = statement
        self.parameters = parameters
        self.is_disconnect = is_disconnect
        self.invalidate_pool_on_disconnect = True
        self.execution_context = execution_context
        self.cursor: Any = None
        self.is_pre_ping = False


class CreateEnginePlugin:
    """A plugin create_engine() instantiates with the URL and its keyword
    arguments: named by create_engine(plugins=["name"]) or the URL's
    `?plugin=name`, and found as the `name` entry point of the
    `cormorant.plugins` group (or registered with `register_plugin`). It may
    take its own arguments out of the URL (update_url) and keywords
    (handle_dialect_kwargs / handle_pool_kwargs), and sees the Engine made
    (engine_created)."""

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        self.url = url

    def update_url(self, url: URL) -> URL:
        """The URL with this plugin's own query arguments removed."""
        raise NotImplementedError()

    def handle_dialect_kwargs(self, dialect_cls: type[Dialect], dialect_args: dict[str, Any]) -> None:
        """May take or alter the dialect's keyword arguments."""

    def handle_pool_kwargs(self, pool_cls: type[Any], pool_args: dict[str, Any]) -> None:
        """May take or alter the pool's keyword arguments (pool_size, max_overflow, ...)."""

    def engine_created(self, engine: Engine) -> None:
        """Receives the Engine create_engine() made, fully set up."""


class AdaptedConnection:
    """SQLAlchemy's wrapper of an asyncio driver's connection behind a DB-API
    facade. cormorant's engines hold no third-party driver connection: the
    DB-API-style connection that `engine.raw_connection()`, `conn.connection`
    and pool listeners get is itself the adapter over the native connection,
    so it is an AdaptedConnection, and `driver_connection` is that native
    connection lease."""

    _connection: Any

    @property
    def driver_connection(self) -> Any:
        """The native connection this object adapts."""
        return self._connection

    def run_async(self, fn: Any) -> Any:
        raise NotImplementedError(
            "AdaptedConnection.run_async() is not supported: cormorant's native connections have no "
            "asyncio driver API to await"
        )

    def __repr__(self) -> str:
        return f"<AdaptedConnection {self._connection!r}>"


class ConnectionEventsTarget:
    """What connection events (before_cursor_execute, handle_error, ...) are
    listened for on: Engine and Connection."""


Connectable = ConnectionEventsTarget

# Names SQLAlchemy's module also offers, defined where cormorant keeps them
# (imported on first use: those modules import this one).
_ELSEWHERE = {
    "Pool": ("..pool", "Pool"),
    "PoolProxiedConnection": ("..pool", "PoolProxiedConnection"),
    "DBAPIConnection": ("..pool", "DBAPIConnection"),
    "DBAPICursor": ("..pool", "DBAPICursor"),
    "ReflectedColumn": (".reflection", "ReflectedColumn"),
    "ReflectedIndex": (".reflection", "ReflectedIndex"),
    "ReflectedPrimaryKeyConstraint": (".reflection", "ReflectedPrimaryKey"),
    "ReflectedForeignKeyConstraint": (".reflection", "ReflectedForeignKey"),
    "ReflectedUniqueConstraint": (".reflection", "ReflectedUniqueConstraint"),
}


def __getattr__(name: str) -> Any:
    if name not in _ELSEWHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _ELSEWHERE[name]
    return getattr(importlib.import_module(module, __package__), attribute)


__all__ = [
    "AdaptedConnection",
    "BindTyping",
    "Compiled",
    "Connectable",
    "ConnectionEventsTarget",
    "CreateEnginePlugin",
    "Dialect",
    "ExceptionContext",
    "ExecuteStyle",
    "ExecutionContext",
    "IsolationLevel",
    "TypeCompiler",
    *_ELSEWHERE,
]
