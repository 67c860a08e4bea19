"""scoped_session: one Session per thread (or per scopefunc() key), its
registry, remove(), configure(), the proxied Session API and query_property()."""

import threading

import pytest
from cormorant import String, func, select
from cormorant.exc import InvalidRequestError, SAWarning
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Query,
    QueryPropertyDescriptor,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)
from cormorant.orm.scoping import ScopedRegistry, ThreadLocalRegistry


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "scoped_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(40))


@pytest.fixture
def scoped(engine):
    Base.metadata.create_all(engine)
    registry = scoped_session(sessionmaker(bind=engine))
    yield registry
    registry.remove()
    Base.metadata.drop_all(engine)


def test_calls_in_one_thread_give_one_session(scoped):
    assert isinstance(scoped.registry, ThreadLocalRegistry)
    assert not scoped.registry.has()
    first = scoped()
    assert isinstance(first, Session) and scoped() is first and scoped.registry.has()


def test_each_thread_has_its_own_session(scoped):
    mine = scoped()
    seen = []
    thread = threading.Thread(target=lambda: seen.append(scoped()))
    thread.start()
    thread.join()
    assert seen[0] is not mine and isinstance(seen[0], Session)


def test_remove_closes_the_session_and_the_next_call_makes_a_new_one(scoped):
    first = scoped()
    note = Note(id=1, text="a")
    first.add(note)
    scoped.remove()
    assert not scoped.registry.has()
    assert note not in first  # closed: its objects were expunged
    assert scoped() is not first
    scoped.remove()
    scoped.remove()  # nothing to remove: no error


def test_proxied_session_api_works_on_the_current_session(scoped, engine):
    scoped.add(Note(id=1, text="one"))
    scoped.add_all([Note(id=2, text="two"), Note(id=3, text="three")])
    assert len(scoped.new) == 3 and scoped.is_active
    scoped.flush()
    assert scoped.get(Note, 2).text == "two"
    assert scoped.scalar(select(func.count(Note.id))) == 3
    assert scoped.scalars(select(Note.text).order_by(Note.id)).all() == ["one", "two", "three"]
    assert scoped.execute(select(Note.id).where(Note.text == "three")).scalar_one() == 3
    assert scoped.query(Note).filter_by(text="one").one().id == 1
    scoped.commit()
    three = scoped.get(Note, 3)
    three.text = "THREE"
    assert three in scoped.dirty and three in scoped
    scoped.rollback()
    assert three.text == "three"
    scoped.delete(three)
    assert three in scoped.deleted
    scoped.commit()
    assert scoped.query(Note).count() == 2
    assert scoped.bind is engine and scoped.identity_map is scoped().identity_map
    merged = scoped.merge(Note(id=1, text="uno"))
    scoped.expire(merged)
    scoped.refresh(merged)
    assert merged.text == "one"  # the merge was not flushed before the expiry
    with scoped.no_autoflush:
        scoped.add(Note(id=9, text="later"))
        assert scoped.query(Note).filter_by(id=9).one_or_none() is None
    scoped.expunge_all()
    assert list(scoped) == []
    assert scoped.object_session(scoped.get(Note, 2)) is scoped()
    scoped.info["k"] = 1
    assert scoped().info == {"k": 1}
    scoped.autoflush = False
    assert scoped().autoflush is False


def test_proxied_transactions_and_connection(scoped, engine):
    with scoped.begin():
        scoped.add(Note(id=1, text="kept"))
    nested = scoped.begin_nested()
    scoped.add(Note(id=2, text="undone"))
    nested.rollback()
    scoped.commit()
    assert scoped.scalars(select(Note.text)).all() == ["kept"]
    assert scoped.connection() is scoped().connection()
    assert scoped.get_bind() is engine
    kept = scoped.get_one(Note, 1)
    scoped.expunge(kept)
    assert kept not in scoped
    scoped.reset()
    assert scoped.is_active


def test_calling_with_arguments_makes_the_session_once(scoped):
    session = scoped(autoflush=False)
    assert session.autoflush is False and scoped() is session
    with pytest.raises(InvalidRequestError, match="Scoped session is already present; no new arguments"):
        scoped(autoflush=True)


def test_configure_reaches_new_sessions_and_warns_when_one_exists(scoped):
    scoped.configure(autoflush=False)
    assert scoped().autoflush is False
    with pytest.warns(SAWarning, match=r"configure\(\) can not affect sessions that have already"):
        scoped.configure(expire_on_commit=False)
    scoped.remove()
    assert scoped().expire_on_commit is False


def test_scopefunc_keys_the_sessions(engine):
    scope = ["a"]
    registry = scoped_session(sessionmaker(bind=engine), scopefunc=lambda: scope[0])
    assert isinstance(registry.registry, ScopedRegistry)
    a = registry()
    scope[0] = "b"
    b = registry()
    assert a is not b
    scope[0] = "a"
    assert registry() is a
    registry.remove()
    assert registry() is not a


def test_query_property(scoped):
    class Base2(DeclarativeBase):
        query = scoped.query_property()

    class Memo(Base2):
        __tablename__ = "scoped_memos"
        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(String(40))

    Base2.metadata.create_all(scoped.bind)
    try:
        assert isinstance(Base2.__dict__["query"], QueryPropertyDescriptor)
        scoped.add_all([Memo(id=1, text="x"), Memo(id=2, text="y")])
        assert isinstance(Memo.query, Query)
        assert [m.text for m in Memo.query.order_by(Memo.id)] == ["x", "y"]  # autoflushed
        assert Memo.query.filter(Memo.text == "y").one().id == 2
        assert Memo.query.session is scoped()

        class CountingQuery(Query):
            pass

        Memo.counted = scoped.query_property(CountingQuery)
        assert type(Memo.counted) is CountingQuery and Memo.counted.count() == 2
    finally:
        scoped.rollback()
        Base2.metadata.drop_all(scoped.bind)
