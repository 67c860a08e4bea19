"""Mapped class inheritance: single-table and joined-table hierarchies, the
class of each loaded row chosen by its discriminator, subclass columns
loaded on access or up front (with_polymorphic, of_type, polymorphic_load,
selectin_polymorphic), and the unit of work across a joined class's tables."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, delete, event, func, select, update
from cormorant.exc import ArgumentError, IntegrityError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectin_polymorphic,
    selectinload,
    with_polymorphic,
)


class Base(DeclarativeBase):
    pass


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    staff: Mapped[list["Staff"]] = relationship(back_populates="department", order_by="Staff.id")
    engineers: Mapped[list["Engineer"]] = relationship(viewonly=True, order_by="Engineer.id")


class Staff(Base):  # single-table hierarchy
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    department: Mapped[Optional[Department]] = relationship(back_populates="staff")
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "staff"}


class Engineer(Staff):
    language: Mapped[Optional[str]] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


class Principal(Engineer):
    patents: Mapped[Optional[int]]
    __mapper_args__ = {"polymorphic_identity": "principal"}


class Manager(Staff):
    budget: Mapped[Optional[int]]
    __mapper_args__ = {"polymorphic_identity": "manager", "polymorphic_load": "inline"}


class Asset(Base):  # joined-table hierarchy
    __tablename__ = "asset"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff.id"))
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "asset"}


class Laptop(Asset):
    __tablename__ = "laptop"
    id: Mapped[int] = mapped_column(ForeignKey("asset.id"), primary_key=True)
    ram_gb: Mapped[int]
    __mapper_args__ = {"polymorphic_identity": "laptop"}


class GamingLaptop(Laptop):
    __tablename__ = "gaming_laptop"
    id: Mapped[int] = mapped_column(ForeignKey("laptop.id"), primary_key=True)
    gpu: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_identity": "gaming"}


class Desk(Asset):
    __tablename__ = "desk"
    desk_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), primary_key=True)
    width_cm: Mapped[int]
    __mapper_args__ = {"polymorphic_identity": "desk", "polymorphic_load": "selectin"}


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        dept = Department(name="R&D")
        s.add_all(
            [
                Staff(name="sam", department=dept),
                Engineer(name="eve", language="rust", department=dept),
                Principal(name="pia", language="c", patents=4, department=dept),
                Manager(name="max", budget=100),
            ]
        )
        s.flush()
        s.add_all(
            [
                Asset(label="chair"),
                Laptop(label="x1", ram_gb=16),
                GamingLaptop(label="rig", ram_gb=64, gpu="rtx"),
                Desk(label="oak", width_cm=160),
            ]
        )
        s.commit()
    return engine


def _sql_of(engine):
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_new_object_carries_its_identity():
    assert Engineer(name="x").kind == "engineer"
    assert Staff(name="y").kind == "staff"
    assert Laptop(label="z", ram_gb=1).kind == "laptop"


def test_single_table_rows_load_as_their_classes(db):
    with Session(db) as s:
        everyone = s.scalars(select(Staff).order_by(Staff.id)).all()
        assert [type(o) for o in everyone] == [Staff, Engineer, Principal, Manager]
        assert everyone[2].patents == 4 and everyone[2].language == "c"  # loaded on access
        assert s.scalars(select(Engineer.name).order_by(Engineer.name)).all() == ["eve", "pia"]
        assert s.scalars(select(Principal)).one().name == "pia"
        assert s.scalar(select(func.count()).select_from(Engineer)) == 2
        assert s.scalar(select(func.count()).select_from(Staff)) == 4


def test_single_table_subclass_selects_carry_the_discriminator_test():
    assert "WHERE staff.kind IN (:kind_1, :kind_2)" in str(select(Engineer))
    assert "WHERE" not in str(select(Staff))
    compiled = select(Engineer.name).compile()
    assert sorted(compiled.params.values()) == ["engineer", "principal"]


def test_joined_table_rows_load_as_their_classes(db):
    with Session(db) as s:
        assets = s.scalars(select(Asset).order_by(Asset.id)).all()
        assert [type(a) for a in assets] == [Asset, Laptop, GamingLaptop, Desk]
        assert assets[1].ram_gb == 16
        assert (assets[2].ram_gb, assets[2].gpu) == (64, "rtx")
        rig = s.scalars(select(GamingLaptop)).one()
        assert rig is assets[2]
        assert s.scalars(select(Laptop.label).where(Laptop.ram_gb > 20)).all() == ["rig"]


def test_joined_subclass_selects_read_from_the_join():
    sql = str(select(GamingLaptop))
    assert (
        "FROM asset JOIN laptop ON asset.id = laptop.id JOIN gaming_laptop ON laptop.id = gaming_laptop.id"
        in sql
    )
    assert str(select(Laptop.ram_gb)).endswith("FROM asset JOIN laptop ON asset.id = laptop.id")


def test_with_polymorphic_loads_subclass_columns_in_one_select(db):
    seen = _sql_of(db)
    with Session(db) as s:
        poly = with_polymorphic(Asset, [Laptop, GamingLaptop])
        rows = s.scalars(select(poly).where(poly.Laptop.ram_gb >= 16).order_by(poly.id)).all()
        assert [(type(r).__name__, r.ram_gb) for r in rows] == [("Laptop", 16), ("GamingLaptop", 64)]
        assert rows[1].gpu == "rtx"
        assert len(seen) == 1 and "LEFT OUTER JOIN laptop" in seen[0]
        everything = s.scalars(select(with_polymorphic(Asset, "*")).order_by(Asset.id)).all()
        assert everything[3].width_cm == 160
    assert len(seen) == 2


def test_polymorphic_load_inline_and_selectin(db):
    seen = _sql_of(db)
    with Session(db) as s:
        staff = s.scalars(select(Staff).order_by(Staff.id)).all()
        assert staff[3].budget == 100  # inline: in the first SELECT
        assert len(seen) == 1 and "staff.budget" in seen[0]
        assets = s.scalars(select(Asset).order_by(Asset.id)).all()
        assert len(seen) == 3  # the second SELECT loaded the desks' columns
        assert "desk.width_cm" in seen[2]
        assert assets[3].width_cm == 160
        assert len(seen) == 3


def test_selectin_polymorphic_option(db):
    seen = _sql_of(db)
    with Session(db) as s:
        stmt = select(Asset).options(selectin_polymorphic(Asset, [Laptop, GamingLaptop])).order_by(Asset.id)
        assets = s.scalars(stmt).all()
        count = len(seen)
        assert (assets[1].ram_gb, assets[2].gpu) == (16, "rtx")
        assert len(seen) == count


def test_of_type_in_joins_and_loader_options(db):
    with Session(db) as s:
        stmt = (
            select(Department.name)
            .join(Department.staff.of_type(Engineer))
            .where(Engineer.language == "rust")
        )
        assert s.scalars(stmt).all() == ["R&D"]
        depts = s.scalars(select(Department).options(selectinload(Department.staff.of_type(Engineer)))).all()
        assert [type(o).__name__ for o in depts[0].staff] == ["Staff", "Engineer", "Principal"]
        assert "language" in depts[0].staff[1].__dict__  # loaded with the collection
        assert [e.name for e in depts[0].engineers] == ["eve", "pia"]  # a relationship to a subclass


def test_relationships_through_inherited_attributes(db):
    with Session(db) as s:
        eve = s.scalars(
            select(Engineer).where(Engineer.name == "eve").options(joinedload(Engineer.department))
        ).one()
        assert eve.department.name == "R&D"
        eve.department = None
        s.commit()
        assert s.get(Engineer, eve.id).department_id is None


def test_get_returns_none_for_an_object_of_another_class(db):
    with Session(db) as s:
        max_id = s.scalars(select(Manager.id)).one()
        assert s.get(Staff, max_id).name == "max"
        assert s.get(Engineer, max_id) is None
        laptop_id = s.scalars(select(Laptop.id).where(Laptop.label == "x1")).one()
    with Session(db) as s:
        assert s.get(Desk, laptop_id) is None
        assert type(s.get(Asset, laptop_id)) is Laptop


def test_joined_updates_and_deletes_touch_each_table(db):
    seen = _sql_of(db)
    with Session(db) as s:
        rig = s.scalars(select(GamingLaptop)).one()
        rig.label, rig.ram_gb, rig.gpu = "beast", 128, "h100"
        s.flush()
        assert [sql.split()[1] for sql in seen if sql.startswith("UPDATE")] == [
            "asset",
            "laptop",
            "gaming_laptop",
        ]
        s.delete(rig)
        s.flush()
        deletes = [sql.split()[2] for sql in seen if sql.startswith("DELETE")]
        assert deletes == ["gaming_laptop", "laptop", "asset"]
        s.commit()
        assert s.scalar(select(func.count()).select_from(Asset)) == 3


def test_joined_subclass_with_its_own_key_name(db):
    with Session(db) as s:
        desk = Desk(label="pine", width_cm=120)
        s.add(desk)
        s.commit()
        assert desk.desk_id == desk.id
        assert s.scalars(select(Desk.width_cm).where(Desk.label == "pine")).one() == 120


def test_a_failed_joined_insert_leaves_nothing_behind(db):
    with Session(db) as s:
        s.add(Laptop(label="bad", ram_gb=None))  # laptop.ram_gb is NOT NULL: the second INSERT fails
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        assert s.scalars(select(Asset.label).where(Asset.label == "bad")).all() == []


def test_an_unknown_discriminator_is_reported(db):
    with Session(db) as s:
        s.execute(Staff.__table__.update().where(Staff.__table__.c.name == "sam").values(kind="intern"))
        with pytest.raises(AssertionError, match="No such polymorphic_identity 'intern'"):
            s.scalars(select(Staff)).all()


def test_mapper_args_that_cormorant_lacks_are_refused():
    class Other(DeclarativeBase):
        pass

    with pytest.raises(ArgumentError, match="version_id_col"):

        class Versioned(Other):
            __tablename__ = "versioned"
            id: Mapped[int] = mapped_column(primary_key=True)
            __mapper_args__ = {"version_id_col": id}


def test_expired_subclass_objects_reload_from_their_tables(db):
    with Session(db) as s:
        rig = s.scalars(select(GamingLaptop)).one()
        s.expire(rig)
        assert (rig.label, rig.ram_gb, rig.gpu) == ("rig", 64, "rtx")
        s.refresh(rig)
        assert rig.gpu == "rtx"


class Gadget(Base):  # concrete-table inheritance: each class its own complete table
    __tablename__ = "gadget"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


class Phone(Gadget):
    __tablename__ = "phone"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"concrete": True}


def test_concrete_subclasses_map_their_own_tables(db):
    with Session(db) as s:
        s.add_all([Gadget(name="lamp"), Phone(name="fone", number="555")])
        s.commit()
        assert [type(g) for g in s.scalars(select(Gadget)).all()] == [Gadget]
        phone = s.scalars(select(Phone)).one()
        assert (phone.name, phone.number) == ("fone", "555")
        assert "FROM phone" in str(select(Phone)) and "gadget" not in str(select(Phone))
        assert isinstance(phone, Gadget) and s.get(Phone, phone.id) is phone


def test_bulk_update_and_delete_of_a_single_table_subclass_touch_its_rows_only(db):
    with Session(db) as s:
        s.execute(update(Engineer).values(name="renamed"))
        assert sorted(s.scalars(select(Staff.name)).all()) == ["max", "renamed", "renamed", "sam"]
        s.execute(delete(Manager))
        assert s.scalar(select(func.count()).select_from(Staff)) == 3
        s.rollback()


def test_validators_and_hybrids_of_the_parent_apply_to_subclasses():
    from cormorant.ext.hybrid import hybrid_property
    from cormorant.orm import validates

    class Other(DeclarativeBase):
        pass

    class Animal(Other):
        __tablename__ = "animal"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(20))
        kind: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "animal"}

        @validates("name")
        def lower(self, key, value):
            return value.lower()

        @hybrid_property
        def shout(self) -> str:
            return self.name + "!"

    class Dog(Animal):
        __mapper_args__ = {"polymorphic_identity": "dog"}

    assert Dog(name="REX").name == "rex"
    assert Dog(name="REX").shout == "rex!"
    assert "animal.name || :name_1" in str(select(Dog.shout))


def test_a_single_table_subclass_may_not_redeclare_a_parent_column():
    class Other(DeclarativeBase):
        pass

    class Org(Other):
        __tablename__ = "org"
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_on": "kind"}

    with pytest.raises(
        ArgumentError, match="Column 'kind' on class Club conflicts with existing column 'org.kind'"
    ):

        class Club(Org):
            kind: Mapped[str] = mapped_column(String(30))


def test_a_deferred_column_of_a_subclass_table_with_its_own_key_name_loads(db):
    from cormorant.orm import defer

    with Session(db) as s:
        desk = s.scalars(select(Desk).options(defer(Desk.width_cm))).one()
        assert "width_cm" not in desk.__dict__
        assert desk.width_cm == 160
