"""AssertionPool, create_pool_from_url, FallbackAsyncAdaptedQueuePool, the
classes pool listeners receive (PoolProxiedConnection, ConnectionPoolEntry),
the reset event's PoolResetState and the reset_* styles."""

import pytest
from cormorant import (
    AssertionPool,
    FallbackAsyncAdaptedQueuePool,
    PoolProxiedConnection,
    PoolResetState,
    create_engine,
    create_pool_from_url,
    event,
    text,
)
from cormorant.exc import ArgumentError, DBAPIError
from cormorant.pool import (
    AsyncAdaptedQueuePool,
    ConnectionPoolEntry,
    ManagesConnection,
    NullPool,
    Pool,
    QueuePool,
    reset_commit,
    reset_none,
    reset_rollback,
)


def test_assertion_pool_allows_one_checkout_at_a_time(db_url):
    engine = create_engine(db_url, poolclass=AssertionPool)
    try:
        conn = engine.connect()
        assert conn.scalar(text("SELECT 1")) == 1
        with pytest.raises(AssertionError, match="connection is already checked out"):
            engine.connect()
        conn.close()
        with engine.connect() as again:
            assert again.scalar(text("SELECT 2")) == 2
        assert isinstance(engine.pool, Pool)
    finally:
        engine.dispose()


def test_create_pool_from_url_takes_the_pools_spellings(db_url):
    pool = create_pool_from_url(db_url, pool_size=2, max_overflow=1, timeout=4, pre_ping=True)
    try:
        assert isinstance(pool, QueuePool)
        assert pool.size() == 2 and pool.timeout() == 4
        lease = pool.connect()
        assert pool.checkedout() == 1
        pool.release(lease)
        assert pool.checkedout() == 0
    finally:
        pool.dispose()
    null = create_pool_from_url(db_url, poolclass=NullPool)
    assert isinstance(null, NullPool)
    with pytest.raises(ArgumentError, match="'bogus'"):
        create_pool_from_url(db_url, bogus=1)


def test_fallback_async_pool_is_an_async_adapted_queue_pool(db_url):
    assert issubclass(FallbackAsyncAdaptedQueuePool, AsyncAdaptedQueuePool)
    engine = create_engine(db_url, poolclass=FallbackAsyncAdaptedQueuePool, pool_size=1)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 3")) == 3
        assert engine.pool.size() == 1
    finally:
        engine.dispose()


def test_pool_listeners_receive_proxied_connections_and_entries(db_url):
    engine = create_engine(db_url)
    seen = []

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        seen.append((dbapi_connection, connection_record))
        connection_record.info["opened"] = True

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            assert conn.info["opened"] is True
        dbapi_connection, record = seen[0]
        assert isinstance(dbapi_connection, PoolProxiedConnection)
        assert isinstance(dbapi_connection, ManagesConnection)
        assert isinstance(record, ConnectionPoolEntry) and isinstance(record, ManagesConnection)
        assert dbapi_connection.is_valid
    finally:
        engine.dispose()


def test_reset_event_says_whether_the_transaction_was_ended(db_url):
    engine = create_engine(db_url)
    states = []
    event.listen(engine, "reset", lambda dbapi_connection, record, state: states.append(state))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        raw = engine.raw_connection()
        raw.driver_connection.begin()  # the native connection's own transaction
        raw.cursor().execute("CREATE TABLE reset_probe (x INTEGER)")
        raw.close()  # given back inside its transaction: the pool rolls it back
        assert all(isinstance(state, PoolResetState) for state in states)
        assert states[0].transaction_was_reset is True
        assert states[1].transaction_was_reset is False
        assert states[1].terminate_only is False
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert len(states) == 3
        with engine.connect() as conn:  # the pool rolled the CREATE TABLE back
            with pytest.raises(DBAPIError):
                conn.execute(text("SELECT * FROM reset_probe"))
    finally:
        engine.dispose()


def test_reset_styles(db_url):
    assert {reset_rollback, reset_commit, reset_none} == set(type(reset_rollback))
    create_engine(db_url, pool_reset_on_return=reset_rollback).dispose()
    with pytest.raises(ArgumentError, match="not supported"):
        create_engine(db_url, pool_reset_on_return=reset_commit)
    with pytest.raises(ArgumentError, match="not supported"):
        create_engine(db_url, pool_reset_on_return=reset_none)


def test_proxied_connection_info_is_the_records(db_url):
    engine = create_engine(db_url, pool_size=1, max_overflow=0)
    records = []
    event.listen(engine, "checkout", lambda dbapi_connection, record, proxy: records.append(record))
    try:
        with engine.connect() as conn:
            conn.connection.info["tag"] = "kept"
            assert conn.info["tag"] == "kept"
        raw = engine.raw_connection()
        assert raw.info["tag"] == "kept"  # the same database connection, back from the pool
        assert raw.record_info is raw.info
        raw.close()
        assert records[0].info["tag"] == "kept"
    finally:
        engine.dispose()
