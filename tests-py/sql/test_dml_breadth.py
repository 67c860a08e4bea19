"""INSERT ... SELECT, ordered and parameter-driven UPDATE SET, UPDATE ... FROM,
DELETE ... USING, return_defaults(), CursorResult and the schema reprs, on both backends."""

import pytest
from cormorant import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from cormorant.engine import CursorResult
from cormorant.exc import ArgumentError, InvalidRequestError, ProgrammingError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

metadata = MetaData()
src = Table(
    "src",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("score", Integer),
)
dst = Table(
    "dst",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("score", Integer, default=7),
    Column("note", String(20), server_default="fresh"),
)


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(src), [{"id": i, "name": n, "score": i * 10} for i, n in enumerate("abcd", 1)])
    with engine.connect() as c:
        yield c


def _dst_rows(conn):
    return [tuple(r) for r in conn.execute(select(dst).order_by(dst.c.id))]


def test_insert_from_select_fills_python_defaults(conn):
    stmt = insert(dst).from_select(["id", "name"], select(src.c.id, src.c.name).where(src.c.id < 3))
    result = conn.execute(stmt)
    assert result.rowcount == 2
    assert _dst_rows(conn) == [(1, "a", 7, "fresh"), (2, "b", 7, "fresh")]


def test_insert_from_select_callable_and_sql_defaults(engine):
    md = MetaData()
    made = Table(
        "made",
        md,
        Column("id", Integer, primary_key=True),
        Column("n", Integer, default=lambda: 41 + 1),
        Column("size", Integer, default=func.abs(-3)),
    )
    md.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(made).from_select(["id"], select(literal(5))))
        assert tuple(c.execute(select(made)).one()) == (5, 42, 3)


def test_insert_from_select_without_defaults_and_with_columns(conn):
    stmt = insert(dst).from_select(
        [dst.c.id, dst.c.name],
        select(src.c.id + 100, src.c.name).where(src.c.id == 4),
        include_defaults=False,
    )
    conn.execute(stmt)
    assert _dst_rows(conn) == [(104, "d", None, "fresh")]


def test_insert_from_select_returning(conn):
    stmt = (
        insert(dst)
        .from_select(["id", "score"], select(src.c.id, src.c.score))
        .returning(dst.c.id, dst.c.score)
    )
    assert sorted(tuple(r) for r in conn.execute(stmt)) == [(1, 10), (2, 20), (3, 30), (4, 40)]


def test_insert_from_select_refuses_values():
    with pytest.raises(InvalidRequestError, match="already inserts value expressions"):
        insert(dst).values(id=1).from_select(["id"], select(src.c.id))


def test_ordered_values_sets_in_order(conn, engine, capture_sql):
    stmt = update(src).ordered_values((src.c.score, 5), (src.c.name, "z")).where(src.c.id == 1)
    with capture_sql(engine) as seen:
        conn.execute(stmt)
    assert seen[-1].startswith("UPDATE src SET score = ")
    assert conn.execute(select(src.c.name, src.c.score).where(src.c.id == 1)).one() == ("z", 5)
    with pytest.raises(ArgumentError, match="already has values present"):
        update(src).values(name="x").ordered_values((src.c.score, 1))
    with pytest.raises(InvalidRequestError, match="already has ordered values present"):
        update(src).ordered_values((src.c.score, 1)).values(name="x")


def test_executemany_update_takes_set_from_parameter_keys(conn):
    stmt = update(src).where(src.c.id == bindparam("pid"))
    result = conn.execute(stmt, [{"pid": 1, "name": "A"}, {"pid": 2, "name": "B"}])
    assert result.rowcount == 2
    names = conn.execute(select(src.c.name).order_by(src.c.id)).scalars().all()
    assert names == ["A", "B", "c", "d"]


def test_single_update_takes_set_from_parameter_keys(conn):
    conn.execute(update(src).where(src.c.id == bindparam("pid")), {"pid": 3, "name": "C", "score": 1})
    assert tuple(conn.execute(select(src.c.name, src.c.score).where(src.c.id == 3)).one()) == ("C", 1)


def test_executemany_insert_without_values(conn):
    conn.execute(insert(dst), [{"id": 1, "name": "p"}, {"id": 2, "name": "q", "score": 3}])
    assert _dst_rows(conn) == [(1, "p", 7, "fresh"), (2, "q", 3, "fresh")]


def test_expressions_in_multi_row_values(conn):
    conn.execute(
        insert(dst).values(
            [
                {"id": 1, "name": func.lower("XY"), "score": 1},
                {"id": 2, "name": literal("m") + "n", "score": 2},
            ]
        )
    )
    assert [r[:2] for r in _dst_rows(conn)] == [(1, "xy"), (2, "mn")]


def test_expressions_in_executemany_parameters_are_refused_as_sqlalchemy_does(conn):
    with pytest.raises(ProgrammingError, match="Error binding parameter 2: type 'Function' is not supported"):
        conn.execute(insert(dst), [{"id": 1, "name": func.lower("AB")}, {"id": 2, "name": "x"}])


def test_orm_bulk_parameters_refuse_expressions(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        with pytest.raises(ProgrammingError, match="type 'Function' is not supported"):
            s.execute(insert(Item), [{"id": 1, "label": func.lower("AB")}, {"id": 2, "label": "x"}])
        s.rollback()
        s.add(Item(id=1, label="a"))
        s.commit()
        with pytest.raises(ProgrammingError, match="type 'Function' is not supported"):
            s.execute(update(Item), [{"id": 1, "label": func.upper("q")}])


def test_update_from_another_table(conn, engine, capture_sql):
    conn.execute(insert(dst), [{"id": 1, "name": "old"}, {"id": 2, "name": "old"}])
    stmt = update(dst).values(name=src.c.name, score=src.c.score).where(dst.c.id == src.c.id)
    with capture_sql(engine) as seen:
        result = conn.execute(stmt)
    assert seen[-1] == "UPDATE dst SET name = src.name, score = src.score FROM src WHERE dst.id = src.id"
    assert result.rowcount == 2
    assert [r[:3] for r in _dst_rows(conn)] == [(1, "a", 10), (2, "b", 20)]


def test_delete_using_another_table(conn, backend):
    conn.execute(insert(dst), [{"id": 1, "name": "x"}, {"id": 3, "name": "y"}, {"id": 9, "name": "z"}])
    stmt = delete(dst).where(dst.c.id == src.c.id).where(src.c.score > 15)
    if backend == "sqlite":
        with pytest.raises(NotImplementedError, match="multiple-table criteria within DELETE"):
            conn.execute(stmt)
        return
    assert conn.execute(stmt).rowcount == 1
    assert [r[0] for r in _dst_rows(conn)] == [1, 9]


def test_cursor_result_of_dml(conn):
    inserted = conn.execute(insert(dst).values(name="n"))
    assert type(inserted).__name__ == "CursorResult" and isinstance(inserted, CursorResult)
    assert inserted.is_insert and not inserted.returns_rows and inserted.rowcount == 1
    assert tuple(inserted.inserted_primary_key) == (1,)
    assert [tuple(r) for r in inserted.inserted_primary_key_rows] == [(1,)]
    assert inserted.returned_defaults is None
    updated = conn.execute(update(dst).values(name="m"))
    assert isinstance(updated, CursorResult) and not updated.is_insert and updated.rowcount == 1
    with pytest.raises(InvalidRequestError, match="not an insert"):
        updated.inserted_primary_key
    many = conn.execute(insert(dst), [{"id": 10, "name": "a"}, {"id": 11, "name": "b"}])
    assert [tuple(r) for r in many.inserted_primary_key_rows] == [(10,), (11,)]
    with pytest.raises(InvalidRequestError, match="executemany"):
        many.inserted_primary_key


def test_return_defaults(conn):
    result = conn.execute(insert(dst).values(name="r").return_defaults())
    assert tuple(result.returned_defaults) == (1, "fresh")
    assert result.returned_defaults._fields == ("id", "note")
    assert tuple(result.inserted_primary_key) == (1,)


def test_return_defaults_executemany_and_named_columns(conn):
    many = conn.execute(insert(dst).return_defaults(), [{"name": "x"}, {"name": "y"}])
    assert [tuple(r) for r in many.returned_defaults_rows] == [(1, "fresh"), (2, "fresh")]
    assert [tuple(r) for r in many.inserted_primary_key_rows] == [(1,), (2,)]
    named = conn.execute(insert(dst).values(name="z").return_defaults(dst.c.name, dst.c.score))
    assert named.returned_defaults._fields == ("id", "score", "note")
    assert tuple(named.returned_defaults) == (3, 7, "fresh")


def test_update_return_defaults(conn):
    conn.execute(insert(dst).values(id=1, name="a"))
    result = conn.execute(update(dst).where(dst.c.id == 1).values(name="b").return_defaults(dst.c.note))
    assert result.rowcount == 1 and tuple(result.returned_defaults) == ("fresh",)
    plain = conn.execute(update(dst).where(dst.c.id == 1).values(name="c").return_defaults())
    assert plain.rowcount == 1 and plain.returned_defaults is None


def test_returning_sorted_by_parameter_order(conn):
    stmt = insert(dst).returning(dst.c.id, dst.c.name, sort_by_parameter_order=True)
    rows = conn.execute(
        stmt, [{"id": 30, "name": "c"}, {"id": 20, "name": "b"}, {"id": 25, "name": "x"}]
    ).all()
    assert [tuple(r) for r in rows] == [(30, "c"), (20, "b"), (25, "x")]
    with pytest.raises(TypeError):
        insert(dst).returning(dst.c.id, sort_by=True)


def test_descriptions():
    assert insert(dst).entity_description == {"name": "dst", "table": dst}
    described = update(dst).returning(dst.c.id, dst.c.name).returning_column_descriptions
    assert [(d["name"], d["expr"]) for d in described] == [("id", dst.c.id), ("name", dst.c.name)]


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(10))


def test_orm_entity_description():
    description = insert(Item).entity_description
    assert description["name"] == "Item" and description["entity"] is Item
    assert description["table"] is Item.__table__
    described = update(Item).returning(Item.id, Item).returning_column_descriptions
    assert [(d["name"], d["entity"], d["aliased"]) for d in described] == [
        ("id", Item, False),
        ("Item", Item, False),
    ]
    assert described[0]["expr"] is Item.id and described[1]["type"] is Item


def test_orm_bulk_update_without_values(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Item(id=1, label="a"), Item(id=2, label="b")])
        s.commit()
        s.execute(update(Item), [{"id": 1, "label": "A"}, {"id": 2, "label": "B"}])
        s.commit()
        assert s.scalars(select(Item.label).order_by(Item.id)).all() == ["A", "B"]


def test_schema_reprs():
    md = MetaData()
    t = Table(
        "t",
        md,
        Column("id", Integer, primary_key=True),
        Column("a", String(20), key="b", nullable=False, comment="c"),
        Column("n", Integer, default=5, server_default="7"),
        Column("o", ForeignKey("o.id")),
    )
    assert repr(md) == "MetaData()"
    assert repr(t.c.id) == "Column('id', Integer(), table=<t>, primary_key=True, nullable=False)"
    assert repr(t.c.b) == "Column('a', String(length=20), table=<t>, key='b', nullable=False, comment='c')"
    assert repr(t.c.n) == (
        "Column('n', Integer(), table=<t>, default=ScalarElementColumnDefault(5), "
        "server_default=DefaultClause('7', for_update=False))"
    )
    assert repr(t.c.o) == "Column('o', NullType(), ForeignKey('o.id'), table=<t>)"
    assert repr(Column(Integer)) == "Column(None, Integer(), table=None)"
    assert repr(Table("z", MetaData(), Column("id", Integer), schema="s")) == (
        "Table('z', MetaData(), Column('id', Integer(), table=<z>), schema='s')"
    )
