"""relationship() join conditions beyond plain foreign keys: backref() with
arguments for the reverse side, primaryjoin with foreign() on columns that
have no ForeignKey, remote() for a self-referential adjacency list, extra
criteria in a primaryjoin carried by lazy, selectin and joined loads and by
joins; and RelationshipDirection / CascadeOptions as SQLAlchemy's."""

from typing import Optional

import pytest
from cormorant import Boolean, Column, ForeignKey, Integer, String, Table, select
from cormorant.exc import ArgumentError
from cormorant.orm import (
    MANYTOONE,
    ONETOMANY,
    CascadeOptions,
    DeclarativeBase,
    Mapped,
    RelationshipDirection,
    Session,
    backref,
    configure_mappers,
    foreign,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "jc_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


class Article(Base):
    __tablename__ = "jc_article"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(30))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("jc_author.id"))
    author = relationship("Author", backref=backref("articles", lazy="selectin", order_by="Article.id"))


class Shelf(Base):
    """Books name their shelf by a plain integer column: no ForeignKey."""

    __tablename__ = "jc_shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30))
    books: Mapped[list["Book"]] = relationship(
        primaryjoin="Shelf.id == foreign(Book.shelf_no)", back_populates="shelf", order_by="Book.id"
    )
    # the same join narrowed by an extra criterion on the related rows
    lent_books: Mapped[list["Book"]] = relationship(
        primaryjoin="and_(Shelf.id == foreign(Book.shelf_no), Book.lent == True)",
        viewonly=True,
        order_by="Book.id",
    )


class Book(Base):
    __tablename__ = "jc_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(30))
    shelf_no: Mapped[Optional[int]] = mapped_column(Integer)
    lent: Mapped[bool] = mapped_column(Boolean, default=False)
    shelf: Mapped[Optional["Shelf"]] = relationship(
        primaryjoin=lambda: foreign(Book.shelf_no) == Shelf.id, back_populates="books"
    )


class Node(Base):
    """An adjacency list whose parent column has no ForeignKey: remote() says
    which side is the related rows'."""

    __tablename__ = "jc_node"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    parent_no: Mapped[Optional[int]] = mapped_column(Integer)
    children: Mapped[list["Node"]] = relationship(
        primaryjoin="Node.id == remote(foreign(Node.parent_no))", back_populates="parent", order_by="Node.id"
    )
    parent: Mapped[Optional["Node"]] = relationship(
        primaryjoin="remote(Node.id) == foreign(Node.parent_no)", back_populates="children"
    )


follows = Table(
    "jc_follows",
    Base.metadata,
    Column("follower_id", ForeignKey("jc_person.id"), primary_key=True),
    Column("followed_id", ForeignKey("jc_person.id"), primary_key=True),
)


class Person(Base):
    """A self-referential many-to-many: the association table's two foreign keys
    to the same table are told apart by primaryjoin and secondaryjoin."""

    __tablename__ = "jc_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    following: Mapped[list["Person"]] = relationship(
        secondary=follows,
        primaryjoin=lambda: Person.id == follows.c.follower_id,
        secondaryjoin="Person.id == jc_follows.c.followed_id",
        backref=backref("followers", order_by="Person.id"),
        order_by="Person.id",
    )


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def test_backref_with_arguments_configures_the_reverse_side(db):
    configure_mappers()  # backrefs exist once mappers are configured, as in SQLAlchemy
    assert Author.articles.lazy == "selectin"
    assert Author.articles.direction is ONETOMANY and Article.author.direction is MANYTOONE
    with Session(db) as s:
        ann = Author(name="ann")
        Article(title="b", author=ann)
        Article(title="a", author=ann)
        s.add(ann)
        s.commit()
    with Session(db) as s:
        author = s.scalars(select(Author)).one()
        assert "articles" in author.__dict__  # loaded eagerly, as the backref() asked
        assert [a.title for a in author.articles] == ["b", "a"]
        assert author.articles[0].author is author


def test_backref_as_a_plain_name_still_works(db):
    class LocalBase(DeclarativeBase):
        pass

    class Team(LocalBase):
        __tablename__ = "jc_team"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Player(LocalBase):
        __tablename__ = "jc_player"
        id: Mapped[int] = mapped_column(primary_key=True)
        team_id: Mapped[int] = mapped_column(ForeignKey("jc_team.id"))
        team = relationship(Team, backref="players")

    LocalBase.metadata.create_all(db)
    try:
        with Session(db) as s:
            team = Team(players=[Player(), Player()])
            s.add(team)
            s.commit()
            assert s.scalars(select(Player)).all()[0].team is team
            assert [p.team_id for p in team.players] == [team.id, team.id]
            assert Team.players.direction is RelationshipDirection.ONETOMANY
    finally:
        LocalBase.metadata.drop_all(db)


def test_foreign_annotation_joins_columns_without_a_foreign_key(db):
    assert Shelf.books.direction is ONETOMANY and Book.shelf.direction is MANYTOONE
    with Session(db) as s:
        top = Shelf(label="top", books=[Book(title="x"), Book(title="y", lent=True)])
        s.add(top)
        s.commit()
        assert {b.shelf_no for b in top.books} == {top.id}  # the flush synchronised the plain column
    with Session(db) as s:
        shelf = s.scalars(select(Shelf)).one()
        assert [b.title for b in shelf.books] == ["x", "y"]
        assert shelf.books[1].shelf is shelf
        book = s.scalars(select(Book).where(Book.title == "x")).one()
        assert book.shelf.label == "top"
        titles = s.scalars(select(Book.title).join(Book.shelf).where(Shelf.label == "top").order_by(Book.id))
        assert titles.all() == ["x", "y"]


def test_extra_criteria_of_a_primaryjoin_narrow_every_load(db):
    with Session(db) as s:
        s.add(
            Shelf(
                label="s",
                books=[Book(title="in"), Book(title="out", lent=True), Book(title="gone", lent=True)],
            )
        )
        s.commit()
    with Session(db) as s:  # lazy
        assert [b.title for b in s.scalars(select(Shelf)).one().lent_books] == ["out", "gone"]
    with Session(db) as s:  # selectin
        shelf = s.scalars(select(Shelf).options(selectinload(Shelf.lent_books))).one()
        assert [b.title for b in shelf.__dict__["lent_books"]] == ["out", "gone"]
    with Session(db) as s:  # joined
        shelf = s.scalars(select(Shelf).options(joinedload(Shelf.lent_books))).unique().one()
        assert [b.title for b in shelf.__dict__["lent_books"]] == ["out", "gone"]
    with Session(db) as s:  # a join, and any()
        rows = s.execute(select(Shelf.label, Book.title).join(Shelf.lent_books).order_by(Book.id)).all()
        assert [tuple(r) for r in rows] == [("s", "out"), ("s", "gone")]
        assert s.scalar(select(Shelf.label).where(Shelf.lent_books.any(Book.title == "in"))) is None


def test_remote_annotation_makes_a_self_referential_adjacency_list(db):
    assert Node.children.direction is ONETOMANY and Node.parent.direction is MANYTOONE
    with Session(db) as s:
        root = Node(name="root", children=[Node(name="a"), Node(name="b", children=[Node(name="b1")])])
        s.add(root)
        s.commit()
    with Session(db) as s:
        root = s.scalars(select(Node).where(Node.name == "root")).one()
        assert [c.name for c in root.children] == ["a", "b"]
        assert [c.name for c in root.children[1].children] == ["b1"]
        leaf = s.scalars(select(Node).where(Node.name == "b1")).one()
        assert leaf.parent.name == "b" and leaf.parent.parent is root
        assert root.parent is None


def test_a_primaryjoin_without_any_foreign_column_is_refused(db):
    class LocalBase(DeclarativeBase):
        pass

    class Box(LocalBase):
        __tablename__ = "jc_box"
        id: Mapped[int] = mapped_column(primary_key=True)
        items: Mapped[list["Item"]] = relationship(primaryjoin="Box.id == Item.box_no")

    class Item(LocalBase):
        __tablename__ = "jc_item"
        id: Mapped[int] = mapped_column(primary_key=True)
        box_no: Mapped[int] = mapped_column(Integer)

    try:
        with pytest.raises(ArgumentError, match=r"condition 'jc_box.id = jc_item.box_no'.*foreign\(\)"):
            Box.items.direction  # noqa: B018 - reading it configures the relationship, which raises
    finally:
        LocalBase.registry.dispose()  # configure_mappers() would meet it again


def test_cascade_options_as_sqlalchemy_s():
    options = CascadeOptions("all, delete-orphan")
    assert isinstance(options, frozenset)
    assert options.delete and options.delete_orphan and options.save_update and options.merge
    assert not CascadeOptions(["save-update"]).delete
    with pytest.raises(ArgumentError, match="bogus"):
        CascadeOptions("save-update, bogus")
    assert isinstance(Article.author.cascade, CascadeOptions) and Article.author.cascade.save_update


def test_relationship_keywords_are_kept_or_refused_by_name():
    rel = relationship("Book", info={"ui": "list"}, doc="the books", overlaps="shelf")
    assert rel.info == {"ui": "list"} and rel.doc == "the books"
    relationship("Book", passive_updates=True, single_parent=False)  # the defaults are accepted
    with pytest.raises(NotImplementedError, match="join_depth=2"):
        relationship("Node", join_depth=2)
    with pytest.raises(TypeError, match="'bogus_option'"):
        relationship("Book", bogus_option=1)


def test_primaryjoin_and_secondaryjoin_tell_apart_a_self_referential_association(db):
    with Session(db) as s:
        ann, bob, cat = Person(name="ann"), Person(name="bob"), Person(name="cat")
        ann.following = [bob, cat]
        bob.following = [cat]
        s.add_all([ann, bob, cat])
        s.commit()
        rows = s.execute(select(follows.c.follower_id, follows.c.followed_id).order_by(follows.c.followed_id))
        assert sorted(tuple(r) for r in rows) == sorted(
            [(ann.id, bob.id), (ann.id, cat.id), (bob.id, cat.id)]
        )
    with Session(db) as s:
        people = {p.name: p for p in s.scalars(select(Person))}
        assert [p.name for p in people["ann"].following] == ["bob", "cat"]
        assert [p.name for p in people["cat"].followers] == ["ann", "bob"]
        assert people["ann"].followers == []
    with Session(db) as s:
        eager = s.scalars(select(Person).order_by(Person.id).options(selectinload(Person.following))).all()
        assert [[f.name for f in p.__dict__["following"]] for p in eager] == [["bob", "cat"], ["cat"], []]
        joined = (
            s.scalars(select(Person).order_by(Person.id).options(joinedload(Person.followers))).unique().all()
        )
        assert [[f.name for f in p.__dict__["followers"]] for p in joined] == [[], ["ann"], ["ann", "bob"]]


def test_a_configured_relationship_describes_its_columns():
    configure_mappers()
    author_id, author_pk = Article.__table__.c.author_id, Author.__table__.c.id
    assert Article.author.local_remote_pairs == [(author_id, author_pk)]
    assert Article.author.local_columns == {author_id} and Article.author.remote_side == {author_pk}
    assert Author.articles.local_columns == {author_pk} and Author.articles.target is Article.__table__
    assert str(Shelf.lent_books.primaryjoin) == "jc_shelf.id = jc_book.shelf_no AND jc_book.lent = :lent_1"
    assert Shelf.books.secondaryjoin is None
    assert Person.following.remote_side == {follows.c.follower_id}
    assert str(Person.following.secondaryjoin) == "jc_person.id = jc_follows.followed_id"
