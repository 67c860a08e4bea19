"""synonym(), composite() and Bundle: alternate names, value objects made of
columns (read, written, flushed, compared, selected) and grouped columns in
select() rows."""

import dataclasses
from typing import Any, Optional

import pytest
from cormorant import Column, Integer, String, Table, select
from cormorant.exc import ArgumentError
from cormorant.orm import (
    Bundle,
    Composite,
    DeclarativeBase,
    Mapped,
    Session,
    composite,
    mapped_column,
    synonym,
)


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Money:
    """A composite class that is not a dataclass: it says its column values."""

    def __init__(self, amount: int, currency: str) -> None:
        self.amount, self.currency = amount, currency

    def __composite_values__(self) -> tuple[int, str]:
        return self.amount, self.currency

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.amount, self.currency) == (other.amount, other.currency)


class Base(DeclarativeBase):
    pass


class DistanceComparator(Composite.Comparator):
    def __gt__(self, other: Any) -> Any:
        x, y = self.__clause_element__().clauses
        return x * x + y * y > other.x * other.x + other.y * other.y


class Segment(Base):
    __tablename__ = "seg_segment"
    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[Point] = composite(mapped_column("x1"), mapped_column("y1"))
    end: Mapped[Point] = composite(Point, "x2", "y2", comparator_factory=DistanceComparator)
    x2: Mapped[int]
    y2: Mapped[int]
    price: Mapped[Optional[Money]] = composite(Money, "amount", "currency")
    amount: Mapped[Optional[int]]
    currency: Mapped[Optional[str]] = mapped_column(String(3))
    label: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = synonym("label")

    @property
    def _shout(self) -> str:
        return self.label.upper()

    loud: Mapped[str] = synonym("label", descriptor=_shout)


class Legacy(Base):
    __table__ = Table(
        "seg_legacy", Base.metadata, Column("id", Integer, primary_key=True), Column("status", String(10))
    )
    status = synonym("_status", map_column=True)


class DictBundle(Bundle):
    def create_row_processor(self, query, procs, labels):
        def proc(row):
            return dict(zip(labels, (p(row) for p in procs)))

        return proc


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(
            [
                Segment(start=Point(1, 2), end=Point(3, 4), label="a"),
                Segment(start=Point(5, 6), end=Point(0, 1), label="b", price=Money(10, "EUR")),
            ]
        )
        s.commit()
        yield s


def test_composite_columns_and_instances(session):
    assert Segment.__table__.c.keys() == ["id", "x1", "y1", "x2", "y2", "amount", "currency", "label"]
    fresh = Segment()
    assert fresh.start is None and fresh.price is None
    seg = session.scalars(select(Segment).where(Segment.label == "a")).one()
    assert seg.start == Point(1, 2) and seg.end == Point(3, 4)
    assert seg.price.amount is None  # loaded: built even from NULLs, as SQLAlchemy does
    assert (seg.x1, seg.y1) == (1, 2)


def test_composite_set_is_flushed(engine, session):
    seg = session.scalars(select(Segment).where(Segment.label == "a")).one()
    seg.start = Point(7, 8)
    seg.price = Money(3, "USD")
    assert seg in session.dirty
    session.commit()
    with Session(engine) as fresh:
        again = fresh.scalars(select(Segment).where(Segment.label == "a")).one()
        assert again.start == Point(7, 8) and again.price == Money(3, "USD")
    with pytest.raises(ArgumentError, match="not a dataclass"):
        seg.start = (1, 2)


def test_composite_comparisons(session):
    assert session.scalars(select(Segment.label).where(Segment.start == Point(5, 6))).all() == ["b"]
    assert session.scalars(select(Segment.label).where(Segment.price == None)).all() == ["a"]  # noqa: E711
    assert session.scalars(select(Segment.label).where(Segment.start != Point(1, 0))).all() == ["b"]
    assert session.scalars(select(Segment.label).where(Segment.price == Money(10, "EUR"))).all() == ["b"]
    # the custom comparator: distance from the origin
    assert session.scalars(select(Segment.label).where(Segment.end > Point(2, 2))).all() == ["a"]


def test_composite_selected_as_a_column(session):
    rows = session.execute(select(Segment.start, Segment.label).order_by(Segment.id)).all()
    assert rows == [(Point(1, 2), "a"), (Point(5, 6), "b")]
    assert rows[0]._fields == ("start", "label") and rows[1].start == Point(5, 6)
    assert session.scalars(select(Segment.end).order_by(Segment.id)).all() == [Point(3, 4), Point(0, 1)]


def test_synonym(session):
    seg = Segment(title="named", start=Point(0, 0), end=Point(0, 0))
    assert seg.label == "named" and seg.title == "named" and seg.loud == "NAMED"
    seg.title = "renamed"
    assert seg.label == "renamed"
    session.add(seg)
    session.commit()
    assert session.scalars(select(Segment.title).where(Segment.title == "renamed")).all() == ["renamed"]
    rows = session.execute(
        select(Segment.title).where(Segment.loud.in_(["a", "b"])).order_by(Segment.title)
    ).all()
    assert [r.title for r in rows] == ["a", "b"]


def test_synonym_map_column(session):
    legacy = Legacy(status="on")
    assert legacy._status == "on" and "status" in Legacy.__table__.c
    session.add(legacy)
    session.commit()
    assert session.scalars(select(Legacy.status)).all() == ["on"]


def test_synonym_map_column_needs_the_column():
    class OwnBase(DeclarativeBase):
        pass

    with pytest.raises(ArgumentError, match="no column on table 'seg_broken' named 'status'"):

        class Broken(OwnBase):
            __tablename__ = "seg_broken"
            id: Mapped[int] = mapped_column(primary_key=True)
            status = synonym("_status", map_column=True)


def test_bundle_rows(session):
    point = Bundle("point", Segment.x1, Segment.y1)
    rows = session.execute(select(point, Segment.label).order_by(Segment.id)).all()
    assert rows[0].point.x1 == 1 and rows[0].point == (1, 2) and rows[1].label == "b"
    assert rows[0]._fields == ("point", "label") and rows[0].point._fields == ("x1", "y1")
    assert session.scalars(select(point).order_by(Segment.id)).all() == [(1, 2), (5, 6)]
    assert session.scalars(select(point).where(point.c.x1 > 2)).all() == [(5, 6)]
    single = Bundle("p", Segment.x1, single_entity=True)
    assert single.single_entity and session.scalars(select(single).order_by(Segment.id)).all() == [(1,), (5,)]
    renamed = point.label("pt")
    assert session.execute(select(renamed).order_by(Segment.id)).first()._fields == ("pt",)


def test_bundle_with_own_row_processor(session):
    as_dict = DictBundle("d", Segment.label, Segment.x2)
    assert session.scalars(select(as_dict).order_by(Segment.id)).all() == [
        {"label": "a", "x2": 3},
        {"label": "b", "x2": 0},
    ]
    streamed = session.execute(
        select(as_dict, Segment.id).order_by(Segment.id).execution_options(yield_per=1)
    )
    assert [row.d["label"] for row in streamed] == ["a", "b"]


def test_bundle_refuses_what_it_cannot_hold():
    with pytest.raises(NotImplementedError, match="mapped class inside a Bundle"):
        Bundle("b", Segment)
    with pytest.raises(TypeError, match="bogus"):
        Bundle("b", Segment.x1, bogus=True)


def test_synonym_for():
    from cormorant.orm import synonym_for

    class OwnBase(DeclarativeBase):
        pass

    class Tagged(OwnBase):
        __tablename__ = "seg_tagged"
        id: Mapped[int] = mapped_column(primary_key=True)
        tag: Mapped[str] = mapped_column(String(10))

        @synonym_for("tag")
        @property
        def tag_upper(self) -> str:
            return self.tag.upper()

    assert Tagged(tag="ab").tag_upper == "AB"
    assert "seg_tagged.tag = " in str(Tagged.tag_upper == "x")


def test_bundle_from_statement_is_refused(session):
    from cormorant import text

    stmt = select(Bundle("b", Segment.x1)).from_statement(text("SELECT x1 FROM seg_segment"))
    with pytest.raises(NotImplementedError, match="from_statement\\(\\) with a Bundle"):
        session.execute(stmt).all()


def test_through_async_session(async_url, engine):
    import asyncio

    from cormorant.ext.asyncio import async_sessionmaker, create_async_engine

    Base.metadata.create_all(engine)

    async def main():
        aengine = create_async_engine(async_url)
        try:
            async with async_sessionmaker(aengine, expire_on_commit=False)() as session:
                session.add(Segment(start=Point(1, 2), end=Point(3, 4), title="z"))
                await session.commit()
                rows = (
                    await session.execute(select(Bundle("p", Segment.x1, Segment.y1), Segment.start))
                ).all()
                found = (await session.scalars(select(Segment).where(Segment.start == Point(1, 2)))).one()
                return rows, found.title
        finally:
            await aengine.dispose()

    rows, title = asyncio.run(main())
    assert rows == [((1, 2), Point(1, 2))] and rows[0].p.y1 == 2 and title == "z"


def test_composite_in_order_by_and_group_by(session):
    session.add(Segment(start=Point(1, 0), end=Point(0, 0), label="c"))
    session.commit()
    ordered = select(Segment.label).order_by(Segment.start)
    assert "ORDER BY seg_segment.x1, seg_segment.y1" in str(ordered)
    assert session.scalars(ordered).all() == ["c", "a", "b"]
    grouped = select(Segment.x1).group_by(Segment.start).order_by(Segment.x1)
    assert session.scalars(grouped).all() == [1, 1, 5]


def test_unnamed_inline_columns_take_the_dataclass_field_names():
    class OwnBase(DeclarativeBase):
        pass

    class Spot(OwnBase):
        __tablename__ = "seg_spot"
        id: Mapped[int] = mapped_column(primary_key=True)
        where: Mapped[Point] = composite(mapped_column(), mapped_column())

    assert Spot.__table__.c.keys() == ["id", "x", "y"]
    assert Spot(where=Point(4, 5)).x == 4
    assert repr(Spot.__table__.c.x.type) == "Integer()"


def test_bundle_keys_follow_the_result_keys(session):
    mixed = Bundle("m", Segment.label, Segment.title, Segment.x1 + 1)
    assert mixed.c.keys() == ["label", "title", "anon_1"]
    row = session.execute(select(mixed).where(Segment.label == "a")).one()
    assert row.m._fields == ("label", "title", "anon_1") and row.m == ("a", "a", 2)
