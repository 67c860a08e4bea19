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
    "like": lambda m, u, p: m.select(u.c.id).where(u.c.name.like("a%")),
    "between": lambda m, u, p: m.select(u.c.id).where(u.c.id.between(1, 5)),
    "cast": lambda m, u, p: m.select(m.cast(u.c.id, m.String)),
    "is null": lambda m, u, p: m.select(u.c.id).where(u.c.name.is_(None), u.c.born != None),  # noqa: E711
    "order": lambda m, u, p: m.select(u.c.id).order_by(u.c.id.desc(), m.nulls_last(u.c.name.asc())),
    "scalar subquery": lambda m, u, p: m.select(
        u.c.id, m.select(m.func.count(p.c.id)).where(p.c.user_id == u.c.id).scalar_subquery().label("n")
    ),
    "subquery": lambda m, u, p: m.select(m.select(u.c.id).subquery().c.id),
    "named subquery": lambda m, u, p: (lambda s: m.select(s.c.id).where(s.c.id > 3))(
        m.select(u.c.id).where(u.c.id < 9).subquery("s")
    ),
    "count": lambda m, u, p: m.select(m.func.count()).select_from(u),
    "text": lambda m, u, p: m.text("SELECT * FROM users WHERE id = :x"),
    "bindparam with a value": lambda m, u, p: m.select(u.c.id).where(u.c.id == m.bindparam("x", 5)),
    "and or": lambda m, u, p: m.select(u.c.id).where(m.or_(u.c.id == 1, m.and_(u.c.id > 5, u.c.name == "x"))),
    "negated comparisons": lambda m, u, p: m.select(u.c.id).where(
        ~(u.c.id == 1),
        ~u.c.id.between(1, 2),
        ~u.c.name.like("x"),
        ~(u.c.name == None),  # noqa: E711
    ),
    "concat": lambda m, u, p: m.select(u.c.name + "x"),
    "count distinct": lambda m, u, p: m.select(m.func.count(u.c.name.distinct())),
    "true": lambda m, u, p: m.select(u.c.id).where(m.true()),
    "delete returning": lambda m, u, p: m.delete(u).where(u.c.id > 1).returning(u.c.id, u.c.name),
    "order by label name": lambda m, u, p: m.select(u.c.name.label("n")).order_by("n"),
    "order by column name": lambda m, u, p: m.select(u.c.name).order_by(m.desc("name")),
    "cte": lambda m, u, p: (lambda c: m.select(c.c.id))(m.select(u.c.id).where(u.c.id > 1).cte("c")),
    "two ctes": lambda m, u, p: (lambda a: (lambda b: m.select(b.c.id))(m.select(a.c.id).cte("b")))(
        m.select(u.c.id).cte("a")
    ),
    "union": lambda m, u, p: m.union(m.select(u.c.id), m.select(p.c.id)),
    "union ordered": lambda m, u, p: m.union(m.select(u.c.id), m.select(p.c.id)).order_by("id").limit(3),
    "window": lambda m, u, p: m.select(m.func.rank().over(partition_by=u.c.name, order_by=u.c.id)),
    "window label": lambda m, u, p: m.select(m.func.row_number().over(order_by=u.c.id).label("n")),
    "exists()": lambda m, u, p: m.select(u.c.id).where(m.exists().where(p.c.user_id == u.c.id)),
    "insert from select": lambda m, u, p: m.insert(p).from_select(["id"], m.select(u.c.id)),
    "insert without values": lambda m, u, p: m.insert(u),
    "update without values": lambda m, u, p: m.update(u).where(u.c.id == m.bindparam("b")),
    "within group": lambda m, u, p: m.select(m.func.percentile_cont(0.5).within_group(u.c.id)),
    "filter": lambda m, u, p: m.select(m.func.count().filter(u.c.id > 1)),
    "coalesce": lambda m, u, p: m.select(m.func.coalesce(u.c.name, "x")),
    "lateral": lambda m, u, p: m.select(u.c.id).join(
        m.select(p.c.id).where(p.c.user_id == u.c.id).lateral("l"), m.true()
    ),
    "group by": lambda m, u, p: (
        m.select(u.c.name, m.func.count().label("c")).group_by(u.c.name).order_by(m.desc("c"))
    ),
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
    assert (
        str(flags.compile(compile_kwargs={"literal_binds": True})) == "SELECT true AS anon_1, NULL AS anon_2"
    )
    lite = flags.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    assert str(lite) == "SELECT 1 AS anon_1, NULL AS anon_2"
    assert lite.params == {}


def test_literal_binds_refuse_what_they_cannot_write():
    users, _ = tables(cormorant)
    with pytest.raises(CompileError, match="No literal value renderer"):
        cormorant.select(users.c.id).where(users.c.name == b"\x00").compile(
            compile_kwargs={"literal_binds": True}
        )
    with pytest.raises(CompileError, match="compile_kwargs"):
        cormorant.select(users.c.id).compile(compile_kwargs={"render_postcompile": True})


def test_order_by_a_name_refers_to_the_selected_label_or_column(engine):
    users, _ = tables(cormorant)
    users.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(cormorant.insert(users), [{"id": i, "name": n} for i, n in enumerate("cab")])
        stmt = cormorant.select(users.c.name.label("who")).order_by(cormorant.desc("who"))
        assert conn.execute(stmt).scalars().all() == ["c", "b", "a"]
        assert conn.execute(cormorant.select(users.c.name).order_by("name")).scalars().all() == [
            "a",
            "b",
            "c",
        ]
        with pytest.raises(CompileError, match="Can't resolve label reference"):
            conn.execute(cormorant.select(users.c.name).order_by("nowhere"))


def test_subquery_columns_are_labelled_so_the_outer_query_can_name_them(engine):
    users, _ = tables(cormorant)
    users.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(cormorant.insert(users), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        other = users.alias("other")
        sub = cormorant.select(
            users.c.id, (users.c.id * 10).label("tens"), other.c.id, users.c.id + 1
        ).subquery()
        assert list(sub.c.keys()) == ["id", "tens", "id_1", "anon"]
        rows = conn.execute(cormorant.select(sub.c.tens, sub.c.id_1, sub.c.anon).where(sub.c.id == 2)).all()
        assert sorted(rows) == [(20, 1, 3), (20, 2, 3)]


def test_compiling_does_not_change_what_executes(engine):
    users, _ = tables(cormorant)
    users.metadata.create_all(engine)
    stmt = cormorant.select(users.c.name).where(users.c.id == 1)
    with engine.begin() as conn:
        conn.execute(cormorant.insert(users).values(id=1, name="ada"))
        assert "SELECT" in str(stmt)
        assert conn.execute(stmt).scalar() == "ada"
        assert str(stmt) == "SELECT users.name \nFROM users \nWHERE users.id = :id_1"


def test_literal_binds_go_through_a_type_decorators_hooks():
    from cormorant.types import TypeDecorator

    class Upper(TypeDecorator):
        impl = cormorant.String
        cache_ok = True

        def process_bind_param(self, value, dialect):
            return value.upper()

    class Tagged(Upper):
        def process_literal_param(self, value, dialect):
            return f"<{value}>"

    meta = cormorant.MetaData()
    t = cormorant.Table("t", meta, cormorant.Column("a", Upper()), cormorant.Column("b", Tagged()))
    stmt = cormorant.select(t.c.a).where(t.c.a == "x", t.c.b == "y")
    assert str(stmt.compile(compile_kwargs={"literal_binds": True})).endswith(
        "WHERE t.a = 'X' AND t.b = '<y>'"
    )


def test_result_keys_of_unnamed_columns_match_sqlalchemy():
    def keys(m, eng):
        meta = m.MetaData()
        t = m.Table("k", meta, m.Column("id", m.Integer), m.Column("x", m.String(10)))
        meta.create_all(eng)
        columns = [
            m.func.length(t.c.x),
            m.func.count(),
            m.func.length(t.c.x),
            t.c.x + "a",
            m.literal(1),
            -t.c.id,
            -(-t.c.id),  # noqa: B002 - a negation of a negation, in SQL
            -m.func.length(t.c.x),
            -m.literal_column("0"),
        ]
        with eng.connect() as conn:
            return list(conn.execute(m.select(*columns).select_from(t)).keys())

    expected = keys(sqlalchemy, sqlalchemy.create_engine("sqlite://"))
    assert keys(cormorant, cormorant.create_engine("sqlite://")) == expected
