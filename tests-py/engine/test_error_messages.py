"""A failed statement's message shows its parameters the way SQLAlchemy
shortens them: at most 10 parameter sets of an executemany, 100 values of one
set, 300 characters of one value. A failed 5,000-row flush must not print
megabytes."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, exc, insert


@pytest.fixture
def table(engine):
    md = MetaData()
    t = Table("msgs", md, Column("id", Integer, primary_key=True), Column("s", String))
    md.create_all(engine)
    return t


def test_executemany_shows_ten_parameter_sets(engine, table):
    rows = [{"id": i, "s": f"row {i}"} for i in range(5000)] + [{"id": 0, "s": "duplicate"}]
    with engine.connect() as conn:
        with pytest.raises(exc.IntegrityError) as info:
            conn.execute(insert(table), rows)
    message = str(info.value)
    assert len(message) < 2000, message
    assert "'row 0'" in message


def test_one_long_value_is_cut_in_the_middle():
    error = exc.DBAPIError("boom", "INSERT INTO t VALUES (?)", ("x" * 10_000,), None)
    message = str(error)
    assert "characters truncated" in message
    assert len(message) < 1000


def test_many_parameter_sets_show_first_and_last():
    params = [{"id": i} for i in range(50)]
    message = str(exc.DBAPIError("boom", "UPDATE t SET x = 1 WHERE id = ?", params, None))
    assert "displaying 10 of 50 total bound parameter sets" in message
    assert "{'id': 0}" in message and "{'id': 49}" in message and "{'id': 20}" not in message


def test_a_long_flat_parameter_list_is_cut():
    message = str(exc.DBAPIError("boom", "INSERT ...", list(range(15_000)), None))
    assert "14900 parameters truncated" in message
    assert len(message) < 1500


def test_executemany_missing_a_key_names_the_parameter_and_set(engine, table):
    from cormorant import bindparam, update

    statement = update(table).where(table.c.id == bindparam("i")).values(s=bindparam("v"))
    with engine.connect() as conn:
        with pytest.raises(exc.ArgumentError, match="bind parameter 'v', in parameter set 1"):
            conn.execute(statement, [{"i": 1, "v": "a"}, {"i": 2}])
