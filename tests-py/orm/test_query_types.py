"""The static types of the legacy Query API, as SQLAlchemy's stubs give them:
session.query(User) is Query[User], a query of columns a RowReturningQuery
typed by its row. One mypy --strict run checks the assert_type() lines of
PROGRAM; the same program also runs, on each backend."""

import textwrap

PROGRAM = textwrap.dedent(
    """
    from typing import Any, Iterator, Optional

    from typing_extensions import assert_type

    from cormorant import Row
    from cormorant.engine import Engine
    from cormorant.orm import DeclarativeBase, Mapped, Query, Session, mapped_column, scoped_session, sessionmaker
    from cormorant.orm.query import RowReturningQuery


    class Base(DeclarativeBase):
        pass


    class Pet(Base):
        __tablename__ = "typed_pets"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]


    def exercise(engine: Engine) -> None:
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add(Pet(id=1, name="rex"))
            session.flush()
            q = session.query(Pet)
            assert_type(q, Query[Pet])
            assert_type(q.filter(Pet.id == 1), Query[Pet])
            assert_type(q.filter_by(name="rex").order_by(Pet.id).limit(1), Query[Pet])
            assert_type(q.first(), Optional[Pet])
            assert_type(q.one(), Pet)
            assert_type(q.one_or_none(), Optional[Pet])
            assert_type(q.all(), list[Pet])
            assert_type(q[0], Pet)
            assert_type(q[0:1], list[Pet])
            assert_type(iter(q), Iterator[Pet])
            assert_type(q.count(), int)
            assert_type(q.update({"name": "max"}), int)
            rows = session.query(Pet.id, Pet.name)
            assert_type(rows, RowReturningQuery[tuple[int, str]])
            assert_type(rows.one(), Row[tuple[int, str]])
            assert_type(session.query(Pet.name).all(), list[Row[tuple[str]]])
            assert_type(q.with_entities(Pet.name), Query[Any])
            pet = q.one()
            assert pet.name == "max"
            session.rollback()
        scoped = scoped_session(sessionmaker(bind=engine))
        assert_type(scoped.get(Pet, 1), Optional[Pet])
        assert scoped.query(Pet).count() == 0
        scoped.remove()
    """
)


def test_mypy_strict_accepts_the_query_program(mypy_strict):
    proc = mypy_strict(PROGRAM, "query_types_program.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_query_program_runs(url, run_program):
    run_program(PROGRAM, "query_types_program.py", url)
