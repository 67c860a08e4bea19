"""The ORM's event classes (SessionEvents, MapperEvents, InstanceEvents,
AttributeEvents, QueryEvents, InstrumentationEvents): their methods are the
events listen() accepts, with the arguments listeners receive; QueryEvents
and InstrumentationEvents fire; the event constants."""

import inspect
from typing import Optional

import pytest
from cormorant import ForeignKey, String, event
from cormorant.exc import InvalidRequestError
from cormorant.orm import (
    EXT_CONTINUE,
    EXT_SKIP,
    EXT_STOP,
    NO_KEY,
    AttributeEvents,
    DeclarativeBase,
    InstanceEvents,
    InstrumentationEvents,
    Mapped,
    MapperEvents,
    Query,
    QueryContext,
    QueryEvents,
    Session,
    SessionEvents,
    mapped_column,
    registry,
    relationship,
)


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "evc_shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    books: Mapped[list["ShelfBook"]] = relationship()


class ShelfBook(Base):
    __tablename__ = "evc_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    shelf_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evc_shelf.id"))


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Shelf(id=1, label="a"), Shelf(id=2, label="b"), Shelf(id=3, label="c")])
        session.commit()
        yield session


@pytest.fixture
def listening():
    added = []

    def listen(target, name, fn, **kw):
        event.listen(target, name, fn, **kw)
        added.append((target, name, fn))
        return fn

    yield listen
    for target, name, fn in added:
        if event.contains(target, name, fn):
            event.remove(target, name, fn)


def _events_of(cls):
    return {n for n, v in vars(cls).items() if not n.startswith("_") and inspect.isfunction(v)}


@pytest.mark.parametrize(
    "events, target",
    [
        (SessionEvents, Session),
        (MapperEvents, Shelf),
        (InstanceEvents, Shelf),
        (AttributeEvents, Shelf.label),
        (QueryEvents, Query),
        (InstrumentationEvents, Base),
    ],
)
def test_every_method_of_an_event_class_is_an_event_listen_accepts(events, target):
    assert issubclass(events, event.Events)
    names = _events_of(events)
    assert names
    for name in names:
        if name in ("append", "remove"):
            target = Shelf.books
        fn = lambda *a: None  # noqa: E731
        event.listen(target, name, fn)
        assert event.contains(target, name, fn)
        event.remove(target, name, fn)


def test_named_listeners_receive_the_arguments_the_methods_name(session, listening):
    got = {}
    listening(Session, "after_begin", lambda **kw: got.update(kw), named=True)
    session.connection()
    params = list(inspect.signature(SessionEvents.after_begin).parameters)[1:]
    assert sorted(got) == sorted(params) == ["connection", "session", "transaction"]
    assert got["session"] is session


def test_subclassing_an_event_class_reads_its_signatures():
    class Listener(MapperEvents):
        def before_insert(self, mapper, connection, target):
            return target

    params = list(inspect.signature(Listener.before_insert).parameters)
    assert params == list(inspect.signature(MapperEvents.before_insert).parameters)


def test_event_not_declared_by_the_class_is_refused(session):
    with pytest.raises(InvalidRequestError, match="No such session event 'before_lunch'"):
        event.listen(Session, "before_lunch", print)
    with pytest.raises(InvalidRequestError, match="No such query event 'after_compile'"):
        event.listen(Query, "after_compile", print)


def test_load_event_context_is_a_query_context(session, listening):
    contexts = []
    listening(Shelf, "load", lambda target, context: contexts.append(context))
    session.expunge_all()
    session.query(Shelf).all()
    assert contexts and all(isinstance(c, QueryContext) and c.session is session for c in contexts)


def test_before_compile_retval_replaces_the_query(session, listening):
    seen = []

    def only_a(query):
        seen.append(query)
        return query.filter(Shelf.label == "a")

    listening(Query, "before_compile", only_a, retval=True)
    assert [s.label for s in session.query(Shelf).order_by(Shelf.id)] == ["a"]
    assert session.query(Shelf).count() == 1
    assert len(seen) == 2 and all(isinstance(q, Query) for q in seen)


def test_before_compile_without_retval_only_observes(session, listening):
    seen = []
    listening(Query, "before_compile", lambda q: seen.append(q) or q.filter(Shelf.id == 0))
    assert len(session.query(Shelf).all()) == 3
    assert len(seen) == 1


def test_before_compile_update_and_delete(session, listening):
    contexts = []

    def narrow(query, context):
        contexts.append(context)
        return query.filter(Shelf.id != 1)

    listening(Query, "before_compile_update", narrow, retval=True)
    listening(Query, "before_compile_delete", narrow, retval=True)
    assert session.query(Shelf).update({"label": "z"}) == 2
    assert contexts[0].mapper is Shelf.__mapper__ and contexts[0].values == {"label": "z"}
    assert session.query(Shelf).filter(Shelf.id < 3).delete() == 1
    session.commit()
    assert sorted((s.id, s.label) for s in session.query(Shelf)) == [(1, "a"), (3, "z")]


def test_instrumentation_events_hear_classes_mapped_under_the_target(listening):
    reg = registry()
    Local = reg.generate_base()
    heard = []
    listening(Local, "class_instrument", lambda cls: heard.append(("class", cls.__name__)))
    listening(Local, "attribute_instrument", lambda cls, key, inst: heard.append((cls.__name__, key, inst)))
    listening(Local, "class_uninstrument", lambda cls: heard.append(("gone", cls.__name__)))

    class Lamp(Local):
        __tablename__ = "evc_lamp"
        id: Mapped[int] = mapped_column(primary_key=True)
        watts: Mapped[int]

    assert heard[0] == ("class", "Lamp")
    assert ("Lamp", "watts", Lamp.watts) in heard and ("Lamp", "id", Lamp.id) in heard
    reg.dispose()
    assert heard[-1] == ("gone", "Lamp")


def test_event_constants():
    assert [c.name for c in (EXT_CONTINUE, EXT_STOP, EXT_SKIP, NO_KEY)] == [
        "EXT_CONTINUE",
        "EXT_STOP",
        "EXT_SKIP",
        "NO_KEY",
    ]
    assert len({EXT_CONTINUE, EXT_STOP, EXT_SKIP, NO_KEY}) == 4
