"""The URL object, as SQLAlchemy 2.0's: parsing, URL.create, set, the query
update methods, rendering with escaping, equality and hashing. Every expected
value below is what SQLAlchemy 2.0.58 gives for the same expression."""

import copy

import pytest
from cormorant import URL, make_url
from cormorant.engine import URL as EngineURL
from cormorant.engine import make_url as engine_make_url
from cormorant.exc import ArgumentError

FULL = "postgresql+psycopg://us%20er:p%40ss@db.example.com:5433/my db?sslmode=require&host=h1:1&host=h2&a+b=c%26d"


def test_exported_from_cormorant_and_cormorant_engine():
    assert URL is EngineURL and make_url is engine_make_url


def test_parse_splits_every_part_and_unescapes_credentials():
    url = make_url(FULL)
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password) == ("us er", "p@ss")
    assert (url.host, url.port, url.database) == ("db.example.com", 5433, "my db")
    assert dict(url.query) == {"sslmode": "require", "host": ("h1:1", "h2"), "a b": "c&d"}


def test_render_sorts_and_escapes_the_query_and_hides_the_password():
    url = make_url(FULL)
    assert repr(url) == (
        "postgresql+psycopg://us er:***@db.example.com:5433/my db?a+b=c%26d&host=h1%3A1&host=h2&sslmode=require"
    )
    assert str(url) == repr(url)
    assert (
        make_url(
            "postgresql+psycopg://us%20er:p%40ss@db.example.com:5433/my db?sslmode=require"
        ).render_as_string(hide_password=False)
        == "postgresql+psycopg://us er:p%40ss@db.example.com:5433/my db?sslmode=require"
    )


def test_create_takes_the_password_as_typed_and_escapes_it_when_rendered():
    url = URL.create(
        "postgresql",
        username="u@x",
        password="p@ss:w/rd% +",
        host="h",
        port=5,
        database="d",
        query={"k": ["1", "2"], "z": "a b/c"},
    )
    assert url.password == "p@ss:w/rd% +"
    assert str(url) == "postgresql://u%40x:***@h:5/d?k=1&k=2&z=a+b%2Fc"
    assert (
        url.render_as_string(hide_password=False)
        == "postgresql://u%40x:p%40ss%3Aw%2Frd%25 +@h:5/d?k=1&k=2&z=a+b%2Fc"
    )
    assert make_url(url.render_as_string(hide_password=False)) == url
    assert url.query["k"] == ("1", "2")


def test_unix_socket_url_keeps_the_directory_in_the_query():
    url = make_url("postgresql://user@/db?host=/var/run/postgresql")
    assert url.host is None and url.database == "db"
    assert dict(url.query) == {"host": "/var/run/postgresql"}
    assert str(url) == "postgresql://user@/db?host=%2Fvar%2Frun%2Fpostgresql"


def test_ipv6_host_in_brackets():
    url = make_url("postgresql://u:p@[::1]:5432/db")
    assert (url.host, url.port) == ("::1", 5432)
    assert repr(url) == "postgresql://u:***@[::1]:5432/db"


def test_sqlite_paths():
    assert make_url("sqlite:///:memory:").database == ":memory:"
    assert make_url("sqlite:///rel.db").database == "rel.db"
    assert make_url("sqlite:////abs/x.db").database == "/abs/x.db"
    assert make_url("sqlite://").database is None
    assert str(URL.create("sqlite", database="/tmp/a b.db")) == "sqlite:////tmp/a b.db"


def test_empty_password_is_kept_and_masked():
    url = make_url("postgresql://u:@h/d")
    assert url.password == ""
    assert repr(url) == "postgresql://u:***@h/d"
    assert make_url("postgresql://u@h/d").password is None


def test_repeated_query_keys_and_normalized_query():
    url = make_url("postgresql://u:p@h/d?a=1&b=2&a=3")
    assert dict(url.query) == {"a": ("1", "3"), "b": "2"}
    assert dict(url.normalized_query) == {"a": ("1", "3"), "b": ("2",)}
    assert make_url("postgresql://u@h/d?x=").query == {}


def test_set_replaces_given_parts_only_and_returns_a_new_url():
    url = make_url("postgresql://u:p@h/d?a=1&b=2&a=3")
    changed = url.set(port=1, username="x", query={"q": "1"})
    assert str(changed) == "postgresql://x:***@h:1/d?q=1"
    assert str(url) == "postgresql://u:***@h/d?a=1&a=3&b=2"  # unchanged
    assert (
        url.set(password="n w").render_as_string(hide_password=False) == "postgresql://u:n w@h/d?a=1&a=3&b=2"
    )
    assert str(url._replace(host=None)) == "postgresql://u:***@/d?a=1&a=3&b=2"


def test_query_update_methods():
    url = make_url("postgresql://u:p@h/d?a=1&b=2&a=3")
    assert str(url.difference_update_query(["a"])) == "postgresql://u:***@h/d?b=2"
    assert str(url.update_query_string("a=9&c=1")) == "postgresql://u:***@h/d?a=9&b=2&c=1"
    assert str(url.update_query_string("a=9", append=True)) == "postgresql://u:***@h/d?a=1&a=3&a=9&b=2"
    one = make_url("postgresql://u:p@h/d?a=1")
    assert dict(one.update_query_pairs([("z", "1"), ("z", "2"), ("y", ["3"])]).query) == {
        "a": "1",
        "z": ("1", "2"),
        "y": ("3",),
    }
    assert dict(one.update_query_dict({"a": ["x", "y"], "b": "2"}, append=True).query) == {
        "a": ("1", "x", "y"),
        "b": "2",
    }
    plain = make_url("postgresql://u@h/d")
    assert plain.difference_update_query(["x"]) is plain


def test_names_of_backend_and_driver():
    assert make_url("postgresql://h/d").get_backend_name() == "postgresql"
    assert make_url("postgresql://h/d").get_driver_name() == "psycopg2"
    assert make_url("sqlite://").get_driver_name() == "pysqlite"
    assert make_url("postgresql+asyncpg://h/d").get_driver_name() == "asyncpg"
    assert (make_url("postgresql+asyncpg://h/d").backend, make_url("postgresql+asyncpg://h/d").driver) == (
        "postgresql",
        "asyncpg",
    )


def test_equality_hash_and_tuple_form():
    url = make_url("postgresql://u:p@h:5/d?x=1")
    same = URL.create("postgresql", "u", "p", "h", 5, "d", {"x": "1"})
    assert url == same and hash(url) == hash(same)
    assert url != make_url("postgresql://u:q@h:5/d?x=1")  # the password counts
    assert {url: 1}[same] == 1
    assert tuple(url)[:6] == ("postgresql", "u", "p", "h", 5, "d")
    assert url._fields == ("drivername", "username", "password", "host", "port", "database", "query")
    assert copy.deepcopy(url) == url
    assert url.translate_connect_args(username="user", database="dbname") == {
        "host": "h",
        "dbname": "d",
        "user": "u",
        "password": "p",
        "port": 5,
    }


def test_url_is_immutable():
    url = make_url("postgresql://h/d?a=1")
    with pytest.raises(AttributeError):
        url.host = "other"  # type: ignore[misc]
    with pytest.raises(TypeError, match="immutable"):
        url.query["x"] = "y"  # type: ignore[index]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: make_url(5), ArgumentError, "Expected string or URL object, got 5"),
        (lambda: make_url("nonsense"), ArgumentError, "Could not parse SQLAlchemy URL from given URL string"),
        (lambda: URL.create("pg", port="x"), ValueError, "invalid literal for int"),
        (lambda: URL.create("pg", query={"a": 1}), TypeError, "Query dictionary values must be strings"),
        (lambda: URL.create(None), TypeError, "drivername must be a string"),
        (lambda: URL.create("pg", host=5), TypeError, "host must be a string"),
        (lambda: make_url("postgresql://u@h:abc/d"), ValueError, "invalid literal for int"),
    ],
)
def test_invalid_urls_raise_as_in_sqlalchemy(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_an_unknown_backend_parses_but_create_engine_refuses_it():
    from cormorant import create_engine

    assert make_url("mysql+pymysql://u@h/d").drivername == "mysql+pymysql"
    with pytest.raises(
        ArgumentError, match=r"Can't load plugin: cormorant has no driver for 'mysql\+pymysql://'"
    ):
        create_engine("mysql+pymysql://u@h/d")
