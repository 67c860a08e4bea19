"""Session lifecycle as in SQLAlchemy 2.0: close() then reuse, joining an
outer Connection's transaction (join_transaction_mode, the rollback-per-test
recipe), new/dirty/deleted as IdentitySets, merge() cascades, make_transient,
populate_existing, and the Session's keyword arguments."""

import asyncio
from typing import Optional

import pytest
from cormorant import ForeignKey, String, func, select
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    make_transient,
    make_transient_to_detached,
    mapped_column,
    object_session,
    relationship,
    sessionmaker,
)
from cormorant.orm import session as session_module
from cormorant.util import IdentitySet


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "lc_owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    pets: Mapped[list["Pet"]] = relationship(back_populates="owner", order_by="Pet.id")


class Pet(Base):
    __tablename__ = "lc_pet"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lc_owner.id"))
    owner: Mapped[Optional[Owner]] = relationship(back_populates="pets")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    return engine


def count(engine, entity=Owner):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(entity))


# --- close() and reuse ---------------------------------------------------------------------


def test_close_expunges_and_the_session_begins_again(db):
    s = Session(db)
    ann = Owner(name="ann")
    s.add(ann)
    s.commit()
    s.close()
    assert ann not in s and object_session(ann) is None
    again = s.scalars(select(Owner)).one()
    assert again is not ann and again.name == "ann"
    again.name = "anna"
    s.add(Owner(name="bo"))
    s.commit()
    s.close()
    with Session(db) as check:
        assert check.scalars(select(Owner.name).order_by(Owner.name)).all() == ["anna", "bo"]


def test_close_rolls_back_what_was_not_committed(db):
    s = Session(db)
    s.add(Owner(name="lost"))
    s.flush()
    s.close()
    assert count(db) == 0
    assert not s.in_transaction()


def test_async_session_is_usable_after_close(async_url):
    from cormorant.ext.asyncio import AsyncSession, create_async_engine

    async def main():
        async_engine = create_async_engine(async_url)
        try:
            async with async_engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
            session = AsyncSession(async_engine)
            session.add(Owner(name="cy"))
            await session.commit()
            await session.close()
            names = (await session.scalars(select(Owner.name))).all()
            await session.close()
            return names
        finally:
            await async_engine.dispose()

    assert asyncio.run(main()) == ["cy"]


# --- joining an outer transaction ----------------------------------------------------------


@pytest.fixture
def outer(db):
    """The recipe: a Connection in a transaction that each test rolls back."""
    connection = db.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


def test_create_savepoint_commits_stay_inside_the_outer_transaction(db, outer):
    s = Session(bind=outer, join_transaction_mode="create_savepoint")
    s.add(Owner(name="kept until the outer rollback"))
    s.commit()
    assert s.scalar(select(func.count(Owner.id))) == 1
    s.add(Owner(name="second"))
    s.commit()
    s.close()
    assert outer.in_transaction()
    outer.rollback()
    assert count(db) == 0


def test_create_savepoint_rollback_returns_to_the_savepoint(db, outer):
    s = Session(bind=outer, join_transaction_mode="create_savepoint")
    s.add(Owner(name="committed"))
    s.commit()
    s.add(Owner(name="rolled back"))
    s.flush()
    s.rollback()
    assert s.scalars(select(Owner.name)).all() == ["committed"]
    s.close()


def test_create_savepoint_with_begin_nested_inside(db, outer):
    s = Session(bind=outer, join_transaction_mode="create_savepoint")
    s.add(Owner(name="outer"))
    nested = s.begin_nested()
    s.add(Owner(name="inner"))
    nested.rollback()
    with s.begin_nested():
        s.add(Owner(name="inner kept"))
    s.commit()
    assert sorted(s.scalars(select(Owner.name)).all()) == ["inner kept", "outer"]
    s.close()
    outer.rollback()
    assert count(db) == 0


def test_conditional_savepoint_without_a_savepoint_is_rollback_only(db, outer):
    s = Session(bind=outer)
    s.add(Owner(name="x"))
    s.commit()  # does not commit the outer transaction
    assert outer.in_transaction()
    s.add(Owner(name="y"))
    s.flush()
    s.rollback()  # rolls the outer transaction back
    assert not outer.in_transaction()
    assert count(db) == 0


def test_conditional_savepoint_in_a_savepoint_creates_one(db, outer):
    outer.begin_nested()
    s = Session(bind=outer)
    s.add(Owner(name="x"))
    s.commit()
    s.add(Owner(name="y"))
    s.rollback()
    assert s.scalars(select(Owner.name)).all() == ["x"]
    s.close()
    outer.rollback()
    assert count(db) == 0


def test_control_fully_commits_the_outer_transaction(db):
    with db.connect() as connection:
        connection.begin()
        s = Session(bind=connection, join_transaction_mode="control_fully")
        s.add(Owner(name="for real"))
        s.commit()
        assert not connection.in_transaction()
    assert count(db) == 1


def test_rollback_only_leaves_the_outer_transaction_on_close(db):
    with db.connect() as connection:
        transaction = connection.begin()
        s = Session(bind=connection, join_transaction_mode="rollback_only")
        s.add(Owner(name="outer decides"))
        s.commit()
        s.close()
        assert connection.in_transaction()
        transaction.commit()
    assert count(db) == 1


def test_connection_without_a_transaction_is_the_sessions_own(db):
    with db.connect() as connection:
        s = Session(bind=connection, join_transaction_mode="create_savepoint")
        s.add(Owner(name="own"))
        s.commit()
        s.close()
        assert not connection.closed
    assert count(db) == 1


def test_unknown_join_transaction_mode(db):
    with pytest.raises(ArgumentError, match='invalid selection for join_transaction_mode: "bogus"'):
        Session(db, join_transaction_mode="bogus")


# --- keyword arguments -----------------------------------------------------------------------


def test_unknown_keywords_are_refused(db):
    with pytest.raises(TypeError, match="expire_on_comit"):
        Session(db, expire_on_comit=False)
    with pytest.raises(TypeError, match="expire_on_comit"):
        sessionmaker(db, expire_on_comit=False)
    factory = sessionmaker(db)
    with pytest.raises(TypeError, match="autoflsh"):
        factory(autoflsh=False)


def test_sqlalchemy_arguments_that_cannot_apply_are_named(db):
    with pytest.raises(NotImplementedError, match="twophase"):
        Session(db, twophase=True)
    with pytest.raises(NotImplementedError, match="binds"):
        Session(db, binds={Owner: db})
    with pytest.raises(ArgumentError, match="future"):
        Session(db, future=False)
    with pytest.raises(ArgumentError, match="autocommit=True"):
        Session(db, autocommit=True)
    with Session(db, autocommit=False, future=True, enable_baked_queries=False, twophase=False) as s:
        assert s.scalar(select(func.count(Owner.id))) == 0


def test_sessionmaker_makes_sessions_of_its_own_subclass(db):
    factory = sessionmaker(db, expire_on_commit=False)
    s = factory()
    assert isinstance(s, Session) and type(s) is factory.class_ and not s.expire_on_commit


# --- new, dirty, deleted -------------------------------------------------------------------


class Comparable(Base):
    """Equal to everything: sets by identity must not care."""

    __tablename__ = "lc_comparable"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20))

    def __eq__(self, other):
        return True

    def __hash__(self):
        return 1


def test_new_dirty_deleted_are_identity_sets(db):
    with Session(db) as s:
        a, b = Comparable(label="a"), Comparable(label="b")
        s.add_all([a, b])
        assert isinstance(s.new, IdentitySet)
        assert len(s.new) == 2 and a in s.new and b in s.new
        assert Comparable(label="c") not in s.new
        s.commit()
        assert len(s.new) == 0
        a.label = "A"
        assert list(s.dirty) == [a] and b not in s.dirty
        s.delete(b)
        assert isinstance(s.deleted, IdentitySet) and b in s.deleted and a not in s.deleted
        assert a in s


# --- merge ----------------------------------------------------------------------------------


def test_merge_copies_a_detached_object_and_its_collection(db):
    with Session(db) as s:
        s.add(Owner(id=1, name="ann", pets=[Pet(id=1, name="rex")]))
        s.commit()
    detached = Owner(id=1, name="anna", pets=[Pet(id=1, name="rexy"), Pet(id=2, name="new")])
    with Session(db) as s:
        merged = s.merge(detached)
        assert merged is not detached and merged in s and detached not in s
        assert [p.name for p in merged.pets] == ["rexy", "new"]
        assert all(p in s for p in merged.pets)
        assert merged.pets[1] in s.new
        s.commit()
    with Session(db) as s:
        owner = s.get(Owner, 1)
        assert owner.name == "anna" and [p.name for p in owner.pets] == ["rexy", "new"]


def test_merge_of_a_many_to_one(db):
    with Session(db) as s:
        s.add(Owner(id=5, name="five"))
        s.commit()
    with Session(db) as s:
        pet = s.merge(Pet(id=9, name="kit", owner=Owner(id=5, name="five!")))
        assert pet.owner is s.get(Owner, 5) and pet.owner.name == "five!"
        s.commit()
    with Session(db) as s:
        assert s.get(Pet, 9).owner.name == "five!"


def test_merge_returns_the_object_already_in_the_session(db):
    with Session(db) as s:
        s.add(Owner(id=3, name="c"))
        s.commit()
        loaded = s.get(Owner, 3)
        merged = s.merge(Owner(id=3, name="see"))
        assert merged is loaded and loaded.name == "see"
        assert loaded in s.dirty


def test_merge_load_false(db):
    with Session(db) as s:
        s.add(Owner(id=4, name="d"))
        s.commit()
    with Session(db) as s:
        copy = s.get(Owner, 4)
        s.expunge(copy)  # detached: has an identity
    with Session(db) as s:
        merged = s.merge(copy, load=False)
        assert merged is not copy and merged.name == "d"
        assert merged not in s.dirty and merged not in s.new
        assert s.get(Owner, 4) is merged
        with pytest.raises(InvalidRequestError, match="transient"):
            s.merge(Owner(id=4, name="never persisted"), load=False)


def test_merge_load_false_refuses_a_dirty_object(db):
    with Session(db) as s:
        s.add(Owner(id=6, name="f"))
        s.commit()
        owner = s.get(Owner, 6)
        s.expunge(owner)
        owner.name = "changed"  # detached: not tracked, so merge sees it as clean
    with Session(db) as s:
        loaded = s.get(Owner, 6)
        loaded.name = "dirty"
        with pytest.raises(InvalidRequestError, match="load=False"):
            Session(db).merge(loaded, load=False)


# --- make_transient, make_transient_to_detached ----------------------------------------------


def test_make_transient_inserts_a_copy(db):
    with Session(db) as s:
        s.add(Owner(id=1, name="orig"))
        s.commit()
        owner = s.get(Owner, 1)
        make_transient(owner)
        assert owner not in s and object_session(owner) is None
        owner.id = 2
        s.add(owner)
        assert owner in s.new
        s.commit()
    assert count(db) == 2
    assert session_module.make_transient is make_transient


def test_make_transient_to_detached_then_add(db):
    with Session(db) as s:
        s.add(Owner(id=7, name="seven"))
        s.commit()
    ghost = Owner(id=7)
    make_transient_to_detached(ghost)
    with Session(db) as s:
        s.add(ghost)
        assert ghost not in s.new
        assert ghost.name == "seven"  # expired attributes load
        with pytest.raises(InvalidRequestError, match="transient"):
            make_transient_to_detached(ghost)


# --- populate_existing ----------------------------------------------------------------------


def test_populate_existing_overwrites_loaded_objects(db):
    with Session(db) as s:
        s.add_all([Owner(id=1, name="a"), Owner(id=2, name="b")])
        s.commit()
    with Session(db, autoflush=False) as s:
        a, b = s.scalars(select(Owner).order_by(Owner.id)).all()
        a.name = "unflushed"
        b.name = "also unflushed"
        again = s.scalars(select(Owner).where(Owner.id == 1)).one()
        assert again is a and a.name == "unflushed"  # the identity map keeps it
        stmt = select(Owner).where(Owner.id == 1).execution_options(populate_existing=True)
        assert s.scalars(stmt).one() is a
        assert a.name == "a" and a not in s.dirty
        assert b.name == "also unflushed" and b in s.dirty  # not named by the rows
        b_stmt = select(Owner).where(Owner.id == 2)
        s.execute(b_stmt, execution_options={"populate_existing": True}).all()
        assert b.name == "b" and not s.dirty


def test_populate_existing_refills_only_the_objects_the_rows_name(engine):
    """The native loop refills the objects the rows name, dropping their
    unflushed changes; other loaded objects keep theirs."""
    from cormorant import Integer, select
    from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

    class Base(DeclarativeBase):
        pass

    class Counter(Base):
        __tablename__ = "pe_counter"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        value: Mapped[int]

    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Counter(id=1, value=10), Counter(id=2, value=20)])
        s.commit()
        one, two = s.get(Counter, 1), s.get(Counter, 2)
        one.value, two.value = 11, 21
        stmt = select(Counter).where(Counter.id == 1).execution_options(populate_existing=True)
        with s.no_autoflush:
            assert s.scalars(stmt).one() is one
        assert (one.value, two.value) == (10, 21)
        assert one not in s.dirty and two in s.dirty


def test_get_with_a_joined_collection_loads_one_object(engine):
    from cormorant import ForeignKey
    from cormorant.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Shelf(Base):
        __tablename__ = "shelves"
        id: Mapped[int] = mapped_column(primary_key=True)
        books: Mapped[list["Book"]] = relationship()

    class Book(Base):
        __tablename__ = "books"
        id: Mapped[int] = mapped_column(primary_key=True)
        shelf_id: Mapped[int] = mapped_column(ForeignKey("shelves.id"))

    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Shelf(id=1, books=[Book(), Book()]))
        session.commit()
    with Session(engine) as session:
        shelf = session.get(Shelf, 1, options=[joinedload(Shelf.books)])
        assert len(shelf.books) == 2
    Base.metadata.drop_all(engine)
