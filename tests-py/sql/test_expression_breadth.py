"""Expression elements beyond the everyday ones, run on both backends:
tuples, COLLATE, type_coerce, EXTRACT, ANY / ALL, regular expressions (the
native SQLite driver defines REGEXP), bitwise and custom operators, labels,
literals, JSON paths; and their SQL per dialect, as SQLAlchemy renders it."""

import datetime

import pytest
from cormorant import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    _native,
    all_,
    any_,
    bitwise_not,
    collate,
    custom_op,
    extract,
    insert,
    label,
    literal,
    nullsfirst,
    select,
    try_cast,
    tuple_,
    type_coerce,
)
from cormorant.exc import CompileError, UnsupportedCompilationError
from cormorant.sql.elements import BindCollector

metadata = MetaData()
items = Table(
    "xb_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("n", Integer),
    Column("at", DateTime),
    Column("doc", JSON),
)
ROWS = [
    dict(
        id=1,
        name="apple",
        n=6,
        at=datetime.datetime(2021, 3, 4, 5, 6, 7),
        doc={"a": {"b": 1}, "tags": ["x", "y"]},
    ),
    dict(
        id=2,
        name="Banana",
        n=3,
        at=datetime.datetime(2022, 11, 12, 13, 14, 15),
        doc={"a": {"b": 2}, "s": "hi"},
    ),
    dict(id=3, name="cherry", n=12, at=datetime.datetime(2020, 1, 1), doc={"flag": True, "f": 1.5}),
]


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(items), ROWS)
    with engine.connect() as c:
        yield c


def sql(element, dialect):
    return _native.compile(element._datum(BindCollector(dialect)), dialect)[0]


def names(conn, cond):
    return conn.execute(select(items.c.name).where(cond).order_by(items.c.id)).scalars().all()


def test_tuples(conn):
    pair = tuple_(items.c.id, items.c.name)
    assert names(conn, pair.in_([(1, "apple"), (3, "cherry"), (2, "nope")])) == ["apple", "cherry"]
    assert names(conn, pair == (2, "Banana")) == ["Banana"]
    assert sql(pair == (2, "Banana"), "sqlite") == "(xb_items.id, xb_items.name) = (?, ?)"
    assert (
        sql(pair.in_([(1, "a")]), "postgresql")
        == "(xb_items.id, xb_items.name) IN (($1::INTEGER, $2::VARCHAR))"
    )


def test_collate(conn):
    case_blind = "NOCASE" if conn.engine.dialect.name == "sqlite" else "C"
    ordered = select(items.c.name).order_by(collate(items.c.name, case_blind))
    got = conn.execute(ordered).scalars().all()
    assert sorted(got) == sorted(["apple", "Banana", "cherry"])
    assert sql(items.c.name.collate("C") == "a", "postgresql") == '(xb_items.name COLLATE "C") = $1::VARCHAR'


def test_type_coerce_and_literals(conn):
    assert (
        conn.execute(select(type_coerce(items.c.name, String).label("x")).where(items.c.id == 1)).scalar()
        == "apple"
    )
    coerced = type_coerce('{"k": [1, 2]}', JSON)
    assert sql(coerced, "sqlite") == "?"
    assert conn.execute(select(literal(5, Integer) + 1)).scalar() == 6
    assert type(literal("x", String).type) is String
    assert conn.execute(select(label("total", items.c.n + 1)).where(items.c.id == 2)).one().total == 4


def test_try_cast_is_refused_as_in_sqlalchemy():
    with pytest.raises(UnsupportedCompilationError, match="TRY_CAST"):
        sql(try_cast(items.c.name, Integer), "sqlite")


def test_extract(conn):
    years = conn.execute(select(extract("year", items.c.at)).order_by(items.c.id)).scalars().all()
    assert [int(y) for y in years] == [2021, 2022, 2020]
    assert names(conn, extract("month", items.c.at) == 11) == ["Banana"]
    assert sql(extract("dow", items.c.at), "sqlite") == "CAST(STRFTIME('%w', xb_items.at) AS INTEGER)"
    assert sql(extract("year", items.c.at), "postgresql") == "EXTRACT(year FROM xb_items.at)"
    with pytest.raises(CompileError, match="century"):
        sql(extract("century", items.c.at), "sqlite")


def test_any_all(conn):
    assert sql(literal(5) == any_(items.c.n), "sqlite") == "? = ANY (xb_items.n)"
    assert sql(items.c.n > all_(select(items.c.n)), "postgresql").startswith("xb_items.n > ALL (SELECT")
    if conn.engine.dialect.name == "postgresql":
        small = select(items.c.n).where(items.c.n < 10)
        assert names(conn, items.c.n >= all_(small)) == ["apple", "cherry"]
        assert names(conn, items.c.n == any_(small)) == ["apple", "Banana"]


def test_regexp(conn):
    assert names(conn, items.c.name.regexp_match("^[ab]")) == ["apple"]
    assert names(conn, items.c.name.regexp_match("^b", flags="i")) == ["Banana"]
    assert names(conn, ~items.c.name.regexp_match("rr")) == ["apple", "Banana"]
    assert sql(items.c.name.regexp_match("a"), "sqlite") == "xb_items.name REGEXP ?"
    assert sql(items.c.name.regexp_match("a", flags="i"), "postgresql") == "xb_items.name ~* $1::VARCHAR"
    assert sql(~items.c.name.regexp_match("a"), "postgresql") == "xb_items.name !~ $1::VARCHAR"
    replaced = items.c.name.regexp_replace("a", "o", flags="g")
    if conn.engine.dialect.name == "postgresql":
        assert conn.execute(select(replaced).where(items.c.id == 2)).scalar() == "Bonono"
    else:
        with pytest.raises(CompileError, match="regular expression replacements"):
            conn.execute(select(replaced))


@pytest.mark.sqlite_only
def test_regexp_null_and_bad_pattern(conn):
    """The SQLite driver's own REGEXP function: NULL text, and a bad pattern."""
    assert conn.execute(select(literal(None, String).regexp_match("a"))).scalar() is None
    with pytest.raises(Exception, match="invalid regular expression"):
        conn.execute(select(items.c.name.regexp_match("(")))


def test_bitwise_and_custom_operators(conn):
    row = conn.execute(
        select(
            items.c.n.bitwise_and(3),
            items.c.n.bitwise_or(1),
            items.c.n.bitwise_xor(5),
            items.c.n.bitwise_lshift(1),
            items.c.n.bitwise_rshift(1),
            bitwise_not(items.c.n),
            items.c.n.op("%")(4),
        ).where(items.c.id == 1)
    ).one()
    assert tuple(row) == (6 & 3, 6 | 1, 6 ^ 5, 12, 3, ~6, 2)
    assert sql(items.c.n.op("&")(1) == 0, "sqlite") == "(xb_items.n & ?) = ?"
    assert sql(items.c.n.bool_op(">")(1), "sqlite") == "xb_items.n > ?"
    assert names(conn, items.c.n.bool_op(">")(5)) == ["apple", "cherry"]
    assert sql(custom_op("<->")(items.c.n, 1), "postgresql") == "xb_items.n <-> $1::INTEGER"
    assert sql(items.c.n.bitwise_xor(5), "sqlite") == "(xb_items.n | ?) - (xb_items.n & ?)"


def test_nullsfirst_alias_and_distinct(conn):
    assert sql(nullsfirst(items.c.n), "sqlite") == "xb_items.n NULLS FIRST"
    assert conn.execute(select(items.c.n.distinct()).order_by(items.c.n)).scalars().all() == [3, 6, 12]


def test_json_paths(conn):
    doc = items.c.doc
    first = select(doc["a"]).where(items.c.id == 1)
    assert conn.execute(first).scalar() == {"b": 1}
    assert conn.execute(select(doc["a"]["b"]).where(items.c.id == 2)).scalar() == 2
    assert conn.execute(select(doc[("tags", 1)]).where(items.c.id == 1)).scalar() == "y"
    assert conn.execute(select(doc["s"].as_string()).where(items.c.id == 2)).scalar() == "hi"
    assert conn.execute(select(doc[("a", "b")].as_integer()).where(items.c.id == 1)).scalar() == 1
    assert conn.execute(select(doc["f"].as_float()).where(items.c.id == 3)).scalar() == 1.5
    assert conn.execute(select(doc["flag"].as_boolean()).where(items.c.id == 3)).scalar() is True
    assert conn.execute(select(doc["a"].as_json()).where(items.c.id == 2)).scalar() == {"b": 2}
    assert names(conn, doc[("a", "b")].as_integer() == 2) == ["Banana"]
    assert sql(doc["a"], "sqlite") == "JSON_QUOTE(JSON_EXTRACT(xb_items.doc, ?))"
    assert sql(doc["a"].as_string(), "sqlite") == "JSON_EXTRACT(xb_items.doc, ?)"
    assert sql(doc["a"]["b"], "postgresql") == "(xb_items.doc -> $1::VARCHAR) -> $2::VARCHAR"
    assert sql(doc["a"].as_integer(), "postgresql") == "CAST(xb_items.doc ->> $1::VARCHAR AS INTEGER)"


def test_getitem_needs_an_indexable_type():
    with pytest.raises(NotImplementedError, match="getitem"):
        items.c.n[1]
    with pytest.raises(TypeError):
        iter(items.c.n)


def test_indexing_a_json_typed_function(conn):
    from cormorant import func

    doc = func.coalesce(items.c.doc, items.c.doc)
    assert type(doc.type) is JSON
    assert conn.execute(select(doc["a"]["b"]).where(items.c.id == 2)).scalar() == 2
    with pytest.raises(NotImplementedError, match="getitem"):
        func.lower(items.c.name)["a"]


@pytest.mark.postgresql_only
def test_a_field_of_a_composite_function_result(conn):
    from cormorant import func, literal_column

    expanded = func.information_schema._pg_expandarray(literal_column("ARRAY[10, 20]"))
    assert sql(select(expanded.scalar_table_valued("x")), "postgresql") == (
        "SELECT (information_schema._pg_expandarray(ARRAY[10, 20])).x"
    )
    assert conn.execute(select(expanded.scalar_table_valued("x"))).scalars().all() == [10, 20]


def test_function_as_comparison():
    from cormorant import func

    compared = func.my_overlaps(items.c.id, items.c.n).as_comparison(1, 2)
    assert compared.left is items.c.id and compared.right is items.c.n
    assert sql(compared, "sqlite") == "my_overlaps(xb_items.id, xb_items.n)"


def _breadth_queries(lib, table):
    """The same queries, built with `lib` (cormorant or sqlalchemy)."""
    c = table.c
    return [
        lib.select(c.doc["a"], c.doc[("a", "b")].as_integer(), c.doc["s"].as_string()).order_by(c.id),
        lib.select(c.name).where(lib.tuple_(c.id, c.n).in_([(1, 6), (3, 12)])).order_by(c.id),
        lib.select(c.name).order_by(c.name.collate("NOCASE")),
        lib.select(
            c.n.bitwise_and(3), c.n.bitwise_or(8), c.n.bitwise_lshift(2), lib.bitwise_not(c.n)
        ).order_by(c.id),
        lib.select(lib.extract("year", c.at), lib.extract("dow", c.at)).order_by(c.id),
        lib.select(c.name).where(c.name.regexp_match("an")).order_by(c.id),
        lib.select(c.n.op("*")(2), c.n.bool_op(">")(5)).order_by(c.id),
    ]


def test_same_results_as_sqlalchemy_on_the_same_sqlite_file(tmp_path):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    import cormorant

    path = tmp_path / "same.db"
    engine = cormorant.create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(items), ROWS)
    sa = sqlalchemy
    sa_items = sa.Table(
        "xb_items",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("n", sa.Integer),
        sa.Column("at", sa.DateTime),
        sa.Column("doc", sa.JSON),
    )
    sa_engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as ours, sa_engine.connect() as theirs:
        for mine, reference in zip(
            _breadth_queries(cormorant, items), _breadth_queries(sa, sa_items), strict=True
        ):
            assert [tuple(r) for r in ours.execute(mine)] == [tuple(r) for r in theirs.execute(reference)]
    sa_engine.dispose()
    engine.dispose()
