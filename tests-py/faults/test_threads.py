"""One Session or Connection used by several threads at once, a mistake made
with a module-level session (issue 13, item 2): the second thread's call
raises InvalidRequestError naming the problem. It never hangs or interleaves
two statements on one wire, and the Session works again after rollback()."""

import threading

import pytest
from cormorant import Column, Integer, MetaData, String, Table, exc, func, insert, select
from cormorant.orm import Session

THREADS = 4
ROUNDS = 40


@pytest.fixture
def table(engine):
    md = MetaData()
    t = Table("shared", md, Column("id", Integer, primary_key=True), Column("v", String(20)))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(t), [{"v": f"row {i}"} for i in range(2000)])
    return t


def hammer(call):
    """Runs `call(thread_index, round)` from THREADS threads at once; returns
    the exceptions raised, failing the test if any thread is still running."""
    raised = []
    start = threading.Barrier(THREADS)

    def work(index):
        start.wait()
        for n in range(ROUNDS):
            try:
                call(index, n)
            except Exception as e:
                raised.append(e)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return raised


def assert_only_concurrency_errors(raised):
    assert raised, "no thread ever overlapped another; the test proves nothing"
    for error in raised:
        assert isinstance(error, exc.InvalidRequestError), repr(error)
        assert "two threads at once" in str(error)


def test_a_shared_session_raises_instead_of_hanging(engine, table):
    session = Session(engine)

    def call(index, n):
        if index % 2:
            session.execute(insert(table), [{"v": f"t{index} n{n} {k}"} for k in range(300)])
        else:
            session.execute(select(table).order_by(table.c.id)).all()

    assert_only_concurrency_errors(hammer(call))
    session.rollback()
    assert session.execute(select(func.count()).select_from(table)).scalar() == 2000
    session.close()
    assert engine.pool.checkedout() == 0


def test_a_shared_connection_raises_instead_of_hanging(engine, table):
    with engine.connect() as conn:

        def call(index, n):
            rows = conn.execute(select(table.c.id).where(table.c.id > n)).all()
            assert len(rows) == 2000 - n

        assert_only_concurrency_errors(hammer(call))
        conn.rollback()
        assert conn.execute(select(func.count()).select_from(table)).scalar() == 2000
