"""inspect(instance): the InstanceState of a mapped object through its
lifecycle (transient, pending, persistent, deleted, detached), inspect() of a
mapped class, and of an object nothing can inspect."""

from typing import Optional

import pytest
from cormorant import String, inspect, select
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    note: Mapped[Optional[str]] = mapped_column(String(30))


class Pair(Base):
    __tablename__ = "pairs"
    a: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    b: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[Optional[str]] = mapped_column(String(10))


@pytest.fixture
def orm_db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


def lifecycle(state):
    flags = ["transient", "pending", "persistent", "deleted", "detached"]
    return [flag for flag in flags if getattr(state, flag)]


def test_inspect_a_class_still_gives_its_mapper():
    mapper = inspect(Item)
    assert mapper.class_ is Item
    assert inspect(Item()).mapper is mapper


def test_transient_instance():
    item = Item(name="pen")
    state = inspect(item)
    assert lifecycle(state) == ["transient"]
    assert state.object is item
    assert state.class_ is Item
    assert state.session is None
    assert state.key is None and state.identity is None and state.identity_key is None
    assert state.has_identity is False
    assert state.expired is False
    assert state.unloaded == {"id", "note"}
    assert state.dict is item.__dict__
    assert state.dict["name"] == "pen"
    assert inspect(item) == state


def test_lifecycle_pending_persistent_expired_detached(orm_db):
    with Session(orm_db) as session:
        check_lifecycle(session)


def check_lifecycle(session):
    item = Item(name="pen")
    session.add(item)
    state = inspect(item)
    assert lifecycle(state) == ["pending"]
    assert state.session is session
    assert state.key is None and state.has_identity is False

    session.flush()
    assert lifecycle(state) == ["persistent"]
    assert state.session is session
    assert state.identity == (item.id,)
    assert state.key == (Item, (item.id,), None)
    assert state.identity_key == state.key
    assert state.has_identity is True

    item_id = item.id
    session.commit()
    assert lifecycle(state) == ["persistent"]
    assert state.expired is True
    assert state.unloaded == {"id", "name", "note"}
    assert item.name == "pen"  # loads the row again
    assert state.expired is False
    assert state.unloaded == set()

    session.close()
    assert lifecycle(state) == ["detached"]
    assert state.session is None
    assert state.key == (Item, (item_id,), None)
    assert state.has_identity is True


def test_expunged_instance_is_detached(orm_db):
    with Session(orm_db) as session:
        item = Item(name="cup")
        session.add(item)
        session.commit()
        loaded = session.get(Item, item.id)
        session.expunge(loaded)
        assert lifecycle(inspect(loaded)) == ["detached"]
        assert inspect(loaded).session is None
        session.add(loaded)
        assert lifecycle(inspect(loaded)) == ["persistent"]
        assert inspect(loaded).session is session


def test_deleted_instance(orm_db):
    with Session(orm_db) as session:
        item = Item(name="mug")
        session.add(item)
        session.commit()
        key = inspect(item).key
        session.delete(item)
        state = inspect(item)
        assert lifecycle(state) == ["persistent"]  # until the DELETE is flushed
        session.flush()
        assert lifecycle(state) == ["deleted"]
        assert state.session is session
        assert state.key == key
        session.commit()
        assert lifecycle(state) == ["detached"]
        assert state.session is None
        assert state.key == key


def test_rolled_back_pending_instance_is_transient_again(orm_db):
    with Session(orm_db) as session:
        item = Item(name="bowl")
        session.add(item)
        session.flush()
        assert lifecycle(inspect(item)) == ["persistent"]
        session.rollback()
        state = inspect(item)
        assert lifecycle(state) == ["transient"]
        assert state.key is None and state.session is None


def test_composite_identity(orm_db):
    with Session(orm_db) as session:
        pair = Pair(a=1, b="x")
        session.add(pair)
        session.flush()
        state = inspect(pair)
        assert state.identity == (1, "x")
        assert state.key == (Pair, (1, "x"), None)
        session.rollback()


def test_loaded_instance_is_persistent_with_its_identity(orm_db):
    with Session(orm_db) as session:
        session.add(Item(name="plate"))
        session.commit()
    with Session(orm_db) as session:
        (item,) = session.scalars(select(Item)).all()
        state = inspect(item)
        assert lifecycle(state) == ["persistent"]
        assert state.session is session
        assert state.identity == (item.id,)
        assert state.unloaded == set()
        assert state.expired is False


def test_uninspectable_object():
    assert inspect(object(), raiseerr=False) is None
    with pytest.raises(Exception, match="No inspection system"):
        inspect(object())
