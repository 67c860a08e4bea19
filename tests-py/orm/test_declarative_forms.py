"""Declarative forms besides a plain DeclarativeBase: registry() and its
decorators, declarative_base() for 1.x-style models (the older FastAPI SQL
tutorial's), declared_attr mixins, __abstract__ classes, columns declared on
the base itself, type_annotation_map, and the errors a class without a table
or a primary key raises when it is created."""

import subprocess
import sys
from typing import Annotated, Optional

import pytest
from cormorant import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    select,
    text,
)
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.ext import declarative as ext_declarative
from cormorant.orm import (
    DeclarativeBase,
    DeclarativeBaseNoMeta,
    DeclarativeMeta,
    Mapped,
    Session,
    as_declarative,
    declarative_base,
    declarative_mixin,
    declared_attr,
    has_inherited_table,
    mapped_column,
    registry,
    relationship,
    sessionmaker,
    synonym_for,
)
from cormorant.orm.exc import UnmappedClassError
from cormorant.orm.mapper import mapper_of

# --- the older FastAPI SQL tutorial (sql_app): database.py, models.py, crud.py ------------

TutorialBase = declarative_base()


class User(TutorialBase):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True, index=True)
    email = Column(String, unique=True, index=True)
    hashed_password = Column(String)
    is_active = Column(Boolean, default=True)

    items = relationship("Item", back_populates="owner")


class Item(TutorialBase):
    __tablename__ = "items"

    id = Column(Integer, primary_key=True, index=True)
    title = Column(String, index=True)
    description = Column(String, index=True)
    owner_id = Column(Integer, ForeignKey("users.id"))

    owner = relationship("User", back_populates="items")


def get_user(db, user_id):
    return db.query(User).filter(User.id == user_id).first()


def get_user_by_email(db, email):
    return db.query(User).filter(User.email == email).first()


def get_users(db, skip=0, limit=100):
    return db.query(User).offset(skip).limit(limit).all()


def create_user(db, email, password):
    db_user = User(email=email, hashed_password=password + "notreallyhashed")
    db.add(db_user)
    db.commit()
    db.refresh(db_user)
    return db_user


def get_items(db, skip=0, limit=100):
    return db.query(Item).offset(skip).limit(limit).all()


def create_user_item(db, item, user_id):
    db_item = Item(**item, owner_id=user_id)
    db.add(db_item)
    db.commit()
    db.refresh(db_item)
    return db_item


def test_fastapi_tutorial_models_and_crud(engine, index_names):
    TutorialBase.metadata.create_all(bind=engine)
    assert {"ix_users_email", "ix_items_title"} <= set(index_names(engine, "users")) | set(
        index_names(engine, "items")
    )
    SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
    db = SessionLocal()
    try:
        ann = create_user(db, "ann@example.com", "secret")
        assert (ann.id, ann.is_active, ann.hashed_password) == (1, True, "secretnotreallyhashed")
        assert get_user_by_email(db, "ann@example.com") is ann
        create_user(db, "bob@example.com", "pw")
        item = create_user_item(db, {"title": "pen", "description": "blue"}, ann.id)
        assert item.owner is ann and [i.title for i in ann.items] == ["pen"]
        assert [u.email for u in get_users(db, skip=1)] == ["bob@example.com"]
        assert [i.description for i in get_items(db)] == ["blue"]
    finally:
        db.close()
    db = SessionLocal()
    try:
        again = get_user(db, 1)
        assert again.email == "ann@example.com" and [i.title for i in again.items] == ["pen"]
        with pytest.raises(TypeError, match="'nickname' is an invalid keyword argument for User"):
            User(nickname="x")
    finally:
        db.close()


def test_declarative_base_forms():
    assert ext_declarative.declarative_base is declarative_base
    assert ext_declarative.DeclarativeMeta is DeclarativeMeta
    assert ext_declarative.declared_attr is declared_attr and ext_declarative.synonym_for is synonym_for
    assert type(TutorialBase) is DeclarativeMeta and TutorialBase.__name__ == "Base"
    assert isinstance(TutorialBase.registry, registry)
    assert TutorialBase.registry.mappers == {mapper_of(User), mapper_of(Item)}
    assert TutorialBase.metadata is TutorialBase.registry.metadata
    assert set(TutorialBase.metadata.tables) == {"users", "items"}

    class Described:
        def describe(self):
            return f"{type(self).__name__} #{self.id}"

    metadata = MetaData()
    Base = declarative_base(
        cls=Described, name="Model", metadata=metadata, type_annotation_map={str: String(40)}
    )
    assert Base.__name__ == "Model" and Base.metadata is metadata

    class Note(Base):
        __tablename__ = "df_note"
        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str]

    assert Note(id=4).describe() == "Note #4"
    assert Note.__table__.c.body.type.length == 40
    assert "df_note" in metadata.tables
    with pytest.raises(NotImplementedError, match="mapper="):
        declarative_base(mapper=object())


def test_as_declarative():
    @as_declarative()
    class Root:
        @declared_attr.directive
        def __tablename__(cls):
            return "df_" + cls.__name__.lower()

        id = Column(Integer, primary_key=True)

    class Leaf(Root):
        name = Column(String(20))

    assert Leaf.__table__.name == "df_leaf" and list(Leaf.__table__.c.keys()) == ["id", "name"]
    assert isinstance(Root.registry, registry)


# --- registry() -----------------------------------------------------------------------------


def test_registry_mapped_and_roundtrip(engine):
    reg = registry(type_annotation_map={int: BigInteger})

    @reg.mapped
    class Account:
        __tablename__ = "df_account"
        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[str] = mapped_column(String(30))
        entries: Mapped[list["Entry"]] = relationship(back_populates="account")

    @reg.mapped
    class Entry:
        __tablename__ = "df_entry"
        id = Column(Integer, primary_key=True)
        account_id = Column(ForeignKey("df_account.id"))
        amount = Column(Integer)
        account = relationship("Account", back_populates="entries")

        def __init__(self, amount):  # a class's own __init__ is kept
            self.amount = amount

    assert isinstance(Account.__table__.c.id.type, BigInteger)
    assert reg.mappers == {mapper_of(Account), mapper_of(Entry)}
    reg.configure()
    reg.metadata.create_all(engine)
    with Session(engine) as s:
        acct = Account(owner="ann")
        acct.entries.append(Entry(5))
        s.add(acct)
        s.commit()
    with Session(engine) as s:
        loaded = s.scalars(select(Account)).one()
        assert (loaded.owner, [e.amount for e in loaded.entries]) == ("ann", [5])
    with pytest.raises(TypeError, match="'bogus' is an invalid keyword argument for Account"):
        Account(bogus=1)
    with pytest.raises(
        ArgumentError, match=r"Class '<class '.*\.Account'>' already has a primary mapper defined"
    ):
        reg.mapped(Account)


def test_registry_configure_reports_a_bad_relationship_and_dispose_unmaps():
    reg = registry()

    @reg.mapped
    class Lonely:
        __tablename__ = "df_lonely"
        id = Column(Integer, primary_key=True)
        friend = relationship("Nobody")

    with pytest.raises(InvalidRequestError, match="Nobody"):
        reg.configure()
    reg.dispose()
    assert reg.mappers == frozenset()
    with pytest.raises(UnmappedClassError):
        mapper_of(Lonely)
    assert "friend" not in Lonely.__dict__ and "id" not in Lonely.__dict__


def test_map_imperatively(engine):
    reg = registry()
    owner_table = Table(
        "df_owner", reg.metadata, Column("id", Integer, primary_key=True), Column("name", String(20))
    )
    pet_table = Table(
        "df_pet",
        reg.metadata,
        Column("id", Integer, primary_key=True),
        Column("owner_id", ForeignKey("df_owner.id")),
        Column("pet_name", String(20)),
    )

    class Owner:
        pass

    class Pet:
        pass

    reg.map_imperatively(Owner, owner_table, properties={"pets": relationship(Pet, back_populates="owner")})
    mapper = reg.map_imperatively(
        Pet,
        pet_table,
        properties={"name": pet_table.c.pet_name, "owner": relationship(Owner, back_populates="pets")},
    )
    assert mapper is mapper_of(Pet) and {p.key for p in mapper.column_attrs} == {"id", "owner_id", "name"}
    reg.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Owner(name="ann", pets=[Pet(name="rex")]))
        s.commit()
    with Session(engine) as s:
        pet = s.scalars(select(Pet).where(Pet.name == "rex")).one()
        assert pet.owner.name == "ann"
    with pytest.raises(ArgumentError, match="already has a primary mapper"):
        reg.map_imperatively(Pet, pet_table)
    with pytest.raises(NotImplementedError, match="polymorphic_on"):
        reg.map_imperatively(type("Other", (), {}), owner_table, polymorphic_on=owner_table.c.name)


def test_generate_base_and_type_annotation_map_on_a_declarative_base():
    Str30 = Annotated[str, 30]

    class Base(DeclarativeBase):
        type_annotation_map = {Str30: String(30), int: BigInteger}

    class Thing(Base):
        __tablename__ = "df_thing"
        id: Mapped[int] = mapped_column(primary_key=True)
        code: Mapped[Str30]
        note: Mapped[Optional[str]]

    columns = Thing.__table__.c
    assert isinstance(columns.id.type, BigInteger)
    assert columns.code.type.length == 30 and columns.code.nullable is False
    assert (
        isinstance(columns.note.type, String) and columns.note.type.length is None and columns.note.nullable
    )
    assert Base.registry.type_annotation_map[int] is BigInteger or isinstance(
        Base.registry.type_annotation_map[int], type
    )

    reg = registry()
    Generated = reg.generate_base(name="Generated")

    class Row(Generated):
        __tablename__ = "df_row"
        id = Column(Integer, primary_key=True)

    assert type(Generated) is DeclarativeMeta and Generated.registry is reg and mapper_of(Row) in reg.mappers


# --- mixins, declared_attr, __abstract__, columns on the base --------------------------------


class MixinBase(DeclarativeBase):
    pass


class Named:
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return "df_" + cls.__name__.lower()

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("name", name=f"uq_{cls.__name__.lower()}_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))


class Team(Named, MixinBase):
    pass


class HasTeam:
    @declared_attr
    def team_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("df_team.id"))

    @declared_attr
    def team(cls) -> Mapped["Team"]:
        return relationship(Team)


class Player(Named, HasTeam, MixinBase):
    pass


class Coach(Named, HasTeam, MixinBase):
    pass


class Timestamped(MixinBase):
    __abstract__ = True
    created: Mapped[int] = mapped_column(default=0)


class Event(Timestamped):
    __tablename__ = "df_event"
    id: Mapped[int] = mapped_column(primary_key=True)


def test_declared_attr_mixins_and_abstract_classes(engine):
    assert Player.__table__.name == "df_player" and Coach.__table__.name == "df_coach"
    assert Player.__table__.c.team_id is not Coach.__table__.c.team_id  # one column per class
    assert [fk.column.table.name for fk in Coach.__table__.c.team_id.foreign_keys] == ["df_team"]
    assert Player.team is not Coach.team
    assert not hasattr(Timestamped, "__mapper__") and "df_event" in MixinBase.metadata.tables
    assert list(Event.__table__.c.keys()) == ["created", "id"]
    MixinBase.metadata.create_all(engine)
    with Session(engine) as s:
        red = Team(name="red")
        s.add_all([Player(name="pia", team=red), Coach(name="cal", team=red), Event(id=1)])
        s.commit()
    with Session(engine) as s:
        pia = s.scalars(select(Player)).one()
        assert pia.team.name == "red" and s.scalars(select(Coach)).one().team is pia.team
        assert s.scalar(select(Event.created)) == 0
        s.add(Team(name="red"))
        with pytest.raises(Exception, match=r"(?i)unique"):
            s.commit()


def test_columns_declared_on_the_declarative_base_are_inherited(engine):
    class Base(DeclarativeBase):
        id: Mapped[int] = mapped_column(primary_key=True)

    class User(Base):
        __tablename__ = "df_base_user"
        name: Mapped[str] = mapped_column(String(30))

    class Address(Base):
        __tablename__ = "df_base_address"
        user_id: Mapped[int] = mapped_column(ForeignKey("df_base_user.id"))
        email: Mapped[str] = mapped_column(String(50))
        user: Mapped[User] = relationship()

    assert list(User.__table__.c.keys()) == ["id", "name"]
    assert Address.__table__.c.id is not User.__table__.c.id
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Address(email="a@x", user=User(name="ann")))
        s.commit()
        assert s.execute(text("SELECT id, user_id FROM df_base_address")).all() == [(1, 1)]
        assert s.scalars(select(Address)).one().user.name == "ann"


# --- errors at class creation ---------------------------------------------------------------


def test_a_class_without_a_table_or_primary_key_is_refused():
    class Base(DeclarativeBase):
        pass

    with pytest.raises(
        InvalidRequestError,
        match=r"Class <class '.*\.NoTable'> does not have a __table__ or __tablename__ specified and does not "
        r"inherit from an existing table-mapped class\.",
    ):

        class NoTable(Base):
            id: Mapped[int] = mapped_column(primary_key=True)

    with pytest.raises(
        ArgumentError,
        match=r"Mapper Mapper\[NoKey\(df_nokey\)\] could not assemble any primary key columns for mapped table "
        "'df_nokey'",
    ):

        class NoKey(Base):
            __tablename__ = "df_nokey"
            name: Mapped[str]

    old_style = declarative_base()
    with pytest.raises(InvalidRequestError, match="OldNoTable"):

        class OldNoTable(old_style):
            id = Column(Integer, primary_key=True)

    with pytest.raises(InvalidRequestError, match="PlainNoTable"):

        @registry().mapped
        class PlainNoTable:
            id = Column(Integer, primary_key=True)


def test_declarative_base_no_meta_mixins_and_helpers():
    class Base(DeclarativeBaseNoMeta):
        pass

    @declarative_mixin
    class Coded:
        code: Mapped[str] = mapped_column(String(10))

    class Part(Coded, Base):
        __tablename__ = "df_part"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert isinstance(Base.registry, registry) and not hasattr(DeclarativeBaseNoMeta, "registry")
    assert not issubclass(Base, DeclarativeBase) and type(Base) is type
    assert list(Part.__table__.c.keys()) == ["code", "id"] and Part(code="x").code == "x"
    assert has_inherited_table(Part) is False and ext_declarative.has_inherited_table is has_inherited_table
    assert has_inherited_table(type("Sub", (Part,), {"__module__": __name__})) is True


def test_configure_mappers_and_clear_mappers():
    # clear_mappers() unmaps every class of the process: run it in one of its own
    program = """
from cormorant import Column, Integer
from cormorant.orm import configure_mappers, clear_mappers, declarative_base, relationship
from cormorant.exc import InvalidRequestError
Base = declarative_base()
class A(Base):
    __tablename__ = "a"
    id = Column(Integer, primary_key=True)
    missing = relationship("Missing")
try:
    configure_mappers()
except InvalidRequestError as err:
    print("configure:", "Missing" in str(err))
clear_mappers()
print("cleared:", "__mapper__" not in A.__dict__, len(Base.registry.mappers))
"""
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert proc.stdout.split("\n")[:2] == ["configure: True", "cleared: True 0"], proc.stdout + proc.stderr


# --- declared_attr with inheritance ------------------------------------------------------------


class InheritBase(DeclarativeBase):
    pass


class HasId:
    @declared_attr.cascading
    def id(cls) -> Mapped[int]:
        if has_inherited_table(cls):
            return mapped_column(ForeignKey("df_party.id"), primary_key=True)
        return mapped_column(Integer, primary_key=True)


class TableNamed:
    @declared_attr.directive
    def __tablename__(cls):
        # a single-table subclass says None: it has no table of its own
        return None if has_inherited_table(cls) and cls.__name__ != "Person" else "df_" + cls.__name__.lower()


class Party(HasId, TableNamed, InheritBase):
    kind: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "party"}


class Person(Party):
    age: Mapped[int]
    __mapper_args__ = {"polymorphic_identity": "person"}


class Org(Party):
    __mapper_args__ = {"polymorphic_identity": "org"}


def test_declared_attr_cascading_and_a_tablename_directive_in_a_hierarchy(engine):
    assert Person.__table__.name == "df_person" and Org.__table__ is Party.__table__
    assert list(Person.__table__.c.keys()) == ["id", "age"]  # the cascading id, computed for Person
    assert [fk.target_fullname for fk in Person.__table__.c.id.foreign_keys] == ["df_party.id"]
    assert not Party.__table__.c.id.foreign_keys
    InheritBase.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Person(age=30), Org(), Party()])
        s.commit()
    with Session(engine) as s:
        rows = s.scalars(select(Party).order_by(Party.id)).all()
        assert [type(p).__name__ for p in rows] == ["Person", "Org", "Party"]
        assert rows[0].age == 30
        assert s.execute(text("SELECT id, age FROM df_person")).all() == [(rows[0].id, 30)]


def test_class_body_columns_are_the_table_columns_in_1x_style_code(engine):
    Base = declarative_base()

    class Employee(Base):
        __tablename__ = "df_employee"
        id = Column(Integer, primary_key=True)
        name = Column(String(20))
        type = Column(String(20))
        manager_id = Column(Integer, ForeignKey("df_employee.id"))
        mentor_id = Column(Integer, ForeignKey("df_employee.id"))
        mentor = relationship("Employee", foreign_keys=[mentor_id], remote_side=[id])
        __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}

    class Manager(Employee):
        __mapper_args__ = {"polymorphic_identity": "manager"}

    assert Employee.__table__.c.type is Employee.__mapper__.polymorphic_on
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        boss = Manager(name="bo")
        s.add_all([boss, Employee(name="ed", mentor=boss)])
        s.commit()
    with Session(engine) as s:
        ed = s.scalars(select(Employee).where(Employee.name == "ed")).one()
        assert type(ed.mentor) is Manager and ed.mentor.type == "manager" and ed.manager_id is None
