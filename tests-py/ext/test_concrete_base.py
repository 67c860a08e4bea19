"""ext.declarative.ConcreteBase and AbstractConcreteBase: a SELECT of the base class of a concrete-table
hierarchy returns every class's objects, read through a polymorphic union of
the tables, its criteria, ordering, LIMIT and OFFSET applied to the union;
each object keeps its own class's identity."""

import pytest
from cormorant import String, func, inspect, select
from cormorant.exc import InvalidRequestError
from cormorant.ext.declarative import AbstractConcreteBase, ConcreteBase
from cormorant.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column


class Base(DeclarativeBase):
    pass


class Staff(ConcreteBase, Base):
    __tablename__ = "cb_staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    __mapper_args__ = {"polymorphic_identity": "staff", "concrete": True}


class Boss(Staff):
    __tablename__ = "cb_boss"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    budget: Mapped[int]
    __mapper_args__ = {"polymorphic_identity": "boss", "concrete": True}


class Coder(Staff):
    __tablename__ = "cb_coder"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(30))
    __mapper_args__ = {"polymorphic_identity": "coder", "concrete": True}


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(
            [
                Staff(id=1, name="ann"),
                Boss(id=1, name="bea", budget=10),
                Coder(id=2, name="cid", language="c"),
                Boss(id=3, name="dan", budget=5),
            ]
        )
        session.commit()
        session.expunge_all()
        yield session


def _described(objects):
    return [(type(o).__name__, o.id, o.name) for o in objects]


def test_base_select_returns_every_class(session):
    everyone = session.scalars(select(Staff).order_by(Staff.name)).all()
    assert _described(everyone) == [
        ("Staff", 1, "ann"),
        ("Boss", 1, "bea"),
        ("Coder", 2, "cid"),
        ("Boss", 3, "dan"),
    ]
    assert everyone[1].budget == 10 and everyone[2].language == "c"


def test_criteria_ordering_and_limits_apply_to_the_union(session):
    found = session.scalars(
        select(Staff).where(Staff.name > "ann").order_by(Staff.id.desc(), Staff.name).limit(2).offset(1)
    ).all()
    assert _described(found) == [("Coder", 2, "cid"), ("Boss", 1, "bea")]


def test_each_object_has_its_own_class_identity(session):
    boss = session.get(Boss, 1)
    loaded = session.scalars(select(Staff).where(Staff.id == 1).order_by(Staff.name)).all()
    assert _described(loaded) == [("Staff", 1, "ann"), ("Boss", 1, "bea")]
    assert loaded[1] is boss and session.get(Staff, 1) is loaded[0]
    assert session.get(Staff, 2) is session.get(Coder, 2)  # a polymorphic get, as the base's SELECTs are


def test_subclass_select_reads_its_own_table(session):
    assert _described(session.scalars(select(Boss).order_by(Boss.id))) == [
        ("Boss", 1, "bea"),
        ("Boss", 3, "dan"),
    ]


def test_query_count_and_subqueries_read_the_union(session):
    assert session.query(Staff).count() == 4
    assert session.query(Staff).filter(Staff.name.in_(["ann", "dan"])).count() == 2
    assert [type(s).__name__ for s in session.query(Staff).order_by(Staff.name)] == [
        "Staff",
        "Boss",
        "Coder",
        "Boss",
    ]
    subquery = select(Staff).where(Staff.id < 3).subquery()
    assert session.scalars(select(subquery.c.name).order_by(subquery.c.name)).all() == ["ann", "bea", "cid"]
    assert session.scalar(select(func.count()).select_from(select(Staff).subquery())) == 4


def test_mapper_keeps_the_identity_and_writes_go_to_each_table(session):
    assert Staff.__mapper__.polymorphic_identity == "staff"
    session.add(Coder(id=7, name="eve", language="go"))
    session.commit()
    assert session.scalars(select(Coder.name).where(Coder.id == 7)).one() == "eve"
    assert session.scalars(select(Staff).where(Staff.name == "eve")).one().language == "go"


def test_what_the_union_select_does_not_support_is_refused(session):
    with pytest.raises(NotImplementedError, match="Staff with loader options"):
        session.scalars(select(Staff).options(joinedload("*"))).all()
    with pytest.raises(NotImplementedError, match="group_by"):
        session.scalars(select(Staff).group_by(Staff.name)).all()


class AbstractBase(DeclarativeBase):
    pass


class Vehicle(AbstractConcreteBase, AbstractBase):
    wheels: Mapped[int]


class Car(Vehicle):
    __tablename__ = "acb_car"
    id: Mapped[int] = mapped_column(primary_key=True)
    seats: Mapped[int]
    __mapper_args__ = {"polymorphic_identity": "car", "concrete": True}


class Bike(Vehicle):
    __tablename__ = "acb_bike"
    id: Mapped[int] = mapped_column(primary_key=True)
    __mapper_args__ = {"polymorphic_identity": "bike", "concrete": True}


@pytest.fixture
def garage(engine):
    AbstractBase.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Car(id=1, wheels=4, seats=5), Bike(id=2, wheels=2), Car(id=3, wheels=6, seats=2)])
        session.commit()
        session.expunge_all()
        yield session


def test_abstract_base_columns_are_each_subclass_own(garage):
    assert set(Car.__table__.c.keys()) == {"id", "wheels", "seats"}
    assert set(Bike.__table__.c.keys()) == {"id", "wheels"}
    assert sorted(AbstractBase.metadata.tables) == ["acb_bike", "acb_car"]  # no table for Vehicle


def test_abstract_base_selects_every_subclass(garage):
    found = garage.scalars(select(Vehicle).where(Vehicle.wheels < 5).order_by(Vehicle.wheels.desc())).all()
    assert [(type(v).__name__, v.id) for v in found] == [("Car", 1), ("Bike", 2)]
    assert found[0] is garage.get(Car, 1)
    assert garage.query(Vehicle).count() == 3
    assert inspect(Vehicle).local_table.c.keys() == ["wheels", "id", "seats", "type"]


def test_subclass_declared_after_first_use_is_refused(garage):
    inspect(Vehicle)
    with pytest.raises(InvalidRequestError, match="Truck is declared after Vehicle"):

        class Truck(Vehicle):
            __tablename__ = "acb_truck"
            id: Mapped[int] = mapped_column(primary_key=True)
            __mapper_args__ = {"polymorphic_identity": "truck", "concrete": True}
