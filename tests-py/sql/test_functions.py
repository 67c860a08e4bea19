"""sql.functions: func.<name> builds the registered GenericFunction with
SQLAlchemy's result type; window functions (OVER with frames), WITHIN GROUP
and FILTER run on both backends."""

import datetime
from decimal import Decimal

import pytest
from cormorant import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    _native,
    func,
    insert,
    select,
    true,
)
from cormorant.exc import ArgumentError
from cormorant.sql import functions
from cormorant.sql.elements import BindCollector
from cormorant.sql.sqltypes import NullType, Time

metadata = MetaData()
staff = Table(
    "fn_staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("dept", Integer),
    Column("salary", Numeric(10, 2)),
)
ROWS = [(1, "ada", 1, "900.00"), (2, "bob", 1, "500.00"), (3, "cy", 1, "650.00"), (4, "dee", 2, "700.00")]


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(staff), [dict(id=i, name=n, dept=d, salary=Decimal(s)) for i, n, d, s in ROWS])
    with engine.connect() as c:
        yield c


def sql(element, dialect):
    return _native.compile(select(element)._datum(BindCollector(dialect)), dialect)[0]


# --- types and registration ------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "type_"),
    [
        (func.count(), Integer),
        (func.char_length("x"), Integer),
        (func.rank(), Integer),
        (func.dense_rank(), Integer),
        (func.percent_rank(), Numeric),
        (func.cume_dist(), Numeric),
        (func.concat("a", "b"), String),
        (func.aggregate_strings(staff.c.name, ","), String),
        (func.current_date(), Date),
        (func.current_time(), Time),
        (func.current_timestamp(), DateTime),
        (func.localtime(), DateTime),
        (func.now(), DateTime),
        (func.current_user(), String),
        (func.max(staff.c.salary), Numeric),
        (func.sum(staff.c.id), Integer),
        (func.coalesce(None, staff.c.name), String),
        (func.random(), NullType),
        (func.some_function(1), NullType),
    ],
)
def test_functions_are_typed_as_sqlalchemy_types_them(fn, type_):
    assert type(fn.type) is type_


def test_registered_classes_and_custom_generic_functions():
    assert isinstance(func.count(), functions.count)
    assert isinstance(func.COUNT(), functions.count)  # lookups ignore case
    assert isinstance(func.current_date(), functions.AnsiFunction)
    assert isinstance(func.max(staff.c.id), functions.ReturnTypeFromArgs)
    assert isinstance(func.percentile_cont(0.5), functions.OrderedSetAgg)

    class as_utc(functions.GenericFunction[datetime.datetime]):
        type = DateTime()
        inherit_cache = True

    assert isinstance(func.as_utc(staff.c.id), as_utc)
    assert type(func.as_utc().type) is DateTime
    assert sql(func.as_utc(staff.c.id), "sqlite") == "SELECT as_utc(fn_staff.id) FROM fn_staff"
    functions.register_function("utc_now", as_utc)
    assert isinstance(func.utc_now(), as_utc)


def test_unknown_keywords_are_refused():
    with pytest.raises(ArgumentError, match="bogus"):
        func.count(staff.c.id, bogus=1)


def test_function_sql_per_dialect():
    assert "CURRENT_DATE" in sql(func.current_date(), "postgresql")
    assert "LOCALTIMESTAMP" in sql(func.localtimestamp(), "sqlite")
    assert "group_concat(fn_staff.name, ?)" in sql(func.aggregate_strings(staff.c.name, ","), "sqlite")
    assert "string_agg(fn_staff.name, $1::VARCHAR)" in sql(
        func.aggregate_strings(staff.c.name, ","), "postgresql"
    )
    assert "length(fn_staff.name)" in sql(func.char_length(staff.c.name), "sqlite")
    assert "char_length(fn_staff.name)" in sql(func.char_length(staff.c.name), "postgresql")
    assert "mypkg.myfn(fn_staff.id)" in sql(func.mypkg.myfn(staff.c.id), "sqlite")
    grouped = select(staff.c.dept, func.sum(staff.c.id)).group_by(func.rollup(staff.c.dept))
    assert (
        "GROUP BY ROLLUP(fn_staff.dept)"
        in _native.compile(grouped._datum(BindCollector("postgresql")), "postgresql")[0]
    )


# --- running them -------------------------------------------------------------


def test_aggregates_and_ansi_functions_run(conn):
    assert conn.execute(select(func.count()).select_from(staff)).scalar() == 4
    assert conn.execute(select(func.max(staff.c.salary))).scalar() == Decimal("900.00")
    assert conn.execute(select(func.char_length(staff.c.name)).where(staff.c.id == 1)).scalar() == 3
    names = conn.execute(select(func.aggregate_strings(staff.c.name, "|")).where(staff.c.dept == 2)).scalar()
    assert names == "dee"
    today = conn.execute(select(func.current_date())).scalar()
    assert isinstance(today, datetime.date)
    assert abs((today - datetime.date.today()).days) <= 1


def test_window_functions_with_frames(conn):
    running = func.sum(staff.c.id).over(order_by=staff.c.id, rows=(None, 0)).label("running")
    moving = func.sum(staff.c.id).over(order_by=staff.c.id, rows=(-1, 1)).label("moving")
    ranked = func.rank().over(partition_by=staff.c.dept, order_by=staff.c.salary.desc()).label("r")
    rows = conn.execute(select(staff.c.id, running, moving, ranked).order_by(staff.c.id)).all()
    assert [r.running for r in rows] == [1, 3, 6, 10]
    assert [r.moving for r in rows] == [3, 6, 9, 7]
    assert [r.r for r in rows] == [1, 3, 2, 1]
    lagged = func.lag(staff.c.name).over(order_by=staff.c.id).label("prev")
    assert conn.execute(select(lagged).order_by(staff.c.id)).scalars().all() == [None, "ada", "bob", "cy"]
    by_rank = select(staff.c.name, ranked).order_by(ranked, staff.c.id)
    assert [r.name for r in conn.execute(by_rank)] == ["ada", "dee", "cy", "bob"]


def test_window_frame_sql():
    frame = func.sum(staff.c.id).over(order_by=staff.c.id, range_=(-2, 2))
    assert "RANGE BETWEEN ? PRECEDING AND ? FOLLOWING" in sql(frame, "sqlite")
    groups = func.sum(staff.c.id).over(groups=(0, None))
    assert "GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING" in sql(groups, "postgresql")
    with pytest.raises(ArgumentError, match="mutually exclusive"):
        func.sum(staff.c.id).over(rows=(0, 1), range_=(0, 1))
    with pytest.raises(ArgumentError, match="Integer or None"):
        func.sum(staff.c.id).over(rows=("a", 1))


def test_filter(conn):
    rich = func.count().filter(staff.c.salary > 600)
    assert conn.execute(select(rich)).scalar() == 3
    assert "count(*) FILTER (WHERE fn_staff.salary > ?)" in sql(rich, "sqlite")


def test_within_group(conn):
    median = func.percentile_cont(0.5).within_group(staff.c.salary)
    assert type(median.type) is Numeric
    assert "percentile_cont($1::FLOAT) WITHIN GROUP (ORDER BY fn_staff.salary)" in sql(median, "postgresql")
    if conn.engine.dialect.name == "postgresql":
        assert conn.execute(select(median)).scalar() == Decimal("675.00")


def _window_queries(lib, table):
    """The same window, FILTER and regexp queries, built with `lib` (cormorant or sqlalchemy)."""
    c = table.c
    return [
        lib.select(c.id, lib.func.sum(c.id).over(order_by=c.id, rows=(-1, 1))).order_by(c.id),
        lib.select(lib.func.dense_rank().over(partition_by=c.dept, order_by=c.salary), c.name).order_by(c.id),
        lib.select(lib.func.count().filter(c.salary > 600), lib.func.max(c.name)),
        lib.select(c.name).where(c.name.regexp_match("^[a-c]")).order_by(c.id),
        lib.select(lib.func.aggregate_strings(c.name, "-")).where(c.dept == 1),
        lib.select(lib.extract("year", lib.func.current_date()) > 2000),
    ]


def test_same_results_as_sqlalchemy_on_the_same_sqlite_file(tmp_path):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    import cormorant

    path = tmp_path / "same.db"
    engine = cormorant.create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(staff), [dict(id=i, name=n, dept=d, salary=Decimal(s)) for i, n, d, s in ROWS])
    sa_table = sqlalchemy.Table(
        "fn_staff",
        sqlalchemy.MetaData(),
        sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
        sqlalchemy.Column("name", sqlalchemy.String(20)),
        sqlalchemy.Column("dept", sqlalchemy.Integer),
        sqlalchemy.Column("salary", sqlalchemy.Numeric(10, 2)),
    )
    sa_engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    with engine.connect() as ours, sa_engine.connect() as theirs:
        for mine, reference in zip(
            _window_queries(cormorant, staff), _window_queries(sqlalchemy, sa_table), strict=True
        ):
            assert [tuple(r) for r in ours.execute(mine)] == [tuple(r) for r in theirs.execute(reference)]
    sa_engine.dispose()
    engine.dispose()


# --- table-valued functions ----------------------------------------------------

docs = Table("fn_docs", metadata, Column("id", Integer, primary_key=True), Column("doc", JSON))


def test_json_each_as_a_from_item(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(docs), [{"id": 1, "doc": {"a": 1, "b": 2}}, {"id": 2, "doc": {"c": 3}}])
    name = "json_each" if engine.dialect.name == "sqlite" else "json_each_text"
    each = getattr(func, name)(docs.c.doc).table_valued("key", "value")
    stmt = (
        select(docs.c.id, each.c.key, each.c.value)
        .select_from(docs)
        .join(each, true())
        .order_by(docs.c.id, each.c.key)
    )
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(stmt)]
    assert [(i, k, str(v)) for i, k, v in rows] == [(1, "a", "1"), (1, "b", "2"), (2, "c", "3")]
    lite_each = func.json_each(docs.c.doc).table_valued("key", "value")
    assert sql(lite_each.c.key, "sqlite") == 'SELECT anon_1."key" FROM json_each(fn_docs.doc) AS anon_1'


@pytest.mark.postgresql_only
def test_generate_series_and_unnest(engine):
    series = func.generate_series(1, 4).table_valued("value", name="g").render_derived()
    with engine.connect() as c:
        assert c.execute(select(series.c.value).where(series.c.value > 2)).scalars().all() == [3, 4]
        typed = func.generate_series(1, 2).table_valued(Column("n", Integer)).render_derived()
        assert c.execute(select(typed.c.n)).scalars().all() == [1, 2]
        one = func.generate_series(5, 6).column_valued("x")
        assert c.execute(select(one)).scalars().all() == [5, 6]


def test_table_valued_sql():
    series = func.generate_series(1, 3).table_valued(Column("n", Integer)).render_derived(with_types=True)
    assert "FROM generate_series($1::INTEGER, $2::INTEGER) AS anon_1(n INTEGER)" in sql(
        series.c.n, "postgresql"
    )
    one = func.unnest(staff.c.id).column_valued("x")
    assert sql(one, "postgresql") == "SELECT x FROM unnest(fn_staff.id) AS x"
    with pytest.raises(ArgumentError, match="bogus"):
        func.generate_series(1, 2).table_valued("v", bogus=True)


def test_next_value_of_a_sequence():
    class Sequence:
        name = "order_ids"

    nextval = func.next_value(Sequence())
    assert type(nextval.type) is Integer
    assert sql(nextval, "postgresql") == "SELECT nextval('order_ids')"
    with pytest.raises(NotImplementedError, match="sequence increments"):
        sql(nextval, "sqlite")
    with pytest.raises(ArgumentError, match="Sequence"):
        func.next_value("order_ids")


def test_modifier_and_dotted_names():
    assert (
        sql(functions.modifier.distinct_on(staff.c.id), "sqlite")
        == "SELECT distinct_on(fn_staff.id) FROM fn_staff"
    )
    assert isinstance(func.pkg.count(), functions.Function) and not isinstance(
        func.pkg.count(), functions.count
    )
