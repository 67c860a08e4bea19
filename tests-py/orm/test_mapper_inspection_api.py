"""The ORM's inspection vocabulary as SQLAlchemy 2.0 names it: mapped
attributes are QueryableAttributes, Mapper.attrs holds MapperProperty
objects (ColumnProperty, RelationshipProperty) with get_property(),
inspect(obj).attrs gives AttributeState (value, loaded_value, history);
class_mapper / object_mapper and their errors; @reconstructor on loaded
objects; was_deleted, close_all_sessions, create_session; and
cormorant.orm.mapper as SQLAlchemy's removed mapper() function."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, event, inspect, select
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.orm import (
    NO_VALUE,
    ColumnProperty,
    DeclarativeBase,
    InspectionAttr,
    InspectionAttrInfo,
    Mapped,
    Mapper,
    MapperProperty,
    PropComparator,
    QueryableAttribute,
    RelationshipDirection,
    RelationshipProperty,
    Session,
    class_mapper,
    close_all_sessions,
    create_session,
    mapped_column,
    mapper,
    object_mapper,
    reconstructor,
    relationship,
    was_deleted,
)
from cormorant.orm.exc import UnmappedClassError, UnmappedInstanceError


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "mi_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), info={"label": "Name"})
    notes: Mapped[list["Note"]] = relationship(back_populates="member")

    @reconstructor
    def init_on_load(self):
        self.loaded_by_orm = True
        self.seen_name = self.name


class Note(Base):
    __tablename__ = "mi_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(30))
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("mi_member.id"))
    member: Mapped[Optional[Member]] = relationship(back_populates="notes")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def test_attributes_and_properties_are_of_sqlalchemy_s_classes():
    assert isinstance(Member.name, QueryableAttribute) and isinstance(Member.notes, QueryableAttribute)
    assert isinstance(Member.name, PropComparator) and isinstance(Member.name, InspectionAttr)
    mapper_ = Member.__mapper__
    assert isinstance(mapper_, InspectionAttr) and mapper_.is_mapper and not Member.name.is_mapper
    state = inspect(Member(name="x"))
    assert isinstance(state, InspectionAttr) and state.is_instance and not state.is_mapper
    assert isinstance(mapper_.attrs["name"], MapperProperty)
    assert isinstance(mapper_.attrs["name"], ColumnProperty) and isinstance(
        mapper_.attrs.name, InspectionAttrInfo
    )
    assert isinstance(mapper_.attrs["notes"], RelationshipProperty)
    assert (
        Member.name.property is mapper_.attrs["name"]
        and Member.name.property.columns[0] is Member.__table__.c.name
    )
    assert Member.name.property.parent is mapper_ and Member.name.parent is mapper_
    assert Member.name.property.class_attribute is Member.name
    assert list(mapper_.attrs.keys()) == ["id", "name", "notes"]
    assert [p.key for p in mapper_.column_attrs] == ["id", "name"]
    assert list(mapper_.relationships.keys()) == ["notes"]
    assert mapper_.get_property("notes") is Member.notes
    with pytest.raises(InvalidRequestError, match="has no property 'nope'"):
        mapper_.get_property("nope")
    assert Member.notes.direction is RelationshipDirection.ONETOMANY
    assert Note.member.direction is RelationshipDirection.MANYTOONE
    assert Member.name.info == {"label": "Name"}


def test_a_prop_comparator_subclass_is_usable():
    class Upper(PropComparator):
        def __eq__(self, other):
            return self.__clause_element__() == other.upper()

    comparator = Upper(Member.__mapper__.attrs["name"])
    assert comparator.property is Member.__mapper__.attrs["name"]
    assert "mi_member.name = " in str(comparator == "x")


def test_class_mapper_and_object_mapper(db):
    class Plain:
        pass

    assert class_mapper(Member) is Member.__mapper__ is object_mapper(Member(name="x"))
    with pytest.raises(UnmappedClassError, match="is not mapped"):
        class_mapper(Plain)
    with pytest.raises(ArgumentError, match="Class object expected"):
        class_mapper(Member(name="x"))
    with pytest.raises(UnmappedInstanceError, match="is not mapped"):
        object_mapper(Plain())
    with pytest.raises(UnmappedInstanceError, match="was a class"):
        object_mapper(Member)


def test_attribute_state_value_loaded_value_and_history(db):
    fresh = Member(name="ann")
    state = inspect(fresh).attrs["name"]
    assert state.key == "name" and state.value == "ann" and state.history.added == ["ann"]
    with Session(db) as s:
        s.add(fresh)
        s.commit()
        member_id = fresh.id
    with Session(db) as s:
        member = s.get(Member, member_id)
        attr = inspect(member).attrs.name
        assert (
            attr.loaded_value == "ann"
            and attr.history.unchanged == ["ann"]
            and not attr.history.has_changes()
        )
        member.name = "bea"
        assert attr.history == (["bea"], (), ["ann"]) and attr.history.has_changes()
        s.commit()
        assert attr.loaded_value is NO_VALUE  # expired by the commit: nothing loaded, no SQL
        assert attr.history.empty()
        assert attr.load_history().unchanged == ["bea"]
        notes = inspect(member).attrs["notes"]
        member.notes.append(Note(body="n"))
        assert [n.body for n in notes.history.added] == ["n"] and notes.history.deleted == []


def test_reconstructor_runs_on_every_load_not_on_construction(db):
    made = Member(name="ann")
    assert not hasattr(made, "loaded_by_orm")
    with Session(db) as s:
        s.add(made)
        s.commit()
        member_id = made.id
    with Session(db) as s:
        by_select = s.scalars(select(Member)).one()
        assert by_select.loaded_by_orm and by_select.seen_name == "ann"
    with Session(db) as s:
        assert s.get(Member, member_id).loaded_by_orm
    with Session(db) as s:
        note = Note(body="x", member_id=member_id)
        s.add(note)
        s.commit()
        assert s.scalars(select(Note)).one().member.seen_name == "ann"


def test_was_deleted_before_and_after_commit(db):
    with Session(db) as s:
        member = Member(name="gone")
        s.add(member)
        s.commit()
        assert not was_deleted(member)
        s.delete(member)
        assert not was_deleted(member)  # not flushed yet
        s.flush()
        assert was_deleted(member)
        s.commit()
        assert was_deleted(member) and inspect(member).detached
    with Session(db) as s:
        kept = Member(name="kept")
        s.add(kept)
        s.commit()
        s.delete(kept)
        s.flush()
        s.rollback()
        assert not was_deleted(kept)


def test_close_all_sessions_detaches_every_session_s_objects(db):
    first, second = Session(db), Session(db)
    a, b = Member(name="a"), Member(name="b")
    first.add(a)
    second.add(b)
    close_all_sessions()
    assert a not in first and b not in second
    assert inspect(a).transient and inspect(b).transient


def test_create_session_has_no_automation(db):
    s = create_session(db)
    assert isinstance(s, Session) and s.autoflush is False and s.expire_on_commit is False
    s.add(Member(name="x"))
    assert s.scalars(select(Member)).all() == []  # no autoflush
    s.commit()
    member = s.scalars(select(Member)).one()
    s.commit()
    assert "name" in member.__dict__  # not expired by the commit
    s.close()
    assert create_session(db, autoflush=True).autoflush is True


def test_orm_mapper_is_sqlalchemy_s_removed_function():
    import cormorant.orm.mapper as module_or_function  # noqa: F401 - the import itself must work
    from cormorant.orm.mapper import Mapper as MapperClass

    assert MapperClass is Mapper and callable(mapper) and not isinstance(mapper, type)
    with pytest.raises(InvalidRequestError, match="map_imperatively"):
        mapper(Member, Member.__table__)


def test_orm_mapper_is_a_target_of_mapper_events(db):
    inserted = []

    def note_insert(mapper_, connection, target):
        inserted.append(type(target).__name__)

    event.listen(mapper, "after_insert", note_insert)
    try:
        with Session(db) as s:
            s.add(Note(body="x"))
            s.commit()
    finally:
        event.remove(mapper, "after_insert", note_insert)
    assert inserted == ["Note"]


def test_synonyms_and_composites_are_mapper_properties():
    import dataclasses

    from cormorant.orm import CompositeProperty, SynonymProperty, composite, synonym

    @dataclasses.dataclass
    class Point:
        x: int
        y: int

    class LocalBase(DeclarativeBase):
        pass

    class Spot(LocalBase):
        __tablename__ = "mi_spot"
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(String(10))
        x: Mapped[int]
        y: Mapped[int]
        title = synonym("label")
        point = composite(Point, "x", "y")

    spot_mapper = inspect(Spot)
    assert list(spot_mapper.attrs.keys()) == ["id", "label", "x", "y", "title", "point"]
    assert list(spot_mapper.synonyms.keys()) == ["title"] and list(spot_mapper.composites.keys()) == ["point"]
    assert isinstance(spot_mapper.attrs["title"], SynonymProperty)
    assert isinstance(spot_mapper.attrs["point"], (MapperProperty, CompositeProperty))
    assert spot_mapper.attrs["title"].parent is spot_mapper and spot_mapper.has_property("point")


def test_mapper_collections_iterate_over_properties_as_sqlalchemy_s():
    mapper_ = inspect(Member)
    assert [rel.key for rel in mapper_.relationships] == ["notes"]
    assert [rel.mapper.class_ for rel in mapper_.relationships] == [Note]
    assert [prop.key for prop in mapper_.attrs] == ["id", "name", "notes"]
    assert "notes" in mapper_.relationships and mapper_.relationships["notes"] is Member.notes
    assert [key for key, _ in inspect(Note).relationships.items()] == ["member"]


def test_get_history_loads_the_attribute_first(db):
    from cormorant.orm.attributes import History, get_history

    with Session(db) as s:
        member = Member(name="ann")
        s.add(member)
        s.commit()  # expires it
        assert get_history(member, "name") == History((), ["ann"], ())
        member.name = "bea"
        assert get_history(member, "name").deleted == ["ann"]
        with pytest.raises(NotImplementedError, match="passive"):
            get_history(member, "name", passive=1)
