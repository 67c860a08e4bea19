"""str(stmt) and stmt.compile(): the SQL text SQLAlchemy 2.0 shows for the
same statement (its line breaks, :name placeholders named as it names them),
the compiled parameters, each dialect's placeholders, and literal_binds.

The statements are built twice from one description, with cormorant and
with SQLAlchemy, and their strings compared."""

import datetime
import decimal

import cormorant
import pytest
import sqlalchemy
from cormorant.dialects import postgresql, sqlite
from cormorant.exc import CompileError


def tables(m):
    meta = m.MetaData()
    users = m.Table(
        "users",
        meta,
        m.Column("id", m.Integer, primary_key=True),
        m.Column("name", m.String(30)),
        m.Column("born", m.Date),
    )
    posts = m.Table(
        "posts",
        meta,
        m.Column("id", m.Integer, primary_key=True),
        m.Column("user_id", m.ForeignKey("users.id")),
        m.Column("score", m.Numeric(10, 2)),
    )
    return users, posts


STATEMENTS = {
    "where": lambda m, u, p: m.select(u.c.name).where(u.c.id == 5),
    "two binds on one column": lambda m, u, p: m.select(u.c.id).where(u.c.id > 1, u.c.id < 9),
    "every clause": lambda m, u, p: (
        m.select(u.c.id, m.func.count().label("n"))
        .where(u.c.id > 5)
        .group_by(u.c.id)
        .having(m.func.count() > 1)
        .order_by(u.c.id)
        .limit(3)
        .offset(2)
        .distinct()
    ),
    "join": lambda m, u, p: m.select(u.c.name, p.c.score).join(p, u.c.id == p.c.user_id),
    "outer join": lambda m, u, p: m.select(u.c.name).outerjoin(p, u.c.id == p.c.user_id),
    "alias": lambda m, u, p: m.select(u.alias("b").c.name),
    "limit": lambda m, u, p: m.select(u).limit(10),
    "named bindparam": lambda m, u, p: m.select(u.c.id).where(u.c.name == m.bindparam("who")),
    "literal": lambda m, u, p: m.select(u.c.id).where(u.c.id == m.literal(1)),
    "in": lambda m, u, p: m.select(u.c.id).where(u.c.name.in_(m.select(u.c.name).where(u.c.id > 2))),
    "exists": lambda m, u, p: m.select(u.c.id).where(m.select(p.c.id).where(p.c.user_id == u.c.id).exists()),
    "insert": lambda m, u, p: m.insert(u).values(name="x"),
    "insert returning": lambda m, u, p: m.insert(u).values(name="x").returning(u.c.id),
    "update": lambda m, u, p: m.update(u).where(u.c.id == 1).values(name="z"),
    "delete": lambda m, u, p: m.delete(u).where(u.c.id == 1),
    "expression": lambda m, u, p: u.c.id + 5 > 7,
    "function": lambda m, u, p: m.func.count(u.c.id),
    "column": lambda m, u, p: u.c.name,
    "table": lambda m, u, p: u,
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_str_matches_sqlalchemy(name):
    build = STATEMENTS[name]
    expected = str(build(sqlalchemy, *tables(sqlalchemy)))
    assert str(build(cormorant, *tables(cormorant))) == expected


@pytest.mark.parametrize("name", ["where", "every clause", "insert", "update", "named bindparam"])
def test_params_match_sqlalchemy(name):
    build = STATEMENTS[name]
    expected = build(sqlalchemy, *tables(sqlalchemy)).compile().params
    assert build(cormorant, *tables(cormorant)).compile().params == expected


def test_each_dialect_shows_its_placeholders():
    users, _ = tables(cormorant)
    stmt = cormorant.select(users.c.id).where(users.c.name == "ada", users.c.id > 3)
    pg = stmt.compile(dialect=postgresql.dialect())
    assert str(pg) == "SELECT users.id \nFROM users \nWHERE users.name = %(name_1)s AND users.id > %(id_1)s"
    assert pg.positiontup is None
    lite = stmt.compile(dialect=sqlite.dialect())
    assert lite.string == "SELECT users.id \nFROM users \nWHERE users.name = ? AND users.id > ?"
    assert lite.positiontup == ["name_1", "id_1"]
    assert lite.params == {"name_1": "ada", "id_1": 3}


def test_compile_with_an_engine_uses_its_dialect(engine):
    users, _ = tables(cormorant)
    stmt = cormorant.select(users.c.id).where(users.c.id == 1)
    expected = stmt.compile(
        dialect=postgresql.dialect() if engine.dialect.name == "postgresql" else sqlite.dialect()
    )
    assert str(stmt.compile(engine)) == str(expected)
    with engine.connect() as conn:
        assert str(stmt.compile(conn)) == str(expected)


def test_literal_binds_quote_each_type():
    users, _ = tables(cormorant)
    stmt = cormorant.select(users.c.id).where(
        users.c.name == "o'hara",
        users.c.born > datetime.date(2020, 1, 2),
        users.c.id.in_([1, 2]),
        users.c.id != decimal.Decimal("2.50"),
    )
    sql = str(stmt.compile(compile_kwargs={"literal_binds": True}))
    assert sql.endswith(
        "WHERE users.name = 'o''hara' AND users.born > '2020-01-02' AND users.id IN (1, 2) AND users.id != 2.50"
    )
    flags = cormorant.select(cormorant.literal(True), cormorant.literal(None))
    assert str(flags.compile(compile_kwargs={"literal_binds": True})) == "SELECT true, NULL"
    lite = flags.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    assert str(lite) == "SELECT 1, NULL"
    assert lite.params == {}


def test_literal_binds_refuse_what_they_cannot_write():
    users, _ = tables(cormorant)
    with pytest.raises(CompileError, match="No literal value renderer"):
        cormorant.select(users.c.id).where(users.c.name == b"\x00").compile(
            compile_kwargs={"literal_binds": True}
        )
    with pytest.raises(CompileError, match="compile_kwargs"):
        cormorant.select(users.c.id).compile(compile_kwargs={"render_postcompile": True})


def test_compiling_does_not_change_what_executes(engine):
    users, _ = tables(cormorant)
    users.metadata.create_all(engine)
    stmt = cormorant.select(users.c.name).where(users.c.id == 1)
    with engine.begin() as conn:
        conn.execute(cormorant.insert(users).values(id=1, name="ada"))
        assert "SELECT" in str(stmt)
        assert conn.execute(stmt).scalar() == "ada"
        assert str(stmt) == "SELECT users.name \nFROM users \nWHERE users.id = :id_1"
