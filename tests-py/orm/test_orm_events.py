"""ORM events as in SQLAlchemy 2.0: Session events on the class, an
instance and a sessionmaker; mapper persistence events (changes made in
before_insert/before_update are written); instance and attribute events;
do_orm_execute; and the listen() flags (propagate, raw, retval, once,
insert, named), unknown ones and unknown event names refused by name."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, event, func, select
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    InstanceState,
    Mapped,
    Mapper,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "ev_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    slug: Mapped[Optional[str]] = mapped_column(String(40))
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "ev_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ev_author.id"))
    author: Mapped[Optional[Author]] = relationship(back_populates="books")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    return engine


@pytest.fixture
def listening():
    """listen() that removes its listeners after the test."""
    added = []

    def listen(target, name, fn, **kw):
        event.listen(target, name, fn, **kw)
        added.append((target, name, fn))
        return fn

    yield listen
    for target, name, fn in added:
        if event.contains(target, name, fn):
            event.remove(target, name, fn)


# --- Session events ---------------------------------------------------------------------------


def test_flush_and_commit_events_in_order(db, listening):
    seen = []
    listening(Session, "before_flush", lambda s, ctx, objs: seen.append(("before_flush", len(s.new))))
    listening(Session, "after_flush", lambda s, ctx: seen.append(("after_flush", len(s.new))))
    listening(Session, "after_flush_postexec", lambda s, ctx: seen.append(("postexec", len(s.new))))
    listening(Session, "before_commit", lambda s: seen.append("before_commit"))
    listening(Session, "after_commit", lambda s: seen.append("after_commit"))
    with Session(db) as s:
        s.add(Author(name="a"))
        s.commit()
    assert seen == [
        "before_commit",
        ("before_flush", 1),
        ("after_flush", 1),
        ("postexec", 0),
        "after_commit",
    ]


def test_before_flush_may_add_objects(db, listening):
    def add_a_book(session, flush_context, instances):
        for obj in list(session.new):
            if isinstance(obj, Author):
                session.add(Book(title=f"by {obj.name}", author=obj))

    listening(Session, "before_flush", add_a_book)
    with Session(db) as s:
        s.add(Author(name="ann"))
        s.commit()
        assert s.scalars(select(Book.title)).all() == ["by ann"]


def test_rollback_and_transaction_events(db, listening):
    seen = []
    listening(Session, "after_transaction_create", lambda s, t: seen.append(("create", t.nested)))
    listening(Session, "after_begin", lambda s, t, c: seen.append("begin"))
    listening(Session, "after_rollback", lambda s: seen.append("rollback"))
    listening(Session, "after_soft_rollback", lambda s, t: seen.append("soft_rollback"))
    listening(Session, "after_transaction_end", lambda s, t: seen.append(("end", t.nested)))
    with Session(db) as s:
        s.add(Author(name="x"))
        s.flush()
        s.rollback()
    assert seen == [("create", False), "begin", "rollback", ("end", False), "soft_rollback"]
    seen.clear()
    with Session(db) as s:
        s.add(Author(name="y"))
        nested = s.begin_nested()
        nested.rollback()
        s.commit()
    assert ("create", True) in seen and ("end", True) in seen and seen[-1] == ("end", False)
    seen.clear()
    with Session(db) as s:
        s.commit()  # nothing to write: the transaction still begins and ends, as in SQLAlchemy
    assert seen == [("create", False), ("end", False)]


def test_listen_on_a_session_instance_and_a_sessionmaker(db):
    seen = []
    factory = sessionmaker(db)
    event.listen(factory, "after_commit", lambda s: seen.append("factory"))
    plain = Session(db)
    event.listen(plain, "after_commit", lambda s: seen.append("instance"))
    with factory() as s:
        s.add(Author(name="f"))
        s.commit()
    with Session(db) as other:
        other.add(Author(name="o"))
        other.commit()
    with plain:
        plain.add(Author(name="p"))
        plain.commit()
    assert seen == ["factory", "instance"]


def test_listen_on_the_sync_session_of_an_async_session(async_url):
    import asyncio

    from cormorant.ext.asyncio import AsyncSession, create_async_engine

    seen = []

    async def main():
        engine = create_async_engine(async_url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            session = AsyncSession(engine)
            event.listen(session.sync_session, "before_flush", lambda s, c, i: seen.append(len(s.new)))
            session.add(Author(name="async"))
            await session.commit()
            await session.close()
        finally:
            await engine.dispose()

    asyncio.run(main())
    assert seen == [1]
    with pytest.raises(NotImplementedError, match="sync_session"):
        event.listen(AsyncSession, "before_flush", lambda *a: None)


def test_do_orm_execute_inspects_and_replaces_the_statement(db, listening):
    with Session(db) as s:
        s.add_all([Author(name="a"), Author(name="b")])
        s.commit()
    states = []

    def only_a(state):
        states.append(state)
        if state.is_select and Author in [m.class_ for m in state.all_mappers]:
            state.statement = state.statement.where(Author.name == "a")

    listening(Session, "do_orm_execute", only_a)
    with Session(db) as s:
        assert [a.name for a in s.scalars(select(Author))] == ["a"]
        assert isinstance(states[0], ORMExecuteState) and states[0].session is s
        assert states[0].is_select and not states[0].is_update


def test_do_orm_execute_invoke_statement_result_is_used(db, listening):
    with Session(db) as s:
        s.add(Author(name="a"))
        s.commit()
    calls = []

    def cache(state):
        calls.append(state.execution_options.get("tag"))
        return state.invoke_statement()

    listening(Session, "do_orm_execute", cache)
    with Session(db) as s:
        stmt = select(func.count(Author.id)).execution_options(tag="t")
        assert s.execute(stmt).scalar() == 1
    assert calls == ["t"]


# --- mapper events ----------------------------------------------------------------------------


def test_before_insert_changes_are_written(db, listening):
    def slugify(mapper, connection, target):
        assert isinstance(mapper, Mapper)
        target.slug = target.name.upper()

    listening(Author, "before_insert", slugify)
    with Session(db) as s:
        s.add(Author(name="bo"))
        s.commit()
        assert s.scalars(select(Author.slug)).one() == "BO"


def test_update_and_delete_events(db, listening):
    seen = []
    listening(Author, "before_update", lambda m, c, t: setattr(t, "slug", "touched"))
    listening(Author, "after_update", lambda m, c, t: seen.append(("updated", t.name)))
    listening(Author, "before_delete", lambda m, c, t: seen.append(("deleting", t.name)))
    listening(Author, "after_delete", lambda m, c, t: seen.append(("deleted", t.name)))
    listening(Author, "after_insert", lambda m, c, t: seen.append(("inserted", t.id is not None)))
    with Session(db) as s:
        a = Author(name="c")
        s.add(a)
        s.commit()
        a.name = "cc"
        s.commit()
        assert s.scalars(select(Author.slug)).one() == "touched"
        s.delete(a)
        s.commit()
    assert seen == [("inserted", True), ("updated", "cc"), ("deleting", "cc"), ("deleted", "cc")]


def test_mapper_events_on_mapper_and_propagate(db, listening):
    seen = []
    listening(Mapper, "before_insert", lambda m, c, t: seen.append(type(t).__name__))
    listening(Base, "after_insert", lambda m, c, t: seen.append("propagated"), propagate=True)
    listening(Base, "after_insert", lambda m, c, t: seen.append("not propagated"))
    with Session(db) as s:
        s.add(Book(title="t", author=Author(name="n")))
        s.commit()
    assert seen == ["Author", "propagated", "Book", "propagated"]


def test_raw_gives_the_instance_state(db, listening):
    states = []
    listening(Author, "before_insert", lambda m, c, state: states.append(state), raw=True)
    with Session(db) as s:
        a = Author(name="r")
        s.add(a)
        s.commit()
        assert len(states) == 1 and isinstance(states[0], InstanceState)
        assert states[0].key == (Author, a.id)


# --- instance events --------------------------------------------------------------------------


def test_init_load_and_refresh(db, listening):
    seen = []

    def on_init(target, args, kwargs):
        kwargs.setdefault("slug", "from-init")
        seen.append("init")

    listening(Author, "init", on_init)
    listening(Author, "load", lambda target, context: seen.append(("load", target.name)))
    listening(Author, "refresh", lambda target, context, attrs: seen.append(("refresh", target.name)))
    a = Author(name="i")
    assert a.slug == "from-init" and seen == ["init"]
    with Session(db) as s:
        s.add(a)
        s.commit()
    seen.clear()
    with Session(db) as s:
        loaded = s.scalars(select(Author)).one()
        s.scalars(select(Author)).one()  # already loaded: no second load event
        assert seen == [("load", "i")]
        s.expire(loaded)
        assert loaded.name == "i"
        s.refresh(loaded)
        assert seen == [("load", "i"), ("refresh", "i"), ("refresh", "i")]


# --- attribute events -------------------------------------------------------------------------


def test_set_event_with_retval_replaces_the_value(db, listening):
    seen = []
    listening(Author.name, "set", lambda t, value, old, initiator: value.strip(), retval=True)
    listening(Author.name, "set", lambda t, value, old, initiator: seen.append((value, initiator.key)))
    a = Author(name="  padded ")
    assert a.name == "padded"
    with Session(db) as s:
        s.add(a)
        s.commit()
        a.name = " again "
        s.commit()
        assert s.scalars(select(Author.name)).one() == "again"
    assert seen == [("padded", "name"), ("again", "name")]


def test_append_and_remove_events(db, listening):
    seen = []
    listening(Author.books, "append", lambda t, v, i: seen.append(("append", v.title)))
    listening(Author.books, "remove", lambda t, v, i: seen.append(("remove", v.title)))
    listening(Book.author, "set", lambda t, v, old, i: seen.append(("set", v and v.name)))
    a = Author(name="a")
    b = Book(title="b")
    a.books.append(b)  # the other side follows, and says so: as SQLAlchemy's backrefs
    a.books.remove(b)
    Book(title="c").author = a
    assert seen == [
        ("append", "b"),
        ("set", "a"),
        ("remove", "b"),
        ("set", None),
        ("set", "a"),
        ("append", "c"),
    ]


# --- listen() flags and errors ---------------------------------------------------------------


def test_once_insert_and_named(db, listening):
    seen = []
    listening(Session, "after_commit", lambda s: seen.append("once"), once=True)
    listening(Session, "after_commit", lambda **kw: seen.append(sorted(kw)), named=True)
    listening(Session, "after_commit", lambda s: seen.append("first"), insert=True)
    for name in ("a", "b"):
        with Session(db) as s:
            s.add(Author(name=name))
            s.commit()
    assert seen == ["first", "once", ["session"], "first", ["session"]]


def test_unknown_event_names_and_flags_are_refused():
    with pytest.raises(InvalidRequestError, match="before_flsh"):
        event.listen(Session, "before_flsh", lambda *a: None)
    with pytest.raises(InvalidRequestError, match="before_insrt"):
        event.listen(Author, "before_insrt", lambda *a: None)
    with pytest.raises(TypeError, match="bogus"):
        event.listen(Session, "before_flush", lambda *a: None, bogus=True)
    with pytest.raises(ArgumentError, match="retval"):
        event.listen(Session, "before_flush", lambda *a: None, retval=True)
    with pytest.raises(NotImplementedError, match="after_attach"):
        event.listen(Session, "after_attach", lambda *a: None)
    assert not event.contains(Session, "before_flush", print)


def test_core_events_take_once_and_insert_and_refuse_orm_flags(db):
    seen = []
    first = event.listens_for(db, "before_cursor_execute", insert=True)(lambda *a: seen.append("first"))
    once = event.listens_for(db, "before_cursor_execute", once=True)(lambda *a: seen.append("once"))
    try:
        with db.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            conn.exec_driver_sql("SELECT 2")
        assert seen == ["first", "once", "first"]
        with pytest.raises(ArgumentError, match="propagate"):
            event.listen(db, "before_cursor_execute", print, propagate=True)
        with pytest.raises(ArgumentError, match="retval"):
            event.listen(db, "commit", print, retval=True)
        with pytest.raises(TypeError, match="bogus"):
            event.listen(db, "commit", print, bogus=1)
    finally:
        event.remove(db, "before_cursor_execute", first)
        event.remove(db, "before_cursor_execute", once)


def test_get_goes_through_do_orm_execute(db, listening):
    with Session(db) as s:
        s.add(Author(id=1, name="g"))
        s.commit()
    seen = []
    listening(Session, "do_orm_execute", lambda state: seen.append(state.bind_mapper))
    with Session(db) as s:
        assert s.get(Author, 1).name == "g"
        assert s.get(Author, 1) is not None  # from the identity map: no statement
    assert seen == [Author.__mapper__]


def test_refresh_of_some_attributes_names_them(db, listening):
    seen = []
    listening(Author, "refresh", lambda target, context, attrs: seen.append(attrs))
    with Session(db) as s:
        a = Author(name="r")
        s.add(a)
        s.commit()
        s.refresh(a, ["name"])
    assert set(seen[-1]) == {"name"}


def test_the_issue_acceptance_sequence(db):
    """test_13_orm_breadth.py's test_orm_events, on this file's model."""
    seen = []

    @event.listens_for(Author, "before_insert")
    def stamp(mapper, connection, target):
        target.name = target.name.upper()

    @event.listens_for(Session, "before_flush")
    def count_new(session, flush_context, instances):
        seen.append(len(session.new))

    @event.listens_for(Session, "after_commit")
    def after_commit(session):
        seen.append("committed")

    try:
        with Session(db) as s:
            s.add(Author(name="Ray"))
            s.commit()
            assert s.scalars(select(Author.name)).one() == "RAY"
        assert seen == [1, "committed"]
    finally:
        event.remove(Author, "before_insert", stamp)
        event.remove(Session, "before_flush", count_new)
        event.remove(Session, "after_commit", after_commit)
    assert not event.contains(Session, "after_commit", after_commit)


def test_init_reaches_classes_defined_later_with_their_own_init(listening):
    seen = []
    listening(Mapper, "init", lambda target, args, kwargs: seen.append(type(target).__name__))

    class Later(Base):
        __tablename__ = "ev_later"
        id: Mapped[int] = mapped_column(primary_key=True)
        note: Mapped[str] = mapped_column(String(20))

        def __init__(self, note):
            self.note = note

    class Inheriting(Base):
        __tablename__ = "ev_inheriting"
        id: Mapped[int] = mapped_column(primary_key=True)

    Later("x")
    Inheriting()
    Author(name="a")
    assert seen == ["Later", "Inheriting", "Author"]


def test_lazy_loads_pass_through_do_orm_execute(db, listening):
    with Session(db) as s:
        s.add(Author(id=1, name="a", books=[Book(title="b")]))
        s.commit()
    seen = []
    listening(Session, "do_orm_execute", lambda state: seen.append(state.is_relationship_load))
    with Session(db) as s:
        author = s.get(Author, 1)
        assert [b.title for b in author.books] == ["b"]
    assert seen == [False, True]


def test_a_collected_sessions_own_listeners_stop_counting_as_active(engine):
    import gc

    from cormorant.orm import events

    assert not events.active("after_soft_rollback")
    session = Session(engine)
    event.listen(session, "after_soft_rollback", lambda *args: None)
    assert events.active("after_soft_rollback")
    del session
    gc.collect()
    assert not events.active("after_soft_rollback")
