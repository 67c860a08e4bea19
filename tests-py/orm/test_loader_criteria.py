"""with_loader_criteria(): criteria added to every SELECT of an entity that a
statement emits (its own rows, its joins, its selectin and joined eager
loads, and the lazy loads of the objects it returned), given to a statement
or added to every statement by a do_orm_execute listener (SQLAlchemy's
soft-delete recipe), for a mapped class or, with a lambda, every mapped
subclass of a mixin."""

from typing import Optional

import pytest
from cormorant import Boolean, ForeignKey, String, event, select
from cormorant.exc import ArgumentError
from cormorant.orm import (
    DeclarativeBase,
    LoaderCriteriaOption,
    Mapped,
    Session,
    aliased,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
    with_loader_criteria,
)


class Base(DeclarativeBase):
    pass


class SoftDeleted:
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Writer(SoftDeleted, Base):
    __tablename__ = "lc_writer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    posts: Mapped[list["Post"]] = relationship(back_populates="writer", order_by="Post.id")


class Post(SoftDeleted, Base):
    __tablename__ = "lc_post"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(30))
    writer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lc_writer.id"))
    writer: Mapped[Optional[Writer]] = relationship(back_populates="posts")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(
            [
                Writer(
                    name="ann", posts=[Post(title="a1"), Post(title="a2", deleted=True), Post(title="a3")]
                ),
                Writer(name="bob", deleted=True, posts=[Post(title="b1")]),
            ]
        )
        s.commit()
    yield engine
    Base.metadata.drop_all(engine)


def live_posts() -> LoaderCriteriaOption:
    return with_loader_criteria(Post, Post.deleted == False)  # noqa: E712


def test_the_statement_s_own_entity_is_narrowed(db):
    with Session(db) as s:
        titles = [p.title for p in s.scalars(select(Post).order_by(Post.id).options(live_posts()))]
        assert titles == ["a1", "a3", "b1"]
        everything = s.scalars(select(Post).order_by(Post.id)).all()
        assert len(everything) == 4  # without the option, nothing is filtered


def test_lazy_loads_of_the_returned_objects_carry_the_criteria(db):
    with Session(db) as s:
        ann = s.scalars(select(Writer).where(Writer.name == "ann").options(live_posts())).one()
        assert [p.title for p in ann.posts] == ["a1", "a3"]
    with Session(db) as s:
        opt = with_loader_criteria(Post, Post.deleted == False, propagate_to_loaders=False)  # noqa: E712
        ann = s.scalars(select(Writer).where(Writer.name == "ann").options(opt)).one()
        assert [p.title for p in ann.posts] == ["a1", "a2", "a3"]


def test_selectin_and_joined_eager_loads_carry_the_criteria(db):
    with Session(db) as s:
        stmt = select(Writer).where(Writer.name == "ann").options(selectinload(Writer.posts), live_posts())
        assert [p.title for p in s.scalars(stmt).one().__dict__["posts"]] == ["a1", "a3"]
    with Session(db) as s:
        stmt = select(Writer).where(Writer.name == "ann").options(joinedload(Writer.posts), live_posts())
        assert [p.title for p in s.scalars(stmt).unique().one().__dict__["posts"]] == ["a1", "a3"]


def test_joins_to_the_entity_carry_the_criteria(db):
    with Session(db) as s:
        rows = s.execute(
            select(Writer.name, Post.title).join(Writer.posts).order_by(Post.id).options(live_posts())
        ).all()
        assert [tuple(r) for r in rows] == [("ann", "a1"), ("ann", "a3"), ("bob", "b1")]
        rows = s.execute(
            select(Writer.name, Post.title)
            .join(Post, Post.writer_id == Writer.id)
            .order_by(Post.id)
            .options(live_posts())
        ).all()
        assert [r[1] for r in rows] == ["a1", "a3", "b1"]


def test_a_lambda_on_a_mixin_applies_to_each_mapped_subclass(db):
    option = with_loader_criteria(SoftDeleted, lambda cls: cls.deleted == False)  # noqa: E712
    with Session(db) as s:
        assert [w.name for w in s.scalars(select(Writer).options(option))] == ["ann"]
        assert [p.title for p in s.scalars(select(Post).order_by(Post.id).options(option))] == [
            "a1",
            "a3",
            "b1",
        ]


def test_aliases_only_with_include_aliases(db):
    alias = aliased(Post)
    with Session(db) as s:
        plain = s.scalars(select(alias).options(live_posts())).all()
        assert len(plain) == 4
        opt = with_loader_criteria(Post, lambda cls: cls.deleted == False, include_aliases=True)  # noqa: E712
        assert len(s.scalars(select(alias).options(opt)).all()) == 3


def test_a_do_orm_execute_listener_adds_it_to_every_statement(db):
    """The soft-delete recipe: every SELECT of the session, lazy loads included."""
    with Session(db) as s:

        @event.listens_for(s, "do_orm_execute")
        def hide_deleted(state):
            if state.is_select and not state.is_column_load and not state.is_relationship_load:
                state.statement = state.statement.options(
                    with_loader_criteria(SoftDeleted, lambda cls: cls.deleted == False)  # noqa: E712
                )

        writers = s.scalars(select(Writer)).all()
        assert [w.name for w in writers] == ["ann"]
        assert [p.title for p in writers[0].posts] == ["a1", "a3"]


def test_an_entity_that_is_not_a_class_is_refused():
    with pytest.raises(ArgumentError, match="with_loader_criteria"):
        with_loader_criteria("Post", Post.deleted == False)  # noqa: E712


def test_columns_of_the_entity_selected_alone_are_narrowed_too(db):
    with Session(db) as s:
        stmt = select(Post.title, Post.id.label("n")).order_by(Post.id).options(live_posts())
        assert [r.title for r in s.execute(stmt)] == ["a1", "a3", "b1"]
        stmt = select(Post, Post.title).order_by(Post.id).options(live_posts())
        assert [r[1] for r in s.execute(stmt)] == ["a1", "a3", "b1"]


def test_query_api_options(db):
    with Session(db) as s:
        titles = [p.title for p in s.query(Post).options(live_posts()).order_by(Post.id)]
        assert titles == ["a1", "a3", "b1"]


def test_loader_only_leaves_the_statement_s_own_rows_alone(db):
    opt = with_loader_criteria(Post, Post.deleted == False, loader_only=True)  # noqa: E712
    with Session(db) as s:
        assert len(s.scalars(select(Post).options(opt)).all()) == 4
        ann = s.scalars(select(Writer).where(Writer.name == "ann").options(opt)).one()
        assert [p.title for p in ann.posts] == ["a1", "a3"]
