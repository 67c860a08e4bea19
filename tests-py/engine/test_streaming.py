"""Streamed results (yield_per, stream_results, partitions()) read their rows
off the wire as they arrive: on PostgreSQL through libpq's single-row mode,
on SQLite by stepping the statement. These tests check what that must not
change: the rows equal a buffered read's, a stream closed early (or dropped
by a `break`) leaves its connection usable for the next statement, another
statement in the middle of a stream leaves both correct, an error mid-stream
arrives as the usual translated exception after the rows before it, and a
Connection closed mid-stream goes back to the pool in a usable state.
(Memory: tests-py/load/test_stream_memory.py.)"""

import datetime
from decimal import Decimal
from typing import Optional

import pytest
from cormorant import BigInteger, Numeric, String, create_engine, func, insert, select, text, update
from cormorant.exc import DBAPIError, ResourceClosedError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "stream_things"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    at: Mapped[datetime.datetime]
    flag: Mapped[Optional[bool]]
    big: Mapped[int] = mapped_column(BigInteger)


things = Thing.__table__
ROWS = 5000
POISONED = 3001  # abs() of its `big` overflows 64 bits on both backends
ordered = select(things).order_by(things.c.id)


def row(i):
    return {
        "id": i,
        "name": f"thing {i}" if i % 7 else "",
        "amount": None if i % 5 == 0 else Decimal(i) / 4,
        "at": datetime.datetime(2024, 1, 1) + datetime.timedelta(seconds=i * 37),
        "flag": None if i % 3 == 0 else i % 2 == 0,
        "big": -(2**63) if i == POISONED else i * 1_000_003,
    }


@pytest.fixture
def filled(engine):
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(things), [row(i) for i in range(1, ROWS + 1)])
    return engine


def streamed(conn, statement, size):
    rows = []
    for part in conn.execute(statement, execution_options={"yield_per": size}).partitions():
        assert 0 < len(part) <= size
        rows.extend(part)
    return rows


def test_streamed_rows_equal_buffered_rows(filled):
    with filled.connect() as conn:
        buffered = conn.execute(ordered).all()
        assert len(buffered) == ROWS
        for size in (1, 100, 4999, 10_000):
            assert streamed(conn, ordered, size) == buffered
        via_option = conn.execute(ordered.execution_options(stream_results=True, max_row_buffer=300))
        assert [len(p) for p in via_option.partitions()][:2] == [300, 300]
        text_rows = conn.execute(text("SELECT id, name FROM stream_things ORDER BY id")).all()
        assert streamed(conn, text("SELECT id, name FROM stream_things ORDER BY id"), 333) == text_rows


def test_streamed_orm_objects_equal_buffered_ones(filled):
    def attrs(t):
        return (t.id, t.name, t.amount, t.at, t.flag, t.big)

    with Session(filled) as session:
        buffered = [attrs(t) for t in session.scalars(select(Thing).order_by(Thing.id))]
    with Session(filled) as session:
        stream = session.scalars(select(Thing).order_by(Thing.id).execution_options(yield_per=250))
        assert [attrs(t) for t in stream] == buffered
    assert len(buffered) == ROWS


def test_break_out_of_partitions_then_the_connection_runs_the_next_statement(filled):
    with filled.connect() as conn:
        for part in conn.execute(ordered.execution_options(yield_per=100)).partitions():
            assert part[0].id == 1
            break
        assert conn.execute(select(func.count()).select_from(things)).scalar() == ROWS
        conn.execute(update(things).where(things.c.id == 1).values(name="first"))
        conn.commit()
        assert conn.execute(select(things.c.name).where(things.c.id == 1)).scalar() == "first"


def test_closed_early_then_the_session_commits(filled):
    with Session(filled) as session:
        result = session.scalars(select(Thing).order_by(Thing.id).execution_options(yield_per=50))
        assert [t.id for t in result.fetchmany(10)] == list(range(1, 11))
        result.close()
        session.add(Thing(**{**row(ROWS + 1), "name": "added"}))
        session.commit()
        assert session.scalar(select(func.count()).select_from(Thing)) == ROWS + 1


def test_another_statement_in_the_middle_of_a_stream(filled):
    with filled.connect() as conn:
        buffered = conn.execute(ordered).all()
        result = conn.execute(ordered.execution_options(yield_per=500))
        parts = result.partitions()
        rows = list(next(parts))
        # the stream still has 4,500 rows to read when these run on its connection
        assert conn.execute(select(things.c.name).where(things.c.id == 2)).scalar() == "thing 2"
        conn.execute(update(things).where(things.c.id == 3).values(name="changed"))
        for part in parts:
            rows.extend(part)
        assert rows == buffered
        assert conn.execute(select(things.c.name).where(things.c.id == 3)).scalar() == "changed"


def test_an_error_mid_stream_is_the_usual_translated_exception(filled, backend):
    # no ORDER BY: PostgreSQL would compute abs() for every row before sorting,
    # failing before the first row; a fresh table scans in insertion order
    statement = select(things.c.id, func.abs(things.c.big))
    with filled.connect() as conn:
        seen = 0
        result = conn.execute(statement.execution_options(yield_per=100))
        with pytest.raises(DBAPIError) as caught:
            for part in result.partitions():
                seen += len(part)
        # every full chunk before the failing row; SQLite's cursor steps one row
        # ahead, so there the chunk holding the row before fails too
        assert seen == (2900 if backend == "sqlite" else POISONED - 1)
        assert "abs(" in caught.value.statement
        assert caught.value.orig is not None
        with pytest.raises(ResourceClosedError):
            result.fetchone()
        conn.rollback()
        assert conn.execute(select(func.count()).select_from(things)).scalar() == ROWS
    with Session(filled) as session:
        with pytest.raises(DBAPIError):
            for _ in session.execute(statement.execution_options(yield_per=100)):
                pass
        session.rollback()
        assert session.get(Thing, 7).name == ""


def test_a_connection_closed_mid_stream_goes_back_to_the_pool_usable(url):
    engine = create_engine(url, pool_size=1, max_overflow=0)
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(things), [row(i) for i in range(1, ROWS + 1)])
        conn = engine.connect()
        result = conn.execute(ordered.execution_options(yield_per=10))
        assert len(result.fetchmany(15)) == 15
        conn.close()
        with pytest.raises(ResourceClosedError):
            result.fetchone()
        with engine.connect() as again:  # the one pooled connection
            assert again.execute(select(func.max(things.c.id))).scalar() == ROWS
            assert len(streamed(again, ordered, 1000)) == ROWS
    finally:
        engine.dispose()
