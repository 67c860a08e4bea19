"""The SQL-standard uppercase types (cormorant.types / cormorant), the generic
ARRAY, PickleType, TupleType and the type-system helpers: DDL spelled as
SQLAlchemy spells it, values round-tripped on both backends."""

import datetime as dt
import decimal
import pickle
import uuid

import cormorant
import pytest
from cormorant import Column, Integer, MetaData, String, Table, column, select, tuple_
from cormorant import types as T
from cormorant.exc import DBAPIError, UnsupportedCompilationError

PLUS2 = dt.timezone(dt.timedelta(hours=2))

# (type, SQLite spelling, PostgreSQL spelling), as SQLAlchemy 2.0 compiles them.
SPELLINGS = [
    (T.BIGINT(), "BIGINT", "BIGINT"),
    (T.BINARY(), "BINARY", "BINARY"),
    (T.BINARY(10), "BINARY(10)", "BINARY(10)"),
    (T.BLOB(), "BLOB", "BLOB"),
    (T.BOOLEAN(), "BOOLEAN", "BOOLEAN"),
    (T.CHAR(), "CHAR", "CHAR"),
    (T.CHAR(5), "CHAR(5)", "CHAR(5)"),
    (T.CLOB(), "CLOB", "CLOB"),
    (T.DATE(), "DATE", "DATE"),
    (T.DATETIME(), "DATETIME", "DATETIME"),
    (T.DECIMAL(), "DECIMAL", "DECIMAL"),
    (T.DECIMAL(10, 2), "DECIMAL(10, 2)", "DECIMAL(10, 2)"),
    (T.DOUBLE(), "DOUBLE", "DOUBLE"),
    (T.DOUBLE_PRECISION(), "DOUBLE PRECISION", "DOUBLE PRECISION"),
    (T.FLOAT(), "FLOAT", "FLOAT"),
    (T.FLOAT(10), "FLOAT", "FLOAT(10)"),
    (T.INT(), "INTEGER", "INTEGER"),
    (T.INTEGER(), "INTEGER", "INTEGER"),
    (T.NCHAR(3), "NCHAR(3)", "NCHAR(3)"),
    (T.NUMERIC(5, 2), "NUMERIC(5, 2)", "NUMERIC(5, 2)"),
    (T.NVARCHAR(10), "NVARCHAR(10)", "NVARCHAR(10)"),
    (T.REAL(), "REAL", "REAL"),
    (T.SMALLINT(), "SMALLINT", "SMALLINT"),
    (T.TEXT(), "TEXT", "TEXT"),
    (T.TIME(), "TIME", "TIME WITHOUT TIME ZONE"),
    (T.TIME(timezone=True), "TIME", "TIME WITH TIME ZONE"),
    (T.TIMESTAMP(), "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE"),
    (T.TIMESTAMP(timezone=True), "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"),
    (T.UUID(), "UUID", "UUID"),
    (T.VARBINARY(8), "VARBINARY(8)", "VARBINARY(8)"),
    (T.VARCHAR(20), "VARCHAR(20)", "VARCHAR(20)"),
    (T.PickleType(), "BLOB", "BYTEA"),
    (T.MatchType(), "BOOLEAN", "BOOLEAN"),
]


@pytest.mark.parametrize(("type_", "on_sqlite", "on_postgresql"), SPELLINGS, ids=repr)
def test_each_type_is_spelled_as_sqlalchemy_spells_it(type_, on_sqlite, on_postgresql):
    assert type_.compile("sqlite") == on_sqlite
    assert type_.compile("postgresql") == on_postgresql


def test_the_uppercase_types_are_their_generic_types():
    assert T.INT is T.INTEGER
    assert issubclass(T.VARCHAR, T.String) and issubclass(T.NCHAR, T.Unicode)
    assert issubclass(T.DOUBLE_PRECISION, T.Double) and issubclass(T.REAL, T.Float)
    assert issubclass(T.TIMESTAMP, T.DateTime) and issubclass(T.BLOB, T.LargeBinary)
    assert cormorant.TIMESTAMP is T.TIMESTAMP and cormorant.PickleType is T.PickleType
    assert repr(T.NUMERIC(5, 2)) == "NUMERIC(precision=5, scale=2)"
    assert repr(T.VARCHAR(20)) == "VARCHAR(length=20)"


def test_the_mixins_say_what_a_type_supports():
    assert isinstance(T.String(), T.Concatenable) and isinstance(T.ARRAY(Integer), T.Concatenable)
    assert not isinstance(T.Integer(), T.Concatenable)
    assert isinstance(T.JSON(), T.Indexable) and isinstance(T.ARRAY(Integer), T.Indexable)
    assert isinstance(T.Enum("a", name="e"), T.SchemaType) and isinstance(T.Boolean(), T.SchemaType)
    assert isinstance(T.PickleType(), T.ExternalType) and not isinstance(T.Integer(), T.ExternalType)
    assert repr(T.NULLTYPE) == "NullType()" and repr(T.STRINGTYPE) == "String()"


def _row_values(backend):
    values = dict(
        bi=2**62,
        si=-32768,
        flag=False,
        fixed="ab",
        nfixed="x",
        varying="hello",
        body="é" * 500,
        day=dt.date(1, 1, 1),
        dec=decimal.Decimal("-12345678.91"),
        num=decimal.Decimal("1.500"),
        fl=1.25,
        real=0.5,
        dp=1e300,
        stamp=dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
        at=dt.time(0, 0, 0, 1),
        uid=uuid.UUID("a" * 32),
        obj={"k": [1, (2, 3)], "s": {4}},
    )
    if backend == "postgresql":
        values.update(
            stamptz=dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=PLUS2),
            attz=dt.time(1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
            nums=[1, None, -(2**31)],
        )
    else:
        values.update(blob=b"\x00\xff", fixed_bin=b"ab", var_bin=b"cd", clob="c" * 100, nvarying="ü")
        values.update(dbl=2.5, moment=dt.datetime(2021, 5, 6, 7, 8, 9))
    return values


def _table(backend):
    md = MetaData()
    columns = [
        Column("id", T.INTEGER, primary_key=True),
        Column("bi", T.BIGINT),
        Column("si", T.SMALLINT),
        Column("flag", T.BOOLEAN),
        Column("fixed", T.CHAR(5)),
        Column("nfixed", T.NCHAR(3)),
        Column("varying", T.VARCHAR(10)),
        Column("body", T.TEXT),
        Column("day", T.DATE),
        Column("dec", T.DECIMAL(10, 2)),
        Column("num", T.NUMERIC(6, 3)),
        Column("fl", T.FLOAT),
        Column("real", T.REAL),
        Column("dp", T.DOUBLE_PRECISION),
        Column("stamp", T.TIMESTAMP),
        Column("at", T.TIME),
        Column("uid", T.UUID),
        Column("obj", T.PickleType),
    ]
    if backend == "postgresql":
        columns += [
            Column("stamptz", T.TIMESTAMP(timezone=True)),
            Column("attz", T.TIME(timezone=True)),
            Column("nums", T.ARRAY(Integer)),
        ]
    else:  # types PostgreSQL does not have
        columns += [
            Column("blob", T.BLOB),
            Column("fixed_bin", T.BINARY(4)),
            Column("var_bin", T.VARBINARY(4)),
            Column("clob", T.CLOB),
            Column("nvarying", T.NVARCHAR(5)),
            Column("dbl", T.DOUBLE),
            Column("moment", T.DATETIME),
        ]
    return md, Table("standard", md, *columns)


def test_values_round_trip_with_sqlalchemys_python_types(engine, backend):
    md, table = _table(backend)
    md.create_all(engine)
    values = _row_values(backend)
    with engine.begin() as conn:
        conn.execute(table.insert(), {"id": 1, **values})
        conn.execute(table.insert(), {"id": 2})
    with engine.connect() as conn:
        got = conn.execute(select(table).where(table.c.id == 1)).one()._asdict()
        empty = conn.execute(select(table).where(table.c.id == 2)).one()
    if backend == "postgresql":  # CHAR pads to its length, as the server returns it
        values.update(fixed="ab   ", nfixed="x  ")
    for name, value in values.items():
        assert got[name] == value, name
        assert type(got[name]) is type(value), name
    assert got["attz"].utcoffset() == dt.timedelta(hours=-3, minutes=-30) if backend == "postgresql" else True
    assert list(empty[1:]) == [None] * (len(table.columns) - 1)


def test_values_bind_in_comparisons(engine, backend):
    md, table = _table(backend)
    md.create_all(engine)
    values = _row_values(backend)
    with engine.begin() as conn:
        conn.execute(table.insert(), {"id": 1, **values})
        found = conn.execute(
            select(table.c.id).where(
                table.c.fixed == "ab",
                table.c.uid == values["uid"],
                table.c.at == values["at"],
                table.c.dec == values["dec"],
                table.c.obj == values["obj"],
                table.c.varying + "!" == "hello!",
            )
        ).all()
    assert found == [(1,)]


@pytest.mark.postgresql_only
def test_a_char_bind_is_not_cut_to_the_columns_length(engine):
    md = MetaData()
    table = Table("fixed", md, Column("code", T.CHAR(3)))
    md.create_all(engine)
    with pytest.raises(DBAPIError, match="too long"), engine.begin() as conn:
        conn.execute(table.insert(), {"code": "abcdef"})


@pytest.mark.postgresql_only
def test_types_postgresql_lacks_fail_on_the_server(engine):
    md = MetaData()
    Table("odd", md, Column("moment", T.DATETIME))
    with pytest.raises(DBAPIError, match="datetime"):
        md.create_all(engine)


def test_generic_array_has_no_ddl_on_sqlite():
    with pytest.raises(UnsupportedCompilationError, match="can't render element of type .*ARRAY"):
        T.ARRAY(Integer).compile("sqlite")
    assert T.ARRAY(String(3)).compile("postgresql") == "VARCHAR(3)[]"
    assert T.ARRAY(Integer).with_variant(T.TEXT(), "sqlite").compile("sqlite") == "TEXT"
    from cormorant.dialects import postgresql

    assert issubclass(postgresql.ARRAY, T.ARRAY)


def test_array_concatenates_with_plus():
    expr = column("a", T.ARRAY(Integer)) + [1]
    assert str(expr).startswith("a || :")


class _Tagged:
    def __init__(self, tag):
        self.tag = tag

    def __eq__(self, other):
        return isinstance(other, _Tagged) and self.tag == other.tag

    __hash__ = None


class _CountingPickler:
    calls = 0

    @classmethod
    def dumps(cls, value, protocol):
        cls.calls += 1
        return pickle.dumps(value, protocol)

    @staticmethod
    def loads(data):
        return pickle.loads(data)


def test_pickle_type_stores_any_picklable_object(engine):
    md = MetaData()
    table = Table(
        "pickled",
        md,
        Column("id", Integer, primary_key=True),
        Column("obj", T.PickleType(protocol=2, pickler=_CountingPickler)),
    )
    md.create_all(engine)
    before = _CountingPickler.calls
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "obj": _Tagged("x")}, {"id": 2, "obj": None}])
        rows = conn.execute(select(table.c.obj).order_by(table.c.id)).scalars().all()
        raw = conn.execute(select(table.c.obj.cast(T.LargeBinary())).where(table.c.id == 1)).scalar()
    assert rows == [_Tagged("x"), None]
    assert _CountingPickler.calls == before + 1
    assert raw == pickle.dumps(_Tagged("x"), 2)


def test_pickle_type_compares_with_its_comparator():
    assert T.PickleType().compare_values([1], [1])
    loose = T.PickleType(comparator=lambda a, b: len(a) == len(b))
    assert loose.compare_values([1], [2]) and not loose.compare_values([1], [])
    assert repr(T.PickleType(protocol=2)) == "PickleType(protocol=2)"


def test_tuple_expressions_have_a_tuple_type():
    expr = tuple_(column("a", Integer), column("b", String))
    assert isinstance(expr.type, T.TupleType)
    assert repr(expr.type) == "TupleType(Integer(), String())"


def test_adapt_type_and_to_instance():
    adapted = T.adapt_type(T.String(12), {T.String: T.VARCHAR})
    assert type(adapted) is T.VARCHAR and adapted.length == 12
    already = T.CHAR(3)
    assert T.adapt_type(already, {T.String: T.String}) is already
    assert T.adapt_type(T.Integer, {T.String: T.VARCHAR}).__class__ is T.Integer
    assert isinstance(T.to_instance(T.TEXT), T.TEXT) and isinstance(T.to_instance(None), T.NullType)


def test_an_enum_adapts_with_its_members():
    from cormorant.dialects import postgresql

    adapted = T.adapt_type(T.Enum("a", "b", name="ab"), {T.Enum: postgresql.ENUM})
    assert type(adapted) is postgresql.ENUM and adapted.values == ["a", "b"] and adapted.name == "ab"


def test_variant_is_a_placeholder():
    with pytest.raises(NotImplementedError, match="Variant is no longer used"):
        T.Variant(Integer())


@pytest.mark.postgresql_only
def test_a_schema_type_creates_and_drops_its_enum_type(engine):
    mood = T.Enum("sad", "glad", name="mood_standalone")
    mood.create(engine)
    mood.create(engine, checkfirst=True)  # already there: nothing to do
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 'glad'::mood_standalone").scalar() == "glad"
    mood.drop(engine)
    mood.drop(engine, checkfirst=True)
    with pytest.raises(DBAPIError, match="mood_standalone"), engine.connect() as conn:
        conn.exec_driver_sql("SELECT 'glad'::mood_standalone")


def test_a_type_operator_on_a_type_without_it_is_refused():
    with pytest.raises(
        AttributeError,
        match="Neither 'ColumnClause' object nor 'Comparator' object has an attribute 'overlap'",
    ):
        column("n", Integer).overlap([1])
    with pytest.raises(AttributeError, match="has an attribute 'has_key'"):
        column("s", String).has_key("a")
    assert str(column("a", T.ARRAY(Integer)).all(3)).endswith("= ALL (a)")
