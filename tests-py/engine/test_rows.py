"""Row and Result behaviour."""

import pytest
from cormorant import Column, Integer, MetaData, String, Table, insert, select, text
from cormorant.exc import MultipleResultsFound, NoResultFound, ResourceClosedError

metadata = MetaData()
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50)),
    Column("age", Integer),
)


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(
            insert(people),
            [
                {"id": 1, "name": "ann", "age": 30},
                {"id": 2, "name": "bob", "age": 40},
                {"id": 3, "name": "cid", "age": 30},
            ],
        )
    with engine.connect() as c:
        yield c


def one_row(conn):
    return conn.execute(select(people.c.id, people.c.name, people.c.age).where(people.c.id == 1)).one()


# --- Row -------------------------------------------------------------------------


def test_row_attribute_and_index_access(conn):
    row = one_row(conn)
    assert row.id == 1 and row.name == "ann" and row.age == 30
    assert row[0] == 1 and row[1] == "ann" and row[2] == 30
    assert row[-1] == 30 and row[-3] == 1
    with pytest.raises(IndexError):
        row[3]
    with pytest.raises(AttributeError):
        row.nope


def test_row_slice_unpack_len_iter(conn):
    row = one_row(conn)
    assert tuple(row[1:]) == ("ann", 30)
    assert tuple(row[:2]) == (1, "ann")
    assert tuple(row[::-1]) == (30, "ann", 1)
    a, b, c = row
    assert (a, b, c) == (1, "ann", 30)
    assert len(row) == 3
    assert list(row) == [1, "ann", 30]
    assert list(iter(row)) == [1, "ann", 30]
    assert "ann" in row


def test_row_equality_hash_and_repr(conn):
    row = one_row(conn)
    assert row == (1, "ann", 30)
    assert (1, "ann", 30) == row
    assert row != (1, "ann", 31)
    assert row != (1, "ann")
    again = one_row(conn)
    assert row == again
    assert hash(row) == hash(again) == hash((1, "ann", 30))
    assert len({row, again}) == 1
    assert repr(row) == "(1, 'ann', 30)"
    assert row < (2, "", 0)


def test_row_mapping_fields_asdict(conn):
    row = one_row(conn)
    assert row._fields == ("id", "name", "age")
    assert row._asdict() == {"id": 1, "name": "ann", "age": 30}
    m = row._mapping
    assert m["name"] == "ann"
    assert m[people.c.age] == 30
    assert list(m.keys()) == ["id", "name", "age"]
    assert dict(m) == {"id": 1, "name": "ann", "age": 30}
    assert "age" in m and "nope" not in m
    assert len(m) == 3
    with pytest.raises(KeyError):
        m["nope"]
    assert row._tuple() == (1, "ann", 30)


def test_labelled_and_text_columns(conn):
    row = conn.execute(select(people.c.name.label("who"), people.c.age).where(people.c.id == 2)).one()
    assert row.who == "bob" and row._fields == ("who", "age")
    row = conn.execute(text("SELECT name AS n, age * 2 AS double_age FROM people WHERE id = 3")).one()
    assert row.n == "cid" and row.double_age == 60 and row._fields == ("n", "double_age")


def test_single_column_rows_are_rows(conn):
    rows = conn.execute(select(people.c.name).order_by(people.c.id)).all()
    assert rows == [("ann",), ("bob",), ("cid",)]
    assert rows[0].name == "ann"
    assert rows[0]._fields == ("name",)
    assert len(rows[0]) == 1


# --- Result ----------------------------------------------------------------------


def q(conn, *where):
    return conn.execute(select(people).where(*where).order_by(people.c.id))


def test_result_keys(conn):
    assert q(conn).keys() == ["id", "name", "age"]
    assert list(conn.execute(select(people.c.age, people.c.name)).keys()) == ["age", "name"]


def test_all_first_and_consumption(conn):
    result = q(conn)
    rows = result.all()
    assert [r.name for r in rows] == ["ann", "bob", "cid"]
    assert result.all() == []
    assert q(conn).first() == (1, "ann", 30)
    assert q(conn, people.c.id > 10).first() is None
    result = q(conn)
    result.first()
    try:  # first() discards the remaining rows (SQLAlchemy closes the result)
        rest = result.all()
    except ResourceClosedError:
        rest = []
    assert rest == []


def test_one_and_one_or_none(conn):
    assert q(conn, people.c.id == 2).one().name == "bob"
    assert q(conn, people.c.id == 2).one_or_none().name == "bob"
    assert q(conn, people.c.id == 9).one_or_none() is None
    with pytest.raises(NoResultFound):
        q(conn, people.c.id == 9).one()
    with pytest.raises(MultipleResultsFound):
        q(conn).one()
    with pytest.raises(MultipleResultsFound):
        q(conn).one_or_none()


def test_scalar_family(conn):
    assert q(conn).scalar() == 1
    assert q(conn, people.c.id == 9).scalar() is None
    assert conn.execute(select(people.c.name).where(people.c.id == 3)).scalar_one() == "cid"
    assert conn.execute(select(people.c.name).where(people.c.id == 9)).scalar_one_or_none() is None
    with pytest.raises(NoResultFound):
        conn.execute(select(people.c.name).where(people.c.id == 9)).scalar_one()
    with pytest.raises(MultipleResultsFound):
        conn.execute(select(people.c.name)).scalar_one()
    with pytest.raises(MultipleResultsFound):
        conn.execute(select(people.c.name)).scalar_one_or_none()
    assert q(conn).scalars().all() == [1, 2, 3]
    assert q(conn).scalars(1).all() == ["ann", "bob", "cid"]
    assert conn.execute(select(people.c.age).order_by(people.c.id)).scalars().all() == [30, 40, 30]
    assert conn.scalar(select(people.c.name).where(people.c.id == 2)) == "bob"
    assert list(conn.scalars(select(people.c.id).order_by(people.c.id))) == [1, 2, 3]


def test_unique(conn):
    ages = conn.execute(select(people.c.age).order_by(people.c.id)).scalars().unique().all()
    assert ages == [30, 40]
    rows = conn.execute(select(people.c.age).order_by(people.c.id)).unique().all()
    assert rows == [(30,), (40,)]
    rows = conn.execute(select(people.c.age, people.c.name).order_by(people.c.id)).unique().all()
    assert len(rows) == 3


def test_fetchone_fetchmany_iteration(conn):
    result = q(conn)
    assert result.fetchone().id == 1
    assert [r.id for r in result.fetchmany(5)] == [2, 3]
    assert result.fetchone() is None
    assert result.fetchmany(2) == []
    result = q(conn)
    assert [r.id for r in result.fetchmany(2)] == [1, 2]
    assert [r.id for r in result] == [3]
    assert [r.name for r in q(conn)] == ["ann", "bob", "cid"]


def test_iteration_over_rows_containing_none(conn):
    conn.execute(insert(people).values(id=4, name=None, age=None))
    names = [r.name for r in q(conn)]
    assert names == ["ann", "bob", "cid", None]
    vals = list(conn.execute(select(people.c.name).order_by(people.c.id)).scalars())
    assert vals == ["ann", "bob", "cid", None]
    conn.rollback()


def test_mappings(conn):
    maps = q(conn).mappings().all()
    assert maps[0] == {"id": 1, "name": "ann", "age": 30}
    assert maps[2]["name"] == "cid"
    assert q(conn, people.c.id == 2).mappings().one()["age"] == 40
    assert q(conn, people.c.id == 2).mappings().first()["name"] == "bob"
    assert q(conn, people.c.id == 9).mappings().first() is None
    result = q(conn).mappings()
    assert len(result.all()) == 3
    assert result.all() == []
