"""Regressions for what the differential fuzzing against SQLAlchemy
(tests-py/differential) found in sql/, each as SQLAlchemy 2.0 behaves."""

import decimal

import pytest
from cormorant import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    case,
    cast,
    desc,
    false,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    true,
)

metadata = MetaData()
parents = Table(
    "parents", metadata, Column("id", Integer, primary_key=True), Column("a", Integer), Column("f", Float)
)
children = Table(
    "children",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", Integer, ForeignKey("parents.id")),
    Column("s", String(10)),
)


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(parents),
            [{"id": 1, "a": 7, "f": 2.0}, {"id": 2, "a": 1, "f": None}, {"id": 3, "a": None, "f": 0.5}],
        )
        conn.execute(insert(children), [{"id": 10, "ref": 1, "s": "x"}, {"id": 11, "ref": 1, "s": "y"}])
        yield conn


def test_nulls_first_after_a_direction(conn):
    # was "(parents.a DESC) NULLS FIRST", a syntax error
    rows = conn.execute(select(parents.c.id).order_by(desc(parents.c.a).nulls_first())).scalars().all()
    assert rows == [3, 1, 2]
    rows = conn.execute(select(parents.c.id).order_by(parents.c.a.asc().nulls_last())).scalars().all()
    assert rows == [2, 1, 3]


def test_same_sql_with_other_result_types_is_not_confused(conn):
    # SELECT ? for a bool, then for an int, shared one cached result plan
    assert conn.execute(select(literal(True).label("x"))).scalar() is True
    assert conn.execute(select(literal(0).label("x"))).scalar() == 0
    assert type(conn.execute(select(literal(0).label("x"))).scalar()) is int


def test_true_division(conn):
    # 7 / 2 is 3.5 (a Numeric), not SQL's integer division
    value = conn.execute(select(parents.c.a / 2).where(parents.c.id == 1)).scalar()
    assert value == decimal.Decimal("3.5") and isinstance(value, decimal.Decimal)
    value = conn.execute(select(parents.c.a / parents.c.f).where(parents.c.id == 1)).scalar()
    assert value == 3.5 and isinstance(value, float)
    assert conn.execute(select(7 / parents.c.a).where(parents.c.id == 1)).scalar() == 1


def test_floor_division_and_reflected_modulo(conn):
    assert conn.execute(select(parents.c.a // 2).where(parents.c.id == 1)).scalar() == 3
    assert conn.execute(select(15 % parents.c.a).where(parents.c.id == 1)).scalar() == 1


def test_a_float_against_an_integer_column_stays_a_float(conn):
    # 1.5 was bound as an INTEGER: rounded to 2 on PostgreSQL
    ids = conn.execute(select(parents.c.id).where(parents.c.a < 1.5).order_by(parents.c.id)).scalars()
    assert ids.all() == [2]
    assert conn.execute(select(parents.c.id).where(parents.c.a == 1.5)).all() == []
    assert conn.execute(select(parents.c.a + 0.5).where(parents.c.id == 2)).scalar() == 1.5
    ids = conn.execute(select(parents.c.id).where(parents.c.a.between(0.5, 1.5))).scalars().all()
    assert ids == [2]


def test_in_a_select(conn):
    in_children = parents.c.id.in_(select(children.c.ref))
    assert conn.execute(select(parents.c.id).where(in_children)).scalars().all() == [1]
    not_in = parents.c.id.not_in(select(children.c.ref))
    assert conn.execute(select(parents.c.id).where(not_in).order_by(parents.c.id)).scalars().all() == [2, 3]


def test_subqueries_correlate_to_the_enclosing_select(conn):
    count = select(func.count(children.c.id)).where(children.c.ref == parents.c.id).scalar_subquery()
    rows = conn.execute(select(parents.c.id, count.label("n")).order_by(parents.c.id)).all()
    assert rows == [(1, 2), (2, 0), (3, 0)]
    has = select(children.c.id).where(children.c.ref == parents.c.id).exists()
    assert conn.execute(select(parents.c.id).where(has)).scalars().all() == [1]
    assert conn.execute(select(parents.c.id).where(~has).order_by(parents.c.id)).scalars().all() == [2, 3]


def test_a_derived_table_is_not_correlated(conn):
    sub = select(children.c.ref.label("ref"), func.count().label("n")).group_by(children.c.ref).subquery("s")
    rows = conn.execute(select(parents.c.id, sub.c.n).join_from(parents, sub, sub.c.ref == parents.c.id))
    assert rows.all() == [(1, 2)]


def test_true_division_by_an_untyped_expression_is_not_integer_division(engine):
    """SQLAlchemy makes every divisor non-integer, typed or not: 7 / length('ab') is 3.5."""
    from cormorant import func, literal, select

    with engine.connect() as conn:
        value = conn.execute(select(literal(7) / func.length(literal("ab")))).scalar()
    assert float(value) == 3.5


def test_floor_division_and_floor_give_integers(engine):
    """func.floor() and // give integers on SQLite too, as SQLAlchemy's SQLite
    dialect defines floor(); NULL stays NULL."""
    from cormorant import func, literal, null, select

    with engine.connect() as conn:
        row = conn.execute(
            select(func.floor(literal(7.5)), literal(7) // func.length(literal("ab")), func.floor(null()))
        ).one()
    assert row == (7, 3, None)
    if engine.dialect.name == "sqlite":  # PostgreSQL's floor() of an integer is a double, there too
        assert type(row[0]) is int and type(row[1]) is int


def test_an_untyped_left_operand_takes_the_right_operands_type():
    """length(x) + 5 is an Integer, as SQLAlchemy's NullType adapts to the
    other operand of + and *; length(x) - 5 stays untyped."""
    from cormorant import Float, Integer, func
    from cormorant.sql.sqltypes import NullType

    assert isinstance((func.length("a") + 5).type, Integer)
    assert isinstance((5 + func.length("a")).type, Integer)
    assert isinstance((func.length("a") * 2.5).type, Float)
    assert isinstance((func.length("a") - 5).type, NullType)


def test_a_numeric_combined_with_a_float_is_a_float(engine):
    """(id / id) + float_col is a Float, as SQLAlchemy's Numeric + Float is:
    1.0, not Decimal('1.0')."""
    from cormorant import Column, Float, Integer, MetaData, Table, select

    md = MetaData()
    t = Table("numeric_float", md, Column("id", Integer, primary_key=True), Column("f", Float))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "f": 0.0}])
        value = conn.execute(select(t.c.id / t.c.id + t.c.f)).scalar()
    assert isinstance((t.c.id / t.c.id + t.c.f).type, Float)
    assert type(value) is float and value == 1.0


def test_comparing_to_null_is_is_null(conn):
    # `x != null()` was rendered "x != NULL" (always NULL); SQLAlchemy treats
    # null() on the right of == / != as None: IS NULL / IS NOT NULL
    rows = conn.execute(select(parents.c.id).where(parents.c.a != null()).order_by(parents.c.id)).scalars()
    assert rows.all() == [1, 2]
    rows = conn.execute(select(parents.c.id).where(parents.c.a == null())).scalars()
    assert rows.all() == [3]


def test_coalesce_takes_its_first_typed_arguments_type(engine):
    # coalesce(null(), false()) was untyped, so SQLite's 0 came back as an int
    with engine.connect() as conn:
        value = conn.execute(select(func.coalesce(null(), false()).label("x"))).scalar()
    assert value is False


def test_case_takes_its_last_typed_results_type(engine):
    # was the first typed result's (here Numeric, so a Decimal); SQLAlchemy
    # types a CASE as its last typed THEN, falling back to ELSE
    first = case((true(), cast(literal(1.5), Numeric)), (false(), literal(2.5)))
    only_else = case((false(), null()), else_=literal(3))
    with engine.connect() as conn:
        row = conn.execute(select(first.label("a"), only_else.label("b"))).one()
    assert type(row.a) is float and row.a == 1.5
    assert type(row.b) is int and row.b == 3


def test_an_int_next_to_a_float_expression_is_bound_as_an_integer(engine):
    # literal_column("42.75", Float) * 4 bound the 4 as a FLOAT, so PostgreSQL
    # computed a double (171.0) where SQLAlchemy's INTEGER bind gives numeric
    product = func.abs(literal_column("42.75", Float) * 4)
    with engine.connect() as conn:
        value = conn.execute(select(product.label("x"))).scalar()
    expected = decimal.Decimal if engine.dialect.name == "postgresql" else float
    assert type(value) is expected and value == 171


def test_false_decides_an_and_and_true_an_or(engine):
    """Found by the differential suite on PostgreSQL: SQLAlchemy writes
    and_(false(), ..., coalesce(NULL, NULL)) as `false`, where the whole
    conjunction is refused by PostgreSQL (coalesce of NULLs is text)."""
    from cormorant import and_, false, func, null, or_, select, true

    with engine.connect() as conn:
        assert conn.execute(select(1).where(and_(false(), func.coalesce(null(), null())))).all() == []
        assert conn.execute(select(1).where(or_(func.coalesce(null(), null()), true()))).all() == [(1,)]
    assert str(and_(true(), literal_column("x") == 1)) == "x = :param_1"
