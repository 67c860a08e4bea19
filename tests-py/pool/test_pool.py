"""Pools: QueuePool sizing, overflow, timeouts and reuse, NullPool, and
StaticPool with in-memory SQLite databases.

Tests taking `db_url` run on every backend, except the one marked
sqlite_only (the default pool of a file versus an in-memory database); the
in-memory tests run on SQLite only, having no `db_url`."""

import threading

import pytest
from cormorant import create_engine, event, func, select, text
from cormorant.exc import OperationalError
from cormorant.exc import TimeoutError as PoolTimeoutError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column
from cormorant.pool import NullPool, QueuePool, SingletonThreadPool, StaticPool


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str]


def test_pool_options_are_used(db_url):
    eng = create_engine(
        db_url, pool_size=3, max_overflow=2, pool_timeout=7, pool_recycle=3600, pool_pre_ping=True
    )
    try:
        assert isinstance(eng.pool, QueuePool)
        assert eng.pool.size() == 3
        assert eng.pool.timeout() == 7
        with eng.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
            assert eng.pool.checkedout() == 1
        assert eng.pool.checkedout() == 0
    finally:
        eng.dispose()


@pytest.mark.sqlite_only
def test_file_sqlite_defaults_to_queue_pool_and_memory_to_static(db_url):
    file_eng = create_engine(db_url)
    mem_eng = create_engine("sqlite:///:memory:")
    try:
        assert isinstance(file_eng.pool, QueuePool)
        assert isinstance(mem_eng.pool, (StaticPool, SingletonThreadPool))
    finally:
        file_eng.dispose()
        mem_eng.dispose()


def test_queue_pool_overflow_then_timeout(db_url):
    eng = create_engine(db_url, pool_size=1, max_overflow=1, pool_timeout=0.2)
    try:
        c1 = eng.connect()
        c2 = eng.connect()  # the overflow connection
        assert eng.pool.checkedout() == 2
        assert eng.pool.overflow() >= 1
        with pytest.raises(PoolTimeoutError):
            eng.connect()
        c1.execute(text("SELECT 1"))
        c2.execute(text("SELECT 1"))
        c2.close()
        with eng.connect() as c3:  # a slot is free again
            assert c3.execute(text("SELECT 3")).scalar() == 3
        c1.close()
        assert eng.pool.checkedout() == 0
    finally:
        eng.dispose()


def test_pool_timeout_error_is_a_cormorant_error(db_url):
    from cormorant.exc import CormorantError

    eng = create_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    try:
        held = eng.connect()
        with pytest.raises(CormorantError):
            eng.connect()
        held.close()
    finally:
        eng.dispose()


def test_queue_pool_reuses_connections(db_url):
    eng = create_engine(db_url, pool_size=2)
    opened = []
    event.listen(eng, "connect", lambda *a: opened.append(1))
    try:
        for _ in range(5):
            with eng.connect() as conn:
                conn.execute(text("SELECT 1"))
        assert len(opened) == 1
    finally:
        eng.dispose()


def test_null_pool_opens_a_connection_each_time(db_url):
    eng = create_engine(db_url, poolclass=NullPool)
    opened = []
    event.listen(eng, "connect", lambda *a: opened.append(1))
    try:
        for _ in range(4):
            with eng.connect() as conn:
                conn.execute(text("SELECT 1"))
        assert len(opened) == 4
    finally:
        eng.dispose()


def test_static_pool_shares_one_memory_database_across_threads():
    eng = create_engine("sqlite:///:memory:", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    try:
        Base.metadata.create_all(eng)
        with Session(eng) as s:
            s.add(Note(body="shared"))
            s.commit()
        seen, errors = [], []

        def reader():
            try:
                with Session(eng) as s:
                    seen.append(s.execute(select(Note.body)).scalar_one())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert seen == ["shared"] * 3
    finally:
        eng.dispose()


def test_two_memory_engines_are_separate_databases():
    a = create_engine("sqlite:///:memory:")
    b = create_engine("sqlite:///:memory:")
    try:
        Base.metadata.create_all(a)
        with a.connect() as conn:
            assert conn.execute(select(func.count(Note.id))).scalar() == 0
        with b.connect() as conn:
            with pytest.raises(OperationalError):
                conn.execute(select(func.count(Note.id)))
    finally:
        a.dispose()
        b.dispose()
