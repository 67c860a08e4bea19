"""A PostgreSQL restart costs one error, not one per pooled connection
(issue 13, item 3). The first statement after the restart fails with the
server's own message; that disconnect invalidates every connection the pool
opened before it, as SQLAlchemy's pool does, so the next checkouts connect
afresh without pool_pre_ping."""

import contextlib

import pytest
from cormorant import create_engine, exc, text
from cormorant.orm import Session
from pg_server import private_pg  # noqa: F401


@contextlib.contextmanager
def pool_across_a_restart(server, size, mode="fast"):
    """An engine whose pool holds `size` used connections when `server`
    restarts (no pre-ping); disposed afterwards."""
    engine = create_engine(server.url, pool_size=size, pool_pre_ping=False)
    try:
        conns = [engine.connect() for _ in range(size)]
        for conn in conns:
            conn.execute(text("SELECT 1")).all()
        for conn in conns:
            conn.close()
        assert engine.pool.checkedin() == size
        server.restart(mode=mode)
        yield engine
    finally:
        engine.dispose()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_restart_costs_one_error_for_a_pool_of_three(private_pg, mode):  # noqa: F811
    with pool_across_a_restart(private_pg, 3, mode) as engine:
        errors = []
        for _ in range(6):
            try:
                with engine.connect() as conn:
                    assert conn.execute(text("SELECT 1")).scalar() == 1
            except exc.OperationalError as e:
                errors.append(e)
        assert len(errors) == 1
        assert errors[0].connection_invalidated
        assert engine.pool.checkedout() == 0


def test_the_error_carries_the_servers_message(private_pg):  # noqa: F811
    with pool_across_a_restart(private_pg, 1) as engine, engine.connect() as conn:
        with pytest.raises(exc.OperationalError) as info:
            conn.execute(text("SELECT 1"))
    message = str(info.value)
    assert "terminating connection due to administrator command" in message
    assert "client encoding" not in message
    assert info.value.orig.sqlstate == "57P01"


def test_a_session_recovers_after_rollback(private_pg):  # noqa: F811
    with pool_across_a_restart(private_pg, 2) as engine, Session(engine) as session:
        with pytest.raises(exc.OperationalError):
            session.execute(text("SELECT 1"))
        session.rollback()
        assert session.execute(text("SELECT 2")).scalar() == 2
