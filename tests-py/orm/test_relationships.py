"""relationship(): collections and backrefs, cascades, loader strategies and
options, joins along relationships, and the unit of work's ordering of
INSERT/UPDATE/DELETE by foreign-key dependency (post_update included).

Every expectation here was checked against SQLAlchemy 2.0 on SQLite and
PostgreSQL. Foreign keys are enforced on SQLite too (PRAGMA foreign_keys=ON on
connect), so a flush that writes rows in the wrong order fails on both
backends. Statement counts count SELECTs only: whether BEGIN or SAVEPOINT goes
through the cursor differs between drivers."""

from typing import Optional

import pytest
from cormorant import Column, ForeignKey, String, Table, Text, event, exc, func, select, text
from cormorant.exc import ArgumentError, IntegrityError, InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    contains_eager,
    defer,
    joinedload,
    lazyload,
    mapped_column,
    noload,
    raiseload,
    relationship,
    selectinload,
    undefer,
)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    bio: Mapped[Optional[str]] = mapped_column(Text)
    # default cascade ("save-update, merge"): deleting a user or removing a post
    # from the collection sets posts.author_id to NULL
    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by=lambda: Post.title.desc())
    profile: Mapped[Optional["Profile"]] = relationship(back_populates="user", uselist=False)


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[Optional[str]] = mapped_column(Text, deferred=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    author: Mapped[Optional["User"]] = relationship(back_populates="posts")
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="Comment.id"
    )


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(100))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    post: Mapped["Post"] = relationship(back_populates="comments")


class Profile(Base):
    """One-to-one with User; its many-to-one side is eager (lazy="joined")."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(50))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), unique=True)
    user: Mapped[Optional["User"]] = relationship(back_populates="profile", lazy="joined")


book_tags = Table(
    "book_tags",
    Base.metadata,
    Column("book_id", ForeignKey("books.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    tags: Mapped[list["Tag"]] = relationship(secondary=book_tags, back_populates="books")


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    books: Mapped[list["Book"]] = relationship(secondary=book_tags, back_populates="tags")


class Node(Base):
    __tablename__ = "nodes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("nodes.id"))
    parent: Mapped[Optional["Node"]] = relationship(back_populates="children", remote_side="Node.id")
    children: Mapped[list["Node"]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", order_by="Node.name"
    )


class Album(Base):
    """Loader strategies declared on the relationship."""

    __tablename__ = "albums"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    tracks: Mapped[list["Track"]] = relationship(
        back_populates="album", lazy="selectin", order_by="Track.number"
    )
    credits: Mapped[list["Credit"]] = relationship(lazy="raise")
    reviews: Mapped[list["Review"]] = relationship(lazy="noload")


class Track(Base):
    __tablename__ = "tracks"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id"))
    album: Mapped["Album"] = relationship(back_populates="tracks")


class Credit(Base):
    __tablename__ = "credits"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id"))


class Review(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    stars: Mapped[int]
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id"))


class CycleBase(DeclarativeBase):
    pass


class Author(CycleBase):
    """authors.favorite_article_id -> articles and articles.author_id -> authors:
    a cycle, broken by the nullable foreign key written in a second UPDATE."""

    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    favorite_article_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("articles.id", use_alter=True, name="fk_authors_favorite_article")
    )
    articles: Mapped[list["Article"]] = relationship(
        back_populates="author", foreign_keys="Article.author_id"
    )
    favorite_article: Mapped[Optional["Article"]] = relationship(
        foreign_keys=[favorite_article_id], post_update=True
    )


class Article(CycleBase):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped["Author"] = relationship(back_populates="articles", foreign_keys=[author_id])


# --- fixtures and helpers ------------------------------------------------------------


def enforce_foreign_keys(engine):
    """SQLite checks foreign keys only when asked to, per connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def foreign_keys_on(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@pytest.fixture
def db(engine):
    enforce_foreign_keys(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


@pytest.fixture
def cycle_db(engine):
    enforce_foreign_keys(engine)
    CycleBase.metadata.create_all(engine)
    yield engine
    CycleBase.metadata.drop_all(engine)


def selects(statements):
    return [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]


def writes(statements):
    """(verb, table) of each INSERT / UPDATE / DELETE, in the order sent."""
    out = []
    for sql in statements:
        words = sql.replace('"', " ").split()
        verb = words[0].upper() if words else ""
        if verb == "INSERT":
            out.append(("INSERT", words[2].lower()))
        elif verb == "UPDATE":
            out.append(("UPDATE", words[1].lower()))
        elif verb == "DELETE":
            out.append(("DELETE", words[2].lower()))
    return out


def runs(items):
    """`items` with consecutive repeats collapsed (batched or not, one run per table)."""
    out = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out


def rows(engine, sql, **params):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def count(engine, table):
    return rows(engine, f"SELECT count(*) FROM {table}")[0][0]


BLOG = {
    # user -> {post title -> comment bodies}; titles are inserted out of order
    "ann": {"ann-b": ["ann-b-1", "ann-b-2"], "ann-c": ["ann-c-1"], "ann-a": []},
    "bob": {"bob-y": ["bob-y-1"], "bob-x": ["bob-x-1", "bob-x-2"], "bob-z": ["bob-z-1"]},
    "cat": {"cat-m": ["cat-m-1"]},
    "dan": {},
}


def seed_blog(engine):
    with Session(engine) as s:
        for name, posts in BLOG.items():
            user = User(name=name, bio=f"{name} writes")
            for title, bodies in posts.items():
                user.posts.append(
                    Post(title=title, body=f"{title} text", comments=[Comment(body=b) for b in bodies])
                )
            s.add(user)
        s.commit()


def blog_as_loaded(users):
    """{user: [(post title, [comment bodies])]} in the relationship's order."""
    return {u.name: [(p.title, [c.body for c in p.comments]) for p in u.posts] for u in users}


EXPECTED_BLOG = {
    name: [(title, posts[title]) for title in sorted(posts, reverse=True)] for name, posts in BLOG.items()
}


def test_foreign_keys_are_enforced_on_every_backend(db):
    # the ordering tests below rely on this
    with Session(db) as s:
        s.add(Comment(body="dangling", post_id=12345))
        with pytest.raises(IntegrityError):
            s.flush()


# --- a cycle broken by post_update ----------------------------------------------------


def test_post_update_cycle_inserted_and_deleted_in_one_flush(cycle_db, capture_sql):
    with Session(cycle_db) as s:
        ann = Author(name="ann")
        first = Article(title="first", author=ann)
        ann.favorite_article = first
        s.add(ann)
        with capture_sql(cycle_db) as seen:
            s.flush()
        # the author goes in with favorite_article_id NULL, the article after it,
        # then the post_update UPDATE fills in the favorite
        assert writes(seen) == [("INSERT", "authors"), ("INSERT", "articles"), ("UPDATE", "authors")]
        assert ann.favorite_article_id == first.id
        assert first.author_id == ann.id
        ann_id, first_id = ann.id, first.id
        s.commit()
    assert rows(cycle_db, "SELECT id, favorite_article_id FROM authors") == [(ann_id, first_id)]
    assert rows(cycle_db, "SELECT id, author_id FROM articles") == [(first_id, ann_id)]

    with Session(cycle_db) as s:
        ann = s.get(Author, ann_id)
        first = ann.favorite_article
        assert first.id == first_id and first.author is ann
        s.delete(ann)
        s.delete(first)
        with capture_sql(cycle_db) as seen:
            s.flush()
        # the favorite is cleared first; then the article, then its author
        assert writes(seen) == [("UPDATE", "authors"), ("DELETE", "articles"), ("DELETE", "authors")]
        s.commit()
    assert count(cycle_db, "authors") == 0
    assert count(cycle_db, "articles") == 0


def test_post_update_on_a_persistent_pair(cycle_db):
    with Session(cycle_db) as s:
        ann = Author(name="ann", articles=[Article(title="one"), Article(title="two")])
        s.add(ann)
        s.commit()
        one, two = sorted(ann.articles, key=lambda a: a.title)
        ann.favorite_article = two
        s.commit()
        assert rows(cycle_db, "SELECT favorite_article_id FROM authors") == [(two.id,)]
        ann.favorite_article = None
        s.commit()
        assert rows(cycle_db, "SELECT favorite_article_id FROM authors") == [(None,)]
        assert count(cycle_db, "articles") == 2  # clearing a many-to-one deletes nothing


def test_a_cycle_without_post_update_cannot_be_flushed(engine):
    class LocalBase(DeclarativeBase):
        pass

    class Team(LocalBase):
        __tablename__ = "teams"
        id: Mapped[int] = mapped_column(primary_key=True)
        captain_id: Mapped[Optional[int]] = mapped_column(
            ForeignKey("players.id", use_alter=True, name="fk_captain")
        )
        captain: Mapped[Optional["Player"]] = relationship(foreign_keys=[captain_id])

    class Player(LocalBase):
        __tablename__ = "players"
        id: Mapped[int] = mapped_column(primary_key=True)
        team_id: Mapped[Optional[int]] = mapped_column(ForeignKey("teams.id"))
        team: Mapped[Optional["Team"]] = relationship(foreign_keys=[team_id])

    LocalBase.metadata.create_all(engine)
    try:
        with Session(engine) as s:
            team = Team()
            team.captain = Player(team=team)
            s.add(team)
            with pytest.raises(exc.CircularDependencyError):
                s.flush()
            s.rollback()
        assert count(engine, "teams") == 0
        assert count(engine, "players") == 0
    finally:
        LocalBase.metadata.drop_all(engine)


# --- moving a child between parents ---------------------------------------------------


@pytest.mark.parametrize("how", ["set_many_to_one", "append_to_collection"])
def test_moving_a_post_to_another_author(db, how):
    with Session(db) as s:
        ann, bob = User(name="ann"), User(name="bob")
        post = Post(title="p", author=ann)
        s.add_all([ann, bob])
        s.commit()
        assert ann.posts == [post] and bob.posts == []
        if how == "set_many_to_one":
            post.author = bob
        else:
            bob.posts.append(post)
        # both sides are updated in memory, before any flush
        assert post.author is bob
        assert ann.posts == []
        assert bob.posts == [post]
        assert post.author_id == ann.id  # the column is written by the flush
        s.commit()
        ann_id, bob_id, post_id = ann.id, bob.id, post.id
    assert rows(db, "SELECT id, author_id FROM posts") == [(post_id, bob_id)]
    with Session(db) as s:
        assert s.get(User, ann_id).posts == []
        assert [p.id for p in s.get(User, bob_id).posts] == [post_id]


@pytest.mark.parametrize("how", ["set_many_to_one", "append_to_collection"])
def test_moving_a_child_under_delete_orphan_does_not_delete_it(db, how):
    with Session(db) as s:
        one, two = Post(title="one"), Post(title="two")
        comment = Comment(body="moving", post=one)
        s.add_all([one, two])
        s.commit()
        assert one.comments == [comment] and two.comments == []
        if how == "set_many_to_one":
            comment.post = two
        else:
            two.comments.append(comment)
        assert comment.post is two
        assert one.comments == []
        assert two.comments == [comment]
        s.commit()
        assert comment in s  # still persistent: moved, not orphaned
        comment_id, two_id = comment.id, two.id
    assert rows(db, "SELECT id, post_id FROM comments") == [(comment_id, two_id)]


# --- replacing a whole collection ------------------------------------------------------


def test_replacing_a_delete_orphan_collection_deletes_the_dropped_children(db):
    with Session(db) as s:
        post = Post(title="p", comments=[Comment(body="old1"), Comment(body="old2")])
        s.add(post)
        s.commit()
        old1, old2 = post.comments
        post.comments = [old2, Comment(body="new")]
        assert old1.post is None  # the backref is cleared right away
        assert old2.post is post
        s.commit()
        post_id = post.id
    assert rows(db, "SELECT body, post_id FROM comments ORDER BY body") == [
        ("new", post_id),
        ("old2", post_id),
    ]


def test_replacing_a_plain_collection_nulls_the_dropped_childrens_fk(db):
    with Session(db) as s:
        ann = User(name="ann", posts=[Post(title="old1"), Post(title="old2")])
        s.add(ann)
        s.commit()
        old2, old1 = ann.posts  # title descending
        ann.posts = [old2, Post(title="new")]
        assert old1.author is None
        s.commit()
        ann_id = ann.id
    assert rows(db, "SELECT title, author_id FROM posts ORDER BY title") == [
        ("new", ann_id),
        ("old1", None),  # kept, detached from its author
        ("old2", ann_id),
    ]


# --- raiseload ---------------------------------------------------------------------------


def test_raiseload_option_names_the_attribute(db):
    seed_blog(db)
    with Session(db) as s:
        ann = s.execute(select(User).where(User.name == "ann").options(raiseload(User.posts))).scalar_one()
        assert ann.name == "ann"  # columns are unaffected
        with pytest.raises(InvalidRequestError, match=r"User\.posts"):
            ann.posts
        post = s.execute(
            select(Post).where(Post.title == "ann-a").options(raiseload(Post.author))
        ).scalar_one()
        # raises even though the author is in the identity map already
        with pytest.raises(InvalidRequestError, match=r"Post\.author"):
            post.author
        # other relationships still load lazily
        assert post.comments == []


def test_raiseload_does_not_block_eager_loading_elsewhere(db):
    seed_blog(db)
    with Session(db) as s:
        stmt = (
            select(User).where(User.name == "bob").options(selectinload(User.posts).raiseload(Post.comments))
        )
        bob = s.execute(stmt).scalar_one()
        assert [p.title for p in bob.posts] == ["bob-z", "bob-y", "bob-x"]
        with pytest.raises(InvalidRequestError, match=r"Post\.comments"):
            bob.posts[0].comments


def test_lazy_raise_declared_on_the_relationship(db, capture_sql):
    with Session(db) as s:
        s.add(Album(title="a", credits=[Credit(name="x"), Credit(name="y")]))  # writes are fine
        s.commit()
    with Session(db) as s:
        album = s.execute(select(Album)).scalar_one()
        with capture_sql(db) as seen:
            with pytest.raises(InvalidRequestError, match=r"Album\.credits"):
                album.credits
        assert selects(seen) == []  # raised without a query
    with Session(db) as s:
        album = s.execute(select(Album).options(selectinload(Album.credits))).scalar_one()
        assert sorted(c.name for c in album.credits) == ["x", "y"]


# --- many-to-many: the same link appended twice ----------------------------------------


@pytest.mark.parametrize("how", ["append_twice", "constructor", "both_sides"])
def test_many_to_many_pending_duplicate_link_fails_the_flush(db, how):
    with Session(db) as s:
        python = Tag(name="python")
        if how == "constructor":
            book = Book(title="b", tags=[python, python])
        else:
            book = Book(title="b")
            book.tags.append(python)
            if how == "append_twice":
                book.tags.append(python)
            else:
                python.books.append(book)
        # a list collection keeps the duplicate, and the backref repeats it
        assert book.tags == [python, python]
        assert python.books == [book, book]
        s.add(book)
        # one INSERT into book_tags per entry: the second violates its primary key
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
    assert count(db, "books") == 0
    assert count(db, "tags") == 0
    assert count(db, "book_tags") == 0


def test_many_to_many_duplicate_removed_before_flush_leaves_one_row(db):
    with Session(db) as s:
        python, book = Tag(name="python"), Book(title="b")
        book.tags.append(python)
        book.tags.append(python)
        book.tags.remove(python)  # removes one entry of the two
        assert book.tags == [python]
        assert python.books == [book]
        s.add(book)
        s.commit()
        ids = (book.id, python.id)
    assert rows(db, "SELECT book_id, tag_id FROM book_tags") == [ids]


def test_many_to_many_reappending_a_linked_tag_adds_no_row(db):
    with Session(db) as s:
        python = Tag(name="python")
        book = Book(title="b", tags=[python])
        s.add(book)
        s.commit()
        # both collections loaded: the flush compares them with what was loaded
        assert book.tags == [python] and python.books == [book]
        book.tags.append(python)
        assert book.tags == [python, python]
        assert python.books == [book, book]
        # no INSERT for a link already in the database. (Were python.books not
        # loaded, the backref's pending append would count as new, and SQLAlchemy
        # would INSERT the pair again and fail on the primary key.)
        s.commit()
        assert book.tags == [python]  # reloaded after the commit expired it
        assert python.books == [book]
        ids = (book.id, python.id)
    assert rows(db, "SELECT book_id, tag_id FROM book_tags") == [ids]


def test_many_to_many_backrefs_before_flush(db):
    with Session(db) as s:
        python, sql, book = Tag(name="python"), Tag(name="sql"), Book(title="b")
        s.add_all([python, sql, book])
        book.tags.append(python)
        assert python.books == [book]
        sql.books.append(book)
        assert book.tags == [python, sql]
        book.tags.remove(python)
        assert python.books == []
        assert book.tags == [sql]
        s.commit()
        ids = (book.id, sql.id)
    assert rows(db, "SELECT book_id, tag_id FROM book_tags") == [ids]
    assert count(db, "tags") == 2


def test_deleting_a_book_deletes_its_links_not_its_tags(db):
    with Session(db) as s:
        python, sql = Tag(name="python"), Tag(name="sql")
        keep = Book(title="keep", tags=[sql])
        s.add_all([Book(title="gone", tags=[python, sql]), keep])
        s.commit()
        keep_id, sql_id = keep.id, sql.id
    with Session(db) as s:
        gone = s.execute(select(Book).where(Book.title == "gone")).scalar_one()  # tags not loaded
        s.delete(gone)
        s.commit()
    assert rows(db, "SELECT book_id, tag_id FROM book_tags") == [(keep_id, sql_id)]
    assert rows(db, "SELECT name FROM tags ORDER BY name") == [("python",), ("sql",)]


def test_join_along_many_to_many_from_either_side(db):
    with Session(db) as s:
        python, sql, orm = Tag(name="python"), Tag(name="sql"), Tag(name="orm")
        s.add_all(
            [
                Book(title="alchemy", tags=[python, sql, orm]),
                Book(title="queries", tags=[sql]),
                Tag(name="unused"),
            ]
        )
        s.commit()
        names = (
            s.execute(select(Tag.name).join(Tag.books).where(Book.title == "alchemy").order_by(Tag.name))
            .scalars()
            .all()
        )
        assert names == ["orm", "python", "sql"]
        per_tag = s.execute(
            select(Tag.name, func.count(Book.id)).outerjoin(Tag.books).group_by(Tag.name).order_by(Tag.name)
        ).all()
        assert [tuple(r) for r in per_tag] == [("orm", 1), ("python", 1), ("sql", 2), ("unused", 0)]


# --- one-to-many default cascade (save-update, merge) -------------------------------------


def test_save_update_cascade_follows_collection_appends(db):
    with Session(db) as s:
        ann = User(name="ann")
        s.add(ann)
        first = Post(title="first")
        ann.posts.append(first)
        assert first in s  # cascaded when appended to a parent in the session
        s.commit()
        second = Post(title="second")
        ann.posts.append(second)
        assert second in s.new
        s.commit()
        ann_id = ann.id
    assert rows(db, "SELECT title, author_id FROM posts ORDER BY title") == [
        ("first", ann_id),
        ("second", ann_id),
    ]


def test_setting_many_to_one_does_not_cascade_the_child_into_the_session(db):
    with Session(db) as s:
        ann = User(name="ann")
        s.add(ann)
        s.commit()
        assert ann.posts == []
        post = Post(title="p")
        post.author = ann  # the backref appends to ann.posts ...
        assert ann.posts == [post]
        assert post not in s  # ... but backrefs do not cascade the add (SQLAlchemy 2.0)
        with pytest.warns(exc.SAWarning, match="not in session"):
            s.commit()  # the flush skips it, with a warning
        assert post not in s
        assert count(db, "posts") == 0
        s.add(post)  # an explicit add does it
        s.commit()
        ann_id = ann.id
    assert rows(db, "SELECT title, author_id FROM posts") == [("p", ann_id)]


def test_deleting_a_parent_without_delete_cascade_nulls_the_children(db):
    with Session(db) as s:
        s.add_all(
            [
                User(name="ann", posts=[Post(title="a1"), Post(title="a2")]),
                User(name="bob", posts=[Post(title="b1")]),
            ]
        )
        s.commit()
        bob_id = s.execute(select(User.id).where(User.name == "bob")).scalar_one()
    with Session(db) as s:
        ann = s.execute(select(User).where(User.name == "ann")).scalar_one()  # posts not loaded
        s.delete(ann)
        s.commit()
    assert rows(db, "SELECT title, author_id FROM posts ORDER BY title") == [
        ("a1", None),
        ("a2", None),
        ("b1", bob_id),
    ]
    assert rows(db, "SELECT name FROM users") == [("bob",)]


# --- cascade="all, delete-orphan" -------------------------------------------------------


def test_delete_orphan_remove_pop_and_unsetting_the_parent(db):
    with Session(db) as s:
        post = Post(title="p", comments=[Comment(body=f"c{i}") for i in range(4)])
        s.add(post)
        s.commit()
        c0, c1, c2, c3 = post.comments
        post.comments.remove(c0)
        popped = post.comments.pop()
        assert popped is c3
        c1.post = None  # detaching through the many-to-one orphans it as well
        assert post.comments == [c2]
        s.commit()
        post_id = post.id
    assert rows(db, "SELECT body, post_id FROM comments") == [("c2", post_id)]


def test_removed_then_readded_child_is_not_deleted(db):
    with Session(db) as s:
        post = Post(title="p", comments=[Comment(body="c")])
        s.add(post)
        s.commit()
        comment = post.comments[0]
        post.comments.remove(comment)
        post.comments.append(comment)
        s.commit()
    assert count(db, "comments") == 1


def test_deleting_a_parent_deletes_its_unloaded_children(db):
    with Session(db) as s:
        s.add_all(
            [
                Post(title="gone", comments=[Comment(body="g1"), Comment(body="g2")]),
                Post(title="kept", comments=[Comment(body="k1")]),
            ]
        )
        s.commit()
    with Session(db) as s:
        gone = s.execute(select(Post).where(Post.title == "gone")).scalar_one()
        s.delete(gone)
        s.commit()
    assert rows(db, "SELECT body FROM comments") == [("k1",)]
    assert rows(db, "SELECT title FROM posts") == [("kept",)]


# --- backref bookkeeping before flush -----------------------------------------------------


def test_one_to_many_backrefs_before_flush(db):
    ann = User(name="ann")
    post = Post(title="p")
    ann.posts.append(post)
    assert post.author is ann
    ann.posts.remove(post)
    assert post.author is None
    post.author = ann
    assert ann.posts == [post]
    post.author = None
    assert ann.posts == []
    comment = Comment(body="c")
    post.comments.append(comment)
    assert comment.post is post
    with Session(db) as s:
        s.add_all([ann, post])
        s.commit()
        assert post.author_id is None and comment.post_id == post.id


# --- one-to-one and many-to-one -----------------------------------------------------------


def test_one_to_one_with_uselist_false(db, capture_sql):
    with Session(db) as s:
        ann = User(name="ann")
        ann.profile = Profile(handle="@ann")
        assert ann.profile.user is ann
        s.add_all([ann, User(name="bob")])
        s.commit()
        ann_id = ann.id
    with Session(db) as s:
        ann = s.get(User, ann_id)
        assert isinstance(ann.profile, Profile)  # a scalar, not a list
        assert ann.profile.handle == "@ann"
        bob = s.execute(select(User).where(User.name == "bob")).scalar_one()
        assert bob.profile is None
        old = ann.profile
        ann.profile = Profile(handle="@ann2")
        assert old.user is None
        s.commit()  # the old row's user_id is nulled before the new row takes the unique value
    assert rows(db, "SELECT handle, user_id FROM profiles ORDER BY handle") == [
        ("@ann", None),
        ("@ann2", ann_id),
    ]


def test_lazy_joined_declared_many_to_one(db, capture_sql):
    with Session(db) as s:
        s.add_all([Profile(handle="@ann", user=User(name="ann")), Profile(handle="@nobody")])
        s.commit()
    with Session(db) as s:
        with capture_sql(db) as seen:
            profiles = s.execute(select(Profile).order_by(Profile.handle)).scalars().all()
            owners = [p.user.name if p.user else None for p in profiles]
        assert owners == ["ann", None]
        assert len(selects(seen)) == 1  # Profile.user is lazy="joined": one LEFT OUTER JOIN
    with Session(db) as s:
        with capture_sql(db) as seen:
            profile = s.execute(
                select(Profile).where(Profile.handle == "@ann").options(lazyload(Profile.user))
            ).scalar_one()
            assert profile.user.name == "ann"
        assert len(selects(seen)) == 2  # overridden: the user loads on access


def test_many_to_one_lazy_load_uses_the_identity_map(db, capture_sql):
    with Session(db) as s:
        s.add_all([User(name="ann", posts=[Post(title="mine")]), Post(title="nobody's")])
        s.commit()
    with Session(db) as s:
        ann = s.execute(select(User).where(User.name == "ann")).scalar_one()
        mine, nobodys = s.execute(select(Post).order_by(Post.title)).scalars().all()
        with capture_sql(db) as seen:
            assert mine.author is ann  # already in the session: no SELECT
            assert nobodys.author is None  # NULL foreign key: no SELECT
        assert selects(seen) == []
    with Session(db) as s:
        mine = s.execute(select(Post).where(Post.title == "mine")).scalar_one()
        with capture_sql(db) as seen:
            assert mine.author.name == "ann"
            assert mine.author.posts == [mine]  # the collection loads on its own access
        assert len(selects(seen)) == 2


# --- order_by on the relationship ---------------------------------------------------------


@pytest.mark.parametrize("loader", ["lazy", "selectin", "joined"])
def test_relationship_order_by_is_honoured_by_every_loader(db, loader):
    seed_blog(db)
    stmt = select(User).order_by(User.name)
    if loader == "selectin":
        stmt = stmt.options(selectinload(User.posts))
    elif loader == "joined":
        stmt = stmt.options(joinedload(User.posts))
    with Session(db) as s:
        users = s.execute(stmt).unique().scalars().all()
        assert [u.name for u in users] == ["ann", "bob", "cat", "dan"]
        assert {u.name: [p.title for p in u.posts] for u in users} == {
            "ann": ["ann-c", "ann-b", "ann-a"],
            "bob": ["bob-z", "bob-y", "bob-x"],
            "cat": ["cat-m"],
            "dan": [],
        }


# --- loader strategies declared on the relationship ----------------------------------------


def seed_albums(engine):
    with Session(engine) as s:
        for i in range(3):
            album = Album(title=f"album{i}", tracks=[Track(number=2), Track(number=1)])
            album.reviews = [Review(stars=5)]
            s.add(album)
        s.add(Album(title="empty"))
        s.commit()


def test_lazy_selectin_declared_loads_with_the_parents(db, capture_sql):
    seed_albums(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            albums = s.execute(select(Album).order_by(Album.id)).scalars().all()
            numbers = [[t.number for t in a.tracks] for a in albums]
        assert numbers == [[1, 2], [1, 2], [1, 2], []]
        assert len(selects(seen)) == 2  # the albums, then all their tracks at once
        with capture_sql(db) as seen:
            assert all(t.album is a for a in albums for t in a.tracks)
        assert selects(seen) == []
    with Session(db) as s:
        with capture_sql(db) as seen:
            album = s.get(Album, albums[0].id)
            assert [t.number for t in album.tracks] == [1, 2]
        assert len(selects(seen)) == 2


def test_lazyload_option_overrides_a_declared_selectin(db, capture_sql):
    seed_albums(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            albums = (
                s.execute(select(Album).options(lazyload(Album.tracks)).order_by(Album.id)).scalars().all()
            )
        assert len(selects(seen)) == 1
        with capture_sql(db) as seen:
            numbers = [[t.number for t in a.tracks] for a in albums]
        assert numbers == [[1, 2], [1, 2], [1, 2], []]
        assert len(selects(seen)) == len(albums)  # one lazy load each


def test_lazy_noload_declared_persists_but_never_loads(db, capture_sql):
    seed_albums(db)
    assert count(db, "reviews") == 3  # appended reviews were inserted
    with Session(db) as s:
        album = s.execute(select(Album).where(Album.title == "album0")).scalar_one()
        with capture_sql(db) as seen:
            assert album.reviews == []
        assert selects(seen) == []
        album.reviews.append(Review(stars=1))
        s.commit()
    assert count(db, "reviews") == 4


def test_noload_option(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        bob = s.execute(select(User).where(User.name == "bob").options(noload(User.posts))).scalar_one()
        with capture_sql(db) as seen:
            assert bob.posts == []
        assert selects(seen) == []
        assert s.execute(select(func.count(Post.id)).where(Post.author_id == bob.id)).scalar() == 3


# --- loader option chains -----------------------------------------------------------------


def test_selectinload_chain_three_statements(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            stmt = (
                select(User).options(selectinload(User.posts).selectinload(Post.comments)).order_by(User.name)
            )
            users = s.execute(stmt).scalars().all()
            loaded = blog_as_loaded(users)
        assert loaded == EXPECTED_BLOG
        assert len(selects(seen)) == 3  # users, their posts, the posts' comments


def test_joinedload_chain_one_statement(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            stmt = select(User).options(joinedload(User.posts).joinedload(Post.comments)).order_by(User.name)
            users = s.execute(stmt).unique().scalars().all()
            loaded = blog_as_loaded(users)
        assert [u.name for u in users] == ["ann", "bob", "cat", "dan"]  # one object per user
        assert loaded == EXPECTED_BLOG
        assert len(selects(seen)) == 1


def test_lazy_loading_the_same_tree_is_n_plus_1(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            users = s.execute(select(User).order_by(User.name)).scalars().all()
            loaded = blog_as_loaded(users)
        assert loaded == EXPECTED_BLOG
        n_posts = sum(len(posts) for posts in BLOG.values())
        assert len(selects(seen)) == 1 + len(BLOG) + n_posts


def test_joinedload_of_a_collection_requires_unique(db):
    seed_blog(db)
    with Session(db) as s:
        with pytest.raises(InvalidRequestError, match="unique"):
            s.execute(select(User).options(joinedload(User.posts))).scalars().all()
    with Session(db) as s:
        with pytest.raises(InvalidRequestError, match="unique"):
            s.scalars(select(User).options(joinedload(User.posts))).all()
    with Session(db) as s:
        # a many-to-one joined eager load does not need it
        posts = s.execute(select(Post).options(joinedload(Post.author))).scalars().all()
        assert len(posts) == sum(len(p) for p in BLOG.values())


def test_contains_eager_fills_a_collection_with_the_filtered_rows(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            stmt = (
                select(User)
                .join(User.posts)
                .where(Post.title.in_(["ann-a", "ann-c", "bob-x"]))
                .options(contains_eager(User.posts))
                .order_by(User.name, Post.title)
            )
            users = s.execute(stmt).unique().scalars().all()
            loaded = {u.name: [p.title for p in u.posts] for u in users}
        # only the joined rows, in the statement's order; users without a match are absent
        assert loaded == {"ann": ["ann-a", "ann-c"], "bob": ["bob-x"]}
        assert len(selects(seen)) == 1


def test_joins_along_relationship_chains(db):
    seed_blog(db)
    with Session(db) as s:
        per_user = s.execute(
            select(User.name, func.count(Comment.id))
            .join(User.posts)
            .join(Post.comments)
            .group_by(User.name)
            .order_by(User.name)
        ).all()
        assert [tuple(r) for r in per_user] == [("ann", 3), ("bob", 4), ("cat", 1)]
        with_empty = s.execute(
            select(User.name, func.count(Post.id))
            .outerjoin(User.posts)
            .group_by(User.name)
            .order_by(User.name)
        ).all()
        assert [tuple(r) for r in with_empty] == [("ann", 3), ("bob", 3), ("cat", 1), ("dan", 0)]
        bodies = (
            s.execute(
                select(Comment.body)
                .join(Comment.post)
                .join(Post.author)
                .where(User.name == "bob")
                .order_by(Comment.body)
            )
            .scalars()
            .all()
        )
        assert bodies == ["bob-x-1", "bob-x-2", "bob-y-1", "bob-z-1"]


# --- deferred columns -------------------------------------------------------------------


def test_defer_option_loads_the_column_on_first_access(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            ann = s.execute(select(User).where(User.name == "ann").options(defer(User.bio))).scalar_one()
        assert "bio" not in selects(seen)[0].lower()
        with capture_sql(db) as seen:
            assert ann.bio == "ann writes"
        assert len(selects(seen)) == 1
        with capture_sql(db) as seen:
            assert ann.bio == "ann writes"
            assert ann.name == "ann"
        assert selects(seen) == []


def test_declared_deferred_column_and_undefer(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        with capture_sql(db) as seen:
            post = s.execute(select(Post).where(Post.title == "ann-a")).scalar_one()
        assert "body" not in selects(seen)[0].lower()
        with capture_sql(db) as seen:
            assert post.body == "ann-a text"
        assert len(selects(seen)) == 1
    with Session(db) as s:
        with capture_sql(db) as seen:
            post = s.execute(
                select(Post).where(Post.title == "ann-a").options(undefer(Post.body))
            ).scalar_one()
            assert post.body == "ann-a text"
        assert len(selects(seen)) == 1
    with Session(db) as s:
        with capture_sql(db) as seen:
            stmt = select(User).where(User.name == "bob").options(selectinload(User.posts).undefer(Post.body))
            bob = s.execute(stmt).scalar_one()
            assert [p.body for p in bob.posts] == ["bob-z text", "bob-y text", "bob-x text"]
        assert len(selects(seen)) == 2


def test_load_only_on_a_related_entity(db, capture_sql):
    seed_blog(db)
    with Session(db) as s:
        stmt = select(User).where(User.name == "bob").options(selectinload(User.posts).load_only(Post.title))
        bob = s.execute(stmt).scalar_one()
        with capture_sql(db) as seen:
            titles = [p.title for p in bob.posts]
        assert titles == ["bob-z", "bob-y", "bob-x"]
        assert selects(seen) == []
        with capture_sql(db) as seen:
            assert bob.posts[0].author_id == bob.id
        assert len(selects(seen)) == 1


# --- self-referential tree --------------------------------------------------------------


def test_self_referential_tree_flushed_in_any_add_order_and_deleted_by_cascade(db):
    with Session(db) as s:
        root, mid = Node(name="root"), Node(name="mid")
        leaf1, leaf2 = Node(name="leaf1"), Node(name="leaf2")
        leaf2.parent = mid
        leaf1.parent = mid
        mid.parent = root
        other = Node(name="other", children=[Node(name="other-child")])
        for node in (leaf2, leaf1, mid, other, root):  # deepest first
            s.add(node)
        s.commit()
        # each parent row has to exist before its children reference it
        assert root.id < mid.id < min(leaf1.id, leaf2.id)
        ids = {n.name: n.id for n in (root, mid, leaf1, leaf2)}
    parents = dict(rows(db, "SELECT name, parent_id FROM nodes"))
    assert parents["root"] is None
    assert parents["mid"] == ids["root"]
    assert parents["leaf1"] == parents["leaf2"] == ids["mid"]

    with Session(db) as s:
        root = s.get(Node, ids["root"])
        assert [c.name for c in root.children] == ["mid"]
        assert [c.name for c in root.children[0].children] == ["leaf1", "leaf2"]
        assert root.children[0].children[1].parent.parent is root
        s.delete(root)  # the cascade walks down: leaves, then mid, then root
        s.commit()
    assert sorted(rows(db, "SELECT name FROM nodes")) == [("other",), ("other-child",)]


# --- unit of work ordering ----------------------------------------------------------------


def test_unit_of_work_inserts_parents_first_across_three_tables(db, capture_sql):
    with Session(db) as s:
        comment = Comment(body="c")
        s.add(comment)
        post = Post(title="p")
        s.add(post)
        user = User(name="u")
        s.add(user)
        comment.post = post
        post.author = user
        with capture_sql(db) as seen:
            s.flush()
        assert runs(writes(seen)) == [("INSERT", "users"), ("INSERT", "posts"), ("INSERT", "comments")]
        assert post.author_id == user.id and comment.post_id == post.id
        s.commit()
    assert count(db, "comments") == 1


def test_unit_of_work_deletes_children_first_whatever_the_delete_order(db, capture_sql):
    with Session(db) as s:
        s.add(User(name="u", posts=[Post(title="p", comments=[Comment(body="c")])]))
        s.commit()
    # autoflush off: otherwise delete(post) would autoflush the user's DELETE
    # when it lazy-loads post.comments to cascade the delete
    with Session(db, autoflush=False) as s:
        user = s.execute(select(User)).scalar_one()
        post = s.execute(select(Post)).scalar_one()
        comment = s.execute(select(Comment)).scalar_one()
        s.delete(user)
        s.delete(post)
        s.delete(comment)
        with capture_sql(db) as seen:
            s.flush()
        # no UPDATE nulling posts.author_id: the post is going away too
        assert runs(writes(seen)) == [("DELETE", "comments"), ("DELETE", "posts"), ("DELETE", "users")]
        s.commit()
    assert (count(db, "users"), count(db, "posts"), count(db, "comments")) == (0, 0, 0)


# --- a failed flush ------------------------------------------------------------------------


def test_failed_flush_leaves_the_database_unchanged_and_the_session_usable(db):
    with Session(db) as s:
        ann = User(name="ann", posts=[Post(title="kept")])
        s.add(ann)
        s.commit()
        ann_id = ann.id
    with Session(db) as s:
        ann = s.get(User, ann_id)
        ann.name = "ann2"
        bad = Post(title="bad", author=ann, comments=[Comment(body="fine"), Comment(body=None)])  # NOT NULL
        s.add(bad)
        with pytest.raises(IntegrityError):
            s.flush()  # the UPDATE and INSERTs before the failing one are undone with it
        with pytest.raises(exc.PendingRollbackError):
            s.execute(select(User)).all()
        s.rollback()
        assert bad not in s
        assert ann.name == "ann"  # expired by the rollback and reloaded
        assert [p.title for p in ann.posts] == ["kept"]
        ann.posts.append(Post(title="good", comments=[Comment(body="ok")]))
        s.commit()
    assert rows(db, "SELECT name FROM users") == [("ann",)]
    assert rows(db, "SELECT title FROM posts ORDER BY title") == [("good",), ("kept",)]
    assert rows(db, "SELECT body FROM comments") == [("ok",)]


# --- relationship comparisons, backref= and unsupported arguments ---------------------------


def test_relationship_comparisons_in_where(db):
    seed_blog(db)
    with Session(db) as s:
        ann = s.execute(select(User).where(User.name == "ann")).scalar_one()
        titles = s.execute(select(Post.title).where(Post.author == ann).order_by(Post.title)).scalars().all()
        assert titles == ["ann-a", "ann-b", "ann-c"]
        with_posts = s.execute(select(User.name).where(User.posts.any()).order_by(User.name)).scalars().all()
        assert with_posts == ["ann", "bob", "cat"]
        commented = (
            s.execute(select(User.name).where(User.posts.any(Post.title == "cat-m")).order_by(User.name))
            .scalars()
            .all()
        )
        assert commented == ["cat"]


def test_backref_creates_the_reverse_relationship(engine):
    class LocalBase(DeclarativeBase):
        pass

    class Shelf(LocalBase):
        __tablename__ = "shelves"
        id: Mapped[int] = mapped_column(primary_key=True)
        books = relationship("Volume", backref="shelf")

    class Volume(LocalBase):
        __tablename__ = "volumes"
        id: Mapped[int] = mapped_column(primary_key=True)
        shelf_id: Mapped[Optional[int]] = mapped_column(ForeignKey("shelves.id"))

    LocalBase.metadata.create_all(engine)
    try:
        with Session(engine) as s:
            shelf = Shelf(books=[Volume(), Volume()])
            assert shelf.books[0].shelf is shelf
            s.add(shelf)
            s.commit()
            assert {v.shelf_id for v in shelf.books} == {shelf.id}
    finally:
        LocalBase.metadata.drop_all(engine)


def test_a_secondary_join_condition_without_secondary_is_refused_by_name():
    with pytest.raises(ArgumentError, match="secondaryjoin"):
        relationship("User", secondaryjoin="User.id == links.c.user_id")


def test_joinedload_of_a_collection_with_limit_counts_entities(db):
    """LIMIT and OFFSET apply to the users, in a subquery the posts are
    joined to, so every user keeps all its posts (SQLAlchemy's form)."""
    from cormorant import desc
    from cormorant.orm import joinedload

    with Session(db) as s:
        s.add_all([User(name=n, posts=[Post(title=f"{n}{i}") for i in range(3)]) for n in "dcba"])
        s.commit()
    with Session(db) as s:
        stmt = select(User).options(joinedload(User.posts)).order_by(desc(User.name)).limit(2).offset(1)
        assert "FROM (SELECT users.id AS id" in str(stmt)
        users = s.scalars(stmt).unique().all()
        assert [(u.name, [p.title for p in u.posts]) for u in users] == [
            ("c", ["c2", "c1", "c0"]),
            ("b", ["b2", "b1", "b0"]),
        ]
        first = s.query(User).options(joinedload(User.posts)).order_by(User.name).first()
        assert (first.name, len(first.posts)) == ("a", 3)
