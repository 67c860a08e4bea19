"""Deferred columns: groups that load together in one SELECT, undefer_group(),
raiseload (declared, or per query through defer()/load_only()), deferred()
and column_property() over a Column of the class body."""

import pytest
from cormorant import Column, Integer, String, Table, Text, select
from cormorant.exc import InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    column_property,
    defer,
    deferred,
    load_only,
    mapped_column,
    undefer,
    undefer_group,
)


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "dg_docs"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    body: Mapped[str] = mapped_column(Text, deferred=True, deferred_group="content")
    summary: Mapped[str] = mapped_column(Text, deferred_group="content")
    notes = deferred(Column(Text), group="extra")
    views = column_property(Column(Integer, default=0), deferred=True, group="extra")
    secret: Mapped[str] = mapped_column(String(20), deferred_raiseload=True)


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Doc(title="t", body="b", summary="s", notes="n", views=3, secret="x"))
        s.commit()
    return engine


def _doc(s, *options):
    return s.scalars(select(Doc).options(*options)).one()


def test_deferred_columns_stay_out_of_the_select(db, capture_sql):
    with Session(db) as s, capture_sql(db) as seen:
        doc = _doc(s)
    assert "body" not in seen[0] and "views" not in seen[0] and "secret" not in seen[0]
    assert set(doc.__dict__) >= {"id", "title"} and "summary" not in doc.__dict__


def test_one_attribute_loads_its_whole_group_in_one_select(db, capture_sql):
    with Session(db) as s:
        doc = _doc(s)
        with capture_sql(db) as seen:
            assert doc.body == "b"
            assert doc.summary == "s"
        assert len(seen) == 1
        assert "notes" not in doc.__dict__  # another group stays unloaded
        with capture_sql(db) as seen:
            assert (doc.views, doc.notes) == (3, "n")
        assert len(seen) == 1


def test_undefer_group_loads_the_group_with_the_entity(db, capture_sql):
    with Session(db) as s, capture_sql(db) as seen:
        doc = _doc(s, undefer_group("content"))
        assert (doc.body, doc.summary) == ("b", "s")
    assert len(seen) == 1
    assert "notes" not in doc.__dict__


def test_undefer_one_column_of_a_group(db, capture_sql):
    with Session(db) as s, capture_sql(db) as seen:
        doc = _doc(s, undefer(Doc.summary))
        assert doc.summary == "s"
    assert len(seen) == 1 and "body" not in doc.__dict__


def test_declared_raiseload_refuses_access(db):
    with Session(db) as s:
        doc = _doc(s)
        with pytest.raises(InvalidRequestError, match=r"'Doc.secret' is not available due to raiseload=True"):
            doc.secret  # noqa: B018
        s.expunge_all()
        assert _doc(s, undefer(Doc.secret)).secret == "x"


def test_defer_with_raiseload(db):
    with Session(db) as s:
        doc = _doc(s, defer(Doc.title, raiseload=True))
        with pytest.raises(InvalidRequestError, match=r"'Doc.title' is not available due to raiseload=True"):
            doc.title  # noqa: B018
        s.expunge_all()
        assert _doc(s, defer(Doc.title)).title == "t"  # without raiseload it loads on access


def test_load_only_with_raiseload(db):
    with Session(db) as s:
        doc = _doc(s, load_only(Doc.title, raiseload=True))
        assert doc.title == "t"
        for name in ("summary", "views"):
            with pytest.raises(
                InvalidRequestError, match=f"'Doc.{name}' is not available due to raiseload=True"
            ):
                getattr(doc, name)


def test_raiseload_holds_after_expiry(db):
    with Session(db) as s:
        doc = _doc(s)
        s.expire(doc)
        assert doc.title == "t"
        with pytest.raises(InvalidRequestError, match="raiseload"):
            doc.secret  # noqa: B018


def test_deferred_columns_are_written_like_others(db):
    with Session(db) as s:
        doc = _doc(s)
        doc.body = "new body"
        doc.views = 4
        s.commit()
    with Session(db) as s:
        doc = _doc(s, undefer_group("content"), undefer_group("extra"))
        assert (doc.body, doc.views) == ("new body", 4)


def test_pending_object_reads_unset_deferred_columns_as_none(db):
    doc = Doc(title="new")
    assert doc.body is None and doc.secret is None


letters = Table(
    "dg_letters",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("subject", String(20)),
    Column("text", Text),
)


class Letter(Base):
    __table__ = letters
    text = deferred(letters.c.text, raiseload=True)


def test_deferred_column_of_a_table_mapped_class(db):
    with Session(db) as s:
        s.add(Letter(subject="hi", text="long"))
        s.commit()
    with Session(db) as s:
        letter = s.scalars(select(Letter)).one()
        assert letter.subject == "hi"
        with pytest.raises(InvalidRequestError, match="'Letter.text' is not available"):
            letter.text  # noqa: B018
        letter.text = "changed"  # still a writable column
        s.commit()
        assert s.scalars(select(Letter).options(undefer(Letter.text))).one().text == "changed"


def test_undefer_group_finds_the_entity_that_has_it(db, capture_sql):
    with Session(db) as s:
        s.add(Letter(subject="s", text="t"))
        s.commit()
        s.expunge_all()
        with capture_sql(db) as seen:
            letter, doc = s.execute(select(Letter, Doc).options(undefer_group("content"))).one()
            assert (doc.body, doc.summary) == ("b", "s")
        assert len(seen) == 1
