"""cormorant.ext.mutable: in-place changes of MutableDict / MutableList /
MutableSet values (and MutableComposite ones) mark their parent object
modified, and the unit of work writes them, on both backends."""

import pickle

import pytest
from cormorant import JSON, Integer, String, TypeDecorator, event
from cormorant.ext.mutable import Mutable, MutableBase, MutableComposite, MutableDict, MutableList, MutableSet
from cormorant.orm import DeclarativeBase, Mapped, Session, composite, mapped_column
from cormorant.orm.attributes import InstrumentedAttribute


class SortedJSONSet(TypeDecorator):
    """A set stored as a sorted JSON list."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else sorted(value)

    def process_result_value(self, value, dialect):
        return None if value is None else set(value)


class TaggedJSON(TypeDecorator):
    """A JSON type of this test's own, for associate_with()."""

    impl = JSON
    cache_ok = True


MutableDict.associate_with(TaggedJSON)


class Point(MutableComposite):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __setattr__(self, key, value):
        object.__setattr__(self, key, value)
        self.changed()

    def __composite_values__(self):
        return self.x, self.y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "docs"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50), default="")
    data: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSON), default=dict)
    items: Mapped[list] = mapped_column(MutableList.as_mutable(JSON), default=list)
    tags: Mapped[set] = mapped_column(MutableSet.as_mutable(SortedJSONSet), default=set)
    extra: Mapped[dict | None] = mapped_column(TaggedJSON, nullable=True)
    plain: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    x: Mapped[int] = mapped_column(Integer, default=0)
    y: Mapped[int] = mapped_column(Integer, default=0)
    at = composite(Point, "x", "y")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Doc(id=1, data={"a": 1, "b": 2}, items=[3, 1, 2], tags={"x", "y"}, extra={"k": 1}))
        session.commit()
    statements = []
    event.listen(engine, "before_cursor_execute", lambda conn, cur, sql, *rest: statements.append(sql))
    engine.statements = statements
    return engine


def _updates(engine):
    return [s for s in engine.statements if s.startswith("UPDATE")]


def _fresh(engine):
    with Session(engine) as session:
        return session.get(Doc, 1)


def _edit_and_flush(engine, edit):
    with Session(engine) as session:
        doc = session.get(Doc, 1)
        engine.statements.clear()
        edit(doc)
        assert doc in session.dirty
        session.commit()
        assert len(_updates(engine)) == 1
    return _fresh(engine)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.__setitem__("c", 3), {"a": 1, "b": 2, "c": 3}),
        (lambda d: d.update(a=10, z=26), {"a": 10, "b": 2, "z": 26}),
        (lambda d: d.pop("a"), {"b": 2}),
        (lambda d: d.__delitem__("b"), {"a": 1}),
        (lambda d: d.setdefault("n", [1]), {"a": 1, "b": 2, "n": [1]}),
        (lambda d: d.clear(), {}),
        (lambda d: d.__ior__({"q": 0}), {"a": 1, "b": 2, "q": 0}),
    ],
)
def test_dict_edits_are_flushed(db, edit, expected):
    doc = _edit_and_flush(db, lambda doc: edit(doc.data))
    assert doc.data == expected


def test_dict_popitem_is_flushed(db):
    doc = _edit_and_flush(db, lambda doc: doc.data.popitem())
    assert len(doc.data) == 1


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda v: v.append(4), [3, 1, 2, 4]),
        (lambda v: v.extend([5, 6]), [3, 1, 2, 5, 6]),
        (lambda v: v.sort(), [1, 2, 3]),
        (lambda v: v.sort(reverse=True), [3, 2, 1]),
        (lambda v: v.reverse(), [2, 1, 3]),
        (lambda v: v.__setitem__(0, 9), [9, 1, 2]),
        (lambda v: v.__setitem__(slice(0, 2), [7]), [7, 2]),
        (lambda v: v.__delitem__(0), [1, 2]),
        (lambda v: v.insert(1, 8), [3, 8, 1, 2]),
        (lambda v: v.remove(1), [3, 2]),
        (lambda v: v.pop(), [3, 1]),
        (lambda v: v.clear(), []),
        (lambda v: v.__iadd__([0]), [3, 1, 2, 0]),
        (lambda v: v.__imul__(2), [3, 1, 2, 3, 1, 2]),
    ],
)
def test_list_edits_are_flushed(db, edit, expected):
    doc = _edit_and_flush(db, lambda doc: edit(doc.items))
    assert doc.items == expected


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s.add("z"), {"x", "y", "z"}),
        (lambda s: s.discard("x"), {"y"}),
        (lambda s: s.remove("y"), {"x"}),
        (lambda s: s.update({"p", "q"}), {"x", "y", "p", "q"}),
        (lambda s: s.intersection_update({"x"}), {"x"}),
        (lambda s: s.difference_update({"x"}), {"y"}),
        (lambda s: s.symmetric_difference_update({"x", "w"}), {"y", "w"}),
        (lambda s: s.__ior__({"m"}), {"x", "y", "m"}),
        (lambda s: s.__isub__({"y"}), {"x"}),
        (lambda s: s.clear(), set()),
    ],
)
def test_set_edits_are_flushed(db, edit, expected):
    doc = _edit_and_flush(db, lambda doc: edit(doc.tags))
    assert doc.tags == expected


def test_loaded_values_are_coerced_when_read_and_do_not_dirty_the_object(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        assert (
            type(doc.data) is MutableDict and type(doc.items) is MutableList and type(doc.tags) is MutableSet
        )
        assert type(doc.extra) is MutableDict  # associate_with(TaggedJSON)
        assert doc not in session.dirty
        db.statements.clear()
        session.commit()
        assert _updates(db) == []


def test_an_unchanged_object_is_not_updated_when_another_one_is(db):
    with Session(db) as session:
        session.add(Doc(id=2, data={"n": 2}))
        session.commit()
        first, second = session.get(Doc, 1), session.get(Doc, 2)
        first.data, second.data  # read, coerced, not changed
        db.statements.clear()
        second.data["n"] = 3
        session.commit()
        assert len(_updates(db)) == 1
    assert _fresh(db).data == {"a": 1, "b": 2}


def test_edits_of_a_pending_object_are_inserted(db):
    with Session(db) as session:
        doc = Doc(id=3, data={"a": 1}, items=[])
        assert type(doc.data) is MutableDict
        session.add(doc)
        doc.data["late"] = True
        doc.items.append("x")
        session.commit()
    with Session(db) as session:
        doc = session.get(Doc, 3)
        assert (doc.data, doc.items) == ({"a": 1, "late": True}, ["x"])


def test_assignment_coerces_and_tracks_the_new_value(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        doc.data = {"fresh": 1}
        assert type(doc.data) is MutableDict
        session.commit()
        doc.data["more"] = 2
        assert doc in session.dirty
        session.commit()
    assert _fresh(db).data == {"fresh": 1, "more": 2}


def test_assigning_a_value_the_type_cannot_take_raises(db):
    doc = Doc()
    with pytest.raises(ValueError, match="Attribute 'data' does not accept objects of type <class 'int'>"):
        doc.data = 5
    with pytest.raises(ValueError, match="Attribute 'items' does not accept"):
        doc.items = {"not": "a list"}
    doc.extra = None
    assert doc.extra is None


def test_a_value_detached_from_its_parent_no_longer_marks_it(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        old = doc.data
        doc.data = {"new": 1}
        session.commit()
        db.statements.clear()
        old["ignored"] = 1  # no longer held by doc: nothing to write
        assert doc not in session.dirty
        session.commit()
        assert _updates(db) == []
        doc.data  # reloaded after the commit: a new value
        db.statements.clear()
        loaded = doc.data
        session.expire(doc)
        loaded["stale"] = 1  # expired: the value is no longer the object's
        session.commit()
        assert _updates(db) == []
    assert _fresh(db).data == {"new": 1}


def test_rollback_discards_in_place_edits(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        doc.data["gone"] = 1
        session.rollback()
        assert doc.data == {"a": 1, "b": 2}
        assert doc not in session.dirty


def test_mutable_values_pickle(db):
    doc = _fresh(db)
    for value in (doc.data, doc.items, doc.tags):
        copy = pickle.loads(pickle.dumps(value))
        assert type(copy) is type(value) and copy == value
    restored = pickle.loads(pickle.dumps(MutableDict({"a": [1, 2]})))
    with Session(db) as session:
        again = session.get(Doc, 1)
        again.data = restored
        restored["b"] = 1
        session.commit()
    assert _fresh(db).data == {"a": [1, 2], "b": 1}


def test_mutable_composite_writes_its_columns(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        assert doc.at == Point(0, 0)
        db.statements.clear()
        doc.at.x = 5
        assert doc.x == 5 and doc in session.dirty
        session.commit()
        assert len(_updates(db)) == 1
        point = Point(1, 1)
        doc.at = point
        point.y = 9
        session.commit()
    fresh = _fresh(db)
    assert (fresh.x, fresh.y) == (1, 9)


def test_only_mutable_columns_get_the_tracking_descriptor():
    assert type(Doc.__dict__["id"]) is InstrumentedAttribute
    assert type(Doc.__dict__["plain"]) is InstrumentedAttribute
    assert isinstance(Doc.__dict__["data"], InstrumentedAttribute)
    assert type(Doc.__dict__["data"]) is not InstrumentedAttribute
    assert Doc.data.mutable_class is MutableDict
    assert Doc.data.key == "data"  # still the column expression on the class


def test_plain_json_is_not_tracked(db):
    with Session(db) as session:
        doc = session.get(Doc, 1)
        doc.plain = {"a": 1}
        session.commit()
        doc.plain["b"] = 2
        assert type(doc.plain) is dict
        assert doc not in session.dirty


def test_set_listeners_still_fire_on_mutable_attributes(db):
    seen = []

    def listener(target, value, oldvalue, initiator):
        seen.append(value)

    event.listen(Doc.data, "set", listener)
    try:
        doc = Doc()
        doc.data = {"a": 1}
    finally:
        event.remove(Doc.data, "set", listener)
    assert seen == [{"a": 1}] and type(seen[0]) is MutableDict


def test_class_hierarchy_and_coerce():
    assert issubclass(Mutable, MutableBase) and issubclass(MutableComposite, MutableBase)
    assert issubclass(MutableDict, dict) and issubclass(MutableList, list) and issubclass(MutableSet, set)
    assert MutableBase.coerce("k", None) is None
    with pytest.raises(ValueError, match="Attribute 'k' does not accept"):
        Mutable.coerce("k", 1)
    value = MutableList.coerce("k", [1])
    assert type(value) is MutableList and MutableList.coerce("k", value) is value
    value.append(2)  # no parent: nothing to mark
    assert value == [1, 2]
