"""create_engine(): URL + options → Engine with the right native driver and pool."""

from __future__ import annotations

import configparser
import importlib.metadata
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import _native
from ..exc import ArgumentError, NoSuchModuleError
from ..pool import Pool, QueuePool, ResetStyle, StaticPool
from ..util.concurrency import LOOP_SCHEDULER
from .base import Engine, EngineSettings
from .default import dialect_for
from .interfaces import CreateEnginePlugin
from .isolation import checked_level
from .url import URL, connect_timeout, is_memory_sqlite, make_url, sqlite_path, supported_url, truthy

_POOL_OPTIONS = {"pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_pre_ping"}
# SQLAlchemy's create_engine() options that cormorant honours (engine/base.py,
# pool/) or refuses with the reason (_refuse_unsupported); none is ignored.
_ENGINE_OPTIONS = {
    "echo",
    "poolclass",
    "connect_args",
    "pool",
    "creator",
    "future",
    "pool_use_lifo",
    "pool_reset_on_return",
    "echo_pool",
    "hide_parameters",
    "query_cache_size",
    "execution_options",
    "isolation_level",
    "json_serializer",
    "json_deserializer",
    "insertmanyvalues_page_size",
    "logging_name",
    "pool_logging_name",
    "plugins",
    "paramstyle",
    "implicit_returning",
}
_PG_CONNECT_TIMEOUT = 5.0  # seconds; libpq's own default is to wait forever
_SQLITE_CONNECT_ARGS = {
    "check_same_thread",
    "timeout",
    "uri",
    "isolation_level",
    "detect_types",
    "cached_statements",
}
# connect_args spellings of the URL's parts, as psycopg2 takes them, by libpq keyword.
_PG_URL_PARTS = {
    "host": "host",
    "port": "port",
    "user": "user",
    "password": "password",
    "dbname": "dbname",
    "database": "dbname",
}


# --- engine_from_config ----------------------------------------------------------------


def _as_bool(value: Any) -> bool:
    """A configuration file's boolean, read as SQLAlchemy's util.asbool does."""
    if not isinstance(value, str):
        return bool(value)
    word = value.strip().lower()
    if word in ("true", "yes", "on", "y", "t", "1"):
        return True
    if word in ("false", "no", "off", "n", "f", "0"):
        return False
    raise ValueError(f"String is not true/false: {word!r}")


def _bool_or_debug(value: Any) -> bool | str:
    return value if value == "debug" else _as_bool(value)


def _as_int(value: Any) -> int | None:
    return None if value is None else int(value)


# The options whose string values engine_from_config() converts: SQLAlchemy's
# engine_config_types, and the other numeric and boolean options it takes.
_CONFIG_TYPES: dict[str, Callable[[Any], Any]] = {
    "pool_timeout": float,
    "pool_recycle": _as_int,
    "pool_size": _as_int,
    "max_overflow": _as_int,
    "query_cache_size": _as_int,
    "insertmanyvalues_page_size": _as_int,
    "echo": _bool_or_debug,
    "echo_pool": _bool_or_debug,
    "future": _as_bool,
    "pool_pre_ping": _as_bool,
    "pool_use_lifo": _as_bool,
    "hide_parameters": _as_bool,
    "implicit_returning": _as_bool,
}


def config_options(
    configuration: Mapping[str, Any] | configparser.SectionProxy, prefix: str, kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The URL and the create_engine() options in `configuration`'s `prefix`-ed
    keys, string values converted; `kwargs` override them."""
    options = {key[len(prefix) :]: configuration[key] for key in configuration if key.startswith(prefix)}
    options.update(kwargs)
    if "url" not in options:
        raise ArgumentError(f"engine_from_config() found no '{prefix}url' key in the configuration")
    url = options.pop("url")
    for key, convert in _CONFIG_TYPES.items():
        if isinstance(options.get(key), str):
            options[key] = convert(options[key])
    return url, options


def engine_from_config(
    configuration: Mapping[str, Any] | configparser.SectionProxy, prefix: str = "sqlalchemy.", **kwargs: Any
) -> Engine:
    """create_engine() from a configuration mapping or configparser section:
    `sqlalchemy.url`, `sqlalchemy.pool_size = 10`, ... (keyword arguments win)."""
    url, options = config_options(configuration, prefix, kwargs)
    return create_engine(url, **options)


# Driver names that only exist as asyncio drivers, and those only used synchronously.
ASYNC_DRIVERS = {"aiosqlite", "asyncpg", "psycopg_async"}
_SYNC_ONLY_DRIVERS = {None, "pysqlite", "psycopg2", "pg8000"}


def create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for `url`; accepts SQLAlchemy's pool and engine options."""
    parsed = supported_url(make_url(url))
    if parsed.driver in ASYNC_DRIVERS:
        raise ArgumentError(
            f"The URL {parsed} names the asyncio driver '{parsed.driver}', which create_engine() "
            "cannot use; call cormorant.ext.asyncio.create_async_engine(), or name a sync driver "
            f"('{parsed.backend}://')"
        )
    return build_engine(parsed, kwargs, cooperative=False)


def check_async_driver(url: URL) -> None:
    """Refuses, for create_async_engine(), a URL whose driver is synchronous only."""
    if url.driver in _SYNC_ONLY_DRIVERS:
        raise ArgumentError(
            f"The asyncio extension requires an async driver to be used; the URL {url} names the "
            f"synchronous driver '{url.driver or 'default'}'. Use "
            + (
                "'sqlite+aiosqlite://'"
                if url.backend == "sqlite"
                else "'postgresql+asyncpg://' or '+psycopg'"
            )
        )


def build_engine(parsed: URL, kwargs: dict[str, Any], cooperative: bool) -> Engine:
    """The Engine for create_engine() and, with `cooperative` (waits through
    the event loop), for create_async_engine()'s sync_engine."""
    parsed, plugins, kwargs = _instantiate_plugins(parsed, kwargs)
    parsed = supported_url(parsed)
    unknown = set(kwargs) - _POOL_OPTIONS - _ENGINE_OPTIONS
    if unknown:
        raise ArgumentError(
            f"Invalid argument(s) {', '.join(repr(k) for k in sorted(unknown))} sent to create_engine()"
        )
    _refuse_unsupported(kwargs, parsed.backend)
    settings = _engine_settings(kwargs, parsed.backend)
    connect_args = dict(kwargs.get("connect_args") or {})
    scheduler = LOOP_SCHEDULER if cooperative else None
    if parsed.backend == "sqlite":
        connector, default_pool = _sqlite_connector(parsed, connect_args, scheduler)
    else:
        connector, default_pool = _postgres_connector(parsed, connect_args, scheduler), QueuePool
    _plugins_take_dialect_kwargs(plugins, parsed.backend)
    pool = kwargs.get("pool") or _make_pool(
        kwargs.get("poolclass") or default_pool, connector, kwargs, cooperative, plugins
    )
    if pool.cooperative != cooperative:
        kind = "an async" if pool.cooperative else "a sync"
        raise ArgumentError(f"pool= was made for {kind} engine; pass pool options instead")
    engine = Engine(parsed, pool, parsed.backend, echo=kwargs.get("echo", False), settings=settings)
    for plugin in plugins:
        plugin.engine_created(engine)
    return engine


# --- CreateEnginePlugin ----------------------------------------------------------------------

PLUGIN_ENTRY_POINTS = "cormorant.plugins"


def load_plugin(name: str) -> type[CreateEnginePlugin]:
    """The CreateEnginePlugin class installed as entry point `name` of the
    cormorant.plugins group."""
    for entry_point in importlib.metadata.entry_points(group=PLUGIN_ENTRY_POINTS, name=name):
        plugin: type[CreateEnginePlugin] = entry_point.load()
        return plugin
    raise NoSuchModuleError(f"Can't load plugin: {PLUGIN_ENTRY_POINTS}:{name}")


def _instantiate_plugins(
    url: URL, kwargs: dict[str, Any]
) -> tuple[URL, list[CreateEnginePlugin], dict[str, Any]]:
    """The plugins the URL's `?plugin=` and create_engine(plugins=[...]) name,
    each made with the URL and the keyword arguments (which it may take its
    own out of); the URL as the plugins' update_url() leave it."""
    query_names = url.query.get("plugin", ())
    names = [query_names] if isinstance(query_names, str) else list(query_names)
    names += list(kwargs.get("plugins") or ())
    if not names:
        return url, [], kwargs
    kwargs = dict(kwargs)
    plugins = [load_plugin(name)(url, kwargs) for name in names]
    url = url.difference_update_query(["plugin", "plugins"])
    for plugin in plugins:
        updated = plugin.update_url(url)
        if updated is not None:
            url = updated
    kwargs.pop("plugins", None)
    return url, plugins, kwargs


def _plugins_take_dialect_kwargs(plugins: list[CreateEnginePlugin], backend: str) -> None:
    """handle_dialect_kwargs: cormorant's dialects take no arguments, so a
    plugin adding one is refused rather than ignored."""
    dialect_cls = type(dialect_for(backend))
    for plugin in plugins:
        dialect_args: dict[str, Any] = {}
        plugin.handle_dialect_kwargs(dialect_cls, dialect_args)
        if dialect_args:
            raise ArgumentError(
                f"{type(plugin).__name__}.handle_dialect_kwargs() set {sorted(dialect_args)}: "
                f"cormorant's {backend} dialect takes no arguments"
            )


# --- options cormorant cannot honour: refused, with the reason ----------------------------

_RESET_ON_RETURN = {"rollback", "commit", None, True, False, *ResetStyle}


def _refuse_unsupported(kwargs: dict[str, Any], backend: str) -> None:
    """ArgumentError for each given option whose effect cormorant cannot give."""
    if "creator" in kwargs:
        raise ArgumentError(
            "creator= is not supported: it returns a DB-API connection (psycopg2, sqlite3), and "
            "cormorant's engine talks to the database through its own native drivers (libpq, the "
            "SQLite C API), which cannot adopt one. Put the connection parameters in the URL or in "
            "connect_args instead"
        )
    if kwargs.get("future", True) is not True:
        raise ArgumentError("The 'future' parameter passed to create_engine() may only be set to True.")
    reset = kwargs.get("pool_reset_on_return", "rollback")
    if reset not in _RESET_ON_RETURN:
        raise ArgumentError(f"Invalid value for 'reset_on_return': {reset!r}")
    if reset not in ("rollback", True, ResetStyle.reset_rollback):
        raise ArgumentError(
            f"pool_reset_on_return={reset!r} is not supported: cormorant's native pool always rolls "
            "back a connection returned inside a transaction, so it is never pooled mid-transaction "
            "(pool_reset_on_return='rollback', the default, is what it does)"
        )
    for name in ("json_serializer", "json_deserializer"):
        if kwargs.get(name) is not None:
            raise ArgumentError(
                f"{name}= is not supported: cormorant's JSON type encodes with json.dumps and the "
                "PostgreSQL driver decodes json/jsonb natively; for another encoding, use a "
                "TypeDecorator over JSON or Text"
            )
    _refuse_paramstyle(kwargs.get("paramstyle"), backend)
    if kwargs.get("implicit_returning", True) is not True:
        raise ArgumentError(
            "implicit_returning=False is not supported: in SQLAlchemy 2.0 this create_engine() "
            "parameter may only be True (it has no effect); RETURNING is used where the backend has it"
        )


def _refuse_paramstyle(paramstyle: Any, backend: str) -> None:
    native = dialect_for(backend).paramstyle
    if paramstyle is not None and paramstyle != native:
        raise ArgumentError(
            f"paramstyle={paramstyle!r} is not supported: cormorant's native {backend} driver binds "
            f"parameters by position, and statements show them in the '{native}' style"
        )


def _engine_settings(kwargs: dict[str, Any], backend: str) -> EngineSettings:
    """The engine-wide options an Engine honours, checked."""
    execution_options = dict(kwargs.get("execution_options") or {})
    if "isolation_level" in execution_options:
        execution_options["isolation_level"] = checked_level(backend, execution_options["isolation_level"])
    level = kwargs.get("isolation_level")
    page_size = kwargs.get("insertmanyvalues_page_size")
    if page_size is not None and (not isinstance(page_size, int) or page_size < 1):
        raise ArgumentError(f"insertmanyvalues_page_size must be a positive integer, not {page_size!r}")
    cache_size = kwargs.get("query_cache_size")
    if cache_size is not None and (not isinstance(cache_size, int) or cache_size < 0):
        raise ArgumentError(f"query_cache_size must be an integer >= 0, not {cache_size!r}")
    return EngineSettings(
        isolation_level=None if level is None else checked_level(backend, level),
        execution_options=execution_options,
        hide_parameters=bool(kwargs.get("hide_parameters", False)),
        logging_name=kwargs.get("logging_name"),
        query_cache_size=cache_size,
        insertmanyvalues_page_size=page_size,
    )


# --- connectors and pools -----------------------------------------------------------------


def _sqlite_connector(url: URL, connect_args: dict[str, Any], scheduler: Any) -> tuple[Any, type[Pool]]:
    unknown = set(connect_args) - _SQLITE_CONNECT_ARGS
    if unknown:
        raise ArgumentError(f"Unsupported SQLite connect_args: {', '.join(sorted(unknown))}")
    _refuse_pysqlite_args({**url.query, **connect_args})
    connector = _native.sqlite_connector(
        sqlite_path(url, connect_args), connect_timeout(connect_args, url=url), scheduler
    )
    return connector, StaticPool if is_memory_sqlite(url) else QueuePool


# sqlite3.connect() arguments whose effect the native SQLite driver does not
# give, by the value that asks for it, with the reason.
_PYSQLITE_REFUSED = {
    "check_same_thread": "cormorant's SQLite connections are not bound to the thread that opened them",
    "isolation_level": "use create_engine(isolation_level='AUTOCOMMIT' | 'SERIALIZABLE' | 'READ UNCOMMITTED')",
    "detect_types": "values are converted by the columns' types, not by sqlite3's converters",
    "cached_statements": "the native driver sizes its own prepared-statement cache",
}


def _refuse_pysqlite_args(arguments: Mapping[str, Any]) -> None:
    """sqlite3.connect() arguments are accepted only where cormorant already
    behaves so (check_same_thread=False, detect_types=0)."""
    for name, reason in _PYSQLITE_REFUSED.items():
        if name not in arguments:
            continue
        value = arguments[name]
        if name == "check_same_thread" and not truthy(value):
            continue
        if name == "detect_types" and str(value) == "0":
            continue
        raise ArgumentError(f"SQLite connect argument {name}={value!r} is not supported: {reason}")


def _query_text(value: Any) -> str:
    """A query-string parameter for libpq: a repeated key's values comma-joined."""
    return ",".join(value) if isinstance(value, tuple) else str(value)


# A host name (letters, digits, '.', '-') with a ':port', as in ?host=db1:5432.
_HOST_PORT = re.compile(r"^([a-zA-Z0-9\-.]*)(?::(\d*))?$")


def _split_hosts(url: URL) -> tuple[list[str] | None, list[str] | None]:
    """The hosts and ports the URL's query gives, as SQLAlchemy's psycopg
    dialects read them: ?host=h1:5432&host=h2:5433, or ?host=h1,h2&port=5432,5433,
    or ?host=/socket/dir (a Unix socket directory). (None, None): none given."""
    host, port = url.query.get("host"), url.query.get("port")
    hosts: list[str] | None = None
    ports: list[str] | None = None
    joined_ports = False
    if isinstance(host, tuple):
        pairs = [entry.rsplit(":", 1) if ":" in entry else [entry, ""] for entry in host]
        hosts, ports, joined_ports = [h for h, _ in pairs], [p for _, p in pairs], True
    elif isinstance(host, str):
        hosts = host.split(",")
        host_and_port = _HOST_PORT.match(host) if port is None and len(hosts) == 1 else None
        if host_and_port is not None and ":" in host:
            hosts, ports, joined_ports = [host_and_port[1]], [host_and_port[2] or ""], True
    if port is not None:
        if joined_ports:
            raise ArgumentError(
                "Can't mix 'multihost' formats together; use "
                '"host=h1,h2,h3&port=p1,p2,p3" or "host=h1:p1&host=h2:p2&host=h3:p3" separately'
            )
        ports = list(port) if isinstance(port, tuple) else port.split(",")
    if ports is not None:
        if not all(p.isdigit() or p == "" for p in ports):
            raise ArgumentError(f"Received non-integer port arguments: {tuple(ports)}")
        host_count = len(hosts or ())
        if (host_count == 0 and len(ports) > 1) or (
            host_count and host_count != len(ports) and max(host_count, len(ports)) > 1
        ):
            raise ArgumentError("number of hosts and ports don't match")
    return hosts, ports


def _postgres_connector(url: URL, connect_args: dict[str, Any], scheduler: Any) -> Any:
    """libpq parameters from the URL, its query string and connect_args (which win).
    Several hosts become libpq's multi-host conninfo (host=h1,h2 port=p1,p2),
    which tries them in turn; a host starting with '/' is a Unix socket directory."""
    hosts, ports = _split_hosts(url)
    parameters = {k: _query_text(v) for k, v in url.query.items() if k not in ("host", "port")}
    parameters.update({_PG_URL_PARTS.get(k, k): str(v) for k, v in connect_args.items()})
    timeout = float(parameters.pop("connect_timeout", _PG_CONNECT_TIMEOUT))
    host = parameters.pop("host", None) or (",".join(hosts) if hosts else url.host) or "localhost"
    port = parameters.pop("port", None) or (",".join(ports) if ports and any(ports) else None)
    if port is not None and "," not in port:
        port_number, port = int(port), None
    else:
        port_number = url.port or 5432
    if port is not None:  # several ports: libpq reads the last 'port' keyword of the conninfo
        parameters["port"] = port
        port_number = int(next((p for p in port.split(",") if p), port_number))  # for error messages
    options = _native.PostgresOptions(
        host=host,
        port=port_number,
        user=parameters.pop("user", url.username or ""),
        password=parameters.pop("password", url.password or ""),
        dbname=parameters.pop("dbname", url.database or ""),
        connect_timeout=timeout,
        parameters=parameters,
    )
    return _native.postgres_connector(options, scheduler)


def _make_pool(
    poolclass: type[Pool],
    connector: Any,
    kwargs: dict[str, Any],
    cooperative: bool,
    plugins: Sequence[CreateEnginePlugin] = (),
) -> Pool:
    if not (isinstance(poolclass, type) and issubclass(poolclass, Pool)):
        raise ArgumentError(f"poolclass must be one of cormorant.pool's classes, not {poolclass!r}")
    if "pool_use_lifo" in kwargs and poolclass._kind != "queue":
        raise ArgumentError(
            f"Invalid argument(s) 'pool_use_lifo' sent to create_engine(), using configuration "
            f"{poolclass.__name__}: only QueuePool keeps idle connections to choose from"
        )
    pool_args: dict[str, Any] = {
        "pool_size": kwargs.get("pool_size", 5),
        "max_overflow": kwargs.get("max_overflow", 10),
        "timeout": kwargs.get("pool_timeout", 30.0),
        "recycle": kwargs.get("pool_recycle", -1),
        "pre_ping": kwargs.get("pool_pre_ping", False),
        "echo": kwargs.get("echo_pool", False),
        "logging_name": kwargs.get("pool_logging_name"),
        "use_lifo": bool(kwargs.get("pool_use_lifo", False)),
    }
    known = set(pool_args)
    for plugin in plugins:
        plugin.handle_pool_kwargs(poolclass, pool_args)
    unknown = set(pool_args) - known
    if unknown:
        raise ArgumentError(f"Invalid argument(s) {', '.join(sorted(unknown))} for {poolclass.__name__}")
    return poolclass(connector, cooperative=cooperative, **pool_args)


# create_pool_from_url()'s pool-side spellings of create_engine() options.
_POOL_SPELLINGS = {
    "logging_name": "pool_logging_name",
    "echo": "echo_pool",
    "timeout": "pool_timeout",
    "recycle": "pool_recycle",
    "events": "pool_events",
    "reset_on_return": "pool_reset_on_return",
    "pre_ping": "pool_pre_ping",
    "use_lifo": "pool_use_lifo",
}


def create_pool_from_url(url: str | URL, **kwargs: Any) -> Pool:
    """The Pool create_engine(url, **kwargs) would make, without the Engine;
    the pool options may also be spelled as the pool takes them (timeout=,
    recycle=, pre_ping=, use_lifo=, echo=, logging_name=)."""
    options = {_POOL_SPELLINGS.get(key, key): value for key, value in kwargs.items()}
    pool: Pool = create_engine(url, **options).pool
    return pool
