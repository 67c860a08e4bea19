"""PostgreSQL under faults, on a private server (pg_server.py) since they
disturb the server: every connection slot taken, statement_timeout hit, and
the server stopped while a thread waits in the pool. Each must end in a clear
cormorant.exc error within a bounded time, never a hang, and the engine must
work again once the fault is gone."""

import threading
import time

import pytest
from cormorant import create_engine, exc, text
from cormorant.orm import Session
from pg_server import pg_server_or_skip

MAX_CONNECTIONS = 6
RESERVED = 2  # superuser_reserved_connections: an ordinary role gets MAX_CONNECTIONS - RESERVED


@pytest.fixture(scope="module")
def server():
    srv = pg_server_or_skip(
        settings={"max_connections": MAX_CONNECTIONS, "superuser_reserved_connections": RESERVED}
    )
    try:
        srv.psql("CREATE ROLE app LOGIN")
        yield srv
    finally:
        srv.cleanup()


def bounded(fn, seconds):
    """Runs fn() in a thread; fails the test (instead of hanging it) if it takes longer than `seconds`."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except BaseException as e:  # handed to the test's thread
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__} still running after {seconds} s: a hang"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.mark.parametrize(
    "user, slots, message",
    [
        ("app", MAX_CONNECTIONS - RESERVED, "remaining connection slots are reserved"),
        ("postgres", MAX_CONNECTIONS, "too many clients"),
    ],
)
def test_max_connections_exhausted_raises_server_message(server, user, slots, message):
    url = server.url.replace("postgres@", f"{user}@", 1)
    engine = create_engine(url, pool_size=MAX_CONNECTIONS + 4, max_overflow=0, pool_timeout=5)
    held = []

    def exhaust():
        for _ in range(MAX_CONNECTIONS + 4):
            conn = engine.connect()
            held.append(conn)
            conn.execute(text("SELECT 1"))

    try:
        start = time.monotonic()
        with pytest.raises(exc.OperationalError) as info:
            bounded(exhaust, 20)
        assert time.monotonic() - start < 10
        assert len(held) == slots, f"{len(held)} connections before the refusal, expected {slots}"
        assert message in str(info.value)
        assert engine.pool.checkedout() == slots  # the refused attempt left no phantom checkout
    finally:
        for conn in held:
            conn.close()
    assert engine.pool.checkedout() == 0
    engine.dispose()  # frees the server's slots
    # once slots are free again, the same URL connects
    again = create_engine(url)
    try:
        with again.connect() as conn:
            assert bounded(lambda: conn.execute(text("SELECT 1")).scalar(), 10) == 1
    finally:
        again.dispose()


@pytest.mark.parametrize("how", ["connect_args_options", "set_statement"])
def test_statement_timeout_raises_and_connection_is_reusable(server, how):
    if how == "connect_args_options":
        engine = create_engine(server.url, connect_args={"options": "-c statement_timeout=100"})
    else:
        engine = create_engine(server.url)
    try:
        with engine.connect() as conn:
            if how == "set_statement":
                conn.execute(text("SET statement_timeout = 100"))
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            start = time.monotonic()
            with pytest.raises(exc.OperationalError) as info:
                bounded(lambda: conn.execute(text("SELECT pg_sleep(2)")), 10)
            assert time.monotonic() - start < 1.5, "the statement was not cancelled at its timeout"
            assert "canceling statement due to statement timeout" in str(info.value)
            assert info.value.orig.sqlstate == "57014"
            assert not info.value.connection_invalidated
            conn.rollback()
            assert conn.execute(text("SELECT 41 + 1")).scalar() == 42
            # still the same backend: the timeout did not cost the connection
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid
            # the rollback undid a SET made inside the transaction, as PostgreSQL does
            expected = "100ms" if how == "connect_args_options" else "0"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == expected
        # the Session path: raise, rollback, carry on
        with Session(engine) as session:
            session.execute(text("SET statement_timeout = 100"))
            with pytest.raises(exc.OperationalError, match="statement timeout"):
                bounded(lambda: session.execute(text("SELECT pg_sleep(2)")), 10)
            session.rollback()
            assert session.execute(text("SELECT 1")).scalar() == 1
        assert engine.pool.checkedout() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("holder_uses_connection", [False, True], ids=["holder-releases", "holder-fails"])
def test_server_stopped_while_a_thread_waits_in_the_pool(server, holder_uses_connection):
    engine = create_engine(server.url, pool_size=1, max_overflow=0, pool_timeout=10)
    outcome = {}
    try:
        held = engine.connect()
        held.execute(text("SELECT 1"))

        def waiter():
            start = time.monotonic()
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                    outcome["result"] = "connected"
            except exc.DBAPIError as e:
                outcome["result"] = type(e).__name__
                outcome["message"] = str(e)
            except Exception as e:  # any other class is a finding
                outcome["result"] = f"unexpected {type(e).__name__}: {e}"
            outcome["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=waiter, daemon=True)
        thread.start()
        time.sleep(0.3)
        assert thread.is_alive(), f"the waiter did not wait for the pool: {outcome}"

        server.stop("fast")
        try:
            if holder_uses_connection:
                with pytest.raises(exc.OperationalError) as info:
                    bounded(lambda: held.execute(text("SELECT 1")), 10)
                assert info.value.connection_invalidated
            released = time.monotonic()
            bounded(held.close, 10)
            thread.join(10)
            assert not thread.is_alive(), "the waiting thread hangs after the server stopped"
            assert time.monotonic() - released < 5, "the waiter's error was not prompt"
            assert outcome["result"] == "OperationalError", outcome
            assert "Connection refused" in outcome["message"] or "server closed" in outcome["message"]
            assert engine.pool.checkedout() == 0
        finally:
            server.start()

        def works():
            with engine.connect() as conn:
                return conn.execute(text("SELECT 1")).scalar()

        assert bounded(works, 10) == 1
        assert engine.pool.checkedout() == 0
    finally:
        engine.dispose()


def test_rollback_of_invalidated_connection_while_server_is_down_does_not_raise(server):
    engine = create_engine(server.url, pool_size=1, max_overflow=0, pool_timeout=2)
    try:
        conn = engine.connect()
        conn.execute(text("SELECT 1"))
        server.stop("fast")
        try:
            with pytest.raises(exc.OperationalError) as info:
                bounded(lambda: conn.execute(text("SELECT 1")), 10)
            assert info.value.connection_invalidated
            bounded(conn.rollback, 10)  # SQLAlchemy: no error, no reconnect yet
        finally:
            server.start()
        assert bounded(lambda: conn.execute(text("SELECT 1")).scalar(), 10) == 1  # reconnects now
        conn.close()
        assert engine.pool.checkedout() == 0
    finally:
        engine.dispose()
