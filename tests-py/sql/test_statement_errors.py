"""Values a column type cannot take raise StatementError naming the column and
the value's type, before anything reaches the database; a failed flush across
several tables leaves the database exactly as it was."""

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, Optional

import pytest
from cormorant import JSON, DateTime, Enum, ForeignKey, Numeric, String, Uuid, insert, select
from cormorant.exc import IntegrityError, StatementError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Mood(enum.Enum):
    calm = "calm"
    stormy = "stormy"


class Sample(Base):
    __tablename__ = "samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    price: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    when: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    doc: Mapped[Optional[Any]] = mapped_column(JSON)
    token: Mapped[Optional[uuid.UUID]] = mapped_column(Uuid)
    mood: Mapped[Optional[Mood]] = mapped_column(Enum(Mood))


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)


class Pet(Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))
    name: Mapped[str] = mapped_column(String(20), unique=True)


class Toy(Base):
    __tablename__ = "toys"
    id: Mapped[int] = mapped_column(primary_key=True)
    pet_id: Mapped[int] = mapped_column(ForeignKey("pets.id"))
    name: Mapped[str] = mapped_column(String(20), unique=True)


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


BAD_VALUES = [
    ("price", "12.50 EUR", "str"),
    ("when", "2024-01-01", "str"),
    ("doc", object(), "object"),
    ("token", 12345, "int"),
    ("mood", "sunny", "str"),
]


@pytest.mark.parametrize(("column", "value", "type_name"), BAD_VALUES, ids=[c for c, _, _ in BAD_VALUES])
def test_orm_flush_names_the_column_and_the_value_type(db, column, value, type_name):
    with Session(db) as s:
        s.add(Sample(**{column: value}))
        with pytest.raises(StatementError) as info:
            s.flush()
        assert f"'{column}'" in str(info.value)
        assert type_name in str(info.value)
        s.rollback()
        s.add(Sample(price=Decimal("1.00")))  # the session is usable again
        s.commit()
    with db.connect() as conn:
        assert conn.execute(select(Sample.price)).scalars().all() == [Decimal("1.00")]


@pytest.mark.parametrize(("column", "value", "type_name"), BAD_VALUES, ids=[c for c, _, _ in BAD_VALUES])
def test_core_executemany_names_the_column(db, column, value, type_name):
    with db.connect() as conn:
        with pytest.raises(StatementError) as info:
            conn.execute(insert(Sample), [{column: value}])
        assert f"'{column}'" in str(info.value) and type_name in str(info.value)


def test_comparison_with_a_wrong_type_names_the_column(db):
    with Session(db) as s:
        with pytest.raises(StatementError, match="'price'.*str"):
            s.execute(select(Sample).where(Sample.price == "cheap")).all()


@pytest.mark.postgresql_only
def test_aware_datetime_for_a_naive_column_is_refused_on_postgresql(db):
    aware = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc)
    with Session(db) as s:
        s.add(Sample(when=aware))
        with pytest.raises(StatementError, match="'when'.*aware"):
            s.flush()


def test_failed_flush_across_three_tables_leaves_the_database_as_it_was(db):
    with Session(db) as s:
        ann = Owner(name="ann")
        s.add(ann)
        s.flush()
        rex = Pet(owner_id=ann.id, name="rex")
        s.add(rex)
        s.flush()
        s.add(Toy(pet_id=rex.id, name="ball"))
        s.commit()

    def snapshot():
        with db.connect() as conn:
            return [
                sorted(conn.execute(select(Owner.name)).scalars()),
                sorted(conn.execute(select(Pet.name)).scalars()),
                sorted(conn.execute(select(Toy.name)).scalars()),
            ]

    before = snapshot()
    with Session(db) as s:
        bob = Owner(name="bob")
        s.add(bob)
        s.flush()
        fido = Pet(owner_id=bob.id, name="fido")
        s.add(fido)
        s.flush()
        s.add(Toy(pet_id=fido.id, name="stick"))
        s.add(Toy(pet_id=fido.id, name="ball"))  # unique violation: the whole transaction goes
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        assert s.execute(select(Owner.name).where(Owner.name == "ann")).scalar_one() == "ann"
    assert snapshot() == before
