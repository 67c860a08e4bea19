"""LIKE ... ESCAPE and autoescape=: a pattern's escaped % and _ match
themselves on both backends (SQLite has no default escape character)."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, insert, select
from cormorant.exc import ArgumentError

metadata = MetaData()
words = Table("words", metadata, Column("id", Integer, primary_key=True), Column("s", String(20)))
ROWS = {1: "50%", 2: "a_b", 3: "axb", 4: "5000", 5: "a/b", 6: "100% a_b"}


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(words), [{"id": k, "s": v} for k, v in ROWS.items()])
        yield conn


def ids(conn, criterion):
    return [r.id for r in conn.execute(select(words.c.id).where(criterion).order_by(words.c.id))]


def test_like_with_an_escape_character(conn):
    assert ids(conn, words.c.s.like("50\\%", escape="\\")) == [1]
    assert ids(conn, words.c.s.like("a\\_b", escape="\\")) == [2]
    assert ids(conn, words.c.s.like("a#_b", escape="#")) == [2]
    assert ids(conn, words.c.s.not_like("a#_b", escape="#")) == [1, 3, 4, 5, 6]
    assert ids(conn, words.c.s.ilike("A#_B", escape="#")) == [2]
    assert ids(conn, words.c.s.like("a_b")) == [2, 3, 5]  # no escape: _ is a wildcard


def test_autoescape_matches_the_value_literally(conn):
    assert ids(conn, words.c.s.contains("_", autoescape=True)) == [2, 6]
    assert ids(conn, words.c.s.contains("%", autoescape=True)) == [1, 6]
    assert ids(conn, words.c.s.startswith("50%", autoescape=True)) == [1]
    assert ids(conn, words.c.s.endswith("/b", autoescape=True)) == [5]
    assert ids(conn, words.c.s.contains("%", autoescape=True, escape="^")) == [1, 6]


def test_the_escape_is_bound_into_sql_not_ignored(conn):
    sql = str(conn.engine._cache.compile(select(words.c.id).where(words.c.s.like("x", escape="!")))[0].sql)
    assert sql.endswith("ESCAPE '!'")


def test_bad_escapes_are_refused():
    with pytest.raises(ArgumentError, match="single character"):
        words.c.s.like("x", escape="ab")
    with pytest.raises(ArgumentError, match="autoescape=True needs a Python string"):
        words.c.s.contains(words.c.id, autoescape=True)
