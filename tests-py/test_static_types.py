"""The static types SQLAlchemy 2.0 users rely on, beyond the acceptance
typed_app: func.<name>() results, Connection's execute/scalar/scalars, and
the dialect insert()s keeping their own class through values() so
on_conflict_do_update() type-checks. One mypy --strict run checks the
assert_type() lines of PROGRAM; the same program also runs, on each backend."""

import textwrap

PROGRAM = textwrap.dedent(
    """
    import datetime
    import decimal
    from typing import Any, Optional, Sequence

    from typing_extensions import assert_type

    from cormorant import Row, func, literal, select
    from cormorant.dialects import postgresql, sqlite
    from cormorant.engine import Engine
    from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column
    from cormorant.sql.elements import FunctionFilter, Over, WithinGroup
    from cormorant.sql.functions import Function


    class Base(DeclarativeBase):
        pass


    class Item(Base):
        __tablename__ = "items"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        price: Mapped[Optional[decimal.Decimal]]


    def exercise(engine: Engine) -> None:
        assert_type(func.count(), Function[int])
        assert_type(func.max(Item.id), Function[int])
        assert_type(func.min(Item.name), Function[str])
        assert_type(func.sum(Item.price), Function[Optional[decimal.Decimal]])
        assert_type(func.coalesce(Item.name, "-"), Function[str])
        assert_type(func.now(), Function[datetime.datetime])
        assert_type(func.current_date(), Function[datetime.date])
        assert_type(func.lower(Item.name), Function[Any])
        assert_type(func.rank().over(order_by=Item.id), Over[int])
        assert_type(func.count().filter(Item.id > 1), FunctionFilter[int])
        assert_type(func.count().filter(), Function[int])
        assert_type(func.max(Item.price).within_group(Item.id), WithinGroup[Optional[decimal.Decimal]])

        Base.metadata.create_all(engine)
        with engine.connect() as conn:
            conn.execute(Item.__table__.insert(), [{"id": 1, "name": "a", "price": None}])
            assert_type(conn.execute(select(Item.id, Item.name)).one(), Row[tuple[int, str]])
            assert_type(conn.scalars(select(Item.name)).all(), Sequence[str])
            top = conn.scalar(select(func.max(Item.id)))
            assert_type(top, Optional[int])
            today = conn.scalar(select(func.current_date()))
            assert_type(today, Optional[datetime.date])
            ranked = conn.scalar(select(func.rank().over(order_by=Item.id)))
            assert_type(ranked, Optional[int])
            assert top == 1 and isinstance(today, datetime.date)
            assert conn.execute(select(literal(5).label("five"))).one()._mapping["five"] == 5
            conn.commit()

        dialect = sqlite if engine.name == "sqlite" else postgresql
        with Session(engine) as session:
            stmt = dialect.insert(Item).values(id=1, name="b")
            upsert = stmt.on_conflict_do_update(index_elements=[Item.id], set_={"name": stmt.excluded.name})
            session.execute(upsert)
            skip = dialect.insert(Item).values([{"id": 1, "name": "c"}]).on_conflict_do_nothing()
            session.execute(skip)
            session.commit()
            found = session.get(Item, 1)
            assert_type(found, Optional[Item])
            assert found is not None and found.name == "b"
    """
)


def test_mypy_strict_accepts_the_program(mypy_strict):
    proc = mypy_strict(PROGRAM, "static_types_program.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_program_runs(url, run_program):
    run_program(PROGRAM, "static_types_program.py", url)
