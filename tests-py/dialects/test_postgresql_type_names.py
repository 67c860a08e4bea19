"""cormorant.dialects.postgresql's type names: the SQL-standard ones, PostgreSQL's
own scalar types (BIT, MONEY, CITEXT, MACADDR...), ENUM with CreateEnumType /
DropEnumType, HSTORE, the JSONB and ARRAY operators, array(), array_agg(),
aggregate_order_by() and Any / All: DDL as SQLAlchemy spells it, values
round-tripped at their edges and each operator run on PostgreSQL."""

import datetime as dt
import decimal

import cormorant
import pytest
from cormorant import Column, Integer, MetaData, String, Table, insert, select, text
from cormorant import types as T
from cormorant.dialects import postgresql as pg
from cormorant.exc import DBAPIError, UnsupportedCompilationError

pytestmark = pytest.mark.postgresql_only

SHARED = "BIGINT BOOLEAN CHAR DATE DOUBLE_PRECISION FLOAT INTEGER NUMERIC REAL SMALLINT TEXT VARCHAR".split()


@pytest.mark.parametrize("name", SHARED)
def test_the_standard_names_are_the_generic_types(name):
    assert getattr(pg, name) is getattr(T, name)


SPELLINGS = [
    (pg.BIT(), "BIT(1)"),
    (pg.BIT(3), "BIT(3)"),
    (pg.BIT(3, varying=True), "BIT VARYING(3)"),
    (pg.BIT(varying=True), "BIT VARYING"),
    (pg.BYTEA(), "BYTEA"),
    (pg.CITEXT(), "CITEXT"),
    (pg.JSONPATH(), "JSONPATH"),
    (pg.MACADDR(), "MACADDR"),
    (pg.MACADDR8(), "MACADDR8"),
    (pg.MONEY(), "MONEY"),
    (pg.OID(), "OID"),
    (pg.REGCLASS(), "REGCLASS"),
    (pg.REGCONFIG(), "REGCONFIG"),
    (pg.TSQUERY(), "TSQUERY"),
    (pg.TIME(precision=3), "TIME(3) WITHOUT TIME ZONE"),
    (pg.TIME(True, 3), "TIME(3) WITH TIME ZONE"),
    (pg.TIMESTAMP(precision=0), "TIMESTAMP(0) WITHOUT TIME ZONE"),
    (pg.TIMESTAMP(True, 6), "TIMESTAMP(6) WITH TIME ZONE"),
    (pg.HSTORE(), "HSTORE"),
    (pg.ENUM("a", "b", name="letters"), "letters"),
]


@pytest.mark.parametrize(("type_", "spelling"), SPELLINGS, ids=repr)
def test_postgresql_types_are_spelled_as_sqlalchemy_spells_them(type_, spelling):
    assert type_.compile("postgresql") == spelling


@pytest.mark.parametrize(
    "type_", [pg.BIT(), pg.BYTEA(), pg.MONEY(), pg.CITEXT(), pg.HSTORE(), pg.TSQUERY()], ids=repr
)
def test_postgresql_only_types_have_no_sqlite_ddl(type_):
    with pytest.raises(UnsupportedCompilationError, match="can't render element of type"):
        type_.compile("sqlite")


def _install(engine, extension):
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {extension}"))
    except DBAPIError as e:  # the server lacks the extension's files
        pytest.skip(f"the {extension} extension is not available on this server: {e}")


def test_scalar_types_round_trip_at_their_edges(engine):
    _install(engine, "citext")
    md = MetaData()
    table = Table(
        "scalars",
        md,
        Column("id", Integer, primary_key=True),
        Column("bits", pg.BIT(4)),
        Column("varbits", pg.BIT(varying=True)),
        Column("raw", pg.BYTEA),
        Column("ci", pg.CITEXT),
        Column("path", pg.JSONPATH),
        Column("mac", pg.MACADDR),
        Column("mac8", pg.MACADDR8),
        Column("cash", pg.MONEY),
        Column("ident", pg.OID),
        Column("rel", pg.REGCLASS),
        Column("cfg", pg.REGCONFIG),
        Column("query", pg.TSQUERY),
        Column("at", pg.TIME(precision=0)),
        Column("stamp", pg.TIMESTAMP(timezone=True, precision=3)),
    )
    md.create_all(engine)
    values = dict(
        bits="1010",
        varbits="",
        raw=b"\x00" * 3 + b"\xff",
        ci="MiXeD",
        path='$."a"[*]',
        mac="08:00:2b:01:02:03",
        mac8="08:00:2b:01:02:03:04:05",
        cash="-$92,233,720,368,547,758.08",
        ident=4294967295,
        rel="pg_class",
        cfg="english",
        query="'fat' & 'rat'",
        at=dt.time(23, 59, 59),
        stamp=dt.datetime(2020, 1, 2, 3, 4, 5, 123000, tzinfo=dt.timezone.utc),
    )
    with engine.begin() as conn:
        conn.execute(insert(table), {"id": 1, **values})
        conn.execute(insert(table), {"id": 2})
        got = conn.execute(select(table).where(table.c.id == 1)).one()._asdict()
        empty = conn.execute(select(table).where(table.c.id == 2)).one()
        # citext compares case-insensitively; the precision rounds on the server
        assert conn.execute(select(table.c.id).where(table.c.ci == "mixed")).scalars().all() == [1]
        conn.execute(
            table.update().where(table.c.id == 1),
            {"at": dt.time(1, 2, 3, 600000), "stamp": dt.datetime(2020, 1, 1, 0, 0, 0, 123456)},
        )
        rounded = conn.execute(select(table.c.at, table.c.stamp).where(table.c.id == 1)).one()
    for name, value in values.items():
        assert got[name] == value, name
        assert type(got[name]) is type(value), name
    assert list(empty[1:]) == [None] * (len(table.columns) - 1)
    assert rounded[0] == dt.time(1, 2, 4)
    assert rounded[1].microsecond == 123000


def test_bit_and_char_binds_are_not_padded_or_cut(engine):
    md = MetaData()
    table = Table("bits", md, Column("b", pg.BIT(3)))
    md.create_all(engine)
    with pytest.raises(DBAPIError, match="length"), engine.begin() as conn:
        conn.execute(insert(table), {"b": "10101"})
    with pytest.raises(cormorant.exc.StatementError, match="0s and 1s"), engine.begin() as conn:
        conn.execute(insert(table), {"b": "12"})


# --- ENUM --------------------------------------------------------------------------------------


def test_enum_create_type_false_is_left_to_the_user(engine):
    md = MetaData()
    managed = pg.ENUM("red", "green", name="colour", create_type=False)
    table = Table("paint", md, Column("c", managed))
    with pytest.raises(DBAPIError, match="colour"):
        md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(pg.CreateEnumType(managed))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), {"c": "green"})
        assert conn.execute(select(table.c.c)).scalar() == "green"
    md.drop_all(engine)  # the type stays: create_type=False
    with engine.begin() as conn:
        assert conn.execute(text("SELECT 'red'::colour")).scalar() == "red"
        conn.execute(pg.DropEnumType(managed))
        assert conn.execute(text("SELECT count(*) FROM pg_type WHERE typname = 'colour'")).scalar() == 0


def test_enum_is_an_enum_created_with_its_table(engine):
    kind = pg.ENUM("a", "b", name="kind")
    assert isinstance(kind, T.Enum) and isinstance(kind, pg.NamedType)
    assert repr(kind) == "ENUM('a', 'b', name='kind')"
    md = MetaData()
    Table("things", md, Column("k", kind))
    md.create_all(engine)
    kind.create(engine)  # checkfirst=True by default: already there
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 'b'::kind")).scalar() == "b"
    assert str(pg.CreateEnumType(kind).compile(dialect=pg.dialect())) == "CREATE TYPE kind AS ENUM ('a', 'b')"
    with pytest.raises(TypeError, match="named"):
        pg.CreateEnumType(String())


# --- HSTORE ------------------------------------------------------------------------------------


def test_hstore_round_trips_and_its_operators_run(engine):
    _install(engine, "hstore")
    md = MetaData()
    table = Table("stores", md, Column("id", Integer, primary_key=True), Column("h", pg.HSTORE))
    md.create_all(engine)
    awkward = {"a": "1", "b": None, 'quo"te': "back\\slash", "": "", "sp ace": "=>,"}
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "h": awkward}, {"id": 2, "h": {}}, {"id": 3, "h": None}])
        rows = conn.execute(select(table.c.h).order_by(table.c.id)).scalars().all()
        h = table.c.h

        def ids(criterion):
            return conn.execute(select(table.c.id).where(criterion).order_by(table.c.id)).scalars().all()

        assert ids(h.has_key("b")) == [1]
        assert ids(h.has_all(["a", "b"])) == [1]
        assert ids(h.has_any(["zzz", "a"])) == [1]
        assert ids(h.contains({"a": "1"})) == [1]
        assert ids(h.contained_by({"a": "1", "b": None, "c": "3"})) == [2]
        assert ids(h.defined("a")) == [1]
        assert ids(h["a"] == "1") == [1]
        one = select(
            h["sp ace"], h.keys(), h.delete("a"), h.slice(["a"]), h + {"z": "26"}, pg.hstore("k", "v")
        ).where(table.c.id == 1)
        value, keys, deleted, sliced, added, built = conn.execute(one).one()
    assert rows == [awkward, {}, None]
    assert value == "=>," and sorted(keys) == sorted(awkward)
    assert "a" not in deleted and sliced == {"a": "1"} and added["z"] == "26" and built == {"k": "v"}


# --- JSONB and ARRAY operators ---------------------------------------------------------------


def test_jsonb_operators(engine):
    md = MetaData()
    table = Table("docs", md, Column("id", Integer, primary_key=True), Column("doc", pg.JSONB))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(table),
            [{"id": 1, "doc": {"a": 1, "b": [1, 2], "c": {"d": None}}}, {"id": 2, "doc": {"x": "y"}}],
        )
        doc = table.c.doc

        def ids(criterion):
            return conn.execute(select(table.c.id).where(criterion).order_by(table.c.id)).scalars().all()

        assert ids(doc.has_key("a")) == [1]
        assert ids(doc.has_all(["a", "b"])) == [1] and ids(doc.has_any(["x", "nope"])) == [2]
        assert ids(doc.contains({"b": [2]})) == [1]
        assert ids(doc.contained_by({"x": "y", "z": 1})) == [2]
        assert ids(doc.path_exists("$.c.d")) == [1]
        assert ids(doc.path_match("$.a == 1")) == [1]
        trimmed = conn.execute(select(doc.delete_path(["c", "d"])).where(table.c.id == 1)).scalar()
    assert trimmed == {"a": 1, "b": [1, 2], "c": {}}


def test_array_operators_and_literals(engine):
    md = MetaData()
    table = Table("arrays", md, Column("id", Integer, primary_key=True), Column("tags", pg.ARRAY(String)))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": 1, "tags": ["a", "b"]}, {"id": 2, "tags": []}])
        tags = table.c.tags

        def ids(criterion):
            return conn.execute(select(table.c.id).where(criterion).order_by(table.c.id)).scalars().all()

        assert ids(tags.overlap(["b", "z"])) == [1]
        assert ids(tags.contained_by(["a", "b", "c"])) == [1, 2]
        assert ids(pg.Any("a", tags)) == [1]
        assert ids(pg.All("a", tags)) == [2]  # vacuously true for the empty array
        assert ids(pg.Any("b", tags, operator=lambda a, b: a < b)) == []
        assert ids(tags.all("a")) == [2] and ids(tags.all("b", operator=lambda a, b: a <= b)) == [2]
        literal = conn.execute(select(pg.array([1, 2, table.c.id]))).scalars().all()
        joined = conn.execute(select(tags + ["c"], ["z"] + tags).where(table.c.id == 1)).one()
        many = conn.execute(select(pg.array(list(range(300))))).scalar()
        nested = conn.execute(select(pg.array([pg.array([1, 2]), pg.array([3, 4])]))).scalar()
        empty = conn.execute(select(pg.array([], type_=Integer))).scalar()
    assert sorted(literal) == [[1, 2, 1], [1, 2, 2]]
    assert many == list(range(300)) and nested == [[1, 2], [3, 4]] and empty == []
    assert joined == (["a", "b", "c"], ["z", "a", "b"])  # ARRAY is Concatenable: + is ||


def test_array_agg_with_its_own_order(engine):
    md = MetaData()
    table = Table("letters", md, Column("id", Integer, primary_key=True), Column("ch", String(1)))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"id": i, "ch": c} for i, c in enumerate("cab", 1)])
        by_desc = pg.array_agg(pg.aggregate_order_by(table.c.ch, table.c.ch.desc()))
        by_two = pg.array_agg(pg.aggregate_order_by(table.c.id, table.c.ch.asc(), table.c.id.desc()))
        plain = pg.array_agg(table.c.id)
        got = conn.execute(select(by_desc, by_two, plain)).one()
    assert isinstance(by_desc.type, pg.ARRAY) and isinstance(by_desc.type.item_type, String)
    assert got[0] == ["c", "b", "a"] and got[1] == [2, 3, 1] and sorted(got[2]) == [1, 2, 3]
    assert "array_agg(letters.ch ORDER BY letters.ch DESC)" in str(by_desc.compile(dialect=pg.dialect()))


def test_numeric_edges_in_arrays(engine):
    with engine.connect() as conn:
        got = conn.execute(select(pg.array([decimal.Decimal("1.5"), decimal.Decimal("-0.001")]))).scalar()
    assert got == [decimal.Decimal("1.5"), decimal.Decimal("-0.001")]


# --- DOMAIN ------------------------------------------------------------------------------------


def test_domain_ddl_is_sqlalchemys():
    positive = pg.DOMAIN(
        "positive_int", Integer, check="VALUE > 0", not_null=True, default="1", constraint_name="pos"
    )
    dialect = pg.dialect()
    assert str(pg.CreateDomainType(positive).compile(dialect=dialect)) == (
        "CREATE DOMAIN positive_int AS INTEGER DEFAULT '1' CONSTRAINT pos NOT NULL CHECK (VALUE > 0)"
    )
    assert str(pg.DropDomainType(positive).compile(dialect=dialect)) == "DROP DOMAIN positive_int"
    email = pg.DOMAIN("email", String(50), collation="C", check=text("VALUE ~ '@'"))
    assert str(pg.CreateDomainType(email).compile(dialect=dialect)) == (
        "CREATE DOMAIN email AS VARCHAR(50) COLLATE \"C\" CHECK (VALUE ~ '@')"
    )
    assert positive.compile("postgresql") == "positive_int"
    with pytest.raises(TypeError, match="unexpected keyword argument 'checks'"):
        pg.DOMAIN("d", Integer, checks="VALUE > 0")


def test_domains_are_created_and_dropped_with_their_tables(engine):
    positive = pg.DOMAIN("positive_int", Integer, check="VALUE > 0", not_null=True)
    recent = pg.DOMAIN("recent_day", T.Date, check=text("VALUE > '2000-01-01'"))
    outside = pg.DOMAIN("outside_d", Integer, create_type=False)
    md = MetaData()
    table = Table("measures", md, Column("n", positive), Column("day", recent), Column("o", outside))
    with engine.begin() as conn:
        conn.execute(pg.CreateDomainType(outside))
    md.create_all(engine)
    md.create_all(engine)  # checkfirst: nothing to do the second time
    with engine.begin() as conn:
        conn.execute(insert(table), {"n": 7, "day": dt.date(2020, 2, 29), "o": -1})
        assert conn.execute(select(table)).one() == (7, dt.date(2020, 2, 29), -1)
    with pytest.raises(cormorant.exc.IntegrityError, match="positive_int"), engine.begin() as conn:
        conn.execute(insert(table), {"n": 0, "day": None, "o": None})
    md.drop_all(engine)
    with engine.connect() as conn:
        left = (
            conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'd' ORDER BY 1")).scalars().all()
        )
    assert "positive_int" not in left and "recent_day" not in left and "outside_d" in left
