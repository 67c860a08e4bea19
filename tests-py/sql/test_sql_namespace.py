"""The rest of cormorant.sql's names, by what they do: label styles,
prefix_with/suffix_with, DDL(), savepoint clauses, outparam, quoted_name,
visitors and cache keys, and sql.expression as SQLAlchemy's module."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, insert, select, text
from cormorant.exc import ArgumentError
from cormorant.sql import DDL, ClauseVisitor, Nullable, expression, quoted_name
from cormorant.sql.expression import (
    LABEL_STYLE_NONE,
    LABEL_STYLE_TABLENAME_PLUS_COL,
    ReleaseSavepointClause,
    RollbackToSavepointClause,
    SavepointClause,
    outparam,
)

meta = MetaData()
users = Table("users", meta, Column("id", Integer, primary_key=True), Column("name", String(20)))


@pytest.fixture
def conn(engine):
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(users), [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}])
    with engine.connect() as c:
        yield c


def test_label_styles_name_result_columns(conn):
    other = users.alias("other")
    pair = select(users.c.id, other.c.id).join_from(users, other, users.c.id == other.c.id)
    assert list(conn.execute(pair).keys()) == ["id", "id_1"]
    assert list(conn.execute(pair.set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)).keys()) == [
        "users_id",
        "other_id",
    ]
    assert list(conn.execute(pair.set_label_style(LABEL_STYLE_NONE)).keys()) == ["id", "id"]
    sub = pair.set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL).subquery()
    assert conn.execute(select(sub.c.other_id).order_by(sub.c.users_id)).scalars().all() == [1, 2]
    with pytest.raises(ArgumentError, match="SelectLabelStyle"):
        pair.set_label_style("plain")


def test_prefixes_and_suffixes_are_written_per_dialect(conn):
    stmt = select(users.c.id).prefix_with("/* audit */").suffix_with("FOR SHARE", dialect="postgresql")
    shown = str(stmt)
    assert shown.startswith("SELECT /* audit */ users.id") and "FOR SHARE" not in shown
    ids = conn.execute(stmt.order_by(users.c.id) if conn.dialect.name == "sqlite" else stmt).scalars().all()
    assert sorted(ids) == [1, 2]


def test_ddl_runs_with_the_table_named(conn):
    conn.execute(DDL("CREATE INDEX ix_%(table)s_name ON %(table)s (name)").against(users))
    conn.commit()
    assert {ix["name"] for ix in __import__("cormorant").inspect(conn).get_indexes("users")} >= {
        "ix_users_name"
    }
    with pytest.raises(ArgumentError, match="nothing supplies"):
        conn.execute(DDL("DROP TABLE %(nowhere)s"))
    with pytest.raises(NotImplementedError, match="after_create"):
        DDL("SELECT 1").execute_if(dialect="postgresql")


def test_savepoint_clauses_execute(conn):
    with conn.begin():
        conn.execute(SavepointClause("sp1"))
        conn.execute(users.delete())
        conn.execute(RollbackToSavepointClause("sp1"))
        conn.execute(ReleaseSavepointClause("sp1"))
        assert conn.execute(select(users.c.id)).scalars().all() != []


def test_outparam_is_a_named_bind_and_quoted_name_refuses_what_it_cannot_honour(conn):
    stmt = select(users.c.name).where(users.c.id == outparam("who", Integer))
    assert conn.execute(stmt, {"who": 2}).scalar() == "bob"
    assert quoted_name("users", quote=True) == "users" and quoted_name("users", quote=True).quote is True
    with pytest.raises(ArgumentError, match="quote=False"):
        quoted_name("MixedCase", quote=False)
    assert Nullable(users.c.name) is users.c.name


def test_visitors_and_cache_keys_see_the_statement_structure():
    stmt = select(users.c.name).where(users.c.id == 5, users.c.name.like("a%"))

    class Columns(ClauseVisitor):
        def __init__(self):
            self.seen = []

        def visit_column(self, column):
            self.seen.append(column.name)

        def visit_bindparam(self, bind):
            self.seen.append(bind.value)

    visitor = Columns()
    visitor.traverse(stmt)
    assert sorted(map(str, visitor.seen)) == ["5", "a%", "id", "name"]  # each element once
    key = stmt._generate_cache_key()
    same_shape = select(users.c.name).where(users.c.id == 7, users.c.name.like("b%"))._generate_cache_key()
    assert key == same_shape and hash(key) == hash(same_shape)
    assert [b.value for b in same_shape.bindparams] == [7, "b%"]
    assert key != select(users.c.id).where(users.c.id == 5)._generate_cache_key()


def test_sql_expression_is_sqlalchemys_module():
    assert expression.select is select and expression.text is text
    assert issubclass(expression.Select, expression.Executable)
    assert isinstance(text("SELECT 1"), expression.Executable)


def test_having_without_group_by(conn):
    from cormorant import func

    counted = select(func.count()).select_from(users)
    assert conn.execute(counted.having(func.count() > 1)).scalar() == 2
    assert conn.execute(counted.having(func.count() > 5)).all() == []
