"""Database URLs: parsing, and the rule that maps a URL onto a native driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..exc import ArgumentError

SUPPORTED = (
    "sqlite://, sqlite:///path, sqlite:///:memory:, sqlite+pysqlite://, sqlite+aiosqlite://, "
    "postgresql://, postgresql+psycopg://, postgresql+psycopg2://, postgresql+asyncpg://"
)
_DRIVERS = {
    "sqlite": {None, "pysqlite", "aiosqlite"},
    "postgresql": {None, "psycopg", "psycopg2", "asyncpg", "pg8000"},
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
        raise ArgumentError(
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


def is_memory_sqlite(url: URL) -> bool:
    return url.backend == "sqlite" and (
        url.database in (None, "", ":memory:") or "mode=memory" in (url.database or "")
    )


def sqlite_path(url: URL) -> str:
    return url.database or ":memory:"


def connect_timeout(connect_args: dict[str, Any], default: float = 5.0) -> float:
    return float(connect_args.get("timeout", default))
