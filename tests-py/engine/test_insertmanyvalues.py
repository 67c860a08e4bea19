"""INSERT ... RETURNING with many parameter sets runs as multi-row VALUES pages
(SQLAlchemy's "insertmanyvalues"), both from Core and from the unit of work."""

import pytest
from cormorant import Column, Integer, MetaData, Numeric, String, Table, func, insert, select
from cormorant.exc import IntegrityError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

metadata = MetaData()
# Eleven bound columns: PostgreSQL placeholders run past $9 within one row.
wide = Table(
    "wide",
    metadata,
    Column("id", Integer, primary_key=True),
    *(Column(f"c{i}", Integer) for i in range(10)),
    Column("label", String(30), server_default="none"),
    Column("price", Numeric(10, 2)),
)


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    stock: Mapped[int] = mapped_column(default=7)


def wide_rows(n):
    return [{**{f"c{i}": row * 10 + i for i in range(10)}, "price": row} for row in range(n)]


def test_returning_rows_come_back_in_order_across_pages(engine, capture_sql):
    metadata.create_all(engine)
    rows = wide_rows(6000)  # 11 parameters a row: 2,727 rows a page, so three pages
    with capture_sql(engine) as sql, engine.begin() as conn:
        result = conn.execute(insert(wide).returning(wide.c.id, wide.c.c9, wide.c.label), rows).all()
    assert [r.c9 for r in result] == [row["c9"] for row in rows]
    assert [r.id for r in result] == list(range(1, 6001))
    assert {r.label for r in result} == {"none"}
    inserts = [s for s in sql if s.startswith("INSERT")]
    assert len(inserts) == 3
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(wide)).scalar() == 6000
        assert conn.execute(select(wide.c.c5, wide.c.price).where(wide.c.id == 4321)).one() == (43205, 4320)


def test_statement_values_apply_to_every_row(engine):
    metadata.create_all(engine)
    stmt = insert(wide).values(label="fixed").returning(wide.c.c0, wide.c.label)
    with engine.begin() as conn:
        result = conn.execute(stmt, [{"c0": 1}, {"c0": 2}, {"c0": 3}]).all()
    assert [tuple(r) for r in result] == [(1, "fixed"), (2, "fixed"), (3, "fixed")]


def test_a_failing_row_writes_nothing_and_the_connection_recovers(engine):
    Base.metadata.create_all(engine)
    rows = [{"name": f"item {i}"} for i in range(50)] + [{"name": "item 3"}]
    with engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(insert(Item).returning(Item.id), rows)
        conn.rollback()
        assert conn.execute(select(func.count()).select_from(Item)).scalar() == 0
        assert len(conn.execute(insert(Item).returning(Item.id), rows[:50]).all()) == 50


def test_unit_of_work_flush_gets_every_generated_key(engine, capture_sql):
    Base.metadata.create_all(engine)
    items = [Item(name=f"item {i}") for i in range(12000)]  # 2 parameters a row: one page of 12,000
    with capture_sql(engine) as sql, Session(engine) as session:
        session.add_all(items)
        session.commit()
        assert [item.id for item in items] == list(range(1, 12001))
        assert {item.stock for item in items} == {7}
    assert len([s for s in sql if s.startswith("INSERT")]) == 1
    with Session(engine) as session:
        assert session.get(Item, 9000).name == "item 8999"


def _upsert_adding(engine, extra):
    from cormorant.dialects import postgresql, sqlite

    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Item)
    return stmt.on_conflict_do_update(
        index_elements=[Item.name], set_={"stock": Item.stock + extra}
    ).returning(Item.name, Item.stock)


def test_a_bind_outside_values_runs_row_by_row(engine, capture_sql):
    """ON CONFLICT ... SET stock = stock + :extra is shared by every row, so the
    rows cannot be numbered on as one multi-row VALUES; each row runs alone."""
    Base.metadata.create_all(engine)
    stmt = _upsert_adding(engine, 5)
    rows = [{"name": "a", "stock": 1}, {"name": "b", "stock": 2}, {"name": "a", "stock": 9}]
    with capture_sql(engine) as sql, engine.begin() as conn:
        result = conn.execute(stmt, rows).all()
    assert [tuple(r) for r in result] == [("a", 1), ("b", 2), ("a", 6)]
    assert len([s for s in sql if s.startswith("INSERT")]) == 3
    compiled, _ = engine._cache.compile(stmt, ("name", "stock"))
    assert compiled.many_values_sql(3) is None


def test_many_values_sql_numbers_each_row_on(engine):
    compiled, _ = engine._cache.compile(insert(Item).returning(Item.id), ("name", "stock"))
    sql = compiled.many_values_sql(3)
    if engine.dialect.name == "postgresql":
        assert (
            "VALUES ($1::VARCHAR, $2::INTEGER), ($3::VARCHAR, $4::INTEGER), ($5::VARCHAR, $6::INTEGER)" in sql
        )
    else:
        assert "VALUES (?, ?), (?, ?), (?, ?)" in sql
    assert compiled.many_values_sql(1) == compiled.sql
