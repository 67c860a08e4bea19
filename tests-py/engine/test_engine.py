"""Engine: connection and pool events, echo logging, transactions and SQLite
locking (the pools themselves are in pool/test_pool.py).

Everything runs on every backend except the SQLite-only tests (marked
sqlite_only): busy timeouts and the pysqlite-style lazy BEGIN."""

import logging

import pytest
from cormorant import create_engine, event, func, insert, select, text
from cormorant.exc import OperationalError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def count_notes(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count(Note.id))).scalar()


# --- events ----------------------------------------------------------------------------


def test_checkout_checkin_connect_events(db_url):
    eng = create_engine(db_url, pool_size=2)
    log = []

    def on_connect(dbapi_conn, record):
        log.append("connect")

    def on_checkout(dbapi_conn, record, proxy):
        log.append("checkout")

    def on_checkin(dbapi_conn, record):
        log.append("checkin")

    event.listen(eng, "connect", on_connect)
    event.listen(eng, "checkout", on_checkout)
    event.listen(eng, "checkin", on_checkin)
    try:
        with eng.connect() as conn:
            assert log == ["connect", "checkout"]
            conn.execute(text("SELECT 1"))
        assert log == ["connect", "checkout", "checkin"]
        with eng.connect():
            pass
        assert log == ["connect", "checkout", "checkin", "checkout", "checkin"]
    finally:
        eng.dispose()


# per backend: a setting to apply in the connect event, how to read it back, and its value
CONNECTION_SETTING = {
    "sqlite": ("PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", 1),
    "postgresql": ("SET statement_timeout = 12345", "SHOW statement_timeout", "12345ms"),
}


def test_connect_event_can_configure_the_connection(db_url, backend):
    apply, show, expected = CONNECTION_SETTING[backend]
    eng = create_engine(db_url)
    with eng.connect() as conn:
        assert conn.execute(text(show)).scalar() != expected  # not the default
    eng.dispose()

    @event.listens_for(eng, "connect")
    def configure(dbapi_conn, record):
        cursor = dbapi_conn.cursor()
        cursor.execute(apply)
        cursor.close()

    try:
        with eng.connect() as conn:
            assert conn.execute(text(show)).scalar() == expected
    finally:
        eng.dispose()


def test_event_remove(db_url):
    eng = create_engine(db_url)
    calls = []

    def on_checkout(*args):
        calls.append(1)

    event.listen(eng, "checkout", on_checkout)
    try:
        with eng.connect():
            pass
        assert calls == [1]
        assert event.contains(eng, "checkout", on_checkout)
        event.remove(eng, "checkout", on_checkout)
        assert not event.contains(eng, "checkout", on_checkout)
        with eng.connect():
            pass
        assert calls == [1]
    finally:
        eng.dispose()


def test_before_cursor_execute_sees_statement_and_parameters(engine):
    seen = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters, executemany))

    with engine.connect() as conn:
        conn.execute(text("SELECT :x"), {"x": 41})
    event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        conn.execute(text("SELECT 2"))
    assert len(seen) == 1
    statement, parameters, many = seen[0]
    assert statement.startswith("SELECT")
    assert 41 in (list(parameters.values()) if isinstance(parameters, dict) else list(parameters))
    assert many is False


def test_unknown_event_name_is_rejected(engine):
    from cormorant.exc import InvalidRequestError

    with pytest.raises(InvalidRequestError):
        event.listen(engine, "no_such_event", lambda *a: None)


# --- echo ------------------------------------------------------------------------------


def test_echo_logs_sql_to_engine_logger(db_url, caplog):
    eng = create_engine(db_url, echo=True)
    try:
        with caplog.at_level(logging.INFO, logger="cormorant.engine.Engine"):
            with eng.connect() as conn:
                conn.execute(text("SELECT 12345 AS marker"))
        records = [r for r in caplog.records if r.name == "cormorant.engine.Engine"]
        assert any("SELECT 12345" in r.getMessage() for r in records)
    finally:
        eng.dispose()


# --- transactions ----------------------------------------------------------------------


def test_engine_begin_commits(db):
    with db.begin() as conn:
        conn.execute(insert(Note).values(body="kept"))
    assert count_notes(db) == 1


def test_engine_begin_rolls_back_on_exception(db):
    with pytest.raises(RuntimeError, match="boom"):
        with db.begin() as conn:
            conn.execute(insert(Note).values(body="lost"))
            raise RuntimeError("boom")
    assert count_notes(db) == 0
    assert db.pool.checkedout() == 0


def test_connection_commit_and_rollback(db):
    with db.connect() as conn:
        conn.execute(insert(Note).values(body="one"))
        conn.commit()
        conn.execute(insert(Note).values(body="two"))
        conn.rollback()
        conn.execute(insert(Note).values(body="three"))
        conn.commit()
        assert conn.execute(select(Note.body).order_by(Note.id)).scalars().all() == ["one", "three"]
    assert count_notes(db) == 2


def test_connection_close_without_commit_rolls_back(db):
    with db.connect() as conn:
        conn.execute(insert(Note).values(body="uncommitted"))
        assert conn.in_transaction()
    assert count_notes(db) == 0


def test_connection_begin_block(db):
    with db.connect() as conn:
        with conn.begin():
            conn.execute(insert(Note).values(body="a"))
        with pytest.raises(ValueError):
            with conn.begin():
                conn.execute(insert(Note).values(body="b"))
                raise ValueError
    assert count_notes(db) == 1


def test_sessionmaker_begin(db):
    SessionLocal = sessionmaker(bind=db)
    with SessionLocal.begin() as s:
        s.add(Note(body="x"))
    assert count_notes(db) == 1
    with pytest.raises(KeyError):
        with SessionLocal.begin() as s:
            s.add(Note(body="y"))
            raise KeyError
    assert count_notes(db) == 1


# --- SQLite locking ----------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_busy_timeout_gives_database_is_locked(db, db_url):
    other = create_engine(db_url, connect_args={"timeout": 0.2})
    try:
        with db.connect() as writer:
            writer.execute(insert(Note).values(body="holding the write lock"))
            assert writer.in_transaction()
            with other.connect() as blocked:
                with pytest.raises(OperationalError) as info:
                    blocked.execute(insert(Note).values(body="blocked"))
                    blocked.commit()
                assert "locked" in str(info.value).lower()
                blocked.rollback()
            writer.commit()
        assert count_notes(db) == 1
        with other.begin() as conn:  # the lock is gone
            conn.execute(insert(Note).values(body="later"))
        assert count_notes(db) == 2
    finally:
        other.dispose()


@pytest.mark.sqlite_only
def test_open_read_does_not_block_another_writer(db, db_url):
    # As with SQLAlchemy on pysqlite: a session that has only read must not
    # keep other connections from committing writes.
    with Session(db) as s:
        s.add(Note(body="seed"))
        s.commit()
    writer_engine = create_engine(db_url, connect_args={"timeout": 0.5})
    try:
        with Session(db) as reader:
            assert reader.execute(select(func.count(Note.id))).scalar() == 1
            with writer_engine.begin() as conn:
                conn.execute(insert(Note).values(body="written while a reader is open"))
        assert count_notes(db) == 2
    finally:
        writer_engine.dispose()
