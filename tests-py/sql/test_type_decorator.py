"""TypeDecorator and UserDefinedType: binds and results through the impl's
conversions plus the Python hooks, on both backends."""

import datetime as dt
import json

import pytest
from cormorant import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UserDefinedType,
    insert,
    select,
    update,
)
from cormorant.exc import ArgumentError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Lowered(TypeDecorator):
    """Stores lower case; reads back with a marker, NULL included."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.lower() if value is not None else None

    def process_result_value(self, value, dialect):
        return None if value is None else f"<{value}>"


class JsonText(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(value) if value is not None else None

    def process_result_value(self, value, dialect):
        return json.loads(value) if value is not None else "missing"


class Stamp(TypeDecorator):
    """A DateTime read natively, then shifted: the hook runs after the native decoder."""

    impl = DateTime
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value + dt.timedelta(days=1) if value is not None else None


class DialectNamed(TypeDecorator):
    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return f"{value}@{dialect.name}"


class Wide(TypeDecorator):
    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return Text()


class Cents(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "INTEGER"

    def bind_processor(self, dialect):
        return lambda value: None if value is None else round(value * 100)

    def result_processor(self, dialect, coltype):
        return lambda value: None if value is None else value / 100


metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Lowered(30)),
    Column("doc", JsonText),
    Column("at", Stamp),
    Column("tag", DialectNamed),
    Column("wide", Wide(5)),
    Column("price", Cents),
)


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.connect() as c:
        yield c


def test_bind_and_result_hooks(conn, backend):
    at = dt.datetime(2024, 5, 6, 7, 8, 9)
    conn.execute(
        insert(things).values(
            id=1, name="MiXed", doc={"a": [1, 2]}, at=at, tag="t", wide="long text", price=12.5
        )
    )
    row = conn.execute(select(things)).one()
    assert row.name == "<mixed>"
    assert row.doc == {"a": [1, 2]}
    assert row.at == dt.datetime(2024, 5, 7, 7, 8, 9)
    assert row.tag == f"t@{backend}"
    assert row.wide == "long text"
    assert row.price == 12.5
    assert conn.execute(select(things.c.price).where(things.c.id == 1)).scalar() == 12.5


def test_result_hook_sees_null(conn):
    conn.execute(insert(things).values(id=2))
    row = conn.execute(select(things.c.name, things.c.doc, things.c.at)).one()
    assert tuple(row) == (None, "missing", None)


def test_compared_values_go_through_the_bind_hook(conn):
    conn.execute(insert(things), [{"id": 3, "name": "Ab"}, {"id": 4, "name": "cd"}])
    assert conn.execute(select(things.c.id).where(things.c.name == "AB")).scalars().all() == [3]
    conn.execute(update(things).where(things.c.id == 4).values(name="ZZ"))
    assert conn.execute(select(things.c.name).where(things.c.id == 4)).scalar() == "<zz>"


def test_type_decorator_api():
    lowered = Lowered(30)
    assert lowered.impl.length == 30 and lowered.python_type is str
    assert repr(lowered) == "Lowered(length=30)"
    copied = lowered.copy()
    assert copied is not lowered and copied.impl is not lowered.impl and copied.impl.length == 30
    assert lowered.coerce_compared_value("=", "x") is lowered
    assert Stamp().python_type is dt.datetime
    with pytest.raises(AssertionError, match="class-level variable 'impl'"):

        class NoImpl(TypeDecorator):
            pass

        NoImpl()


def test_bind_and_result_processors_are_public():
    lowered = Lowered(10)
    assert lowered.bind_processor("sqlite")("AbC") == "abc"
    assert Cents().bind_processor("sqlite")(1.25) == 125
    assert Cents().result_processor("sqlite", None)(250) == 2.5
    assert String().result_processor("sqlite", None) is None


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Lowered(20))
    body = mapped_column(JsonText)


def test_orm_entities_use_the_hooks(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Note(id=1, title="HeLLo", body=[1, "x"]))
        s.commit()
        s.expunge_all()
        note = s.get(Note, 1)
        assert note.title == "<hello>" and note.body == [1, "x"]
        assert s.scalars(select(Note.title).where(Note.title == "HELLO")).all() == ["<hello>"]


class Shout(TypeDecorator):
    impl = String
    cache_ok = True

    def process_result_value(self, value, dialect):
        return value.upper() if value is not None else None


def test_with_variant_picks_the_type_per_dialect(engine, backend):
    md = MetaData()
    variants = Table(
        "variants",
        md,
        Column("id", Integer().with_variant(Integer(), "sqlite"), primary_key=True),
        Column("word", String(10).with_variant(Shout(10), backend)),
        Column("other", String(10).with_variant(Shout(10), "mysql")),
    )
    md.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(variants).values(word="hi", other="there"))
        assert tuple(c.execute(select(variants)).one()) == (1, "HI", "there")
    assert repr(variants.c.other.type) == "String(length=10)"
    with pytest.raises(ArgumentError, match="'sqlite' is already present in the mapping for this String"):
        String().with_variant(Text(), "sqlite").with_variant(Text(), "sqlite")


def test_type_compile_spells_the_ddl_type():
    assert String(20).compile() == "VARCHAR(20)"
    assert DateTime(timezone=True).compile("postgresql") == "TIMESTAMP WITH TIME ZONE"
    assert Lowered(12).compile() == "VARCHAR(12)"
    assert Wide(5).compile("postgresql") == "TEXT"  # load_dialect_impl() decides
    assert Cents().compile() == "INTEGER"
    assert String(5).with_variant(Text(), "postgresql").compile("postgresql") == "TEXT"


def test_generic_interval(engine, backend):
    from cormorant import Interval

    md = MetaData()
    spans = Table("spans", md, Column("id", Integer, primary_key=True), Column("span", Interval))
    md.create_all(engine)
    values = [dt.timedelta(days=-2, seconds=3), dt.timedelta(hours=30, microseconds=5)]
    with engine.begin() as c:
        c.execute(insert(spans), [{"id": i, "span": v} for i, v in enumerate(values)])
        assert c.execute(select(spans.c.span).order_by(spans.c.id)).scalars().all() == values
        later = select(spans.c.id).where(spans.c.span > dt.timedelta(0))
        assert c.execute(later).scalars().all() == [1]
    assert Interval().compile("postgresql") == "INTERVAL" and Interval().compile("sqlite") == "DATETIME"
    assert repr(Interval()) == "Interval()" and Interval().python_type is dt.timedelta


class Bracketed(TypeDecorator):
    """A decorator over a decorator: both result hooks run, inner first."""

    impl = Lowered
    cache_ok = True

    def process_result_value(self, value, dialect):
        return f"[{value}]"


def test_decorator_over_decorator(engine):
    md = MetaData()
    nested = Table("nested", md, Column("id", Integer, primary_key=True), Column("v", Bracketed(10)))
    md.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(nested).values(id=1, v="AB"))
        c.execute(insert(nested).values(id=2))
        assert c.execute(select(nested.c.v).order_by(nested.c.id)).scalars().all() == ["[<ab>]", "[None]"]
    assert Bracketed(10).result_processor("sqlite", None)("x") == "[<x>]"
    assert Bracketed(10).compile() == "VARCHAR(10)"
