"""Database URLs: the immutable URL object (SQLAlchemy 2.0's), parsing, and
the rule that maps a URL onto a native driver."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, NoReturn
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlencode

from ..exc import ArgumentError, NoSuchModuleError

SUPPORTED = (
    "sqlite://, sqlite:///path, sqlite:///:memory:, sqlite+pysqlite://, sqlite+aiosqlite://, "
    "postgresql://, postgresql+psycopg://, postgresql+psycopg2://, postgresql+asyncpg://, postgresql+psycopg_async://"
)
_DRIVERS = {
    "sqlite": {None, "pysqlite", "aiosqlite"},
    "postgresql": {None, "psycopg", "psycopg2", "asyncpg", "psycopg_async", "pg8000"},
}
# The driver SQLAlchemy's get_driver_name() reports for a URL that names none.
_DEFAULT_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg2"}

QueryValue = str | tuple[str, ...]


class _FrozenQuery(dict[str, QueryValue]):
    """URL.query: a dict that refuses changes (URL.update_query_dict() makes a new URL)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("URL.query is immutable; use URL.update_query_dict() or URL.set(query=...)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle without __setitem__
        return (_FrozenQuery, (dict(self),))


def _query_value(value: Any) -> QueryValue:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return tuple(_query_value(v) for v in value)  # type: ignore[misc]
    raise TypeError("Query dictionary values must be strings or sequences of strings")


def _query_dict(query: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> _FrozenQuery:
    items = query.items() if isinstance(query, Mapping) else (query or ())
    frozen = {}
    for key, value in items:
        if not isinstance(key, str):
            raise TypeError("Query dictionary keys must be strings")
        frozen[key] = _query_value(value)
    return _FrozenQuery(frozen)


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _checked_str(value: Any, name: str) -> Any:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string")
    return value


def _checked_port(port: Any) -> int | None:
    if port is None:
        return None
    try:
        return int(port)
    except TypeError:
        raise TypeError("Port argument must be an integer or None") from None


class URL(NamedTuple):
    """A database URL, as SQLAlchemy 2.0's: an immutable named tuple. Make one
    with make_url() or URL.create(); set(), update_query_dict() and the other
    update methods return a new URL."""

    drivername: str
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: Mapping[str, QueryValue]

    @classmethod
    def create(
        cls,
        drivername: str,
        username: str | None = None,
        password: str | None = None,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        query: Mapping[str, str | Sequence[str]] | None = None,
    ) -> URL:
        """A URL from its parts; the password is given as typed, not URL-escaped."""
        if not isinstance(drivername, str):
            raise TypeError("drivername must be a string")
        return cls(
            drivername,
            _checked_str(username, "username"),
            password,
            _checked_str(host, "host"),
            _checked_port(port),
            _checked_str(database, "database"),
            _query_dict(query),
        )

    # --- cormorant's own shorthands (the engine and dialects use them) ----------------

    @property
    def backend(self) -> str:
        return self.get_backend_name()

    @property
    def driver(self) -> str | None:
        """The driver named after the '+' ("asyncpg"), None when there is none."""
        return self.drivername.partition("+")[2] or None

    # --- SQLAlchemy's URL API ------------------------------------------------------------

    def get_backend_name(self) -> str:
        return self.drivername.split("+", 1)[0]

    def get_driver_name(self) -> str:
        """The driver after the '+', else the one SQLAlchemy's dialect uses by default."""
        return self.driver or _DEFAULT_DRIVERS.get(self.get_backend_name(), "")

    def set(
        self,
        drivername: str | None = None,
        username: str | None = None,
        password: str | None = None,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        query: Mapping[str, str | Sequence[str]] | None = None,
    ) -> URL:
        """A copy with the parts given (not None) replaced; `query` replaces the whole query."""
        given = dict(
            drivername=drivername,
            username=username,
            password=password,
            host=host,
            port=port,
            database=database,
        )
        changes: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        if drivername is not None:
            _checked_str(drivername, "drivername")
        for name in ("username", "host", "database"):
            _checked_str(changes.get(name), name)
        if port is not None:
            changes["port"] = _checked_port(port)
        if query is not None:
            changes["query"] = _query_dict(query)
        return self._replace(**changes)

    def update_query_string(self, query_string: str, append: bool = False) -> URL:
        """A copy with the parameters of a URL-escaped query string (no '?') added."""
        return self.update_query_pairs(parse_qsl(query_string), append=append)

    def update_query_pairs(
        self, key_value_pairs: Iterable[tuple[str, str | Sequence[str]]], append: bool = False
    ) -> URL:
        """A copy with these (key, value) pairs in its query. A key given twice
        collects both values. Without `append` a key replaces its old values;
        with it, the new values follow the old."""
        new: dict[str, Any] = {}
        for key, value in key_value_pairs:
            if key in new:
                new[key] = _as_list(new[key]) + _as_list(value)
            else:
                new[key] = list(value) if isinstance(value, (list, tuple)) else value
        merged: dict[str, Any] = dict(self.query)
        for key, value in new.items():
            merged[key] = (
                tuple(_as_list(self.query[key]) + _as_list(value)) if append and key in self.query else value
            )
        return self.set(query=merged)

    def update_query_dict(
        self, query_parameters: Mapping[str, str | Sequence[str]], append: bool = False
    ) -> URL:
        """A copy with these parameters in its query (a sequence value repeats the key)."""
        return self.update_query_pairs(query_parameters.items(), append=append)

    def difference_update_query(self, names: Iterable[str]) -> URL:
        """A copy without the query parameters `names`."""
        names = set(names)
        if not names.intersection(self.query):
            return self
        return self._replace(query=_FrozenQuery({k: v for k, v in self.query.items() if k not in names}))

    @property
    def normalized_query(self) -> Mapping[str, Sequence[str]]:
        """The query with every value a tuple of strings."""
        return _FrozenQuery({k: v if isinstance(v, tuple) else (v,) for k, v in self.query.items()})

    def translate_connect_args(self, names: list[str] | None = None, **kw: str) -> dict[str, Any]:
        """username, password, host, port and database as a dict of the set
        ones, renamed by keyword (translate_connect_args(username="user"))."""
        if names is not None:
            raise TypeError("translate_connect_args() takes keyword names only, as username='user'")
        out: dict[str, Any] = {}
        for part in ("host", "database", "username", "password", "port"):
            value = getattr(self, part)
            if value is not None and (part != "password" or value != ""):
                out[kw.get(part, part)] = value
        return out

    def render_as_string(self, hide_password: bool = True) -> str:
        """The URL as a string, its password shown as *** unless `hide_password` is False."""
        text = self.drivername + "://"
        if self.username is not None:
            text += quote(self.username, safe=" +")
            if self.password is not None:
                text += ":" + ("***" if hide_password else quote(str(self.password), safe=" +"))
            text += "@"
        if self.host is not None:
            text += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text += f":{self.port}"
        if self.database is not None:
            text += "/" + self.database
        if self.query:
            text += "?" + "&".join(
                f"{quote_plus(key)}={quote_plus(value)}"
                for key in sorted(self.query)
                for value in _as_list(self.query[key])
            )
        return text

    def __repr__(self) -> str:
        return self.render_as_string()

    def __str__(self) -> str:
        return self.render_as_string()

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, URL)
            and self.drivername == other.drivername
            and self.username == other.username
            and self.password == other.password
            and self.host == other.host
            and self.database == other.database
            and self.query == other.query
            and self.port == other.port
        )

    def __ne__(self, other: object) -> bool:
        return not self == other


_URL_PATTERN = re.compile(
    r"""
    (?P<name>[\w+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:
        (?:\[(?P<ipv6host>[^/?]+)\]|(?P<ipv4host>[^/:?]+))?
        (?::(?P<port>[^/?]*))?
    )?
    (?:/(?P<database>[^?]*))?
    (?:\?(?P<query>.*))?
    """,
    re.X,
)


def make_url(name_or_url: str | URL) -> URL:
    """The URL for a string such as postgresql://user:pass@host/db?sslmode=require
    (a URL is returned as is). A key repeated in the query string gives a tuple."""
    if isinstance(name_or_url, URL):
        return name_or_url
    if not isinstance(name_or_url, str):
        raise ArgumentError(f"Expected string or URL object, got {name_or_url!r}")
    match = _URL_PATTERN.match(name_or_url)
    if match is None:
        raise ArgumentError(
            f"Could not parse SQLAlchemy URL from given URL string {name_or_url!r}; supported forms: {SUPPORTED}"
        )
    parts = match.groupdict()
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts["query"] or ""):
        query.setdefault(key, []).append(value)
    return URL.create(
        parts["name"],
        username=unquote(parts["username"]) if parts["username"] is not None else None,
        password=unquote(parts["password"]) if parts["password"] is not None else None,
        host=parts["ipv4host"] or parts["ipv6host"],
        port=int(parts["port"]) if parts["port"] else None,
        database=parts["database"],
        query={k: v[0] if len(v) == 1 else v for k, v in query.items()},
    )


def supported_url(url: URL) -> URL:
    """`url` if a native driver serves it (postgres:// read as postgresql://);
    else NoSuchModuleError (an ArgumentError) naming the supported forms."""
    backend, driver = url.get_backend_name(), url.driver
    if backend == "postgres":  # the Heroku-style spelling
        url = url.set(drivername="postgresql" + (f"+{driver}" if driver else ""))
        backend = "postgresql"
    if backend not in _DRIVERS or driver not in _DRIVERS[backend]:
        raise NoSuchModuleError(
            f"Can't load plugin: cormorant has no driver for '{url.drivername}://' (URL {url!r}). "
            f"Supported: {SUPPORTED}"
        )
    if backend == "sqlite" and url.host:
        raise ArgumentError(f"Invalid SQLite URL '{url}'; use sqlite:///relative.db or sqlite:////abs.db")
    return url


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


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def sqlite_uri_params(url: URL) -> dict[str, QueryValue]:
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
    uri = truthy(url.query.get("uri", False)) or truthy((connect_args or {}).get("uri", False))
    if not uri:
        if params:
            raise ArgumentError(
                f"SQLite URL parameter(s) {', '.join(sorted(params))} are SQLite URI parameters: add "
                f"uri=true to the URL (sqlite:///file:path?{urlencode(params, doseq=True)}&uri=true) to use them"
            )
        return database
    if not database.startswith("file:"):
        database = "file:" + quote(database, safe="/:")
    if params:
        database += ("&" if "?" in database else "?") + urlencode(sorted(params.items()), doseq=True)
    return database


def connect_timeout(connect_args: dict[str, Any], default: float = 5.0, url: URL | None = None) -> float:
    """SQLite's busy timeout in seconds: connect_args["timeout"], else the URL's ?timeout=, else default."""
    if "timeout" in connect_args:
        return float(connect_args["timeout"])
    if url is not None and "timeout" in url.query:
        try:
            return float(url.query["timeout"])  # type: ignore[arg-type]
        except ValueError:
            raise ArgumentError(
                f"SQLite URL parameter timeout must be a number, not {url.query['timeout']!r}"
            ) from None
    return default
