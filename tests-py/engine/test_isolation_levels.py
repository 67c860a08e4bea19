"""Isolation levels, proven by what concurrent connections see: create_engine's
isolation_level=, Engine.execution_options() and Connection.execution_options(),
AUTOCOMMIT (no BEGIN), get_isolation_level() and default_isolation_level."""

import asyncio

import pytest
from cormorant import create_engine, text
from cormorant.exc import ArgumentError, InvalidRequestError, OperationalError, ProgrammingError
from cormorant.ext.asyncio import create_async_engine
from cormorant.pool import NullPool

PG_LEVELS = "AUTOCOMMIT, READ COMMITTED, READ UNCOMMITTED, REPEATABLE READ, SERIALIZABLE"
SQLITE_LEVELS = "READ UNCOMMITTED, SERIALIZABLE, AUTOCOMMIT"


def _counter_table(engine):
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (1, 0)"))


def _count(conn):
    return conn.execute(text("SELECT n FROM counter WHERE id = 1")).scalar()


# --- naming a level ---------------------------------------------------------------------


def test_an_invalid_level_names_it_and_the_valid_ones(url, backend):
    valid = PG_LEVELS if backend == "postgresql" else SQLITE_LEVELS
    expected = (
        f"Invalid value 'BOGUS' for isolation_level. Valid isolation levels for '{backend}' are {valid}"
    )
    with pytest.raises(ArgumentError) as raised:
        create_engine(url, isolation_level="bogus")
    assert str(raised.value) == expected
    engine = create_engine(url)
    with pytest.raises(ArgumentError, match="Invalid value 'BOGUS' for isolation_level"):
        engine.execution_options(isolation_level="BOGUS")
    with (
        engine.connect() as conn,
        pytest.raises(ArgumentError, match="Invalid value 'BOGUS' for isolation_level"),
    ):
        conn.execution_options(isolation_level="BOGUS")
    with pytest.raises(ArgumentError, match=r"execution_options|isolation_level"):
        create_engine(url, execution_options={"isolation_level": "BOGUS"})
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_has_no_repeatable_read(url):
    with pytest.raises(
        ArgumentError, match=f"Invalid value 'REPEATABLE READ' for isolation_level. .* are {SQLITE_LEVELS}"
    ):
        create_engine(url, isolation_level="REPEATABLE READ")


def test_levels_are_reported(url, backend):
    default = "READ COMMITTED" if backend == "postgresql" else "SERIALIZABLE"
    other = "SERIALIZABLE" if backend == "postgresql" else "READ UNCOMMITTED"
    engine = create_engine(url, pool_size=1, max_overflow=0)
    with engine.connect() as conn:
        assert conn.get_isolation_level() == default
        assert conn.default_isolation_level == default
        conn.execution_options(isolation_level=other.lower().replace(" ", "_"))
        assert conn.get_isolation_level() == other
        assert conn.get_execution_options()["isolation_level"] == other
        assert conn.default_isolation_level == default
    with engine.connect() as conn:  # the same pooled connection, its level restored
        assert conn.get_isolation_level() == default
    assert engine.dialect.default_isolation_level == default
    engine.dispose()

    at_other = create_engine(url, isolation_level=other)
    with at_other.connect() as conn:
        assert conn.get_isolation_level() == other
        assert conn.default_isolation_level == other
    at_other.dispose()


def test_autocommit_is_not_reported_as_a_level(url, backend):
    """As in SQLAlchemy, get_isolation_level() reads the database's level; AUTOCOMMIT only means no BEGIN."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        assert conn.get_isolation_level() == ("READ COMMITTED" if backend == "postgresql" else "SERIALIZABLE")
    engine.dispose()


def test_level_cannot_change_inside_a_transaction(engine):
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        with pytest.raises(InvalidRequestError, match="isolation_level may not be altered unless rollback"):
            conn.execution_options(isolation_level="SERIALIZABLE")
        conn.rollback()
        conn.execution_options(isolation_level="SERIALIZABLE")
        assert conn.get_isolation_level() == "SERIALIZABLE"


def test_engine_execution_options_shares_the_pool(engine, backend):
    serial = engine.execution_options(isolation_level="SERIALIZABLE")
    assert serial is not engine and serial.pool is engine.pool
    assert serial.get_execution_options() == {"isolation_level": "SERIALIZABLE"}
    assert engine.get_execution_options() == {}
    if backend == "postgresql":
        with serial.connect() as conn:
            assert conn.get_isolation_level() == "SERIALIZABLE"
        with engine.connect() as conn:
            assert conn.get_isolation_level() == "READ COMMITTED"


# --- PostgreSQL: the levels' behaviour ----------------------------------------------------


@pytest.mark.postgresql_only
@pytest.mark.parametrize("how", ["create_engine", "engine.execution_options", "connection.execution_options"])
def test_serializable_transactions_conflict(url, how):
    if how == "create_engine":
        engine = base = create_engine(url, isolation_level="SERIALIZABLE")
    else:
        base = create_engine(url)
        engine = (
            base.execution_options(isolation_level="SERIALIZABLE")
            if how == "engine.execution_options"
            else base
        )
    _counter_table(base)
    first, second = engine.connect(), engine.connect()
    if how == "connection.execution_options":
        first.execution_options(isolation_level="SERIALIZABLE")
        second.execution_options(isolation_level="SERIALIZABLE")
    try:
        assert _count(first) == _count(second) == 0  # both snapshots taken
        first.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
        first.commit()
        with pytest.raises(
            OperationalError, match="could not serialize access due to concurrent update"
        ) as raised:
            second.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
        assert raised.value.orig.sqlstate == "40001"
    finally:
        first.close()
        second.close()
        base.dispose()


@pytest.mark.postgresql_only
def test_the_same_updates_at_read_committed_both_apply(engine):
    _counter_table(engine)
    with engine.connect() as first, engine.connect() as second:
        assert _count(first) == _count(second) == 0
        first.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
        first.commit()
        second.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
        second.commit()
        assert _count(second) == 2


@pytest.mark.postgresql_only
@pytest.mark.parametrize("level, sees_the_commit", [("REPEATABLE READ", False), ("READ COMMITTED", True)])
def test_a_concurrent_commit_is_seen_only_below_repeatable_read(url, level, sees_the_commit):
    engine = create_engine(url)
    _counter_table(engine)
    with engine.connect() as reader, engine.connect() as writer:
        reader.execution_options(isolation_level=level)
        assert _count(reader) == 0
        writer.execute(text("UPDATE counter SET n = 5 WHERE id = 1"))
        writer.commit()
        assert _count(reader) == (5 if sees_the_commit else 0)
        reader.rollback()
        assert _count(reader) == 5
    engine.dispose()


@pytest.mark.postgresql_only
@pytest.mark.parametrize("how", ["create_engine", "engine.execution_options", "connection.execution_options"])
def test_autocommit_runs_create_and_drop_database(url, how):
    name = "cormorant_isolation_probe"
    engine = create_engine(
        url, poolclass=NullPool, **({"isolation_level": "AUTOCOMMIT"} if how == "create_engine" else {})
    )
    if how == "engine.execution_options":
        engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if how == "connection.execution_options":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
        exists = "SELECT count(*) FROM pg_database WHERE datname = :n"
        assert conn.execute(text(exists), {"n": name}).scalar() == 1
        conn.execute(text(f"DROP DATABASE {name}"))
        assert conn.execute(text(exists), {"n": name}).scalar() == 0
    engine.dispose()


@pytest.mark.postgresql_only
def test_without_autocommit_create_database_is_refused(engine):
    with engine.connect() as conn, pytest.raises(Exception, match="cannot run inside a transaction block"):
        conn.execute(text("CREATE DATABASE cormorant_never_made"))


@pytest.mark.postgresql_only
def test_autocommit_statements_are_committed_as_they_run(engine):
    _counter_table(engine)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("UPDATE counter SET n = 7 WHERE id = 1"))
        conn.rollback()  # nothing to undo
        with engine.connect() as other:
            assert _count(other) == 7


# --- SQLite: AUTOCOMMIT and READ UNCOMMITTED --------------------------------------------------


@pytest.mark.sqlite_only
def test_sqlite_autocommit_commits_each_statement(url):
    engine = create_engine(url)
    _counter_table(engine)
    auto = engine.execution_options(isolation_level="AUTOCOMMIT")
    with auto.connect() as conn, engine.connect() as other:
        conn.execute(text("UPDATE counter SET n = 3 WHERE id = 1"))
        assert _count(other) == 3  # committed without commit()
        other.execute(text("UPDATE counter SET n = 4 WHERE id = 1"))  # no lock left behind
        other.commit()
        conn.rollback()
        assert _count(conn) == 4
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_autocommit_runs_vacuum(url):
    """VACUUM cannot run inside a transaction: only an AUTOCOMMIT connection runs it after a write."""
    engine = create_engine(url)
    _counter_table(engine)
    with engine.connect() as conn:
        conn.execute(text("UPDATE counter SET n = 1"))
        with pytest.raises((OperationalError, ProgrammingError), match="VACUUM"):
            conn.execute(text("VACUUM"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("UPDATE counter SET n = 1"))
        conn.execute(text("VACUUM"))
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_read_uncommitted_sees_a_pending_write_in_shared_cache(tmp_path):
    engine = create_engine(f"sqlite:///file:{tmp_path}/shared.db?cache=shared&uri=true")
    _counter_table(engine)
    writer = engine.connect()
    try:
        writer.execute(text("UPDATE counter SET n = 9 WHERE id = 1"))  # not committed
        with engine.execution_options(isolation_level="READ UNCOMMITTED").connect() as dirty:
            assert dirty.get_isolation_level() == "READ UNCOMMITTED"
            assert _count(dirty) == 9
        with engine.connect() as serial, pytest.raises(OperationalError, match="locked"):
            _count(serial)
    finally:
        writer.rollback()
        writer.close()
    with engine.connect() as conn:
        assert _count(conn) == 0
    engine.dispose()


# --- asyncio ------------------------------------------------------------------------------------


def test_async_connection_isolation_level(async_url, backend):
    other = "SERIALIZABLE" if backend == "postgresql" else "READ UNCOMMITTED"

    async def main():
        engine = create_async_engine(async_url)
        async with engine.connect() as conn:
            default = conn.default_isolation_level
            await conn.execution_options(isolation_level=other)
            level = await conn.get_isolation_level()
        auto = engine.execution_options(isolation_level="AUTOCOMMIT")
        options = auto.get_execution_options()
        await engine.dispose()
        return default, level, options

    default = "READ COMMITTED" if backend == "postgresql" else "SERIALIZABLE"
    assert asyncio.run(main()) == (default, other, {"isolation_level": "AUTOCOMMIT"})


def test_create_async_engine_isolation_level(async_url, backend):
    other = "REPEATABLE READ" if backend == "postgresql" else "READ UNCOMMITTED"

    async def main():
        engine = create_async_engine(async_url, isolation_level=other)
        async with engine.connect() as conn:
            seen = (await conn.get_isolation_level(), conn.default_isolation_level)
        await engine.dispose()
        return seen

    assert asyncio.run(main()) == (other, other)
