"""Dynamic relationships (lazy="dynamic", DynamicMapped): the attribute is an
AppenderQuery, a legacy Query of the related rows that also records
append()/remove() for the unit of work; the collection is never kept."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, select
from cormorant.exc import InvalidRequestError
from cormorant.orm import (
    AppenderQuery,
    DeclarativeBase,
    DynamicMapped,
    Mapped,
    Session,
    dynamic_loader,
    joinedload,
    mapped_column,
    relationship,
)


class Base(DeclarativeBase):
    pass


class Blog(Base):
    __tablename__ = "dy_blogs"
    id: Mapped[int] = mapped_column(primary_key=True)
    posts: DynamicMapped["Post"] = relationship(order_by="Post.id", back_populates="blog")
    drafts = dynamic_loader("Draft", cascade="all, delete-orphan")


class Post(Base):
    __tablename__ = "dy_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    blog_id: Mapped[Optional[int]] = mapped_column(ForeignKey("dy_blogs.id"))
    title: Mapped[str] = mapped_column(String(20))
    blog: Mapped[Optional[Blog]] = relationship(back_populates="posts")


class Draft(Base):
    __tablename__ = "dy_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    blog_id: Mapped[int] = mapped_column(ForeignKey("dy_blogs.id"))
    text: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    return engine


def _titles(query):
    return [p.title for p in query]


def test_appended_objects_before_and_after_the_session(db):
    blog = Blog()
    blog.posts.append(Post(title="a"))
    assert isinstance(blog.posts, AppenderQuery)
    assert _titles(blog.posts) == ["a"] and blog.posts.count() == 1  # no Session: the appended objects
    with Session(db) as s:
        s.add(blog)
        blog.posts.extend([Post(title="b"), Post(title="c")])
        assert _titles(blog.posts) == ["a", "b", "c"]  # autoflush, then SQL


def test_query_methods_run_sql(db, capture_sql):
    with Session(db) as s:
        blog = Blog(posts=[Post(title=t) for t in "abc"])
        s.add(blog)
        s.commit()
        with capture_sql(db) as seen:
            assert blog.posts.count() == 3
            assert _titles(blog.posts.filter(Post.title > "a")) == ["b", "c"]
            assert blog.posts[1].title == "b"
            assert blog.posts.filter_by(title="c").one().title == "c"
        assert len(seen) == 5 and all(sql.startswith("SELECT") for sql in seen)  # the owner refreshed, then 4
        assert "posts" not in blog.__dict__ or isinstance(blog.__dict__["posts"], AppenderQuery)


def test_remove_and_assignment_are_flushed(db):
    with Session(db) as s:
        blog = Blog(posts=[Post(title=t) for t in "abc"])
        s.add(blog)
        s.commit()
        b = blog.posts.filter_by(title="b").one()
        blog.posts.remove(b)
        s.commit()
        assert _titles(blog.posts) == ["a", "c"] and b.blog_id is None
        blog.posts = [b]
        s.commit()
        assert _titles(blog.posts) == ["b"]
        assert s.scalars(select(Post.title).where(Post.blog_id.is_(None)).order_by(Post.title)).all() == [
            "a",
            "c",
        ]


def test_deleting_the_owner_unlinks_or_deletes_the_rows(db):
    with Session(db) as s:
        blog = Blog(posts=[Post(title="a")])
        blog.drafts.append(Draft(text="d"))
        s.add(blog)
        s.commit()
        s.delete(blog)
        s.commit()
        assert s.scalars(select(Post.blog_id)).all() == [None]  # unlinked: no delete cascade
        assert s.scalars(select(Draft)).all() == []  # deleted: cascade="all"


def test_backref_and_orphans(db):
    with Session(db) as s:
        blog = Blog()
        s.add(blog)
        s.commit()
        s.add(Post(title="via backref", blog=blog))
        s.commit()
        assert _titles(blog.posts) == ["via backref"]
        draft = Draft(text="x")
        blog.drafts.append(draft)
        s.commit()
        blog.drafts.remove(draft)
        s.commit()
        assert s.scalars(select(Draft)).all() == []


def test_eager_loading_is_refused(db):
    with Session(db) as s, pytest.raises(InvalidRequestError, match="eager loading cannot be applied"):
        s.scalars(select(Blog).options(joinedload(Blog.posts))).all()
