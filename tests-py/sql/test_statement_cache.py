"""The statement cache: one compile per statement shape, and shapes that share
SQL but not results (an entity versus its columns) kept apart."""

from cormorant import Integer, String, select
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Bird(Base):
    __tablename__ = "birds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


def _seed(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Bird(name="cormorant"), Bird(name="gannet")])
        session.commit()


def test_entity_and_its_columns_do_not_share_a_result_plan(engine):
    _seed(engine)
    with Session(engine) as session:
        columns = session.execute(select(Bird.id, Bird.name).order_by(Bird.id)).all()
        birds = session.execute(select(Bird).order_by(Bird.id)).scalars().all()
        columns_again = session.execute(select(Bird.id, Bird.name).order_by(Bird.id)).all()
    assert [tuple(r) for r in columns] == [(1, "cormorant"), (2, "gannet")]
    assert [type(b) for b in birds] == [Bird, Bird]
    assert [b.name for b in birds] == ["cormorant", "gannet"]
    assert [tuple(r) for r in columns_again] == [(1, "cormorant"), (2, "gannet")]


def test_same_shape_with_other_values_compiles_once(engine):
    _seed(engine)
    cache = engine._cache
    with Session(engine) as session:
        session.execute(select(Bird).where(Bird.id == 1)).scalar_one()
        misses = cache.misses
        names = [session.execute(select(Bird).where(Bird.id == i)).scalar_one().name for i in (1, 2)]
    assert names == ["cormorant", "gannet"]
    assert cache.misses == misses


def test_the_native_compiler_says_what_a_statement_locks_and_whether_it_only_reads():
    from cormorant import insert, text
    from cormorant.sql.cache import StatementCache

    for dialect in ("sqlite", "postgresql"):
        cache = StatementCache(dialect)
        plain, _ = cache.compile(select(Bird).where(Bird.id == 1))
        locking, _ = cache.compile(select(Bird).where(Bird.id == 1).with_for_update())
        write, _ = cache.compile(insert(Bird.__table__).values(name="shag"))
        read_text, _ = cache.compile(text("  select 1"))
        write_text, _ = cache.compile(text("delete from birds"))
        assert (plain.locks_rows, plain.reads_only) == (False, True)
        assert (locking.locks_rows, locking.reads_only) == (True, True)
        assert (write.locks_rows, write.reads_only) == (False, False)
        assert read_text.reads_only and not write_text.reads_only
