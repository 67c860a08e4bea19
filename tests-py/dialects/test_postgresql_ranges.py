"""PostgreSQL's range and multirange types with `Range` as their Python value:
DDL, round trips at the edges (unbounded, empty, NULL, quoted bounds), each
range operator in SQL, and Range's own algebra checked against the server's."""

import datetime as dt
import decimal
import itertools

import pytest
from cormorant import Column, Integer, MetaData, Table, insert, literal, select
from cormorant.dialects import postgresql as pg
from cormorant.dialects.postgresql import Range
from cormorant.exc import StatementError, UnsupportedCompilationError

UTC = dt.timezone.utc
RANGE_TYPES = "INT4RANGE INT8RANGE NUMRANGE DATERANGE TSRANGE TSTZRANGE".split()
MULTIRANGE_TYPES = [name.replace("RANGE", "MULTIRANGE") for name in RANGE_TYPES]


@pytest.mark.parametrize("name", RANGE_TYPES + MULTIRANGE_TYPES)
def test_each_range_type_is_spelled_by_name_and_only_on_postgresql(name):
    type_ = getattr(pg, name)()
    assert type_.compile("postgresql") == name
    with pytest.raises(UnsupportedCompilationError):
        type_.compile("sqlite")


# --- Range in Python -------------------------------------------------------------------------


def test_range_ends_and_emptiness():
    r = Range(1, 5, bounds="(]")
    assert (r.lower, r.upper, r.bounds, r.empty) == (1, 5, "(]", False)
    assert not r.lower_inc and r.upper_inc and not r.lower_inf and not r.upper_inf
    assert Range().lower_inf and Range().upper_inf and not Range().lower_inc
    empty = Range(empty=True)
    assert not empty and empty.isempty and empty.is_empty and bool(r)
    assert str(r) == "(1,5]" and str(empty) == "empty" and str(Range(None, 2)) == "[,2)"
    assert repr(r) == "Range(1, 5, bounds='(]')" and repr(empty) == "Range(empty=True)"
    with pytest.raises(ValueError, match="bounds must be one of"):
        Range(1, 2, bounds="<>")


def test_discrete_ranges_are_equal_in_any_spelling():
    assert Range(1, 3, bounds="[]") == Range(1, 4) == Range(0, 4, bounds="()")
    assert hash(Range(1, 3, bounds="[]")) == hash(Range(1, 4))
    assert Range(2, 2) == Range(empty=True)  # [2,2) holds nothing
    day = dt.date(2020, 1, 1)
    assert Range(day, day, bounds="[]") == Range(day, dt.date(2020, 1, 2))
    assert Range(1.0, 3.0, bounds="[]") != Range(1.0, 3.0)  # continuous: the bounds matter
    assert Range(None, 2, bounds="()") == Range(None, 2, bounds="[)")  # an unbounded end has no inclusion


def test_range_algebra_errors_as_sqlalchemys():
    with pytest.raises(ValueError, match="non-overlapping and non-adjacent"):
        Range(1, 2).union(Range(5, 6))
    with pytest.raises(ValueError, match="strictly inner range"):
        Range(1, 10).difference(Range(4, 5))
    assert Range(1, 2) + Range(2, 4) == Range(1, 4)
    assert Range(1, 10) - Range(5, 20) == Range(1, 5)
    assert Range(1, 10) * Range(5, 20) == Range(5, 10)
    assert 3 in Range(1, 5) and 5 not in Range(1, 5) and Range(2, 3) in Range(1, 5)
    assert Range(1, 2) << Range(3, 4) and Range(3, 4) >> Range(1, 2)


# --- round trips -----------------------------------------------------------------------------

VALUES = {
    "INT4RANGE": [Range(-(2**31), 2**31 - 1), Range(1, 3, bounds="[]"), Range(None, 0), Range()],
    "INT8RANGE": [Range(-(2**63), 2**63 - 1), Range(5, None, bounds="(]")],
    "NUMRANGE": [
        Range(decimal.Decimal("-1.5"), decimal.Decimal("1e-10"), bounds="(]"),
        Range(None, decimal.Decimal(0)),
    ],
    "DATERANGE": [
        Range(dt.date(1, 1, 1), dt.date(9999, 12, 30), bounds="[]"),
        Range(dt.date(2024, 2, 29), None),
    ],
    "TSRANGE": [Range(dt.datetime(2020, 1, 1, 10, 30), dt.datetime(2020, 1, 1, 10, 30, 0, 1), bounds="[]")],
    "TSTZRANGE": [Range(dt.datetime(2020, 1, 1, tzinfo=UTC), None, bounds="()")],
}


@pytest.mark.postgresql_only
@pytest.mark.parametrize("name", RANGE_TYPES)
def test_ranges_round_trip_at_their_edges(engine, name):
    md = MetaData()
    table = Table("ranges", md, Column("id", Integer, primary_key=True), Column("r", getattr(pg, name)))
    md.create_all(engine)
    values = [*VALUES[name], Range(empty=True), None]
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": i, "r": v} for i, v in enumerate(values)])
        got = conn.execute(select(table.c.r).order_by(table.c.id)).scalars().all()
    assert got == values
    for value, back in zip(values, got, strict=True):
        if value is not None and not value.empty:
            assert type(back) is Range and type(back.lower or back.upper) is type(value.lower or value.upper)


@pytest.mark.postgresql_only
def test_multiranges_round_trip_as_lists_of_ranges(engine):
    md = MetaData()
    table = Table(
        "multi",
        md,
        Column("id", Integer, primary_key=True),
        Column("ints", pg.INT4MULTIRANGE),
        Column("stamps", pg.TSTZMULTIRANGE),
    )
    md.create_all(engine)
    morning = Range(dt.datetime(2020, 1, 1, 8, tzinfo=UTC), dt.datetime(2020, 1, 1, 12, tzinfo=UTC))
    with engine.begin() as conn:
        conn.execute(
            insert(table),
            [
                {"id": 1, "ints": [Range(5, 7), Range(1, 3), Range(2, 4)], "stamps": [morning, Range()]},
                {"id": 2, "ints": [], "stamps": [Range(empty=True)]},
                {"id": 3, "ints": None, "stamps": None},
            ],
        )
        rows = conn.execute(select(table.c.ints, table.c.stamps).order_by(table.c.id)).all()
        with pytest.raises(StatementError, match="expected a list of Range"):
            conn.execute(insert(table), {"id": 4, "ints": Range(1, 2), "stamps": None})
    # the server merges and sorts the ranges of a multirange
    assert rows[0] == ([Range(1, 4), Range(5, 7)], [Range()])
    assert type(rows[0][0]) is pg.MultiRange
    assert rows[1] == ([], []) and rows[2] == (None, None)


# --- the operators in SQL ----------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_range_operators_in_sql(engine):
    md = MetaData()
    table = Table(
        "spans",
        md,
        Column("id", Integer, primary_key=True),
        Column("r", pg.INT4RANGE),
        Column("days", pg.DATERANGE),
        Column("m", pg.INT4MULTIRANGE),
    )
    md.create_all(engine)
    jan = Range(dt.date(2020, 1, 1), dt.date(2020, 2, 1))
    with engine.begin() as conn:
        conn.execute(
            insert(table),
            [
                {"id": 1, "r": Range(1, 5), "days": jan, "m": [Range(1, 3), Range(5, 7)]},
                {"id": 2, "r": Range(10, None), "days": Range(empty=True), "m": []},
            ],
        )
        r = table.c.r

        def ids(criterion):
            return conn.execute(select(table.c.id).where(criterion).order_by(table.c.id)).scalars().all()

        assert ids(r.contains(4)) == [1] and ids(r.contains(Range(2, 3))) == [1]
        assert ids(r.contained_by(Range(0, 100))) == [1]
        assert ids(r.overlaps(Range(4, 12))) == [1, 2]
        assert ids(r.strictly_left_of(Range(5, 6))) == [1]
        assert ids(r.strictly_right_of(Range(5, 6))) == [2]
        assert ids(r.not_extend_right_of(Range(0, 5))) == [1]
        assert ids(r.not_extend_left_of(Range(2, 3))) == [2]
        assert ids(r.adjacent_to(Range(5, 10))) == [1, 2]
        assert ids(table.c.days.contains(dt.date(2020, 1, 31))) == [1]
        assert ids(table.c.m.contains(6)) == [1] and ids(table.c.m.overlaps(Range(3, 5))) == []
        combined = select(
            r.union(Range(5, 8)), r.difference(Range(3, 9)), r.intersection(Range(0, 2)), r + Range(0, 1)
        )
        assert conn.execute(combined.where(table.c.id == 1)).one() == (
            Range(1, 8),
            Range(1, 3),
            Range(1, 2),
            Range(0, 5),
        )


# --- Range's algebra agrees with the server's ------------------------------------------------

_ENDS = [None, 1, 3]
_GRID = [Range(lo, up, bounds=b) for lo in _ENDS for up in _ENDS for b in ("[)", "(]", "[]", "()")]
_GRID = [r for r in _GRID if r.lower is None or r.upper is None or r.lower <= r.upper] + [Range(empty=True)]

_PREDICATES = [
    "contains",
    "overlaps",
    "strictly_left_of",
    "strictly_right_of",
    "not_extend_right_of",
    "not_extend_left_of",
    "adjacent_to",
]
_ALGEBRA = ["union", "difference", "intersection"]


@pytest.mark.postgresql_only
def test_range_algebra_matches_postgresql(engine):
    pairs = list(itertools.product(_GRID, repeat=2))
    checked = 0
    with engine.connect() as conn:
        for a, b in pairs:
            left, right = literal(a, pg.INT4RANGE()), literal(b, pg.INT4RANGE())
            exprs = [getattr(left, name)(right) for name in _PREDICATES]
            expected = conn.execute(select(*exprs)).one()
            assert tuple(getattr(a, name)(b) for name in _PREDICATES) == tuple(expected), (a, b)
            for name in _ALGEBRA:
                try:
                    mine = getattr(a, name)(b)
                except ValueError:  # PostgreSQL raises too, for these
                    continue
                assert conn.execute(select(getattr(left, name)(right))).scalar() == mine, (name, a, b)
                checked += 1
    assert checked > len(pairs)


@pytest.mark.postgresql_only
def test_range_operators_on_mapped_attributes(engine):
    from cormorant.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column

    class Base(DeclarativeBase):
        pass

    class Booking(Base):
        __tablename__ = "bookings"
        id: Mapped[int] = mapped_column(primary_key=True)
        nights: Mapped[Range[dt.date]] = mapped_column(pg.DATERANGE)

    Base.metadata.create_all(engine)
    stay = Range(dt.date(2024, 12, 30), dt.date(2025, 1, 2))
    with Session(engine) as session:
        session.add(Booking(id=1, nights=stay))
        session.commit()
        clash = Range(dt.date(2025, 1, 1), dt.date(2025, 1, 5))
        assert session.scalars(select(Booking.id).where(Booking.nights.overlaps(clash))).all() == [1]
        other = aliased(Booking)
        assert session.scalars(select(other.id).where(other.nights.contains(dt.date(2025, 1, 2)))).all() == []
        session.expire_all()
        assert session.get(Booking, 1).nights == stay


def test_a_literal_range_binds_as_the_range_type_of_its_ends():
    from cormorant import literal as lit

    assert type(lit(Range(1, 2)).type) is pg.INT4RANGE
    assert type(lit(Range(None, 2**40)).type) is pg.INT8RANGE
    assert type(lit(Range(decimal.Decimal(1), None)).type) is pg.NUMRANGE
    assert type(lit(Range(dt.date(2020, 1, 1), None)).type) is pg.DATERANGE
    assert type(lit(Range(dt.datetime(2020, 1, 1), None)).type) is pg.TSRANGE
    assert type(lit(Range(dt.datetime(2020, 1, 1, tzinfo=UTC), None)).type) is pg.TSTZRANGE


def test_shift_operators_are_strictly_left_and_right_of_on_ranges():
    from cormorant import column

    span = column("span", pg.INT4RANGE)
    assert str(span << Range(1, 2)) == str(span.strictly_left_of(Range(1, 2)))
    assert " >> " in str(span >> Range(1, 2))
    with pytest.raises(NotImplementedError, match="Operator 'lshift' is not supported on this expression"):
        column("n", Integer) << 2


@pytest.mark.postgresql_only
def test_literal_ranges_run(engine):
    with engine.connect() as conn:
        row = conn.execute(
            select(literal(Range(1, 5)).contains(3), literal(Range(dt.date(2020, 1, 1), None)))
        ).one()
    assert row == (True, Range(dt.date(2020, 1, 1), None))
