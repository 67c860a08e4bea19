"""Ctrl-C during a long PostgreSQL statement (issue 13): the wait is
interrupted, the statement is cancelled on the server (PQcancel, as psycopg 3
does), KeyboardInterrupt reaches the program within a moment, and the
connection stays usable, also when the wait is a streamed result's for its
next rows. Checked on a child process sent a real SIGINT."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from cormorant import create_engine, text

PG_URL = os.environ.get("CORMORANT_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="CORMORANT_TEST_PG_URL is not set; nothing to cancel")

CHILD = textwrap.dedent(
    """
    import sys, time
    from cormorant import create_engine, text
    from cormorant.orm import Session

    engine = create_engine(sys.argv[1], pool_size=1)
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        print("ready", flush=True)
        started = time.monotonic()
        try:
            session.execute(text("SELECT pg_sleep(30)"))
            print("finished", flush=True)
        except KeyboardInterrupt:
            print(f"interrupted {time.monotonic() - started:.2f}", flush=True)
        session.rollback()
        print("after", session.execute(text("SELECT 7")).scalar(), flush=True)
    """
)


# A streamed read (yield_per) waiting for its next rows: the first rows,
# wider than the server's send buffer, arrive at once; the third row sleeps.
STREAM_CHILD = textwrap.dedent(
    """
    import sys, time
    from cormorant import create_engine, text
    from cormorant.orm import Session

    engine = create_engine(sys.argv[1], pool_size=1)
    query = text(
        "SELECT i, repeat('x', 20000), pg_sleep(CASE WHEN i = 3 THEN 30 ELSE 0 END) "
        "FROM generate_series(1, 4) AS i"
    )
    with Session(engine) as session:
        result = session.execute(query, execution_options={"yield_per": 1})
        next(result.partitions())
        print("ready", flush=True)
        started = time.monotonic()
        try:
            result.all()
            print("finished", flush=True)
        except KeyboardInterrupt:
            print(f"interrupted {time.monotonic() - started:.2f}", flush=True)
        session.rollback()
        print("after", session.execute(text("SELECT 7")).scalar(), flush=True)
    """
)


def running_sleeps(engine, query):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE :q"),
            {"q": query + "%"},
        ).scalar()


def interrupt(child_script, query):
    """Runs `child_script`, sends it SIGINT once `query` runs on the server,
    and checks that it was interrupted at once and then ran `SELECT 7`."""
    child = subprocess.Popen(
        [sys.executable, "-c", child_script, PG_URL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    engine = create_engine(PG_URL, pool_size=1)
    try:
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 10
        while running_sleeps(engine, query) == 0:  # the statement has reached the server
            assert time.monotonic() < deadline, "the child's pg_sleep never started"
            time.sleep(0.05)
        sent = time.monotonic()
        os.kill(child.pid, signal.SIGINT)
        out, err = child.communicate(timeout=10)
        assert time.monotonic() - sent < 2, "KeyboardInterrupt took too long to arrive"
        lines = out.split("\n")
        assert lines[0].startswith("interrupted"), (out, err)
        assert float(lines[0].split()[1]) < 30
        assert lines[1] == "after 7", (out, err)
        assert child.returncode == 0, err
        assert running_sleeps(engine, query) == 0
    finally:
        if child.poll() is None:
            child.kill()
        engine.dispose()


def test_ctrl_c_cancels_a_long_query_on_the_server():
    interrupt(CHILD, "SELECT pg_sleep(30)")


def test_ctrl_c_cancels_a_streamed_query_waiting_for_rows():
    interrupt(STREAM_CHILD, "SELECT i, repeat('x', 20000)")
