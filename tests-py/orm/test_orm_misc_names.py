"""sqlalchemy.orm names around the Session and loading: IdentityMap,
PassiveFlag, LoaderCallableStatus, UserDefinedOption, AliasOption,
FromStatement, SessionTransactionOrigin, join()/outerjoin() of entities,
polymorphic_union(), merge_result() and merge_frozen_result()."""

from typing import Optional

import cormorant
import pytest
from cormorant import Column, ForeignKey, Integer, MetaData, String, Table, event, select, text
from cormorant.exc import ArgumentError, InvalidRequestError, SADeprecationWarning
from cormorant.orm import (
    NO_VALUE,
    AliasOption,
    DeclarativeBase,
    FromStatement,
    IdentityMap,
    LoaderCallableStatus,
    Mapped,
    PassiveFlag,
    Session,
    SessionTransactionOrigin,
    UserDefinedOption,
    contains_alias,
    join,
    mapped_column,
    merge_frozen_result,
    merge_result,
    outerjoin,
    polymorphic_union,
    relationship,
)


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "misc_owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    pets: Mapped[list["Pet"]] = relationship()


class Pet(Base):
    __tablename__ = "misc_pet"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("misc_owner.id"))


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(
            [
                Owner(id=1, name="ann", pets=[Pet(id=1, name="rex"), Pet(id=2, name="tom")]),
                Owner(id=2, name="bob"),
            ]
        )
        session.commit()
        yield session


def test_identity_map_is_the_sessions(session):
    assert isinstance(session.identity_map, IdentityMap)
    session.expunge_all()
    ann = session.get(Owner, 1)
    assert list(session.identity_map.values()) == [ann]


def test_passive_flag_presets_combine_the_single_flags():
    assert PassiveFlag.PASSIVE_OFF == (
        PassiveFlag.CALLABLES_OK
        | PassiveFlag.SQL_OK
        | PassiveFlag.RELATED_OBJECT_OK
        | PassiveFlag.INIT_OK
        | PassiveFlag.NON_PERSISTENT_OK
    )
    assert PassiveFlag.SQL_OK not in PassiveFlag.PASSIVE_NO_FETCH
    assert PassiveFlag.NO_RAISE in PassiveFlag.PASSIVE_MERGE
    assert int(PassiveFlag.PASSIVE_NO_INITIALIZE) == 22


def test_no_value_is_the_loader_status_an_unloaded_old_value_has(session):
    assert NO_VALUE is LoaderCallableStatus.NO_VALUE is LoaderCallableStatus.NEVER_SET
    old_values = []
    fn = lambda target, value, old, initiator: old_values.append(old)  # noqa: E731
    event.listen(Pet.name, "set", fn)
    try:
        Pet(name="new")
    finally:
        event.remove(Pet.name, "set", fn)
    assert old_values == [LoaderCallableStatus.NO_VALUE]


class Tagged(UserDefinedOption):
    pass


def test_user_defined_option_reaches_do_orm_execute(session):
    seen = []

    @event.listens_for(session, "do_orm_execute")
    def read(state):
        seen.append([o.payload for o in state.user_defined_options])

    names = session.scalars(select(Owner.name).options(Tagged("cache-1")).order_by(Owner.id)).all()
    session.scalars(select(Owner).options(Tagged({"k": 2}), Tagged(3))).all()
    session.scalars(select(Owner)).all()
    session.query(Pet).options(Tagged("q")).all()
    assert names == ["ann", "bob"]
    assert seen == [["cache-1"], [{"k": 2}, 3], [], ["q"]]


def test_user_defined_option_propagating_to_loaders_is_refused():
    class Carried(UserDefinedOption):
        propagate_to_loaders = True

    with pytest.raises(NotImplementedError, match="propagate_to_loaders"):
        Carried("x")


def test_contains_alias_is_deprecated_and_changes_nothing(session):
    stmt = text("SELECT id, name FROM misc_owner ORDER BY id")
    with pytest.warns(SADeprecationWarning, match="AliasOption object is not necessary"):
        option = contains_alias(stmt)
    assert isinstance(option, AliasOption)
    owners = session.query(Owner).from_statement(stmt).options(option).all()
    assert [o.name for o in owners] == ["ann", "bob"]


def test_from_statement_class(session):
    stmt = select(Owner).from_statement(text("SELECT id, name FROM misc_owner WHERE id = 2"))
    assert isinstance(stmt, FromStatement)
    assert session.scalars(stmt).one().name == "bob"


def test_session_transaction_origin(session):
    session.close()
    session.connection()
    assert session.get_transaction().origin is SessionTransactionOrigin.AUTOBEGIN
    session.commit()
    with session.begin() as transaction:
        assert transaction.origin is SessionTransactionOrigin.BEGIN
        nested = session.begin_nested()
        assert session.get_nested_transaction() is nested
        assert nested.origin is SessionTransactionOrigin.BEGIN_NESTED
        nested.rollback()
    assert [m.name for m in SessionTransactionOrigin] == [
        "AUTOBEGIN",
        "BEGIN",
        "BEGIN_NESTED",
        "SUBTRANSACTION",
    ]


def test_orm_join_on_a_relationship(session):
    on_rel = session.execute(
        select(Owner.name, Pet.name).select_from(join(Owner, Pet, Owner.pets)).order_by(Pet.id)
    ).all()
    assert on_rel == [("ann", "rex"), ("ann", "tom")]
    rel_as_target = session.execute(select(Owner.name).select_from(join(Owner, Owner.pets))).all()
    assert sorted(rel_as_target) == [("ann",), ("ann",)]
    outer = session.execute(
        select(Owner.name, Pet.name).select_from(outerjoin(Owner, Pet, Owner.pets)).order_by(Owner.id, Pet.id)
    ).all()
    assert outer == [("ann", "rex"), ("ann", "tom"), ("bob", None)]
    assert isinstance(join(Owner, Pet), cormorant.Join)


def test_orm_join_chains_further_relationships(session):
    pet = cormorant.orm.aliased(Pet)
    chained = join(Owner, Pet, Owner.pets).outerjoin(pet, pet.owner_id == Owner.id)
    rows = session.execute(select(Owner.name, pet.name).select_from(chained).where(Pet.id == 1)).all()
    assert sorted(rows) == [("ann", "rex"), ("ann", "tom")]


def test_polymorphic_union_selects_every_table(engine):
    metadata = MetaData()
    cats = Table("pu_cat", metadata, Column("id", Integer, primary_key=True), Column("name", String(20)))
    dogs = Table(
        "pu_dog",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("breed", String(20)),
    )
    metadata.create_all(engine)
    union = polymorphic_union({"cat": cats, "dog": dogs}, "kind", "pets")
    assert list(union.c.keys()) == ["id", "name", "breed", "kind"]
    plain = polymorphic_union({"cat": cats, "dog": dogs}, None, cast_nulls=False)
    assert list(plain.c.keys()) == ["id", "name", "breed"]
    with engine.begin() as conn:
        conn.execute(cats.insert(), {"id": 1, "name": "tib"})
        conn.execute(dogs.insert(), {"id": 2, "name": "rex", "breed": "lab"})
        rows = conn.execute(select(union).order_by(union.c.id)).all()
        assert [tuple(r) for r in rows] == [(1, "tib", None, "cat"), (2, "rex", "lab", "dog")]
        assert conn.execute(select(plain.c.name).where(plain.c.breed.is_(None))).scalars().all() == ["tib"]
    with pytest.raises(InvalidRequestError, match="can't use 'breed' as the discriminator"):
        polymorphic_union({"dog": dogs}, "breed")
    with pytest.raises(ArgumentError, match="discriminator value"):
        polymorphic_union({1.5: dogs}, "kind")


def test_merge_result_of_a_query(session, engine):
    loaded = session.query(Owner).order_by(Owner.id).all()
    rows = session.query(Owner, Owner.name).order_by(Owner.id).all()
    with Session(engine) as other:
        merged = list(merge_result(other.query(Owner), loaded, load=False))
        assert [o.name for o in merged] == ["ann", "bob"]
        assert all(o in other and o not in loaded for o in merged)
        assert not other.dirty
        merged_rows = list(merge_result(other.query(Owner, Owner.name), rows, load=False))
        assert merged_rows[0][0] is merged[0] and merged_rows[1].name == "bob"


def test_merge_frozen_result_into_another_session(session, engine):
    if not hasattr(cormorant.engine, "FrozenResult"):
        pytest.skip("Result.freeze() gives a FrozenResult once cormorant.engine has it")
    stmt = select(Owner).order_by(Owner.id)
    frozen = session.execute(stmt).freeze()
    with Session(engine) as other:
        merged = merge_frozen_result(other, stmt, frozen, load=False)
        owners = merged().scalars().all()
        assert [o.name for o in owners] == ["ann", "bob"]
        assert all(o in other for o in owners) and other.get(Owner, 1) is owners[0]


def test_class_manager_lists_a_mapped_class_attributes():
    from cormorant.orm import ClassManager, DeclarativeBase, Mapped, mapped_column
    from cormorant.orm.exc import UnmappedClassError
    from cormorant.orm.instrumentation import manager_of_class

    class Base(DeclarativeBase):
        pass

    class Gadget(Base):
        __tablename__ = "gadgets_cm"
        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str]

    manager = manager_of_class(Gadget)
    assert isinstance(manager, ClassManager) and sorted(manager) == ["id", "label"]
    assert manager["label"] is Gadget.label and manager.mapper is Gadget.__mapper__
    made = manager.new_instance()
    assert type(made) is Gadget and not manager.has_state(made)
    with pytest.raises(UnmappedClassError):
        manager_of_class(int)
