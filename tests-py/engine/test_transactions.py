"""Savepoints (Session.begin_nested, Connection.begin_nested) and locking reads."""

import pytest
from cormorant import Integer, String, create_engine, insert, select, text
from cormorant.exc import IntegrityError, OperationalError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Entry(Base):
    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def names(engine):
    with engine.connect() as conn:
        return sorted(conn.execute(select(Entry.name)).scalars())


def test_three_savepoints_deep_with_the_middle_one_rolled_back(db):
    with Session(db) as s:
        s.add(Entry(name="outer"))
        with s.begin_nested():
            s.add(Entry(name="level1"))
            middle = s.begin_nested()
            s.add(Entry(name="level2"))
            with s.begin_nested():
                s.add(Entry(name="level3"))
            middle.rollback()
            assert not middle.is_active
            s.add(Entry(name="after-middle"))
        s.commit()
    assert names(db) == ["after-middle", "level1", "outer"]


def test_savepoint_rollback_expunges_what_it_added_and_expires_the_rest(db):
    with Session(db) as s:
        kept = Entry(name="kept")
        s.add(kept)
        s.flush()
        nested = s.begin_nested()
        kept.name = "renamed"
        ghost = Entry(name="ghost")
        s.add(ghost)
        s.flush()
        nested.rollback()
        assert ghost not in s
        assert kept.name == "kept"  # expired, reloaded from the database
        s.commit()
    assert names(db) == ["kept"]


def test_failed_flush_in_a_savepoint_keeps_the_outer_work(db):
    with Session(db) as s:
        s.add(Entry(name="first"))
        s.flush()
        with pytest.raises(IntegrityError):
            with s.begin_nested():
                s.add(Entry(name="first"))  # unique violation
                s.flush()
        s.add(Entry(name="second"))
        s.commit()
    assert names(db) == ["first", "second"]


def test_connection_savepoints(db):
    with db.connect() as conn:
        conn.execute(insert(Entry).values(name="a"))
        sp = conn.begin_nested()
        conn.execute(insert(Entry).values(name="b"))
        assert conn.in_nested_transaction()
        sp.rollback()
        assert not conn.in_nested_transaction()
        with conn.begin_nested():
            conn.execute(insert(Entry).values(name="c"))
        conn.commit()
    assert names(db) == ["a", "c"]


@pytest.mark.sqlite_only
def test_locking_read_takes_the_sqlite_write_lock(db, url):
    other = create_engine(url, connect_args={"timeout": 0.1})
    try:
        with Session(db) as s:
            s.execute(select(Entry).with_for_update()).all()
            with pytest.raises(OperationalError, match="locked"):
                with other.begin() as conn:
                    conn.execute(text("INSERT INTO entries (name) VALUES ('blocked')"))
            s.commit()
        with other.begin() as conn:  # the lock went with the transaction
            conn.execute(text("INSERT INTO entries (name) VALUES ('later')"))
    finally:
        other.dispose()
    assert names(db) == ["later"]
