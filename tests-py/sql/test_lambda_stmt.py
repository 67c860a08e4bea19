"""lambda_stmt(): statements built by lambdas run through Connection and
Session, each execution seeing the closure's current values."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, insert, lambda_stmt, select
from cormorant.exc import ArgumentError
from cormorant.orm import Session
from cormorant.sql.lambdas import StatementLambdaElement

meta = MetaData()
items = Table("items", meta, Column("id", Integer, primary_key=True), Column("name", String(10)))


@pytest.fixture
def filled(engine):
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(items), [{"id": i, "name": n} for i, n in enumerate(["a", "b", "c"], 1)])
    return engine


def by_id(ident):
    stmt = lambda_stmt(lambda: select(items.c.name))
    stmt += lambda s: s.where(items.c.id == ident)
    return stmt


def test_lambda_statements_see_current_closure_values(filled):
    with filled.connect() as conn:
        assert [conn.execute(by_id(i)).scalar() for i in (1, 3, 2)] == ["a", "c", "b"]
    with Session(filled) as session:
        assert session.scalars(by_id(2)).one() == "b"
        assert session.execute(by_id(3).add_criteria(lambda s: s.where(items.c.name != "c"))).all() == []


def test_spoil_gives_the_plain_statement_and_bad_arguments_are_named():
    stmt = by_id(1)
    assert isinstance(stmt, StatementLambdaElement)
    assert str(stmt.spoil()) == "SELECT items.name \nFROM items \nWHERE items.id = :id_1"
    assert str(stmt) == str(stmt.spoil())
    lambda_stmt(lambda: select(items), enable_tracking=False, track_on=[1])
    with pytest.raises(ArgumentError, match="track_everything"):
        lambda_stmt(lambda: select(items), track_everything=True)
