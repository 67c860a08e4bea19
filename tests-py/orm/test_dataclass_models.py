"""Dataclass mappings (MappedAsDataclass, registry.mapped_as_dataclass,
mapped_as_dataclass): real dataclasses whose generated __init__, __repr__ and
__eq__ follow the dataclass arguments of mapped_column() and relationship()
and of the class statement, and whose objects persist like any mapped object."""

import dataclasses
import datetime
import inspect
from typing import Optional

import pytest
from cormorant import ForeignKey, String, func, insert, select, text
from cormorant.exc import ArgumentError, InvalidRequestError, SADeprecationWarning
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    Session,
    mapped_as_dataclass,
    mapped_column,
    registry,
    relationship,
)


class Base(MappedAsDataclass, DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "dc_item"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(50))
    qty: Mapped[int] = mapped_column(default=1)


class Author(Base):
    __tablename__ = "dc_author"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(30))
    books: Mapped[list["Book"]] = relationship(back_populates="author", default_factory=list)
    secret: Mapped[Optional[str]] = mapped_column(String(30), default=None, repr=False, compare=False)


class Book(Base):
    __tablename__ = "dc_book"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("dc_author.id"), init=False)
    author: Mapped[Optional[Author]] = relationship(back_populates="books", default=None)


class Stamped(Base):
    __tablename__ = "dc_stamped"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    level: Mapped[Optional[int]] = mapped_column(insert_default=5, default=None)
    tags: Mapped[str] = mapped_column(String(50), default_factory=lambda: "fresh")
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.current_timestamp(), init=False)


class Ordered(Base, kw_only=True, order=True, repr=False):
    __tablename__ = "dc_ordered"
    rank: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), default="x")


class Audited(MappedAsDataclass):
    """A dataclass mixin: not mapped itself; its fields come first."""

    flag: Mapped[bool] = mapped_column(default=False)


class Flagged(Audited, Base):
    __tablename__ = "dc_flagged"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(20), default="n")


reg = registry()


@reg.mapped_as_dataclass
class Gadget:
    __tablename__ = "dc_gadget"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(default=0, kw_only=True)


@mapped_as_dataclass(reg, unsafe_hash=True)
class Widget:
    __tablename__ = "dc_widget"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(20), hash=True)
    note: Mapped[Optional[str]] = mapped_column(String(20), default=None, hash=False)


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    reg.metadata.create_all(engine)
    return engine


def test_dataclass_construction_repr_and_equality_as_sqlalchemy(db):
    item = Item(title="pen")
    assert item.qty == 1 and repr(item) == "Item(id=None, title='pen', qty=1)"
    assert Item("a", 2) == Item("a", 2) and Item("a", 2) != Item("a", 3)
    assert dataclasses.is_dataclass(Item) and dataclasses.is_dataclass(Base)
    assert [(f.name, f.init) for f in dataclasses.fields(Item)] == [
        ("id", False),
        ("title", True),
        ("qty", True),
    ]
    assert str(inspect.signature(Item)) == "(title: str, qty: int = 1) -> None"
    with pytest.raises(TypeError, match="id"):
        Item(id=4, title="x")
    with Session(db) as s:
        s.add_all([item, Item("ink", qty=5)])
        s.commit()
        assert item.id is not None
        assert s.scalars(select(Item.title).order_by(Item.qty)).all() == ["pen", "ink"]
    with Session(db) as s:
        loaded = s.scalars(select(Item).where(Item.title == "ink")).one()
        assert repr(loaded) == f"Item(id={loaded.id}, title='ink', qty=5)"
        loaded.qty = 6  # a loaded dataclass object is updated like any other
        s.commit()
        assert s.scalar(select(Item.qty).where(Item.title == "ink")) == 6


def test_dataclass_init_values_go_through_the_instrumented_attributes(db):
    with Session(db) as s:
        pen = Item("pen", 3)
        s.add(pen)
        s.flush()
        assert s.execute(text("SELECT title, qty FROM dc_item")).all() == [("pen", 3)]
        pen.__init__("quill", 4)  # on a persistent object, __init__'s sets are changes to flush
        assert pen in s.dirty
        s.commit()
        assert s.execute(text("SELECT title, qty FROM dc_item")).all() == [("quill", 4)]


def test_default_is_also_the_insert_default(db):
    with db.begin() as conn:
        conn.execute(insert(Item.__table__).values(title="core"))
        assert conn.execute(select(Item.__table__.c.qty)).scalar() == 1


def test_insert_default_default_factory_and_server_default(db):
    stamped = Stamped()
    assert (stamped.level, stamped.tags) == (None, "fresh")
    with Session(db) as s:
        s.add(stamped)
        s.commit()
        row = s.execute(text("SELECT level, tags, created FROM dc_stamped")).one()
        assert row[0] == 5 and row[1] == "fresh" and row[2] is not None
        assert stamped.level == 5
    assert Stamped.__table__.c.tags.default is None  # default_factory is the dataclass's only


def test_repr_and_compare_false_and_relationship_fields(db):
    author = Author("ann", secret="s1")
    assert repr(author) == "Author(id=None, name='ann', books=[])"
    assert Author("ann", secret="s1") == Author("ann", secret="s2")
    book = Book("dune", author=author)
    assert author.books == [book]  # the reverse side is kept in step by __init__'s set
    assert Book("x").author is None
    with pytest.raises(TypeError):
        Book("x", author_id=3)
    with Session(db) as s:
        s.add(author)
        s.commit()
        assert s.execute(
            text("SELECT b.title, a.name FROM dc_book b JOIN dc_author a ON a.id = b.author_id")
        ).all() == [("dune", "ann")]
    with Session(db) as s:
        loaded = s.scalars(select(Author)).one()
        assert [b.title for b in loaded.books] == ["dune"]
        assert (
            repr(loaded)
            == f"Author(id={loaded.id}, name='ann', books=[Book(id={loaded.books[0].id}, title='dune', author_id={loaded.id}, author=...)])"
        )


def test_class_level_dataclass_arguments(db):
    with pytest.raises(TypeError):
        Ordered(1)  # kw_only=True
    assert Ordered(rank=1) < Ordered(rank=2)
    assert repr(Ordered(rank=1)) == "Ordered()"  # repr=False: the base dataclass's, as in SQLAlchemy
    params = Ordered.__dataclass_params__  # type: ignore[attr-defined]
    assert (params.order, params.repr) == (True, False)
    with Session(db) as s:
        s.add_all([Ordered(rank=2, label="b"), Ordered(rank=1)])
        s.commit()
        assert sorted(s.scalars(select(Ordered)).all()) == [
            Ordered(rank=1, label="x"),
            Ordered(rank=2, label="b"),
        ]


def test_dataclass_callable_and_match_args():
    calls = []

    def recording_dataclass(cls, **kw):
        calls.append((cls.__name__, kw))
        return dataclasses.dataclass(cls, **kw)

    class Local(MappedAsDataclass, DeclarativeBase):
        pass

    class Thing(Local, dataclass_callable=recording_dataclass, match_args=False, eq=False):
        __tablename__ = "dc_thing"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str] = mapped_column(String(20))

    assert calls == [("Thing", {"match_args": False, "eq": False})]
    assert "__match_args__" not in Thing.__dict__
    assert "__eq__" not in Thing.__dict__ and "__repr__" in Thing.__dict__


def test_dataclass_mixin_and_registry_decorators(db):
    assert [f.name for f in dataclasses.fields(Flagged)] == ["flag", "id", "name"]
    assert repr(Flagged(True)) == "Flagged(flag=True, id=None, name='n')"
    assert not hasattr(Audited, "__mapper__")
    assert str(inspect.signature(Gadget)) == "(name: str, *, weight: int = 0) -> None"
    assert hash(Widget("w", "a")) == hash(Widget("w", "b"))
    with Session(db) as s:
        s.add_all([Flagged(True, "f"), Gadget("g", weight=3), Widget("w")])
        s.commit()
        assert s.execute(select(Flagged.flag, Flagged.name)).one() == (True, "f")
        gadget = s.scalars(select(Gadget)).one()
        assert (gadget.name, gadget.weight) == ("g", 3)
        assert s.scalar(select(Widget.name)) == "w"


def test_dataclass_arguments_refused_outside_a_dataclass_mapping():
    class Plain(DeclarativeBase):
        pass

    with pytest.raises(
        ArgumentError,
        match=r"Attribute 'x' on class <class '.*\.NoInit'> includes dataclasses argument\(s\): 'init'",
    ):

        class NoInit(Plain):
            __tablename__ = "dc_noinit"
            x: Mapped[int] = mapped_column(primary_key=True, init=False)

    with pytest.raises(ArgumentError, match="'repr', 'default_factory'"):

        class NoRepr(Plain):
            __tablename__ = "dc_norepr"
            id: Mapped[int] = mapped_column(primary_key=True)
            x: Mapped[int] = mapped_column(repr=False, default_factory=int)

    with pytest.raises(ArgumentError, match="Attribute 'kids'"):

        class NoDefaultFactory(Plain):
            __tablename__ = "dc_nofactory"
            id: Mapped[int] = mapped_column(primary_key=True)
            kids: Mapped[list["NoDefaultFactory"]] = relationship(default_factory=list)

    class WithDefault(Plain):  # default= alone is the column's INSERT default
        __tablename__ = "dc_withdefault"
        id: Mapped[int] = mapped_column(primary_key=True)
        x: Mapped[int] = mapped_column(default=3)

    assert WithDefault.__table__.c.x.default.value() == 3


def test_dataclasses_errors_name_the_class():
    class Local(MappedAsDataclass, DeclarativeBase):
        pass

    with pytest.raises(
        InvalidRequestError, match="creating dataclass for 'Broken'.*non-default argument 'name'"
    ):

        class Broken(Local):
            __tablename__ = "dc_broken"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            qty: Mapped[int] = mapped_column(default=1)
            name: Mapped[str] = mapped_column(String(20))

    with pytest.raises(TypeError, match="Bogus.__init_subclass__.. takes no keyword arguments"):

        class Bogus(Local, bogus=True):
            __tablename__ = "dc_bogus"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)


TYPED_PROGRAM = """
from typing import Optional

from typing_extensions import assert_type

from cormorant import String
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    mapped_as_dataclass,
    mapped_column,
    registry,
    relationship,
)


class Base(MappedAsDataclass, DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(50))
    qty: Mapped[int] = mapped_column(default=1)


class Shelf(Base, kw_only=True):
    __tablename__ = "shelf"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    items: Mapped[list[Item]] = relationship(default_factory=list)
    label: Mapped[Optional[str]] = mapped_column(default=None)


reg = registry()


@mapped_as_dataclass(reg)
class Gadget:
    __tablename__ = "gadget"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str]


def build() -> None:
    item = Item("ink", qty=5)
    assert_type(item.qty, int)
    Shelf(items=[item], label="top")
    Gadget("g")
"""

BAD_CALLS = """
Item(3)
Item("ink", 5, 6)
Item(id=1, title="x")
Shelf([])
"""


def test_mypy_sees_dataclass_mappings_as_dataclasses(mypy_strict):
    proc = mypy_strict(TYPED_PROGRAM, "dataclass_program.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = mypy_strict(TYPED_PROGRAM + BAD_CALLS, "dataclass_program.py")
    errors = [line for line in proc.stdout.splitlines() if "dataclass_program.py" in line]
    assert len(errors) == 4, proc.stdout
    assert 'incompatible type "int"; expected "str"' in errors[0]
    assert "Too many arguments" in errors[1] and 'Unexpected keyword argument "id"' in errors[2]
    assert "Too many positional arguments" in errors[3]


def test_class_level_arguments_of_a_base_hold_for_its_subclasses():
    class KwBase(MappedAsDataclass, DeclarativeBase, kw_only=True):
        pass

    class Defaulted(MappedAsDataclass, kw_only=True):
        size: Mapped[int] = mapped_column(default=1)

    class Part(KwBase):
        __tablename__ = "dc_part"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str] = mapped_column(String(20))

    class Bolt(Defaulted, KwBase):
        __tablename__ = "dc_bolt"
        id: Mapped[int] = mapped_column(primary_key=True, init=False)
        name: Mapped[str] = mapped_column(String(20))

    assert str(inspect.signature(Part)) == "(*, name: str) -> None"
    assert str(inspect.signature(Bolt)) == "(*, size: int = 1, name: str) -> None"
    assert Bolt(name="m4").size == 1


class Employee(Base):
    __tablename__ = "dc_employee"
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20), init=False)
    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class Manager(Employee):
    reports: Mapped[Optional[int]] = mapped_column(default=None)
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "dc_engineer"
    id: Mapped[int] = mapped_column(ForeignKey("dc_employee.id"), primary_key=True, init=False)
    language: Mapped[str] = mapped_column(String(20), default="c")
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def test_dataclass_inheritance_hierarchy(db):
    assert repr(Manager("mia", reports=3)) == "Manager(id=None, name='mia', type='manager', reports=3)"
    assert repr(Engineer("eli")) == "Engineer(id=None, name='eli', type='engineer', language='c')"
    assert str(inspect.signature(Engineer)) == "(name: str, language: str = 'c') -> None"
    with Session(db) as s:
        s.add_all([Manager("mia", reports=3), Engineer("eli", "py"), Employee("ed")])
        s.commit()
    with Session(db) as s:
        everyone = s.scalars(select(Employee).order_by(Employee.name)).all()
        assert [repr(e).split("(")[0] for e in everyone] == ["Employee", "Engineer", "Manager"]
        assert (everyone[1].language, everyone[2].reports) == ("py", 3)


def test_a_mixin_that_is_not_a_dataclass_gives_its_fields_with_a_deprecation_warning():
    class Local(MappedAsDataclass, DeclarativeBase):
        pass

    class Created:
        created: Mapped[int] = mapped_column(default=0)

    with pytest.warns(SADeprecationWarning, match=r"attribute\(s\) 'created' originates from superclass"):

        class Doc(Created, Local):
            __tablename__ = "dc_doc"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            title: Mapped[str] = mapped_column(String(20), default="t")

    assert str(inspect.signature(Doc)) == "(created: int = 0, title: str = 't') -> None"
