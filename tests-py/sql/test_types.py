"""Every column type at its edges (issue 5), through the ORM (a declarative model with
Mapped[...] columns) and through Core insert/select, on SQLite and PostgreSQL.

The expected values are what SQLAlchemy 2.0 returns with pysqlite and psycopg 3 for the
same statements. Each round trip checks the Python type of the value read back
(`type(got) is type(expected)`) as well as equality, and reads it back several ways:

* core:             insert().values(...).returning(col), then select(col) and select(table) rows;
* core_executemany: insert(table) with a list of parameter sets (two rows), then select(table);
* orm:              two objects added and flushed together, then Session.get, select(Model)
                    and select(Model.attr), each in a fresh Session.

Where a WHERE clause can compare the column, the bound value must also find the rows.
Where cormorant differs from SQLAlchemy the test is kept and marked xfail(strict=True)."""

import enum
import math
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Optional

import pytest
from cormorant import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    Uuid,
    func,
    insert,
    select,
    text,
)
from cormorant.exc import DataError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Color(enum.Enum):
    red = 1
    green = 2
    # a member whose value is not its name: the column stores the name
    dark_blue = "DB"


# The same columns twice: a Core Table and a declarative model. Every column is nullable.
def edge_columns(enum_name="core_color"):
    return [
        Column("big", BigInteger),
        Column("int32", Integer),
        Column("num", Numeric(38, 10)),
        Column("money", Numeric(10, 2)),
        Column("flt", Float),
        Column("blob", LargeBinary),
        Column("string", String(100)),
        Column("short", String(5)),
        Column("txt", Text),
        Column("day", Date),
        Column("moment", DateTime),
        Column("clock", Time),
        Column("aware", DateTime(timezone=True)),
        Column("flag", Boolean),
        Column("uid", Uuid),
        Column("color", Enum(Color, name=enum_name)),
        Column("doc", JSON),
    ]


core_metadata = MetaData()
core_edges = Table("core_edges", core_metadata, Column("id", Integer, primary_key=True), *edge_columns())


class OrmBase(DeclarativeBase):
    pass


class OrmEdges(OrmBase):
    __tablename__ = "orm_edges"
    id: Mapped[int] = mapped_column(primary_key=True)
    big: Mapped[Optional[int]] = mapped_column(BigInteger)
    int32: Mapped[Optional[int]] = mapped_column(Integer)
    num: Mapped[Optional[Decimal]] = mapped_column(Numeric(38, 10))
    money: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    flt: Mapped[Optional[float]] = mapped_column(Float)
    blob: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    string: Mapped[Optional[str]] = mapped_column(String(100))
    short: Mapped[Optional[str]] = mapped_column(String(5))
    txt: Mapped[Optional[str]] = mapped_column(Text)
    day: Mapped[Optional[date]] = mapped_column(Date)
    moment: Mapped[Optional[datetime]] = mapped_column(DateTime)
    clock: Mapped[Optional[time]] = mapped_column(Time)
    aware: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    flag: Mapped[Optional[bool]] = mapped_column(Boolean)
    uid: Mapped[Optional[uuid.UUID]] = mapped_column(Uuid)
    # its own enum name: on PostgreSQL SQLAlchemy creates a named ENUM type per metadata
    color: Mapped[Optional[Color]] = mapped_column(Enum(Color, name="orm_color"))
    doc: Mapped[Optional[Any]] = mapped_column(JSON)


EDGE_COLUMNS = [c.name for c in edge_columns()]
VIAS = ["core", "core_executemany", "orm"]


@pytest.fixture(params=VIAS)
def via(request):
    return request.param


@pytest.fixture
def tables(engine):
    core_metadata.create_all(engine)
    OrmBase.metadata.create_all(engine)
    yield engine
    OrmBase.metadata.drop_all(engine)
    core_metadata.drop_all(engine)


def write_and_read(engine, via, column, value, where=True):
    """Store `value` in `column` and read it back every way `via` offers.

    Returns (values read back, ids a WHERE `column` = `value` finds, ids stored); with
    where=False (a column = cannot compare) no WHERE runs and the ids found are []."""
    if via == "core":
        with engine.begin() as conn:
            returned = conn.execute(
                insert(core_edges).values({"id": 1, column: value}).returning(core_edges.c[column])
            ).scalar_one()
        with engine.connect() as conn:
            scalar = conn.execute(select(core_edges.c[column]).where(core_edges.c.id == 1)).scalar_one()
            row = conn.execute(select(core_edges).where(core_edges.c.id == 1)).one()
            by_value = select(core_edges.c.id).where(core_edges.c[column] == value)
            found = conn.execute(by_value).scalars().all() if where else []
        return [returned, scalar, getattr(row, column), row._mapping[column]], sorted(found), [1]
    if via == "core_executemany":
        with engine.begin() as conn:
            conn.execute(insert(core_edges), [{"id": 1, column: value}, {"id": 2, column: value}])
        with engine.connect() as conn:
            rows = conn.execute(select(core_edges).order_by(core_edges.c.id)).all()
            by_value = select(core_edges.c.id).where(core_edges.c[column] == value)
            found = conn.execute(by_value).scalars().all() if where else []
        assert [r.id for r in rows] == [1, 2]
        return [getattr(r, column) for r in rows], sorted(found), [1, 2]
    assert via == "orm"
    with Session(engine) as session:
        session.add_all([OrmEdges(id=1, **{column: value}), OrmEdges(id=2, **{column: value})])
        session.commit()
    attr = getattr(OrmEdges, column)
    with Session(engine) as session:
        by_get = getattr(session.get(OrmEdges, 1), column)
    with Session(engine) as session:
        by_select = getattr(session.scalars(select(OrmEdges).where(OrmEdges.id == 2)).one(), column)
    with Session(engine) as session:
        by_column = session.scalars(select(attr).order_by(OrmEdges.id)).all()
        found = session.scalars(select(OrmEdges.id).where(attr == value)).all() if where else []
    return [by_get, by_select, *by_column], sorted(found), [1, 2]


def assert_same(got_values, expected):
    """Every value read back has exactly the type of `expected` and equals it."""
    for got in got_values:
        assert type(got) is type(expected), f"{got!r} is a {type(got).__name__}, expected {expected!r}"
        assert got == expected, f"{got!r} != {expected!r}"


def xfail_on(request, backend, failing_backend, reason):
    """A strict xfail for one backend only."""
    if backend == failing_backend:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


# --- values that come back exactly as they went in, on both backends -----------------------

ONE_MB = bytes(range(256)) * 4096
EXACT_CASES = [
    # integers at the 64-bit edges in a BigInteger column; the 32-bit edges in an Integer column
    ("big", -(2**63), "bigint-min"),
    ("big", 2**63 - 1, "bigint-max"),
    ("big", 0, "bigint-zero"),
    ("int32", 2**31 - 1, "integer-max"),
    ("int32", -(2**31), "integer-min"),
    # Numeric with a scale: values already at the scale come back equal and as Decimal
    ("num", Decimal("-12345.6789012345"), "numeric-15-digits"),
    ("num", Decimal("0.0000000001"), "numeric-smallest-step"),
    ("money", Decimal("99999999.99"), "numeric-10-2-max"),
    ("money", Decimal("-0.01"), "numeric-10-2-negative-cent"),
    # floats at the edges of an IEEE double
    ("flt", float("inf"), "float-inf"),
    ("flt", float("-inf"), "float-minus-inf"),
    ("flt", 1.7976931348623157e308, "float-max"),
    ("flt", 5e-324, "float-min-subnormal"),
    ("flt", 0.1, "float-0.1"),
    # binary
    ("blob", b"", "binary-empty"),
    ("blob", b"\x00", "binary-one-nul"),
    ("blob", b"a\x00b\x00\x00c\xff\x00", "binary-embedded-nul"),
    ("blob", ONE_MB, "binary-1mb"),
    # strings: non-BMP characters, embedded newlines, empty
    ("string", "🐦 𝄞 𠜎", "string-non-bmp"),
    ("short", "🐦𝄞𠜎🐦𝄞", "string-5-non-bmp-chars-in-string-5"),
    ("string", "", "string-empty"),
    ("txt", "🐦 𝄞 𠜎\nline two\r\nline three\n\n", "text-non-bmp-newlines"),
    ("txt", "x" * 100_000 + "𠜎", "text-100k"),
    # dates and times at the ends of Python's range, microseconds kept
    ("day", date(1, 1, 1), "date-year-1"),
    ("day", date(9999, 12, 31), "date-year-9999"),
    ("day", date(2024, 2, 29), "date-leap-day"),
    ("moment", datetime(1, 1, 1, 0, 0), "datetime-year-1"),
    ("moment", datetime(9999, 12, 31, 23, 59, 59, 999999), "datetime-year-9999-max-microsecond"),
    ("moment", datetime(2000, 1, 1, 0, 0, 0, 1), "datetime-one-microsecond"),
    ("clock", time(23, 59, 59, 999999), "time-max-microsecond"),
    ("clock", time(0, 0, 0, 1), "time-one-microsecond"),
    ("clock", time(0, 0), "time-midnight"),
    ("clock", time(12, 30, 15, 250000), "time-quarter-second"),
    # booleans come back as bool, not int
    ("flag", True, "bool-true"),
    ("flag", False, "bool-false"),
    # uuid.UUID, enum members
    ("uid", uuid.UUID("12345678-1234-5678-1234-567812345678"), "uuid"),
    ("uid", uuid.UUID(int=0), "uuid-nil"),
    ("uid", uuid.UUID(int=2**128 - 1), "uuid-max"),
    ("color", Color.red, "enum-red"),
    ("color", Color.dark_blue, "enum-member-value-not-name"),
]


@pytest.mark.parametrize(("column", "value"), [c[:2] for c in EXACT_CASES], ids=[c[2] for c in EXACT_CASES])
def test_value_round_trips_exactly(tables, via, column, value):
    got, found, stored = write_and_read(tables, via, column, value)
    assert_same(got, value)
    assert found == stored


JSON_CASES = [
    ({"a": [1, 2.5, None, True], "b": {"c": "🐦"}}, "dict"),
    ([1, "two", {"3": 4}, [], {}], "list"),
    ("a plain string", "str"),
    ("", "empty-str"),
    (42, "int"),
    (-(2**63), "int-64-bit-min"),
    (1.5, "float"),
    (True, "true"),
    (False, "false"),
    ({}, "empty-dict"),
    ([], "empty-list"),
]


@pytest.mark.parametrize("value", [c[0] for c in JSON_CASES], ids=[c[1] for c in JSON_CASES])
def test_json_round_trips(tables, via, value):
    # a json column cannot be compared with = on PostgreSQL, so no WHERE here
    got, _, _ = write_and_read(tables, via, "doc", value, where=False)
    assert_same(got, value)  # also: True must not come back as 1, nor 1.5 as Decimal


# --- Numeric: exact decimals, and the column's scale ---------------------------------------

DIGITS_28 = Decimal("123456789012345678.9012345678")  # 28 significant digits, scale 10


@pytest.mark.postgresql_only
@pytest.mark.parametrize("value", [DIGITS_28, -DIGITS_28], ids=["positive", "negative"])
def test_numeric_28_significant_digits_exact_on_postgresql(tables, via, value, backend):
    got, found, stored = write_and_read(tables, via, "num", value)
    assert_same(got, value)
    quantized = str(value.quantize(Decimal("1E-10")))
    assert [str(g) for g in got] == [quantized] * len(got)
    assert found == stored


@pytest.mark.sqlite_only
def test_numeric_28_significant_digits_on_sqlite_come_back_as_nearest_double(tables, via, backend):
    """SQLite has no decimal type: a NUMERIC column stores a non-integer as an 8-byte IEEE
    REAL, so a 28-significant-digit Decimal comes back as a Decimal holding the nearest
    double's value (about 17 significant digits). SQLAlchemy with pysqlite does the same
    (and warns that the dialect does not support Decimal objects natively)."""
    got, _, _ = write_and_read(tables, via, "num", DIGITS_28)
    nearest_double = Decimal(repr(float(DIGITS_28)))  # Decimal('123456789012345680')
    assert_same(got, nearest_double)


SCALE_CASES = [
    # (column, value stored, str() SQLAlchemy gives back: the value quantized to the column's
    #  scale, whether cormorant's SQLite result loses that scale)
    ("money", Decimal("0.10"), "0.10", True),
    ("money", Decimal("0.00"), "0.00", True),
    ("money", Decimal("12345678.90"), "12345678.90", True),
    ("money", Decimal("3"), "3.00", True),
    ("money", Decimal("-0.01"), "-0.01", False),
    ("num", Decimal("0.1234567890"), "0.1234567890", True),
    ("num", Decimal("-12345.6789012345"), "-12345.6789012345", False),
]


@pytest.mark.parametrize(
    ("column", "value", "expected_str", "sqlite_loses_scale"),
    SCALE_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in SCALE_CASES],
)
def test_numeric_keeps_the_column_scale(
    request, tables, via, backend, column, value, expected_str, sqlite_loses_scale
):
    got, found, stored = write_and_read(tables, via, column, value)
    assert_same(got, value)
    assert [str(g) for g in got] == [expected_str] * len(got)
    assert found == stored


# --- Float NaN -----------------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_float_nan_round_trips_on_postgresql(tables, via, backend):
    got, _, _ = write_and_read(tables, via, "flt", float("nan"), where=False)
    for item in got:
        assert type(item) is float and math.isnan(item)


@pytest.mark.sqlite_only
def test_float_nan_is_stored_as_null_on_sqlite(tables, via, backend):
    """SQLite has no NaN: binding a NaN REAL stores NULL (sqlite3_bind_double documents
    that NaN becomes NULL), so the value comes back None, as with SQLAlchemy and pysqlite."""
    got, _, _ = write_and_read(tables, via, "flt", float("nan"), where=False)
    assert got == [None] * len(got)
    with tables.connect() as conn:
        table = core_edges if via.startswith("core") else OrmEdges.__table__
        nulls = conn.execute(select(func.count()).select_from(table).where(table.c.flt.is_(None))).scalar()
    assert nulls == (1 if via == "core" else 2)


# --- DateTime(timezone=True) -----------------------------------------------------------------

AWARE_CASES = [
    (datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))), "plus-0530"),
    (datetime(2024, 12, 31, 22, 0, 0, 1, tzinfo=timezone(timedelta(hours=-8))), "minus-08-next-day-in-utc"),
    (datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc), "utc"),
]


@pytest.mark.parametrize("value", [c[0] for c in AWARE_CASES], ids=[c[1] for c in AWARE_CASES])
def test_aware_datetime(tables, via, backend, value):
    got, found, stored = write_and_read(tables, via, "aware", value)
    for item in got:
        assert type(item) is datetime
        if backend == "postgresql":
            # timestamptz: the same instant comes back, aware
            assert item.tzinfo is not None and item.utcoffset() is not None
            assert item == value
            assert item.microsecond == value.microsecond
        else:
            # SQLite: the wall-clock value is stored without its offset and comes back naive,
            # as SQLAlchemy's SQLite dialect does
            assert item.tzinfo is None
            assert item == value.replace(tzinfo=None)
    assert found == stored


# --- Enum on PostgreSQL ----------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_enum_is_a_native_enum_type_on_postgresql(tables, backend):
    with tables.connect() as conn:
        udt_name = conn.execute(
            text(
                "SELECT udt_name FROM information_schema.columns "
                "WHERE table_name = 'core_edges' AND column_name = 'color'"
            )
        ).scalar_one()
        labels = (
            conn.execute(
                text(
                    "SELECT e.enumlabel FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t "
                    "ON t.oid = e.enumtypid WHERE t.typname = 'core_color' ORDER BY e.enumsortorder"
                )
            )
            .scalars()
            .all()
        )
    assert udt_name == "core_color"
    assert labels == ["red", "green", "dark_blue"]


# --- SQLite: the stored form is SQLAlchemy's, both ways -----------------------------------------

SQLITE_STORAGE_CASES = [
    # (column, Python value, what SQLAlchemy's SQLite dialect stores, what reading that gives back)
    ("day", date(1, 1, 1), "0001-01-01", None),
    ("day", date(9999, 12, 31), "9999-12-31", None),
    ("moment", datetime(1, 1, 1), "0001-01-01 00:00:00.000000", None),
    ("moment", datetime(9999, 12, 31, 23, 59, 59, 999999), "9999-12-31 23:59:59.999999", None),
    ("clock", time(0, 0, 0, 1), "00:00:00.000001", None),
    ("clock", time(12, 0), "12:00:00.000000", None),
    (
        "aware",
        datetime(2024, 5, 6, 7, 8, 9, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        "2024-05-06 07:08:09.000005",
        datetime(2024, 5, 6, 7, 8, 9, 5),
    ),
    ("uid", uuid.UUID(int=255), "000000000000000000000000000000ff", None),
    ("color", Color.dark_blue, "dark_blue", None),
    ("flag", True, 1, None),
    ("flag", False, 0, None),
    ("doc", {"a": "🐦"}, '{"a": "\\ud83d\\udc26"}', None),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("column", "value", "stored", "read_back"),
    SQLITE_STORAGE_CASES,
    ids=[f"{c[0]}-{c[2]}" for c in SQLITE_STORAGE_CASES],
)
def test_sqlite_stores_what_sqlalchemy_stores(tables, backend, column, value, stored, read_back):
    """A SQLite file is shared with SQLAlchemy: cormorant writes each type in the text (or
    integer) form SQLAlchemy's SQLite dialect writes, and reads that form back."""
    with tables.begin() as conn:
        conn.execute(insert(core_edges).values({"id": 1, column: value}))
        # id 2: the stored form written directly, as SQLAlchemy would have written it
        conn.execute(text(f"INSERT INTO core_edges (id, {column}) VALUES (2, :v)"), {"v": stored})
    with tables.connect() as conn:
        raw = conn.execute(text(f"SELECT {column} FROM core_edges WHERE id = 1")).scalar_one()
        typed = conn.execute(select(core_edges.c[column]).where(core_edges.c.id == 2)).scalar_one()
    assert type(raw) is type(stored) and raw == stored
    expected = value if read_back is None else read_back
    assert type(typed) is type(expected) and typed == expected


SQLITE_MALFORMED_CASES = [
    # (column, stored text, what it cannot be parsed as)
    ("day", "2024x02y29", "date"),  # the separators were not checked: read as 2024-02-29
    ("day", "2023-02-29", "date"),
    ("moment", "2024-02-29 24:00", "datetime"),
    ("moment", "2024-02-29_08:15", "datetime"),
    ("clock", "12:60", "time"),
    ("clock", "7:15", "time"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("column", "stored", "what"), SQLITE_MALFORMED_CASES, ids=[c[1] for c in SQLITE_MALFORMED_CASES]
)
def test_sqlite_stored_text_that_is_no_date_or_time_is_an_error_naming_it(
    tables, backend, column, stored, what
):
    """The ISO parser behind SQLite's Date/DateTime/Time columns (result/temporal, fuzzed
    by tests-cpp/fuzz/fuzz_sqlite_values) refuses text that names no real day or time,
    and the message quotes the stored text (it printed a literal '%.*s' before 3.12)."""
    with tables.begin() as conn:
        conn.execute(text(f"INSERT INTO core_edges (id, {column}) VALUES (1, :v)"), {"v": stored})
    with tables.connect() as conn:
        with pytest.raises(ValueError, match=f"cannot parse {what} from stored value '{stored}'"):
            conn.execute(select(core_edges.c[column])).scalar_one()


# --- None in every nullable column ---------------------------------------------------------


def test_none_in_every_nullable_column(tables, via):
    explicit_none = dict.fromkeys(EDGE_COLUMNS)
    if via == "orm":
        with Session(tables) as session:
            session.add_all([OrmEdges(id=1), OrmEdges(id=2, **explicit_none)])
            session.commit()
        with Session(tables) as session:
            objects = session.scalars(select(OrmEdges).order_by(OrmEdges.id)).all()
            rows = [{c: getattr(o, c) for c in EDGE_COLUMNS} for o in objects]
    else:
        with tables.begin() as conn:
            if via == "core":
                conn.execute(insert(core_edges).values(id=1))
                conn.execute(insert(core_edges).values(id=2, **explicit_none))
            else:
                conn.execute(insert(core_edges), [{"id": 1, **explicit_none}, {"id": 2, **explicit_none}])
        with tables.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(core_edges).order_by(core_edges.c.id))]
            for row in rows:
                del row["id"]
    assert len(rows) == 2
    for row in rows:
        assert row == explicit_none


# --- integers beyond their column ------------------------------------------------------------


@pytest.mark.postgresql_only
@pytest.mark.parametrize("value", [2**31, -(2**31) - 1], ids=["max-plus-1", "min-minus-1"])
def test_integer_beyond_32_bits_is_rejected_on_postgresql(tables, backend, value):
    with tables.connect() as conn:
        with pytest.raises(DataError):
            conn.execute(insert(core_edges).values(id=1, int32=value))


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1], ids=["max-plus-1", "min-minus-1"])
def test_biginteger_beyond_64_bits_is_rejected(request, tables, backend, value):
    with tables.connect() as conn:
        # pysqlite itself raises OverflowError, which SQLAlchemy does not wrap
        expected = DataError if backend == "postgresql" else OverflowError
        with pytest.raises(expected):
            conn.execute(insert(core_edges).values(id=1, big=value))


# --- annotation-only columns: SQLAlchemy's default type map ----------------------------------


class AnnotationBase(DeclarativeBase):
    pass


class AnnotationOnly(AnnotationBase):
    __tablename__ = "annotation_only"
    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal]
    day: Mapped[date]
    moment: Mapped[datetime]
    clock: Mapped[time]
    uid: Mapped[uuid.UUID]
    blob: Mapped[bytes]
    flag: Mapped[bool]
    ratio: Mapped[float]
    note: Mapped[Optional[str]]


TYPE_MAP_CASES = [
    ("amount", Numeric, False),
    ("day", Date, False),
    ("moment", DateTime, False),
    ("clock", Time, False),
    ("uid", Uuid, False),
    ("blob", LargeBinary, False),
    ("flag", Boolean, False),
    ("ratio", Float, False),
    ("note", String, True),
]


@pytest.mark.parametrize(
    ("key", "type_class", "nullable"), TYPE_MAP_CASES, ids=[c[0] for c in TYPE_MAP_CASES]
)
def test_annotation_maps_python_type_like_sqlalchemy(key, type_class, nullable):
    column = AnnotationOnly.__table__.c[key]
    assert type(column.type) is type_class
    assert column.nullable is nullable


def test_annotation_only_types_keep_their_defaults():
    table = AnnotationOnly.__table__
    assert table.c.amount.type.precision is None and table.c.amount.type.scale is None
    assert table.c.amount.type.asdecimal is True
    assert table.c.moment.type.timezone is False
    assert table.c.note.type.length is None


def test_annotation_only_columns_keep_declaration_order():
    assert list(AnnotationOnly.__table__.c.keys()) == [
        "id",
        "amount",
        "day",
        "moment",
        "clock",
        "uid",
        "blob",
        "flag",
        "ratio",
        "note",
    ]


ANNOTATED_VALUES = {
    "amount": Decimal("-98765.4321"),
    "day": date(9999, 12, 31),
    "moment": datetime(1, 1, 1, 0, 0, 0, 1),
    "clock": time(23, 59, 59, 999999),
    "uid": uuid.UUID("87654321-4321-8765-4321-876543218765"),
    "blob": b"\x00\xff\x00",
    "flag": True,
    "ratio": float("-inf"),
    "note": "🐦\n𠜎",
}


@pytest.fixture
def annotated(engine):
    AnnotationBase.metadata.create_all(engine)
    yield engine
    AnnotationBase.metadata.drop_all(engine)


@pytest.mark.parametrize("how", ["orm", "core"])
def test_annotation_only_columns_round_trip(annotated, how):
    second = {**ANNOTATED_VALUES, "flag": False, "note": None}
    table = AnnotationOnly.__table__
    if how == "orm":
        with Session(annotated) as session:
            session.add_all([AnnotationOnly(id=1, **ANNOTATED_VALUES), AnnotationOnly(id=2, **second)])
            session.commit()
        with Session(annotated) as session:
            objects = session.scalars(select(AnnotationOnly).order_by(AnnotationOnly.id)).all()
            rows = [{key: getattr(o, key) for key in ANNOTATED_VALUES} for o in objects]
    else:
        with annotated.begin() as conn:
            conn.execute(insert(table).values(id=1, **ANNOTATED_VALUES))
            conn.execute(insert(table).values(id=2, **second))
        with annotated.connect() as conn:
            rows = [
                {key: row._mapping[key] for key in ANNOTATED_VALUES}
                for row in conn.execute(select(table).order_by(table.c.id))
            ]
    assert len(rows) == 2
    for row, expected in zip(rows, [ANNOTATED_VALUES, second]):
        for key, value in expected.items():
            assert type(row[key]) is type(value), (key, row[key])
            assert row[key] == value, key
