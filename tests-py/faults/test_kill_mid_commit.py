"""SIGKILL in the middle of a big transaction, around its COMMIT: afterwards the
table holds all of the transaction's rows or none, on SQLite (a real file in
rollback-journal and WAL mode, reopened after the kill) and on PostgreSQL (a
private server, reconnected after the kill and restarted in immediate mode,
which runs crash recovery)."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from cormorant import Column, Integer, MetaData, String, Table, create_engine, text
from cormorant.pool import NullPool
from pg_server import pg_server_or_skip

ROWS = 20_000

metadata = MetaData()
bulk = Table("bulk", metadata, Column("id", Integer, primary_key=True), Column("payload", String(60)))

CHILD = textwrap.dedent(
    """
    import sys
    from cormorant import Column, Integer, MetaData, String, Table, create_engine, event

    url, rows, journal_mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    bulk = Table("bulk", MetaData(), Column("id", Integer, primary_key=True), Column("payload", String(60)))
    engine = create_engine(url)
    if journal_mode != "-":
        @event.listens_for(engine, "connect")
        def journal(dbapi_conn, record):
            dbapi_conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    data = [{"id": i, "payload": f"row {i:06d} " + "x" * 40} for i in range(rows)]
    with engine.connect() as conn:
        print("inserting", flush=True)
        conn.execute(bulk.insert(), data)
        print("committing", flush=True)
        conn.commit()
        print("committed", flush=True)
    """
)

# (marker the child prints, seconds to wait after it before SIGKILL); None: a random delay
KILL_POINTS = [
    ("inserting", 0.02),
    ("committing", 0.0),
    ("committing", 0.0005),
    ("committing", 0.002),
    ("committing", 0.005),
    ("committing", None),
]


def run_and_kill(url, journal_mode, marker, delay):
    """Starts the writer, SIGKILLs it `delay` s after it prints `marker`; returns what it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(ROWS), journal_mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline().strip()
            if not line:
                break  # the child ended (or crashed) before the marker
            seen.append(line)
            if line == marker:
                if delay:
                    time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(30)
        rest, err = proc.communicate(timeout=30)
        seen += rest.split()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != -signal.SIGKILL:
        # not killed by us: it must have finished cleanly
        assert proc.returncode == 0 and "committed" in seen, (
            f"writer failed ({proc.returncode}): {err[-2000:]}"
        )
    return seen


def count_rows(url):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM bulk")).scalar()
            if url.startswith("sqlite"):
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            return count
    finally:
        engine.dispose()


def wait_for_no_other_clients(url, seconds=15):
    """PostgreSQL: waits until the killed client's backend has gone (its COMMIT, if sent, is done)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        deadline = time.monotonic() + seconds
        with engine.connect() as conn:
            while True:
                others = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    )
                ).scalar()
                conn.rollback()
                if others == 0:
                    return
                assert time.monotonic() < deadline, (
                    f"{others} backend(s) still there {seconds} s after SIGKILL"
                )
                time.sleep(0.02)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pg_server():
    server = pg_server_or_skip()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.mark.parametrize("kind", ["sqlite-delete", "sqlite-wal", "postgresql"])
def test_sigkill_around_commit_leaves_all_rows_or_none(kind, tmp_path, request, record_property):
    seed = int(os.environ.get("CORMORANT_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    if kind == "postgresql":
        server = request.getfixturevalue("pg_server")
        url, journal_mode = server.url, "-"
    else:
        server = None
        url, journal_mode = f"sqlite:///{tmp_path}/kill.db", kind.split("-")[1]

    outcomes = []
    for attempt, (marker, delay) in enumerate(KILL_POINTS):
        if delay is None:
            delay = rng.uniform(0, 0.03)
        engine = create_engine(url, poolclass=NullPool)
        metadata.drop_all(engine)
        metadata.create_all(engine)
        engine.dispose()

        seen = run_and_kill(url, journal_mode, marker, delay)
        if server is not None:
            wait_for_no_other_clients(url)
        count = count_rows(url)
        if server is not None and attempt % 2 == 1:
            server.stop("immediate")  # a crash: the restart runs WAL recovery
            server.start()
            after_recovery = count_rows(url)
            assert after_recovery == count, f"{count} rows before crash recovery, {after_recovery} after"
        outcomes.append(
            f"{marker}+{delay * 1000:.1f}ms:{'all' if count == ROWS else 'none' if count == 0 else count}"
        )
        assert count in (0, ROWS), f"{count} rows after SIGKILL {delay:.4f} s after {marker!r} (seed {seed})"
        if "committed" in seen:
            assert count == ROWS, "the writer saw its COMMIT succeed, yet the rows are gone"
        if marker == "inserting" and "committing" not in seen:
            assert count == 0

    print(f"\n{kind}: seed {seed}, kills: {', '.join(outcomes)}")
    record_property("kill_outcomes", f"seed {seed}: {', '.join(outcomes)}")
