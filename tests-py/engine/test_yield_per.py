"""yield_per and stream_results: results hydrated a chunk at a time.

Core (`conn.execute(stmt.execution_options(yield_per=N))`, a Connection's
execution_options) and ORM (`Session.execute(stmt, execution_options=...)`)
results read the cursor N rows at a time through _native.fetch_many, drop
each chunk once consumed, and close the cursor when the rows run out or the
result is closed. Expectations (partition sizes, errors and their messages,
selectin loads per chunk) were checked against SQLAlchemy 2.0.58 on SQLite and
PostgreSQL; where cormorant differs on purpose the test says so."""

import gc
import sys
import tracemalloc
from typing import Optional

import pytest
from cormorant import ForeignKey, String, _native, create_engine, insert, select, text, update
from cormorant.exc import InvalidRequestError, MultipleResultsFound, OperationalError, ResourceClosedError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    contains_eager,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "yp_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id")


class Post(Base):
    __tablename__ = "yp_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("yp_users.id"))
    author: Mapped[Optional[User]] = relationship(back_populates="posts")


class Item(Base):
    __tablename__ = "yp_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


USERS = 10  # each with two posts: ids 2u-1 and 2u
users_table = User.__table__
ordered_users = select(User).order_by(User.id)
CLOSED = "This result object is closed."
JOINED_COLLECTION = (
    "Can't use yield_per with eager loaders that require uniquing or row buffering, e.g. joinedload() "
    "against collections or subqueryload().  Consider the selectinload() strategy for better "
    "flexibility in loading objects."
)


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(users_table), [{"id": u, "name": f"u{u}"} for u in range(1, USERS + 1)])
        conn.execute(
            insert(Post.__table__),
            [{"id": p, "title": f"p{p}", "author_id": (p + 1) // 2} for p in range(1, 2 * USERS + 1)],
        )
    yield engine
    Base.metadata.drop_all(engine)


@pytest.fixture
def fetches(monkeypatch):
    """Every _native.fetch_many call as (max_rows asked, rows returned);
    _native.fetch_all calls are counted under "all"."""
    calls = {"many": [], "all": 0}
    fetch_many, fetch_all = _native.fetch_many, _native.fetch_all

    def many(cursor, plan, max_rows, *rest):
        rows = fetch_many(cursor, plan, max_rows, *rest)
        calls["many"].append((max_rows, len(rows)))
        return rows

    def all_rows(*args):
        calls["all"] += 1
        return fetch_all(*args)

    monkeypatch.setattr(_native, "fetch_many", many)
    monkeypatch.setattr(_native, "fetch_all", all_rows)
    return calls


def sizes(result, size=None):
    return [len(part) for part in result.partitions(size)]


def selects(seen):
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


# --- Core ---------------------------------------------------------------------------------


def test_core_statement_yield_per_streams_in_chunks(db, fetches):
    with db.connect() as conn:
        result = conn.execute(select(users_table).order_by(users_table.c.id).execution_options(yield_per=4))
        assert fetches["many"] == []  # nothing hydrated before the first read
        first = result.fetchone()
        assert first == (1, "u1")
        assert fetches["many"] == [(4, 4)]
        assert [row.id for row in result] == list(range(2, USERS + 1))
    assert fetches["many"] == [(4, 4), (4, 4), (4, 2), (4, 0)]
    assert fetches["all"] == 0


def test_partitions_default_to_the_yield_per_size(db):
    stmt = select(users_table).order_by(users_table.c.id)
    with db.connect() as conn:
        assert sizes(conn.execute(stmt.execution_options(yield_per=4))) == [4, 4, 2]
        assert sizes(conn.execute(stmt.execution_options(yield_per=4)), 3) == [3, 3, 3, 1]
        assert sizes(conn.execute(stmt.execution_options(yield_per=4)).scalars()) == [4, 4, 2]
        assert sizes(conn.execute(stmt.execution_options(yield_per=4)).mappings()) == [4, 4, 2]
        assert len(conn.execute(stmt.execution_options(yield_per=4)).fetchmany()) == 4
        # a buffered result: yield_per() sets the partition and fetchmany() size
        assert sizes(conn.execute(stmt).yield_per(4)) == [4, 4, 2]
        assert len(conn.execute(stmt).yield_per(3).fetchmany()) == 3
        buffered = conn.execute(stmt)
        buffered.fetchmany(2)
        assert sizes(buffered.yield_per(3)) == [3, 3, 2]


def test_yield_per_on_a_streaming_result_changes_the_chunk_size(db, fetches):
    with db.connect() as conn:
        result = conn.execute(select(users_table).order_by(users_table.c.id).execution_options(yield_per=4))
        assert len(result.fetchmany(2)) == 2
        assert result.yield_per(3) is result
        assert sizes(result) == [3, 3, 2]
    assert fetches["many"] == [(4, 4), (3, 3), (3, 3), (3, 0)]


def test_streaming_result_reads_like_a_buffered_one(db):
    stmt = select(users_table).order_by(users_table.c.id).execution_options(yield_per=3)
    with db.connect() as conn:
        result = conn.execute(stmt)
        result.fetchmany(4)
        assert [row.id for row in result.all()] == list(range(5, USERS + 1))
        assert result.fetchone() is None  # exhausted, not closed
        assert result.all() == []
        assert conn.execute(stmt).first() == (1, "u1")
        assert conn.execute(stmt).scalars().all() == list(range(1, USERS + 1))
        assert conn.execute(stmt).scalar() == 1
        assert conn.execute(stmt.where(users_table.c.id == 7)).one() == (7, "u7")
        assert conn.execute(stmt).mappings().fetchmany(2) == [
            {"id": 1, "name": "u1"},
            {"id": 2, "name": "u2"},
        ]
        assert [row.name for row in conn.execute(stmt).columns("name")] == [f"u{u}" for u in range(1, 11)]
        with pytest.raises(MultipleResultsFound):
            conn.execute(stmt).one()
        # scalars() of a streaming result reads the same cursor
        result = conn.execute(stmt)
        scalars = result.scalars()
        assert scalars.fetchmany(2) == [1, 2]
        assert result.fetchone() == (3, "u3")
        assert list(scalars) == list(range(4, USERS + 1))


def test_unique_on_a_streaming_core_result(db):
    with db.connect() as conn:
        result = conn.execute(
            select(Post.__table__.c.author_id).order_by(Post.__table__.c.id).execution_options(yield_per=3)
        )
        assert result.unique().scalars().all() == list(range(1, USERS + 1))
        result = conn.execute(
            select(Post.__table__.c.author_id).order_by(Post.__table__.c.id).execution_options(yield_per=3)
        )
        assert sizes(result.unique(), 4) == [4, 4, 2]


def test_connection_execution_options(db, fetches):
    with db.connect() as conn:
        assert conn.execution_options(yield_per=3) is conn
        assert conn.get_execution_options() == {"yield_per": 3}
        assert sizes(conn.execute(select(users_table).order_by(users_table.c.id))) == [3, 3, 3, 1]
        # the statement's own option wins over the Connection's
        assert sizes(conn.execute(select(users_table).execution_options(yield_per=4))) == [4, 4, 2]
        assert [row[0] for row in conn.exec_driver_sql("SELECT id FROM yp_users ORDER BY id")] == list(
            range(1, USERS + 1)
        )
    assert fetches["all"] == 0
    assert [asked for asked, _ in fetches["many"]] == [3] * 5 + [4] * 4 + [3] * 5


def test_stream_results_streams_in_chunks_of_max_row_buffer(db, fetches):
    with db.connect() as conn:
        conn.execution_options(stream_results=True)
        assert conn.execute(select(users_table)).all() != []
        assert fetches["many"] == [(1000, USERS), (1000, 0)]
        conn.execution_options(max_row_buffer=4)
        assert sizes(conn.execute(select(users_table)), 5) == [5, 5]
        assert fetches["many"][2:] == [(4, 4), (4, 4), (4, 2), (4, 0)]
    assert fetches["all"] == 0


def test_buffered_results_do_not_use_fetch_many(db, fetches):
    with db.connect() as conn:
        assert len(conn.execute(select(users_table)).all()) == USERS
        assert len(conn.execute(select(users_table).execution_options(yield_per=0)).all()) == USERS
    assert fetches == {"many": [], "all": 2}


def test_close_midway_then_the_connection_is_still_usable(db):
    with db.connect() as conn:
        result = conn.execute(select(users_table).order_by(users_table.c.id).execution_options(yield_per=4))
        assert len(result.fetchmany(2)) == 2
        result.close()
        for read in (result.fetchone, result.fetchall, result.all, result.first, lambda: list(result)):
            with pytest.raises(ResourceClosedError, match=CLOSED):
                read()
        result.close()  # twice is fine
        assert conn.execute(select(users_table.c.name).where(users_table.c.id == 9)).scalar() == "u9"
        conn.execute(update(users_table).where(users_table.c.id == 9).values(name="nine"))
        conn.commit()
        assert conn.execute(text("SELECT name FROM yp_users WHERE id = 9")).scalar() == "nine"


def test_close_of_a_buffered_result_makes_reads_raise(db):
    with db.connect() as conn:
        result = conn.execute(select(users_table))
        result.close()
        with pytest.raises(ResourceClosedError, match=CLOSED):
            result.fetchone()


def test_closing_the_connection_closes_its_streaming_results(db):
    conn = db.connect()
    result = conn.execute(select(users_table).execution_options(yield_per=2))
    assert len(result.fetchmany(3)) == 3
    conn.close()
    with pytest.raises(ResourceClosedError, match=CLOSED):
        result.fetchone()


@pytest.mark.sqlite_only
def test_closed_or_exhausted_stream_releases_the_sqlite_read_lock(tmp_path, backend):
    """An open SQLite statement holds a read lock that keeps other connections
    from committing a write: proof that close() and exhaustion end the cursor."""
    engine = create_engine(f"sqlite:///{tmp_path}/lock.db", connect_args={"timeout": 0.1})
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(insert(users_table), [{"id": u, "name": f"u{u}"} for u in range(1, 11)])
        reader, writer = engine.connect(), engine.connect()

        def write(name):
            writer.execute(update(users_table).values(name=name))
            writer.commit()

        result = reader.execute(select(users_table).execution_options(yield_per=3))
        result.fetchmany(2)
        with pytest.raises(OperationalError):
            write("blocked")
        writer.rollback()
        result.close()
        write("after close")
        result = reader.execute(select(users_table).execution_options(yield_per=3))
        assert len(list(result)) == 10
        write("after exhaustion")
        assert reader.execute(select(users_table.c.name)).scalars().first() == "after exhaustion"
        reader.close()
        writer.close()
    finally:
        engine.dispose()


# --- ORM ----------------------------------------------------------------------------------------


def test_session_execute_execution_options(db, fetches):
    with Session(db) as session:
        result = session.execute(ordered_users, execution_options={"yield_per": 4})
        parts = list(result.partitions())
        assert [len(p) for p in parts] == [4, 4, 2]
        assert [row[0].id for p in parts for row in p] == list(range(1, USERS + 1))
        # the execute() options win over the statement's
        result = session.execute(
            ordered_users.execution_options(yield_per=4), execution_options={"yield_per": 3}
        )
        assert sizes(result) == [3, 3, 3, 1]
        assert sizes(session.scalars(ordered_users, execution_options={"yield_per": 4})) == [4, 4, 2]
        assert sizes(session.execute(select(User.id, User.name), execution_options={"yield_per": 4})) == [
            4,
            4,
            2,
        ]
    assert fetches["all"] == 0


def test_scalars_iteration_hydrates_one_chunk_at_a_time(db, fetches):
    with Session(db) as session:
        result = session.scalars(ordered_users.execution_options(yield_per=3))
        seen = []
        for user in result:
            assert isinstance(user, User)
            seen.append(user.id)
            if user.id == 1:
                assert fetches["many"] == [(3, 3)]
            if user.id == 4:
                assert fetches["many"] == [(3, 3), (3, 3)]
        assert seen == list(range(1, USERS + 1))
        assert fetches["many"] == [(3, 3), (3, 3), (3, 3), (3, 1), (3, 0)]


def test_orm_results_with_yield_per(db):
    stmt = ordered_users.execution_options(yield_per=4)
    with Session(db) as session:
        assert [u.id for u in session.scalars(stmt).all()] == list(range(1, USERS + 1))
        assert session.scalars(stmt).first().id == 1
        assert session.scalars(stmt.where(User.id == 5)).one().name == "u5"
        assert session.execute(stmt).first()[0].id == 1
        rows = session.execute(
            select(User, Post).join(User.posts).order_by(Post.id).execution_options(yield_per=3)
        )
        assert [(u.id, p.id) for u, p in rows] == [((p + 1) // 2, p) for p in range(1, 2 * USERS + 1)]
        assert [m["User"].id for m in session.execute(stmt).mappings()] == list(range(1, USERS + 1))
        result = session.execute(stmt)
        with pytest.raises(InvalidRequestError, match="Can't use the ORM yield_per feature in conjunction"):
            result.unique().all()


def test_orm_close_midway_then_the_session_is_still_usable(db):
    with Session(db) as session:
        result = session.execute(ordered_users.execution_options(yield_per=4))
        assert len(result.fetchmany(2)) == 2
        result.close()
        with pytest.raises(ResourceClosedError, match=CLOSED):
            result.fetchone()
        scalars = session.scalars(ordered_users.execution_options(yield_per=4))
        next(iter(scalars))
        scalars.close()
        with pytest.raises(ResourceClosedError, match=CLOSED):
            scalars.all()
        assert session.scalar(select(User.name).where(User.id == 2)) == "u2"
        user = session.get(User, 3)
        user.name = "three"
        session.commit()
        assert session.scalars(select(User.name).where(User.id == 3)).one() == "three"


def test_selectinload_runs_per_chunk(db, capture_sql):
    stmt = ordered_users.options(selectinload(User.posts)).execution_options(yield_per=4)
    with Session(db) as session, capture_sql(db) as seen:
        iterator = iter(session.scalars(stmt))
        first = next(iterator)
        assert len(selects(seen)) == 2  # the users, and the posts of the first four
        assert [p.id for p in first.__dict__["posts"]] == [1, 2]
        rest = list(iterator)
        assert len(selects(seen)) == 4  # one selectin query per chunk: 4 + 4 + 2 users
        users = [first, *rest]
        assert [u.id for u in users] == list(range(1, USERS + 1))
        assert all([p.id for p in u.__dict__["posts"]] == [2 * u.id - 1, 2 * u.id] for u in users)
        count = len(selects(seen))
        assert [p.title for p in users[-1].posts] == ["p19", "p20"]  # already loaded: no SQL
        assert len(selects(seen)) == count


def test_joinedload_of_a_collection_with_yield_per_raises(db):
    with Session(db) as session:
        with pytest.raises(InvalidRequestError) as raised:
            session.scalars(ordered_users.options(joinedload(User.posts)).execution_options(yield_per=4))
        assert str(raised.value) == JOINED_COLLECTION
        with pytest.raises(InvalidRequestError, match="Can't use yield_per with eager loaders"):
            session.execute(ordered_users.options(joinedload(User.posts)), execution_options={"yield_per": 2})
        with pytest.raises(InvalidRequestError, match="Can't use yield_per with eager loaders"):
            session.scalars(
                select(User)
                .join(User.posts)
                .options(contains_eager(User.posts))
                .execution_options(yield_per=4)
            )
        # without yield_per the same statement is fine
        users = session.scalars(ordered_users.options(joinedload(User.posts))).unique().all()
        assert len(users) == USERS


def test_joinedload_of_a_many_to_one_with_yield_per(db):
    with Session(db) as session:
        posts = session.scalars(
            select(Post).order_by(Post.id).options(joinedload(Post.author)).execution_options(yield_per=3)
        )
        pairs = [(p.id, p.__dict__["author"].id) for p in posts]
        assert pairs == [(p, (p + 1) // 2) for p in range(1, 2 * USERS + 1)]


def test_objects_in_the_session_are_reused(db):
    with Session(db) as session:
        loaded = session.get(User, 2)
        with session.no_autoflush:
            loaded.name = "changed here"  # not flushed: the streamed row must not overwrite it
            users = {u.id: u for u in session.scalars(ordered_users.execution_options(yield_per=3))}
        assert users[2] is loaded
        assert loaded.name == "changed here"
        assert loaded in session.dirty
        session.flush()
        refcount = sys.getrefcount(loaded)
        for _user in session.scalars(ordered_users.execution_options(yield_per=3)):
            pass
        assert sys.getrefcount(loaded) == refcount  # hydration takes no reference it does not give back


def test_objects_kept_or_changed_stay_in_the_identity_map(db, capture_sql):
    with Session(db) as session:
        kept = []
        for user in session.scalars(ordered_users.execution_options(yield_per=2)):
            if user.id in (1, 5):
                kept.append(user)
            if user.id == 7:
                user.name = "seven"
        with capture_sql(db) as seen:
            assert session.get(User, 1) is kept[0]
            assert session.get(User, 5) is kept[1]
        assert selects(seen) == []  # from the identity map
        assert [u.name for u in session.dirty] == ["seven"]
        session.commit()
        assert session.scalar(select(User.name).where(User.id == 7)) == "seven"


def test_streamed_objects_nothing_refers_to_leave_the_identity_map(db):
    with Session(db) as session:
        count = 0
        for _ in session.scalars(ordered_users.execution_options(yield_per=2)):
            count += 1
        assert count == USERS
        gc.collect()
        assert len(session.identity_map) <= 1  # the last user: `_` still held it when the rows ran out
        # a buffered load keeps every object, as before
        users = session.scalars(ordered_users).all()
        del users
        gc.collect()
        assert len(session.identity_map) == USERS


# --- memory -------------------------------------------------------------------------------------------


MEMORY_ROWS = 200_000


def test_yield_per_bounds_memory(engine):
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(Item.__table__), [{"id": i, "name": f"item number {i}"} for i in range(1, MEMORY_ROWS + 1)]
        )

    def peak(load):
        gc.collect()
        tracemalloc.start()
        try:
            count = load()
            return count, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def as_list():
        with Session(engine) as session:
            return len(session.scalars(select(Item)).all())

    def streamed():
        count = 0
        with Session(engine) as session:
            for item in session.scalars(select(Item).execution_options(yield_per=1000)):
                count += item.id > 0
            assert len(session.identity_map) <= 3000
        return count

    list_count, list_peak = peak(as_list)
    stream_count, stream_peak = peak(streamed)
    print(f"tracemalloc peak: list {list_peak:,} B, yield_per(1000) {stream_peak:,} B")
    assert list_count == stream_count == MEMORY_ROWS
    assert stream_peak < list_peak / 5
