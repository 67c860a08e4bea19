"""column_property(): SQL expressions mapped as attributes, declared in the
class body or assigned to the class after it is mapped; loaded with the
entity, usable in queries, never written, reloaded after commit and flush;
query_expression() filled by with_expression()."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, func, literal, select
from cormorant.exc import ArgumentError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    aliased,
    column_property,
    defer,
    joinedload,
    load_only,
    mapped_column,
    query_expression,
    relationship,
    undefer,
    with_expression,
)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "cp_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[str] = mapped_column(String(30))
    last: Mapped[str] = mapped_column(String(30))
    fullname: Mapped[str] = column_property(first + " " + last)
    shout = column_property(first + "!", deferred=True)
    score: Mapped[Optional[int]] = query_expression()
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "cp_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cp_authors.id"))
    title: Mapped[str] = mapped_column(String(50))
    author: Mapped[Optional[Author]] = relationship(back_populates="books")


Author.book_count = column_property(
    select(func.count(Book.id)).where(Book.author_id == Author.id).correlate_except(Book).scalar_subquery()
)


class Plain(Base):
    __tablename__ = "cp_plain"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        ann, bob = Author(first="Ann", last="Lee"), Author(first="Bob", last="Ray")
        s.add_all([ann, bob, Book(title="one", author=ann), Book(title="two", author=ann)])
        s.commit()
    return engine


def test_loaded_with_the_entity_in_one_select(db, capture_sql):
    with Session(db) as s, capture_sql(db) as seen:
        authors = s.scalars(select(Author).order_by(Author.id)).all()
        assert [(a.fullname, a.book_count) for a in authors] == [("Ann Lee", 2), ("Bob Ray", 0)]
    assert len(seen) == 1


def test_usable_in_where_order_by_and_select(db):
    with Session(db) as s:
        assert s.scalars(select(Author.first).where(Author.book_count > 1)).all() == ["Ann"]
        assert s.scalars(select(Author.fullname).order_by(Author.book_count)).all() == ["Bob Ray", "Ann Lee"]
        result = s.execute(select(Author.fullname, Author.book_count).order_by(Author.id))
        assert list(result.keys()) == ["fullname", "book_count"]
        assert result.all() == [("Ann Lee", 2), ("Bob Ray", 0)]
        ann = s.scalars(select(Author).where(Author.fullname == "Ann Lee")).one()
        assert ann.first == "Ann"


def test_never_written_by_the_unit_of_work(db, capture_sql):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann")).one()
        with capture_sql(db) as seen:
            ann.fullname = "someone else"
            s.flush()
        assert not any(sql.startswith("UPDATE") for sql in seen)
        s.commit()
        assert ann.fullname == "Ann Lee"


def test_reloaded_after_commit_and_after_flush(db, capture_sql):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann")).one()
        assert ann.book_count == 2
        s.add(Book(title="three", author_id=ann.id))
        s.commit()
        assert ann.book_count == 3  # expired on commit, reloaded on access
        ann.last = "Lim"
        s.flush()
        assert "fullname" not in ann.__dict__  # expired on flush
        assert ann.fullname == "Ann Lim"
        new = Author(first="Cy", last="Ng")
        s.add(new)
        s.flush()
        with capture_sql(db) as seen:
            assert (new.fullname, new.book_count) == ("Cy Ng", 0)
        assert len(seen) == 2


def test_deferred_property_loads_on_access_or_with_undefer(db, capture_sql):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann")).one()
        assert "shout" not in ann.__dict__
        with capture_sql(db) as seen:
            assert ann.shout == "Ann!"
        assert len(seen) == 1
        s.expunge_all()
        with capture_sql(db) as seen:
            ann = s.scalars(select(Author).where(Author.first == "Ann").options(undefer(Author.shout))).one()
            assert ann.shout == "Ann!"
        assert len(seen) == 1


def test_defer_and_load_only_apply_to_expressions(db, capture_sql):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann").options(defer(Author.book_count))).one()
        assert "book_count" not in ann.__dict__ and ann.fullname == "Ann Lee"
        assert ann.book_count == 2
        s.expunge_all()
        ann = s.scalars(
            select(Author).where(Author.first == "Ann").options(load_only(Author.book_count))
        ).one()
        assert set(ann.__dict__) >= {"id", "book_count"} and "fullname" not in ann.__dict__


def test_with_expression_fills_a_query_expression(db):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann")).one()
        assert ann.score is None  # nothing supplied it, and no SQL is run for it
        s.expunge_all()
        rows = s.scalars(
            select(Author)
            .options(with_expression(Author.score, Author.id * 10 + literal(1)))
            .order_by(Author.id)
        ).all()
        assert [a.score for a in rows] == [r.id * 10 + 1 for r in rows]
        s.expire(rows[0])
        assert rows[0].score is None


def test_with_expression_refuses_other_attributes(db):
    with Session(db) as s, pytest.raises(ArgumentError, match="query_expression"):
        s.scalars(select(Author).options(with_expression(Author.fullname, literal(1)))).all()


def test_joined_and_aliased_entities_read_expressions_from_their_alias(db, capture_sql):
    with Session(db) as s, capture_sql(db) as seen:
        books = s.scalars(select(Book).options(joinedload(Book.author)).order_by(Book.id)).all()
        assert [(b.author.fullname, b.author.book_count) for b in books] == [("Ann Lee", 2)] * 2
    assert len(seen) == 1
    with Session(db) as s, capture_sql(db) as seen:
        alias = aliased(Author, name="writer")
        bob = s.scalars(select(alias).where(alias.book_count == 0)).one()
        assert (bob.fullname, bob.book_count) == ("Bob Ray", 0)
        rows = s.execute(
            select(Author.first, alias.first).join(alias, alias.book_count < Author.book_count)
        ).all()
        assert rows == [("Ann", "Bob")]
    assert len(seen) == 2


def test_with_expression_on_a_joined_entity(db):
    with Session(db) as s:
        books = s.scalars(
            select(Book).options(joinedload(Book.author).with_expression(Author.score, Author.id * 100))
        ).all()
        assert {b.author.score for b in books} == {books[0].author.id * 100}


def test_get_and_refresh_load_expressions(db):
    with Session(db) as s:
        ann_id = s.scalars(select(Author.id).where(Author.first == "Ann")).one()
        ann = s.get(Author, ann_id)
        assert ann.__dict__["book_count"] == 2
        s.add(Book(title="x", author_id=ann_id))
        s.flush()
        s.refresh(ann)
        assert ann.book_count == 3


def test_assignment_after_mapping_installs_a_mapped_attribute():
    assert "book_count" in Author.__mapper__.expressions
    assert repr(Author.book_count) == "Author.book_count"
    Plain.note = "a plain class attribute stays one"
    assert Plain.note == "a plain class attribute stays one" and Plain.__mapper__.plain_loading


def test_unknown_keyword_is_refused():
    with pytest.raises(ArgumentError, match="bogus"):
        column_property(Plain.name + "x", bogus=True)


class Shelf(Base):
    __tablename__ = "cp_shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = query_expression(literal(7))


class Slot(Base):
    __tablename__ = "cp_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("cp_shelves.id"))


Shelf.slots = relationship(Slot, order_by=Slot.id)


def test_refresh_of_named_expression_attributes(db):
    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann")).one()
        s.add(Book(title="x", author_id=ann.id))
        s.flush()
        assert ann.book_count == 2  # still the value loaded with the object
        s.refresh(ann, ["book_count"])
        assert ann.book_count == 3


def test_query_expression_with_a_default_is_selected_unless_replaced(db):
    with Session(db) as s:
        s.add(Shelf(label="top"))
        s.commit()
        s.expunge_all()
        assert s.scalars(select(Shelf)).one().rank == 7
        s.expunge_all()
        assert s.scalars(select(Shelf).options(with_expression(Shelf.rank, literal(9)))).one().rank == 9


def test_relationship_assigned_after_mapping_is_mapped(db):
    with Session(db) as s:
        shelf = Shelf(label="top", slots=[Slot(), Slot()])
        s.add(shelf)
        s.commit()
        s.expunge_all()
        again = s.scalars(select(Shelf)).one()
        assert len(again.slots) == 2 and "slots" in Shelf.__mapper__.relationships


def test_what_is_not_supported_says_so(db):
    with pytest.raises(NotImplementedError, match="after it is mapped"):
        Plain.extra = mapped_column(String(10))
    with pytest.raises(NotImplementedError, match="more than one column"):
        column_property(Plain.name, Plain.id)
    from cormorant import Column, Integer

    with pytest.raises(NotImplementedError, match="active_history"):

        class Tracked(Base):
            __tablename__ = "cp_tracked"
            id: Mapped[int] = mapped_column(primary_key=True)
            n = column_property(Column(Integer), active_history=True)


def test_inspect_lists_unloaded_expressions(db):
    from cormorant import inspect

    with Session(db) as s:
        ann = s.scalars(select(Author).where(Author.first == "Ann").options(defer(Author.book_count))).one()
        assert {"book_count", "shout"} <= inspect(ann).unloaded
        assert "fullname" not in inspect(ann).unloaded


def test_info_and_doc_reach_the_attribute():
    class Noted(Base):
        __tablename__ = "cp_noted"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(10), info={"k": 1}, doc="the name")
        loud = column_property(name + "!", info={"k": 2}, doc="shouted")

    assert (Noted.loud.info, Noted.loud.doc) == ({"k": 2}, "shouted")
    assert (Noted.name.info, Noted.name.doc) == ({"k": 1}, "the name")


def test_selectin_and_lazy_loads_carry_expressions(db, capture_sql):
    from cormorant.orm import selectinload

    with Session(db) as s, capture_sql(db) as seen:
        books = s.scalars(select(Book).options(selectinload(Book.author)).order_by(Book.id)).all()
        assert {(b.author.fullname, b.author.book_count) for b in books} == {("Ann Lee", 2)}
    assert len(seen) == 2
    with Session(db) as s:
        book = s.scalars(select(Book).order_by(Book.id).limit(1)).one()
        assert book.author.book_count == 2  # the lazy load's SELECT of the author carries it
        assert "book_count" in book.author.__dict__


def test_inspected_mapper_lists_expression_attributes():
    from cormorant import inspect

    keys = [attr.key for attr in inspect(Author).column_attrs]
    assert keys[:3] == ["id", "first", "last"] and {"fullname", "book_count", "score"} <= set(keys)


def test_dataclass_models_take_column_property_field_arguments(db):
    from cormorant.orm import MappedAsDataclass

    class DCBase(MappedAsDataclass, DeclarativeBase):
        pass

    class Person(DCBase):
        __tablename__ = "cp_people"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        first: Mapped[str] = mapped_column(String(20))
        last: Mapped[str] = mapped_column(String(20))
        full: Mapped[str] = column_property(first + " " + last, init=False)
        rank: Mapped[Optional[int]] = query_expression(init=False, repr=False)

    DCBase.metadata.create_all(db)
    with Session(db) as s:
        person = Person("Ann", "Lee")
        s.add(person)
        s.commit()
        assert person.full == "Ann Lee"
        assert repr(person).endswith("Person(id=1, first='Ann', last='Lee', full='Ann Lee')")
    with pytest.raises(ArgumentError, match="dataclasses argument"):

        class NotADataclass(Base):
            __tablename__ = "cp_not_dc"
            id: Mapped[int] = mapped_column(primary_key=True)
            twice = column_property(id * 2, init=False)


def test_declarative_base_classes_take_properties_after_mapping():
    from cormorant import Column, Integer
    from cormorant.orm import declarative_base

    Legacy = declarative_base()

    class Row(Legacy):
        __tablename__ = "cp_legacy_rows"
        id = Column(Integer, primary_key=True)

    Row.plus_one = column_property(Row.id + 1)
    assert "plus_one" in Row.__mapper__.expressions
    assert "+" in str(select(Row))


class Staff(Base):
    __tablename__ = "cp_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    shout = column_property(name + "!")
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "staff"}


class Chief(Staff):
    level: Mapped[Optional[int]] = mapped_column(nullable=True)
    __mapper_args__ = {"polymorphic_identity": "chief"}


Staff.name_length = column_property(func.length(Staff.name))


def test_subclasses_inherit_expressions_declared_before_and_after(db, capture_sql):
    with Session(db) as s:
        s.add_all([Staff(name="ann"), Chief(name="bo", level=2)])
        s.commit()
    with Session(db) as s, capture_sql(db) as seen:
        people = s.scalars(select(Staff).order_by(Staff.name)).all()
        assert [(type(p).__name__, p.shout, p.name_length) for p in people] == [
            ("Staff", "ann!", 3),
            ("Chief", "bo!", 2),
        ]
        chief = s.scalars(select(Chief).where(Chief.name_length == 2)).one()
        assert chief.shout == "bo!"
    assert len(seen) == 2
