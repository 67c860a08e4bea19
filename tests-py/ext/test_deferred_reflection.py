"""ext.declarative.DeferredReflection: classes declared before their tables
are read; prepare(engine) reflects them (columns, primary key, foreign keys,
server defaults) and maps the classes, keeping the columns they declare."""

import pytest
from cormorant import Column, ForeignKey, Integer, MetaData, String, Table, select, text
from cormorant.exc import ArgumentError
from cormorant.ext.declarative import DeferredReflection
from cormorant.orm import DeclarativeBase, Session, declarative_base, relationship


@pytest.fixture
def tables(engine):
    metadata = MetaData()
    Table(
        "dr_author",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(30), nullable=False, server_default=text("'anon'")),
    )
    Table(
        "dr_book",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String(30)),
        Column("author_id", Integer, ForeignKey("dr_author.id")),
    )
    Table("dr_shop", metadata, Column("id", Integer, primary_key=True), Column("city", String(30)))
    Table(
        "dr_stock",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("shop_id", Integer, ForeignKey("dr_shop.id")),
    )
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO dr_author (id, name) VALUES (1, 'ann')"))
        conn.execute(text("INSERT INTO dr_book (id, title, author_id) VALUES (1, 'one', 1), (2, 'two', 1)"))
        conn.execute(text("INSERT INTO dr_shop (id, city) VALUES (1, 'oslo')"))
        conn.execute(text("INSERT INTO dr_stock (id, shop_id) VALUES (1, 1)"))
    return engine


def test_prepare_reflects_and_maps_the_classes(tables):
    class Base(DeclarativeBase):
        pass

    class Reflected(DeferredReflection):
        __abstract__ = True

    class Author(Reflected, Base):
        __tablename__ = "dr_author"
        books = relationship("Book", back_populates="author", order_by="Book.id")

    class Book(Reflected, Base):
        __tablename__ = "dr_book"
        title = Column(String(99))  # declared: kept as given, not as reflected
        author = relationship("Author", back_populates="books")

    assert "__mapper__" not in Author.__dict__  # not mapped before prepare()
    Reflected.prepare(tables)
    assert set(Author.__table__.c.keys()) == {"id", "name"}
    assert Book.__table__.c.title.type.length == 99
    assert Book.__table__.c.author_id.type.__class__ is Integer
    assert [c.name for c in Author.__table__.primary_key] == ["id"]
    with Session(tables) as session:
        ann = session.get(Author, 1)
        assert ann.name == "ann"
        assert [b.title for b in ann.books] == ["one", "two"]
        assert session.get(Book, 2).author is ann
        session.add(Author(id=2))
        session.commit()
        assert session.scalar(select(Author.name).where(Author.id == 2)) == "anon"


def test_tables_referred_to_are_reflected_too(tables):
    Base = declarative_base()

    class Reflected(DeferredReflection):
        __abstract__ = True

    class Stock(Reflected, Base):
        __tablename__ = "dr_stock"

    Reflected.prepare(tables)
    shop = Base.metadata.tables["dr_shop"]
    assert set(shop.c.keys()) == {"id", "city"}
    with Session(tables) as session:
        rows = session.execute(select(Stock.id, shop.c.city).join(shop)).all()
        assert [tuple(r) for r in rows] == [(1, "oslo")]


def test_prepare_maps_only_its_own_subclasses(tables):
    class Base(DeclarativeBase):
        pass

    class First(DeferredReflection):
        __abstract__ = True

    class Second(DeferredReflection):
        __abstract__ = True

    class Shop(First, Base):
        __tablename__ = "dr_shop"

    class Author(Second, Base):
        __tablename__ = "dr_author"

    First.prepare(tables)
    assert "__mapper__" in Shop.__dict__ and "__mapper__" not in Author.__dict__
    Second.prepare(tables)
    with Session(tables) as session:
        assert session.get(Author, 1).name == "ann"


def test_prepare_refuses_what_it_cannot_do(tables):
    class Reflected(DeferredReflection):
        __abstract__ = True

    with pytest.raises(ArgumentError, match="Engine or Connection"):
        Reflected.prepare("sqlite://")
    with pytest.raises(NotImplementedError, match="views"):
        Reflected.prepare(tables, views=True)
