"""relationship(collection_class=...): sets (also from Mapped[set[X]]), the
keyed dictionaries (attribute_keyed_dict, column_keyed_dict, keyfunc_mapping)
and user collection classes marked with @collection: loaded lazily, by
selectinload() and joinedload(), changed, flushed and reloaded, with
backrefs, delete-orphan, many-to-many and association proxies."""

from typing import Optional

import pytest
from cormorant import Column, ForeignKey, String, Table, event, func, select
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.ext.associationproxy import AssociationProxy, association_proxy
from cormorant.orm import (
    DeclarativeBase,
    KeyFuncDict,
    Mapped,
    Session,
    attribute_keyed_dict,
    attribute_mapped_collection,
    column_keyed_dict,
    contains_eager,
    joinedload,
    keyfunc_mapping,
    mapped_column,
    relationship,
    selectinload,
    validates,
)
from cormorant.orm import collections as orm_collections
from cormorant.orm.collections import MappedCollection, collection


class Base(DeclarativeBase):
    pass


class Bag:
    """A collection class deriving from no builtin: a list kept in `items`."""

    def __init__(self) -> None:
        self.items: list = []

    @collection.appender
    def put(self, item):
        self.items.append(item)

    @collection.remover
    def take(self, item):
        self.items.remove(item)

    @collection.iterator
    def walk(self):
        return iter(self.items)


class Stack:
    """A collection class whose other mutators are marked with adds() and the like."""

    def __init__(self) -> None:
        self.items: list = []

    @collection.appender
    def push(self, item):
        self.items.append(item)

    @collection.remover
    def drop(self, item):
        self.items.remove(item)

    @collection.iterator
    def __iter__(self):
        return iter(self.items)

    @collection.adds("item")
    def put_first(self, item):
        self.items.insert(0, item)

    @collection.removes_return()
    def pop_last(self):
        return self.items.pop()

    @collection.removes(1)
    def discard(self, item):
        if item in self.items:
            self.items.remove(item)

    @collection.replaces(2)
    def put_at(self, index, item):
        old, self.items[index] = self.items[index], item
        return old


class NamedList(list):
    """A list subclass whose appender is its own method."""

    @collection.appender
    def add_named(self, item):
        self.append(item)

    def names(self):
        return sorted(n.name for n in self)


tag_links = Table(
    "cc_tag_links",
    Base.metadata,
    Column("parent_id", ForeignKey("cc_parent.id"), primary_key=True),
    Column("tag_id", ForeignKey("cc_tag.id"), primary_key=True),
)


class Parent(Base):
    __tablename__ = "cc_parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    children: Mapped[set["Child"]] = relationship(back_populates="parent", cascade="all, delete-orphan")
    tags: Mapped[set["Tag"]] = relationship(secondary=tag_links, back_populates="parents")
    tag_words: AssociationProxy[set[str]] = association_proxy("tags", "word", creator=lambda w: Tag(word=w))


class Child(Base):
    __tablename__ = "cc_child"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_parent.id"))
    parent: Mapped[Optional["Parent"]] = relationship(back_populates="children")


class Tag(Base):
    __tablename__ = "cc_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(30))
    parents: Mapped[set["Parent"]] = relationship(secondary=tag_links, back_populates="tags")


class Item(Base):
    __tablename__ = "cc_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    notes: Mapped[dict[str, "Note"]] = relationship(
        collection_class=attribute_keyed_dict("keyword"), back_populates="item", cascade="all, delete-orphan"
    )
    texts: AssociationProxy[dict[str, str]] = association_proxy(
        "notes", "text", creator=lambda k, v: Note(keyword=k, text=v)
    )


class Note(Base):
    __tablename__ = "cc_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_item.id"))
    shelf_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_shelf.id"))
    item: Mapped[Optional["Item"]] = relationship(back_populates="notes")


class UpperKeyed(KeyFuncDict):
    """SQLAlchemy's documented pattern: a KeyFuncDict subclass overriding __setitem__."""

    def __init__(self):
        super().__init__(lambda note: note.keyword.upper())

    @collection.internally_instrumented
    def __setitem__(self, key, value, _sa_initiator=None):
        super().__setitem__(key.upper(), value, _sa_initiator)


class Shelf(Base):
    __tablename__ = "cc_shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    by_column = relationship(
        Note, collection_class=column_keyed_dict(Note.__table__.c.keyword), viewonly=True
    )
    by_length = relationship(
        Note, collection_class=keyfunc_mapping(lambda note: len(note.text)), viewonly=True
    )
    bag = relationship("Box", collection_class=Bag, cascade="all, delete-orphan")
    named = relationship("Box", collection_class=NamedList, viewonly=True, order_by="Box.id")
    upper_notes = relationship(Note, collection_class=UpperKeyed, viewonly=True)
    by_text = relationship(Note, collection_class=lambda: KeyFuncDict(lambda note: note.text), viewonly=True)


class Box(Base):
    __tablename__ = "cc_box"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    shelf_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_shelf.id"))
    rack_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_rack.id"))
    crate_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_crate.id"))
    pile_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cc_pile.id"))


class Pile(Base):
    __tablename__ = "cc_pile"
    id: Mapped[int] = mapped_column(primary_key=True)
    boxes = relationship(Box, collection_class=Stack)


class Rack(Base):
    __tablename__ = "cc_rack"
    id: Mapped[int] = mapped_column(primary_key=True)
    boxes = relationship(Box, collection_class=NamedList)


class Crate(Base):
    __tablename__ = "cc_crate"
    id: Mapped[int] = mapped_column(primary_key=True)
    boxes: Mapped[set["Box"]] = relationship()

    @validates("boxes")
    def check(self, key, box):
        if box.name == "bad":
            raise ValueError("bad box")
        return box


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def _child_rows(session):
    return session.execute(select(Child.name, Child.parent_id).order_by(Child.name)).all()


# --- sets ------------------------------------------------------------------------------------------


def test_set_collection_type_on_new_and_loaded_objects(session):
    parent = Parent(id=1, children={Child(name="a"), Child(name="b")})
    assert isinstance(parent.children, set)
    assert Parent.children.collection_class is set
    session.add(parent)
    session.commit()
    session.expunge_all()
    loaded = session.get(Parent, 1)
    assert isinstance(loaded.children, set)
    assert {c.name for c in loaded.children} == {"a", "b"}


@pytest.mark.parametrize("loader", [selectinload, joinedload])
def test_set_filled_by_eager_loaders(session, loader):
    session.add_all([Parent(id=1, children={Child(name="a"), Child(name="b")}), Parent(id=2)])
    session.commit()
    session.expunge_all()
    parents = (
        session.scalars(select(Parent).options(loader(Parent.children)).order_by(Parent.id)).unique().all()
    )
    assert all(isinstance(p.children, set) for p in parents)
    assert [sorted(c.name for c in p.children) for p in parents] == [["a", "b"], []]
    parents[0].children.add(Child(name="c"))  # still instrumented after the load
    session.commit()
    assert _child_rows(session) == [("a", 1), ("b", 1), ("c", 1)]


def test_set_mutations_flush(session):
    a, b, c = Child(name="a"), Child(name="b"), Child(name="c")
    parent = Parent(id=1, children={a, b})
    session.add(parent)
    session.commit()
    parent.children.discard(a)  # delete-orphan: the row goes
    parent.children |= {c}
    session.commit()
    assert _child_rows(session) == [("b", 1), ("c", 1)]
    parent.children.clear()
    session.commit()
    assert _child_rows(session) == []
    parent.children = {Child(name="d")}
    session.commit()
    assert _child_rows(session) == [("d", 1)]
    popped = parent.children.pop()
    assert popped.name == "d"
    session.commit()
    assert _child_rows(session) == []


def test_set_backrefs_stay_in_step(session):
    parent, other = Parent(id=1), Parent(id=2)
    child = Child(name="a")
    child.parent = parent
    assert child in parent.children
    parent.children.remove(child)
    assert child.parent is None
    other.children.add(child)
    assert child.parent is other
    child.parent = parent
    assert child not in other.children and child in parent.children
    session.add_all([parent, other])
    session.commit()
    assert _child_rows(session) == [("a", 1)]


def test_set_refuses_a_list(session):
    with pytest.raises(TypeError, match="list is not set-like"):
        Parent().children = [Child(name="a")]


def test_many_to_many_set(session):
    red, blue = Tag(word="red"), Tag(word="blue")
    parent = Parent(id=1, tags={red, blue})
    assert parent in red.parents
    session.add(parent)
    session.commit()
    parent.tags.remove(red)
    session.commit()
    assert session.execute(select(tag_links.c.tag_id)).scalars().all() == [blue.id]
    session.expunge_all()
    for loader in (selectinload, joinedload):
        loaded = session.scalars(select(Parent).options(loader(Parent.tags))).unique().one()
        assert isinstance(loaded.tags, set) and {t.word for t in loaded.tags} == {"blue"}
        session.expunge_all()
    loaded = session.get(Parent, 1)
    assert {p.id for p in next(iter(loaded.tags)).parents} == {1}


def test_association_proxy_over_set(session):
    parent = Parent(id=1)
    parent.tag_words.add("red")
    parent.tag_words.add("red")
    parent.tag_words.add("green")
    assert isinstance(parent.tags, set) and len(parent.tags) == 2
    session.add(parent)
    session.commit()
    session.expunge_all()
    loaded = session.get(Parent, 1)
    assert set(loaded.tag_words) == {"red", "green"}
    loaded.tag_words.discard("red")
    session.commit()
    assert session.scalar(select(func.count()).select_from(tag_links)) == 1
    loaded.tag_words = {"blue", "pink"}
    session.commit()
    assert {t.word for t in loaded.tags} == {"blue", "pink"}
    assert session.scalar(select(func.count()).select_from(tag_links)) == 2
    assert Parent.tag_words.collection_class is set


# --- keyed dictionaries --------------------------------------------------------------------------


def _note_rows(session):
    return session.execute(select(Note.keyword, Note.text, Note.item_id).order_by(Note.keyword)).all()


def test_attribute_keyed_dict_sets_the_key_from_the_child(session):
    item = Item(id=1)
    note = Note(keyword="k1", text="one")
    item.notes.set(note)
    assert item.notes == {"k1": note} and note.item is item
    Note(keyword="k2", text="two", item=item)  # backref: the dict learns the key
    assert sorted(item.notes) == ["k1", "k2"]
    session.add(item)
    session.commit()
    session.expunge_all()
    loaded = session.get(Item, 1)
    assert isinstance(loaded.notes, KeyFuncDict)
    assert {k: n.text for k, n in loaded.notes.items()} == {"k1": "one", "k2": "two"}


@pytest.mark.parametrize("loader", [selectinload, joinedload])
def test_keyed_dict_filled_by_eager_loaders(session, loader):
    session.add(Item(id=1, notes={"a": Note(keyword="a", text="x"), "b": Note(keyword="b", text="y")}))
    session.commit()
    session.expunge_all()
    item = session.scalars(select(Item).options(loader(Item.notes))).unique().one()
    assert isinstance(item.notes, KeyFuncDict)
    assert {k: n.text for k, n in item.notes.items()} == {"a": "x", "b": "y"}


def test_keyed_dict_mutations_flush(session):
    item = Item(id=1, notes={"a": Note(keyword="a", text="x"), "b": Note(keyword="b", text="y")})
    session.add(item)
    session.commit()
    del item.notes["a"]  # delete-orphan
    item.notes["c"] = Note(keyword="c", text="z")
    session.commit()
    assert _note_rows(session) == [("b", "y", 1), ("c", "z", 1)]
    replaced = item.notes["b"]
    item.notes["b"] = Note(keyword="b", text="new")  # the one under the key leaves
    session.commit()
    assert replaced not in session
    assert _note_rows(session) == [("b", "new", 1), ("c", "z", 1)]
    assert item.notes.pop("c").text == "z"
    item.notes.update({"d": Note(keyword="d", text="w")})
    session.commit()
    assert _note_rows(session) == [("b", "new", 1), ("d", "w", 1)]
    item.notes.clear()
    session.commit()
    assert _note_rows(session) == []


def test_keyed_dict_assignment_and_refusal(session):
    item = Item(id=1)
    with pytest.raises(TypeError, match="list is not dict-like"):
        item.notes = [Note(keyword="a", text="x")]
    item.notes = {"a": Note(keyword="a", text="x")}
    session.add(item)
    session.commit()
    assert _note_rows(session) == [("a", "x", 1)]


def test_association_proxy_over_dict(session):
    item = Item(id=1)
    item.texts["k"] = "v"
    item.texts["j"] = "w"
    assert item.notes["k"].text == "v"
    session.add(item)
    session.commit()
    session.expunge_all()
    loaded = session.get(Item, 1)
    assert dict(loaded.texts) == {"k": "v", "j": "w"}
    loaded.texts["k"] = "changed"
    del loaded.texts["j"]
    session.commit()
    assert _note_rows(session) == [("k", "changed", 1)]
    loaded.texts = {"m": "new"}
    session.commit()
    assert _note_rows(session) == [("m", "new", 1)]
    assert issubclass(Item.texts.collection_class, KeyFuncDict)


def test_column_keyed_dict_and_keyfunc_mapping(session):
    session.add(Shelf(id=1))
    session.add_all([Note(keyword="aa", text="xyz", shelf_id=1), Note(keyword="b", text="hello", shelf_id=1)])
    session.commit()
    session.expunge_all()
    shelf = session.get(Shelf, 1)
    assert sorted(shelf.by_column) == ["aa", "b"]
    assert {k: n.keyword for k, n in shelf.by_length.items()} == {3: "aa", 5: "b"}
    assert isinstance(shelf.by_text, KeyFuncDict) and sorted(shelf.by_text) == ["hello", "xyz"]
    shelf = session.scalars(select(Shelf).options(selectinload(Shelf.by_column))).one()
    assert sorted(shelf.by_column) == ["aa", "b"]


def test_standalone_keyfuncdict_and_aliases():
    assert MappedCollection is KeyFuncDict
    assert attribute_mapped_collection is attribute_keyed_dict
    assert orm_collections.mapped_collection is keyfunc_mapping
    d = KeyFuncDict(lambda n: n.keyword)
    note = Note(keyword="k", text="t")
    d.set(note)
    assert d == {"k": note}
    d.remove(note)
    assert d == {}
    keyed = attribute_keyed_dict("keyword")()
    keyed.set(note)
    assert keyed["k"] is note


# --- user collection classes ---------------------------------------------------------------------


def test_custom_class_with_appender_and_remover(session):
    shelf = Shelf(id=1)
    assert isinstance(shelf.bag, Bag)
    shelf.bag.put(Box(name="a"))
    shelf.bag.put(Box(name="b"))
    session.add(shelf)
    session.commit()
    assert session.scalars(select(Box.name).order_by(Box.name)).all() == ["a", "b"]
    box = next(b for b in shelf.bag.walk() if b.name == "a")
    shelf.bag.take(box)  # delete-orphan
    session.commit()
    assert session.scalars(select(Box.name)).all() == ["b"]
    session.expunge_all()
    for loader in (selectinload, joinedload):
        loaded = session.scalars(select(Shelf).options(loader(Shelf.bag))).unique().one()
        assert isinstance(loaded.bag, Bag) and [b.name for b in loaded.bag.walk()] == ["b"]
        session.expunge_all()


def test_list_subclass_with_appender(session):
    shelf = Shelf(id=1)
    session.add_all([shelf, Box(name="b", shelf_id=1), Box(name="a", shelf_id=1)])
    session.commit()
    session.expunge_all()
    loaded = session.get(Shelf, 1)
    assert isinstance(loaded.named, NamedList) and loaded.named.names() == ["a", "b"]


def test_list_subclass_appender_tracks_changes(session):
    rack = Rack(id=1)
    rack.boxes.add_named(Box(name="x"))
    rack.boxes.append(Box(name="y"))
    session.add(rack)
    session.commit()
    assert session.scalars(select(Box.name).order_by(Box.name)).all() == ["x", "y"]
    rack.boxes.remove(rack.boxes[0])
    session.commit()
    assert session.execute(select(Box.name, Box.rack_id).order_by(Box.name)).all() == [("x", None), ("y", 1)]


def _pile_rows(session):
    return session.execute(select(Box.name, Box.pile_id).order_by(Box.name)).all()


def test_adds_removes_and_replaces_fire_events(session):
    pile = Pile(id=1)
    a, b, c, d = (Box(name=n) for n in "abcd")
    pile.boxes.push(a)
    pile.boxes.put_first(item=b)
    pile.boxes.push(c)
    session.add(pile)
    session.commit()
    assert _pile_rows(session) == [("a", 1), ("b", 1), ("c", 1)]
    assert pile.boxes.pop_last() is c
    pile.boxes.discard(b)
    assert pile.boxes.put_at(0, d) is a
    session.commit()
    assert _pile_rows(session) == [("a", None), ("b", None), ("c", None), ("d", 1)]
    session.expunge_all()
    loaded = session.scalars(select(Pile).options(selectinload(Pile.boxes))).one()
    assert [box.name for box in loaded.boxes] == ["d"]


def test_refused_decorators_and_classes():
    class Converting:
        @collection.appender
        def put(self, item):
            pass

        @collection.remover
        def take(self, item):
            pass

        @collection.converter
        def convert(self, value):
            return value

    class Plain:
        @collection.appender
        def put(self, item):
            pass

    class SelfFiring:
        @collection.appender
        @collection.internally_instrumented
        def put(self, item):
            pass

        @collection.remover
        def take(self, item):
            pass

    with pytest.raises(ArgumentError, match="returned a frozenset; give the class itself"):
        orm_collections.collection_factory(lambda: frozenset())
    for cls, error, message in (
        (Converting, NotImplementedError, r"@collection.converter is not supported"),
        (SelfFiring, NotImplementedError, r"internally_instrumented appender .* collection_adapter"),
        (Plain, ArgumentError, "must elect a remover method"),
        (dict, ArgumentError, "must elect an appender method"),
    ):
        with pytest.raises(error, match=message):
            orm_collections.instrumented_class(cls)


def test_dynamic_refuses_collection_class():
    with pytest.raises(ArgumentError, match="does not take collection_class"):
        relationship(Box, lazy="dynamic", collection_class=set)


def test_validates_a_set_collection():
    crate = Crate()
    crate.boxes.add(Box(name="ok"))
    with pytest.raises(ValueError, match="bad box"):
        crate.boxes.add(Box(name="bad"))
    with pytest.raises(ValueError, match="bad box"):
        crate.boxes = {Box(name="bad")}
    assert [b.name for b in crate.boxes] == ["ok"]


# --- the session's other paths -------------------------------------------------------------------


def test_merge_and_delete_attribute_keep_the_collection_class(session):
    session.add(Item(id=1, notes={"a": Note(keyword="a", text="x")}))
    session.commit()
    merged = session.merge(Item(id=1, notes={"b": Note(keyword="b", text="y")}))
    assert isinstance(merged.notes, KeyFuncDict) and list(merged.notes) == ["b"]
    session.commit()
    assert _note_rows(session) == [("b", "y", 1)]  # "a" left the collection: an orphan
    del merged.notes
    session.commit()
    assert _note_rows(session) == []


def test_contains_eager_refresh_and_events_on_a_set(session):
    session.add(Parent(id=1, children={Child(name="a"), Child(name="b")}))
    session.commit()
    session.expunge_all()
    stmt = select(Parent).join(Parent.children).options(contains_eager(Parent.children))
    parent = session.scalars(stmt).unique().one()
    assert isinstance(parent.children, set) and len(parent.children) == 2
    session.refresh(parent, ["children"])
    assert isinstance(parent.children, set) and len(parent.children) == 2
    heard = []

    def appended(target, value, initiator):
        heard.append(value.name)

    def removed(target, value, initiator):
        heard.append("-" + value.name)

    event.listen(Parent.children, "append", appended)
    event.listen(Parent.children, "remove", removed)
    try:
        child = Child(name="z")
        parent.children.add(child)
        parent.children.discard(child)
        child.parent = parent  # the backref fires the collection's append too
    finally:
        event.remove(Parent.children, "append", appended)
        event.remove(Parent.children, "remove", removed)
    assert heard == ["z", "-z", "z"]


def test_keyed_dict_refuses_or_skips_an_unpopulated_key():
    with pytest.raises(InvalidRequestError, match="dictionary key derived from .* is not populated"):
        Item().notes.set(Note(text="no keyword"))
    skipping = attribute_keyed_dict("keyword", ignore_unpopulated_attribute=True)()
    skipping.set(Note(text="no keyword"))
    assert skipping == {}
    with_none = attribute_keyed_dict("keyword")()
    note = Note(keyword=None, text="given None")
    with_none.set(note)
    assert with_none == {None: note}


@pytest.mark.parametrize(
    "options",
    [
        lambda: joinedload(Parent.tags).joinedload(Tag.parents),
        lambda: selectinload(Parent.tags).joinedload(Tag.parents),
        lambda: joinedload(Parent.tags).selectinload(Tag.parents),
    ],
)
def test_nested_eager_loads_fill_sets(session, options):
    red = Tag(word="red")
    session.add_all([Parent(id=1, tags={red}), Parent(id=2, tags={red, Tag(word="blue")})])
    session.commit()
    session.expunge_all()
    parents = session.scalars(select(Parent).options(options()).order_by(Parent.id)).unique().all()
    found = {t.word: sorted(p.id for p in t.parents) for p in parents for t in p.tags}
    assert found == {"red": [1, 2], "blue": [2]}
    assert all(isinstance(t.parents, set) for p in parents for t in p.tags)


def test_keyfuncdict_subclass_overriding_setitem(session):
    shelf = Shelf(id=1)
    note = Note(keyword="k", text="t")
    shelf.upper_notes["k"] = note
    assert isinstance(shelf.upper_notes, UpperKeyed) and shelf.upper_notes == {"K": note}
    session.add_all([shelf, Note(keyword="j", text="u", shelf_id=1)])
    session.commit()
    session.expunge_all()
    assert list(session.get(Shelf, 1).upper_notes) == ["J"]
