"""cormorant.event's building blocks for events of one's own (Events,
dispatcher, EventTarget, RefCollection), its constants, cormorant.future and
cormorant.inspection.Inspectable."""

import pickle

import cormorant
import cormorant.future
import pytest
from cormorant import event, inspection, text
from cormorant.exc import ArgumentError, InvalidRequestError


class Widget(event.EventTarget):
    def __init__(self, name):
        self.name = name


class Gadget(Widget):
    pass


class WidgetEvents(event.Events):
    _dispatch_target = Widget

    def resized(self, widget, size):
        """The widget changed size."""

    def renamed(self, widget, old, new):
        """The widget changed name."""


def test_class_listeners_hear_every_instance_and_subclass_instances():
    heard = []
    fn = lambda widget, size: heard.append((widget.name, size))  # noqa: E731
    event.listen(Widget, "resized", fn)
    try:
        a, b = Widget("a"), Gadget("b")
        a.dispatch.resized(a, 1)
        b.dispatch.resized(b, 2)
        assert heard == [("a", 1), ("b", 2)]
    finally:
        event.remove(Widget, "resized", fn)
    a.dispatch.resized(a, 3)
    assert heard == [("a", 1), ("b", 2)]


def test_instance_listeners_hear_their_instance_only_after_the_class_ones():
    heard = []
    a, b = Widget("a"), Widget("b")
    on_class = lambda w, old, new: heard.append(("class", new))  # noqa: E731
    event.listen(Widget, "renamed", on_class)
    try:

        @event.listens_for(a, "renamed")
        def on_a(widget, old, new):
            heard.append(("a", new))

        a.dispatch.renamed(a, "a", "x")
        b.dispatch.renamed(b, "b", "y")
        assert heard == [("class", "x"), ("a", "x"), ("class", "y")]
        assert event.contains(a, "renamed", on_a) and not event.contains(b, "renamed", on_a)
    finally:
        event.remove(Widget, "renamed", on_class)


def test_ref_collection_lists_and_counts_the_listeners():
    a = Widget("a")
    collection = a.dispatch.resized
    assert isinstance(collection, event.RefCollection)
    assert len(collection) == 0 and not collection

    def fn(widget, size):
        pass

    event.listen(a, "resized", fn, once=True)
    assert list(a.dispatch.resized) == [fn] and len(a.dispatch.resized) == 1
    assert collection.ref() is collection


def test_dispatcher_is_the_class_attribute():
    assert isinstance(Widget.__dict__["dispatch"], event.dispatcher)
    assert Widget.__dict__["dispatch"].events is WidgetEvents


def test_unknown_event_and_flag_are_refused_by_name():
    a = Widget("a")
    with pytest.raises(InvalidRequestError, match="No such event 'moved'"):
        event.listen(a, "moved", print)
    with pytest.raises(TypeError, match="'bogus'"):
        event.listen(a, "resized", print, bogus=True)
    with pytest.raises(ArgumentError, match="propagate"):
        event.listen(a, "resized", print, propagate=True)
    with pytest.raises(AttributeError, match="moved"):
        a.dispatch.moved  # noqa: B018


def test_engine_and_pool_are_event_targets(engine):
    assert isinstance(engine, event.EventTarget)
    assert isinstance(engine.pool, event.EventTarget)
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    assert len(engine.dispatch.before_cursor_execute) == 1
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert seen == ["SELECT 1"]


def test_cancel_and_no_retval_are_named_symbols():
    assert repr(event.CANCEL) == "symbol('CANCEL')"
    assert repr(event.NO_RETVAL) == "symbol('NO_RETVAL')"
    assert event.CANCEL != event.NO_RETVAL
    assert isinstance(event.CANCEL, int)
    assert pickle.loads(pickle.dumps(event.CANCEL)) == event.CANCEL


def test_future_names_are_the_top_level_objects(engine):
    assert cormorant.future.select is cormorant.select
    assert cormorant.future.create_engine is cormorant.create_engine
    assert cormorant.future.Engine is cormorant.Engine
    assert cormorant.future.Connection is cormorant.Connection
    with engine.connect() as conn:
        assert isinstance(conn, cormorant.future.Connection)
        assert conn.execute(cormorant.future.select(cormorant.literal(7))).scalar() == 7


def test_inspectable_marks_what_inspect_takes(engine):
    from cormorant.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        pass

    class Thing(Base):
        __tablename__ = "thing"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert isinstance(engine, inspection.Inspectable)
    with engine.connect() as conn:
        assert isinstance(conn, inspection.Inspectable)
    assert inspection.inspect(Thing) is Thing.__mapper__
