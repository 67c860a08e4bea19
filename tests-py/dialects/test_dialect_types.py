"""PostgreSQL's UUID, INET, CIDR, TSVECTOR, INTERVAL and ARRAY types, and
sqlite.JSON: DDL, binds and values read back through the native decoders."""

import datetime as dt
import ipaddress
import uuid

import pytest
from cormorant import Column, Date, DateTime, Integer, MetaData, String, Table, _native, insert, select, text
from cormorant.dialects import postgresql as pg
from cormorant.dialects import sqlite

metadata = MetaData()
kinds = Table(
    "kinds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", pg.UUID),
    Column("addr", pg.INET),
    Column("net", pg.CIDR),
    Column("doc", pg.TSVECTOR),
    Column("span", pg.INTERVAL),
    Column("nums", pg.ARRAY(Integer)),
    Column("words", pg.ARRAY(String(10))),
)


@pytest.fixture
def pg_conn(engine, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL types")
    metadata.create_all(engine)
    with engine.connect() as c:
        yield c


@pytest.mark.postgresql_only
def test_values_round_trip(pg_conn):
    uid = uuid.uuid4()
    span = dt.timedelta(days=-1, seconds=5, microseconds=7)
    pg_conn.execute(
        insert(kinds).values(
            id=1,
            uid=uid,
            addr="10.0.0.1",
            net=ipaddress.ip_network("10.0.0.0/8"),
            doc="a fat cat",
            span=span,
            nums=[1, 2, 3],
            words=["a b", 'c"d', None, "x,y", "back\\slash"],
        )
    )
    row = pg_conn.execute(select(kinds)).one()
    assert row.uid == uid
    assert (row.addr, row.net, row.doc) == ("10.0.0.1", "10.0.0.0/8", "'a' 'cat' 'fat'")
    assert row.span == span
    assert row.nums == [1, 2, 3]
    assert row.words == ["a b", 'c"d', None, "x,y", "back\\slash"]


@pytest.mark.postgresql_only
def test_interval_text_forms_decode_natively(pg_conn):
    spans = pg_conn.execute(
        text(
            "SELECT interval '1 year 2 mons -3 days +04:05:06.5', interval '-00:00:01', interval '100:00:00'"
        )
    ).one()
    assert spans[0] == dt.timedelta(days=365 + 60 - 3, hours=4, minutes=5, seconds=6.5)
    assert spans[1] == dt.timedelta(seconds=-1)
    assert spans[2] == dt.timedelta(hours=100)


@pytest.mark.postgresql_only
def test_arrays_of_dates_times_and_json(engine):
    md = MetaData()
    held = Table(
        "held",
        md,
        Column("id", Integer, primary_key=True),
        Column("days", pg.ARRAY(Date)),
        Column("stamps", pg.ARRAY(DateTime(timezone=True))),
        Column("docs", pg.ARRAY(pg.JSONB)),
        Column("grid", pg.ARRAY(Integer, dimensions=2)),
        Column("pair", pg.ARRAY(Integer, as_tuple=True)),
    )
    md.create_all(engine)
    stamp = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    with engine.begin() as c:
        c.execute(
            insert(held).values(
                id=1,
                days=[dt.date(2024, 2, 29)],
                stamps=[stamp],
                docs=[{"a": 1}],
                grid=[[1, 2], [3, 4]],
                pair=[5, 6],
            )
        )
        row = c.execute(select(held)).one()
    assert row.days == [dt.date(2024, 2, 29)] and row.stamps == [stamp]
    assert row.docs == [{"a": 1}] and row.grid == [[1, 2], [3, 4]] and row.pair == (5, 6)


@pytest.mark.postgresql_only
def test_array_operators(pg_conn):
    pg_conn.execute(insert(kinds), [{"id": 1, "nums": [5, 6]}, {"id": 2, "nums": [7, 8, 9]}])
    assert pg_conn.execute(select(kinds.c.nums[2]).order_by(kinds.c.id)).scalars().all() == [6, 8]
    assert pg_conn.execute(select(kinds.c.id).where(kinds.c.nums.contains([8, 9]))).scalars().all() == [2]
    assert pg_conn.execute(select(kinds.c.id).where(kinds.c.nums.any(5))).scalars().all() == [1]
    with pytest.raises(NotImplementedError):
        kinds.c.id[1]


def test_type_reprs_and_ddl_names():
    assert repr(pg.ARRAY(Integer)) == "ARRAY(Integer())"
    assert repr(pg.INTERVAL()) == "INTERVAL()"
    assert pg.INTERVAL().python_type is dt.timedelta
    with pytest.raises(ValueError):
        pg.ARRAY(pg.ARRAY(Integer))


def test_binds_refuse_wrong_values():
    with pytest.raises(TypeError):
        pg.INTERVAL()._bind_processor("postgresql")(5)
    with pytest.raises(TypeError):
        pg.ARRAY(Integer)._bind_processor("postgresql")(5)


docs = Table("docs", MetaData(), Column("id", Integer, primary_key=True), Column("body", sqlite.JSON))


def test_sqlite_json(engine):
    docs.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(docs).values(id=1, body={"a": [1, None]}))
        assert c.execute(select(docs.c.body)).scalar() == {"a": [1, None]}


@pytest.mark.postgresql_only
def test_arrays_decode_natively(pg_conn):
    from cormorant import Boolean, Float, Text, cast, literal_column

    assert pg.ARRAY(Integer)._result_converter("postgresql") == _native.CONVERT_INTEGER_ARRAY
    row = pg_conn.execute(
        select(
            cast(literal_column("'{1,NULL,3}'"), pg.ARRAY(Integer)),
            cast(literal_column(r"""'{{"a b",NULL},{"NULL","c\\\"d"}}'"""), pg.ARRAY(Text)),
            cast(literal_column("'{t,f}'"), pg.ARRAY(Boolean)),
            cast(literal_column("'{1.5,-2e3}'"), pg.ARRAY(Float)),
            cast(literal_column("'{}'"), pg.ARRAY(Integer)),
            cast(literal_column("'{{1,2},{3,4}}'"), pg.ARRAY(Integer, as_tuple=True)),
        )
    ).one()
    assert tuple(row) == (
        [1, None, 3],
        [["a b", None], ["NULL", 'c\\"d']],
        [True, False],
        [1.5, -2000.0],
        [],
        ((1, 2), (3, 4)),
    )
    pg_conn.execute(insert(kinds).values(id=1, nums=[1, 2]))
    pg_conn.exec_driver_sql("UPDATE kinds SET nums[0] = 9")  # now printed with bounds: [0:2]={9,1,2}
    assert pg_conn.execute(select(kinds.c.nums)).scalar() == [9, 1, 2]
