"""Database URLs: parsing, and the rule that maps a URL onto a native driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..exc import ArgumentError, NoSuchModuleError

SUPPORTED = (
    "sqlite://, sqlite:///path, sqlite:///:memory:, sqlite+pysqlite://, sqlite+aiosqlite://, "
    "postgresql://, postgresql+psycopg://, postgresql+psycopg2://, postgresql+asyncpg://, postgresql+psycopg_async://"
)
_DRIVERS = {
    "sqlite": {None, "pysqlite", "aiosqlite"},
    "postgresql": {None, "psycopg", "psycopg2", "asyncpg", "psycopg_async", "pg8000"},
}


@dataclass(frozen=True)
class URL:
    """A parsed database URL, as SQLAlchemy's URL object."""

    drivername: str
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: dict[str, str] = field(default_factory=dict)

    @property
    def backend(self) -> str:
        return self.drivername.split("+", 1)[0]

    @property
    def driver(self) -> str | None:
        """The driver named after the '+' ("asyncpg"), None when there is none."""
        return self.drivername.partition("+")[2] or None

    def get_backend_name(self) -> str:
        return self.backend

    def render_as_string(self, hide_password: bool = True) -> str:
        auth = ""
        if self.username:
            auth = self.username
            if self.password:
                auth += ":" + ("***" if hide_password else self.password)
            auth += "@"
        host = (self.host or "") + (f":{self.port}" if self.port else "")
        db = f"/{self.database}" if self.database else ""
        if self.backend == "sqlite":
            return f"{self.drivername}://{db}"
        return f"{self.drivername}://{auth}{host}{db}"

    def __str__(self) -> str:
        return self.render_as_string()

    def __repr__(self) -> str:
        return self.render_as_string()


def make_url(value: str | URL) -> URL:
    """Parses a URL string; an unsupported backend raises ArgumentError naming the supported ones."""
    if isinstance(value, URL):
        return value
    if not isinstance(value, str) or "://" not in value:
        raise ArgumentError(f"Could not parse a database URL from {value!r}; supported forms: {SUPPORTED}")
    scheme, rest = value.split("://", 1)
    backend, _, driver = scheme.partition("+")
    if backend == "postgres":  # the Heroku-style spelling
        backend = "postgresql"
        scheme = backend + (f"+{driver}" if driver else "")
    if backend not in _DRIVERS or (driver or None) not in _DRIVERS[backend]:
        raise NoSuchModuleError(
            f"Can't load plugin: cormorant has no driver for '{scheme}://' (URL {value!r}). "
            f"Supported: {SUPPORTED}"
        )
    if backend == "sqlite":
        return _sqlite_url(scheme, rest)
    parts = urlsplit("//" + rest)
    return URL(
        drivername=scheme,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname,
        port=parts.port,
        database=parts.path.lstrip("/") or None,
        query=dict(parse_qsl(parts.query)),
    )


def _sqlite_url(scheme: str, rest: str) -> URL:
    path, _, query = rest.partition("?")
    if path.startswith("/"):
        path = path[1:]
    elif path:
        raise ArgumentError(
            f"Invalid SQLite URL '{scheme}://{rest}'; use sqlite:///relative.db or sqlite:////abs.db"
        )
    return URL(drivername=scheme, database=path or None, query=dict(parse_qsl(query)))


# sqlite3.connect()'s own arguments: in the URL query or in connect_args, never
# passed on to SQLite as URI parameters (SQLAlchemy's pysqlite dialect splits them so)
_PYSQLITE_ARGS = (
    "timeout",
    "isolation_level",
    "detect_types",
    "check_same_thread",
    "cached_statements",
    "uri",
)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def sqlite_uri_params(url: URL) -> dict[str, str]:
    """The URL query parameters meant for SQLite itself (mode=ro, immutable=1, cache=shared...)."""
    return {k: v for k, v in url.query.items() if k not in _PYSQLITE_ARGS}


def is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    return url.backend == "sqlite" and (
        database in ("", ":memory:", "file::memory:")
        or database.startswith("file::memory:?")
        or "mode=memory" in database
        or sqlite_uri_params(url).get("mode") == "memory"
    )


def sqlite_path(url: URL, connect_args: dict[str, Any] | None = None) -> str:
    """The filename handed to sqlite3_open_v2 (which runs with SQLITE_OPEN_URI).

    As with SQLAlchemy and pysqlite, `?uri=true` in the URL (or connect_args
    uri=True) makes the database a SQLite URI and the other query parameters
    (mode=ro, immutable=1, cache=shared, vfs=...) its parameters:
    `sqlite:///file:data.db?mode=ro&uri=true` opens data.db read-only. A plain
    path is made a `file:` URI. Without uri, such parameters raise ArgumentError
    rather than being dropped: a silently writable "mode=ro" database is worse
    than an error."""
    database = url.database or ":memory:"
    params = sqlite_uri_params(url)
    uri = _truthy(url.query.get("uri", False)) or _truthy((connect_args or {}).get("uri", False))
    if not uri:
        if params:
            raise ArgumentError(
                f"SQLite URL parameter(s) {', '.join(sorted(params))} are SQLite URI parameters: add "
                f"uri=true to the URL (sqlite:///file:path?{urlencode(params)}&uri=true) to use them"
            )
        return database
    if not database.startswith("file:"):
        database = "file:" + quote(database, safe="/:")
    if params:
        database += ("&" if "?" in database else "?") + urlencode(sorted(params.items()))
    return database


def connect_timeout(connect_args: dict[str, Any], default: float = 5.0, url: URL | None = None) -> float:
    """SQLite's busy timeout in seconds: connect_args["timeout"], else the URL's ?timeout=, else default."""
    if "timeout" in connect_args:
        return float(connect_args["timeout"])
    if url is not None and "timeout" in url.query:
        try:
            return float(url.query["timeout"])
        except ValueError:
            raise ArgumentError(
                f"SQLite URL parameter timeout must be a number, not {url.query['timeout']!r}"
            ) from None
    return default
