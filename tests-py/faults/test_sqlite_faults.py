"""SQLite under faults, on real database files: a full disk in the middle of a
flush, a database locked by another engine, a read-only database and a corrupt
file. Each must end in the right cormorant.exc class with SQLite's message,
leave the database as it was, and leave the Session / engine usable."""

import os
import subprocess
import sys
import textwrap
import time

import pytest
from cormorant import String, create_engine, event, exc, func, select, text
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[str] = mapped_column(String(200))


def count_items(path):
    """Rows in items, through a fresh engine (nothing cached from the engine under test)."""
    fresh = create_engine(f"sqlite:///{path}")
    try:
        with fresh.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM items")).scalar()
    finally:
        fresh.dispose()


def short(error):
    """The first line of an exception's message: the full text lists every parameter."""
    return str(error).splitlines()[0]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "faults.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Item(payload="seed"))
        session.commit()
    engine.dispose()
    return path


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_disk_full_mid_flush_rolls_back_and_session_recovers(db_path, journal_mode):
    engine = create_engine(f"sqlite:///{db_path}")

    @event.listens_for(engine, "connect")
    def small_disk(dbapi_conn, record):
        dbapi_conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        dbapi_conn.execute("PRAGMA max_page_count = 24")  # ~100 KB at 4 KB pages: the flush needs ~1 MB

    session = Session(engine)
    try:
        session.add_all([Item(payload="x" * 150) for _ in range(5000)])
        with pytest.raises(exc.OperationalError) as info:
            session.flush()
        assert "database or disk is full" in short(info.value)
        assert info.value.orig.code & 0xFF == 13  # SQLITE_FULL

        assert count_items(db_path) == 1  # nothing of the failed flush reached the file

        session.rollback()
        session.add(Item(payload="after"))
        session.commit()
        assert session.scalars(select(Item.payload).order_by(Item.id)).all() == ["seed", "after"]
    finally:
        session.close()
        engine.dispose()
    assert count_items(db_path) == 2
    with create_engine(f"sqlite:///{db_path}").connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.mark.parametrize(
    "how", ["connect_args", "url_query"], ids=["connect_args-timeout", "url-query-timeout"]
)
def test_locked_database_waits_busy_timeout_then_raises(db_path, how):
    holder = create_engine(f"sqlite:///{db_path}")
    if how == "connect_args":
        waiter = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 0.3})
    else:  # SQLAlchemy's pysqlite dialect reads ?timeout= from the URL as well
        waiter = create_engine(f"sqlite:///{db_path}?timeout=0.3")
    try:
        with holder.connect() as conn:
            conn.execute(text("INSERT INTO items (payload) VALUES ('held')"))  # write lock, not committed
            assert conn.in_transaction()
            start = time.monotonic()
            with pytest.raises(exc.OperationalError) as info:
                with waiter.begin() as wconn:
                    wconn.execute(text("INSERT INTO items (payload) VALUES ('waiter')"))
            waited = time.monotonic() - start
            assert "database is locked" in short(info.value)
            assert info.value.orig.code & 0xFF == 5  # SQLITE_BUSY
            assert 0.25 <= waited < 2.5, f"waited {waited:.3f} s for a 0.3 s busy timeout"
            conn.rollback()
        # the lock is gone: the waiting engine's next write goes through
        with waiter.begin() as wconn:
            wconn.execute(text("INSERT INTO items (payload) VALUES ('waiter')"))
        assert waiter.pool.checkedout() == 0
    finally:
        holder.dispose()
        waiter.dispose()
    assert count_items(db_path) == 2


def test_read_only_uri_reads_work_and_writes_raise(db_path):
    engine = create_engine(f"sqlite:///file:{db_path}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT payload FROM items")).scalars().all() == ["seed"]
        with pytest.raises(exc.OperationalError) as info:
            with Session(engine) as session:
                session.add(Item(payload="nope"))
                session.commit()
        assert "readonly" in short(info.value)
        assert info.value.orig.code & 0xFF == 8  # SQLITE_READONLY
        with engine.connect() as conn:  # and reading still works afterwards
            assert conn.execute(select(func.count()).select_from(Item)).scalar() == 1
    finally:
        engine.dispose()
    assert count_items(db_path) == 1


def test_immutable_uri_parameter_reaches_sqlite(db_path):
    engine = create_engine(f"sqlite:///{db_path}?immutable=1&uri=true")  # a plain path becomes file:
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM items")).scalar() == 1
            with pytest.raises(exc.OperationalError, match="readonly"):
                conn.execute(text("DELETE FROM items"))
    finally:
        engine.dispose()
    assert count_items(db_path) == 1


def test_sqlite_uri_parameters_without_uri_true_raise_rather_than_being_ignored(db_path):
    # before: ?mode=ro was dropped and the database opened read-write
    with pytest.raises(exc.ArgumentError, match=r"mode.*uri=true"):
        create_engine(f"sqlite:///{db_path}?mode=ro")


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="running as root: file permissions (chmod 0444) do not stop root's writes; "
    "test_read_only_uri_reads_work_and_writes_raise covers a read-only database via ?mode=ro",
)
def test_read_only_file_permissions(db_path):
    os.chmod(db_path, 0o444)
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM items")).scalar() == 1
        with pytest.raises(exc.OperationalError, match="readonly"):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO items (payload) VALUES ('nope')"))
    finally:
        engine.dispose()
        os.chmod(db_path, 0o644)


CORRUPT_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from cormorant import create_engine, exc, text

    path, how = sys.argv[1], sys.argv[2]
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        if how == "header":  # the 100-byte header, magic string included
            f.write(os.urandom(100))
        elif how == "schema_page":  # the rest of page 1: sqlite_master
            f.seek(100)
            f.write(os.urandom(4096 - 100))
        elif how == "data_page":  # a b-tree page of the table or its index
            f.seek(4096 * 3)
            f.write(os.urandom(4096))
        elif how == "truncated":
            f.truncate(size // 2)
    engine = create_engine(f"sqlite:///{path}")
    results = []
    for sql in (
        "SELECT count(*) FROM items",
        "SELECT * FROM items WHERE payload > 'v01'",
        "PRAGMA integrity_check",
        "INSERT INTO items (payload) VALUES ('x')",
    ):
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql))
                rows = result.fetchall() if result.returns_rows else []
            results.append("ok" if sql != "PRAGMA integrity_check" or rows == [("ok",)] else "reported")
        except exc.DatabaseError as e:
            results.append(type(e).__name__)
    # the engine is still alive: a new database works
    other = create_engine("sqlite://")
    with other.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    print(" ".join(results))
    """
)


@pytest.mark.parametrize("how", ["header", "schema_page", "data_page", "truncated"])
def test_corrupt_file_raises_database_error_never_crashes(tmp_path, how):
    path = tmp_path / "corrupt.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_payload ON items (payload)"))
        conn.execute(Item.__table__.insert(), [{"payload": f"v{i:05d}" * 3} for i in range(2000)])
    engine.dispose()

    # a subprocess: a crash shows as a signal here, not as a dead pytest
    proc = subprocess.run(
        [sys.executable, "-c", CORRUPT_SCRIPT, str(path), how], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, (
        f"subprocess ended with {proc.returncode}"
        + (f" (signal {-proc.returncode})" if proc.returncode < 0 else "")
        + f"\n{proc.stdout}\n{proc.stderr[-3000:]}"
    )
    outcomes = proc.stdout.split()
    assert len(outcomes) == 4, proc.stdout
    # every failure is a DatabaseError: SQLite's CORRUPT / NOTADB exactly that, as pysqlite reports
    # them, and a garbled schema may also read as SQLITE_ERROR (OperationalError, "no such table")
    assert set(outcomes) <= {"ok", "reported", "DatabaseError", "OperationalError"}, outcomes
    if how == "header":
        assert outcomes[0] == "DatabaseError", outcomes  # "file is not a database"
    if how in ("header", "schema_page", "truncated"):
        assert "ok" not in outcomes[:2], outcomes  # such damage cannot go unnoticed
    else:
        assert outcomes[2] != "ok", outcomes  # integrity_check sees the damaged page
