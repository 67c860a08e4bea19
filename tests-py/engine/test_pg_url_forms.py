"""PostgreSQL URL forms SQLAlchemy's psycopg dialects accept: a Unix socket
directory in ?host=, host and port in the query string, several hosts (libpq
tries them in turn), and libpq options in connect_args. Each test connects
for real and asks the server where it landed."""

import glob
import os
import socket

import pytest
from cormorant import create_engine, make_url, text
from cormorant.exc import ArgumentError, OperationalError
from cormorant.pool import NullPool

pytestmark = pytest.mark.postgresql_only


def _server():
    url = make_url(os.environ["CORMORANT_TEST_PG_URL"])
    return url, url.port or 5432


def _socket_dir(port):
    """The directory of the test server's Unix socket: .ci/postgres.sh exports
    it; else the dev server's /tmp/devpg, the Debian default, or a throwaway
    server's /tmp/cormorant-pg.*."""
    candidates = [os.environ.get("CORMORANT_TEST_PG_SOCKET_DIR"), "/tmp/devpg", "/var/run/postgresql", "/tmp"]
    candidates += sorted(glob.glob("/tmp/cormorant-pg.*"))
    for directory in filter(None, candidates):
        if os.path.exists(os.path.join(directory, f".s.PGSQL.{port}")):
            return directory
    return None


@pytest.fixture
def socket_dir(backend):
    url, port = _server()
    directory = _socket_dir(port)
    if directory is None:
        pytest.skip(
            f"no Unix socket .s.PGSQL.{port} found for the test server ({url}); set CORMORANT_TEST_PG_SOCKET_DIR"
        )
    return directory


def _where(url, **kwargs):
    """(server port, database, user, client address) of a connection made from `url`:
    the client address is None over a Unix socket."""
    engine = create_engine(url, poolclass=NullPool, **kwargs)
    try:
        with engine.connect() as conn:
            return tuple(
                conn.execute(
                    text(
                        "SELECT current_setting('port')::int, current_database(), current_user, inet_client_addr()"
                    )
                ).one()
            )
    finally:
        engine.dispose()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unix_socket_directory_in_the_query(socket_dir):
    url, port = _server()
    target = f"postgresql://{url.username}@/{url.database}?host={socket_dir}&port={port}"
    assert _where(target) == (port, url.database, url.username, None)


def test_unix_socket_with_the_port_in_the_url(socket_dir):
    url, port = _server()
    target = url._replace(host=None).update_query_dict({"host": socket_dir})
    assert str(target).startswith(f"postgresql://{url.username}@:{port}/")
    assert _where(target) == (port, url.database, url.username, None)


def test_host_and_port_in_the_query_string(backend):
    url, port = _server()
    target = f"postgresql://{url.username}@/{url.database}?host={url.host}&port={port}"
    where = _where(target)
    assert where[:3] == (port, url.database, url.username) and where[3] is not None  # over TCP


def test_several_hosts_fail_over_to_the_one_that_answers(backend):
    url, port = _server()
    dead = _free_port()
    target = f"postgresql://{url.username}@/{url.database}?host={url.host}:{dead}&host={url.host}:{port}"
    assert _where(target)[:2] == (port, url.database)


def test_several_hosts_with_a_port_list(backend):
    url, port = _server()
    dead = _free_port()
    target = f"postgresql://{url.username}@/{url.database}?host={url.host},{url.host}&port={dead},{port}"
    assert _where(target)[:2] == (port, url.database)


def test_several_hosts_mixing_a_socket_and_tcp(socket_dir):
    url, port = _server()
    dead = _free_port()
    target = f"postgresql://{url.username}@/{url.database}?host={url.host},{socket_dir}&port={dead},{port}"
    assert _where(target) == (port, url.database, url.username, None)


def test_no_host_answering_names_them(backend):
    url, _ = _server()
    dead1, dead2 = _free_port(), _free_port()
    target = f"postgresql://{url.username}@/{url.database}?host={url.host}:{dead1}&host={url.host}:{dead2}"
    with pytest.raises(OperationalError, match=str(dead2)):
        _where(target)


@pytest.mark.parametrize(
    "query, message",
    [
        ("host=h1:5432&host=h2:5433&port=5432", "Can't mix 'multihost' formats together"),
        ("host=h1,h2,h3&port=5432,5433", "number of hosts and ports don't match"),
        ("port=5432,5433", "number of hosts and ports don't match"),
        ("host=h1&port=abc", "Received non-integer port arguments"),
    ],
)
def test_malformed_multihost_urls_are_refused(backend, query, message):
    with pytest.raises(ArgumentError, match=message):
        create_engine(f"postgresql://u@/d?{query}")


def test_connect_args_carry_libpq_options(backend):
    url, _ = _server()
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"application_name": "cormorant-test", "options": "-c statement_timeout=1234"},
    )
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT current_setting('application_name'), current_setting('statement_timeout')")
        ).one()
    assert tuple(row) == ("cormorant-test", "1234ms")


def test_connect_args_override_the_urls_host_and_port(socket_dir):
    """As with psycopg2, connect_args win over the URL (a socket directory here)."""
    url, port = _server()
    where = _where(
        f"postgresql://{url.username}@nowhere.invalid:1/{url.database}",
        connect_args={"host": socket_dir, "port": port},
    )
    assert where == (port, url.database, url.username, None)


def test_connect_args_dbname_and_user(backend):
    url, port = _server()
    target = url.set(database="template1")
    assert _where(target, connect_args={"dbname": url.database})[1] == url.database
    assert _where(target, connect_args={"database": url.database})[1] == url.database


def test_unknown_libpq_option_fails_at_connect(backend):
    url, _ = _server()
    engine = create_engine(url, poolclass=NullPool, connect_args={"no_such_option": "1"})
    with pytest.raises(OperationalError, match="no_such_option"):
        engine.connect()
