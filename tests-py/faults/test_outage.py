"""A PostgreSQL restart costs one error, not one per pooled connection
(issue 13, item 3). The first statement after the restart fails with the
server's own message; that disconnect invalidates every connection the pool
opened before it, as SQLAlchemy's pool does, so the next checkouts connect
afresh without pool_pre_ping."""

import pytest
from cormorant import create_engine, exc, text
from cormorant.orm import Session
from pg_server import private_pg  # noqa: F401


def fill_pool(engine, size):
    """Checks out `size` connections at once and uses each, so the pool holds that many."""
    conns = [engine.connect() for _ in range(size)]
    for conn in conns:
        conn.execute(text("SELECT 1")).all()
    for conn in conns:
        conn.close()
    assert engine.pool.checkedin() == size


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_restart_costs_one_error_for_a_pool_of_three(private_pg, mode):  # noqa: F811
    engine = create_engine(private_pg.url, pool_size=3, pool_pre_ping=False)
    try:
        fill_pool(engine, 3)
        private_pg.restart(mode=mode)
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
    finally:
        engine.dispose()


def test_the_error_carries_the_servers_message(private_pg):  # noqa: F811
    engine = create_engine(private_pg.url, pool_size=1, pool_pre_ping=False)
    try:
        fill_pool(engine, 1)
        private_pg.restart(mode="fast")
        with engine.connect() as conn:
            with pytest.raises(exc.OperationalError) as info:
                conn.execute(text("SELECT 1"))
        message = str(info.value)
        assert "terminating connection due to administrator command" in message
        assert "client encoding" not in message
        assert info.value.orig.sqlstate == "57P01"
    finally:
        engine.dispose()


def test_a_session_recovers_after_rollback(private_pg):  # noqa: F811
    engine = create_engine(private_pg.url, pool_size=2, pool_pre_ping=False)
    try:
        fill_pool(engine, 2)
        private_pg.restart(mode="fast")
        with Session(engine) as session:
            with pytest.raises(exc.OperationalError):
                session.execute(text("SELECT 1"))
            session.rollback()
            assert session.execute(text("SELECT 2")).scalar() == 2
    finally:
        engine.dispose()
