"""select().filter_by() after joins names the last joined entity, as in
SQLAlchemy, and options cormorant lacks are refused rather than ignored."""

import pytest
from cormorant import ForeignKey, String, select
from cormorant.exc import InvalidRequestError
from cormorant.orm import DeclarativeBase, Mapped, Session, aliased, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "fb_owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    pets: Mapped[list["Pet"]] = relationship()


class Pet(Base):
    __tablename__ = "fb_pet"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("fb_owner.id"))
    name: Mapped[str] = mapped_column(String(20))


def test_filter_by_names_the_last_joined_entity(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Owner(name="ann", pets=[Pet(name="rex")]), Owner(name="bob", pets=[Pet(name="tom")])])
        s.commit()
        by_relationship = select(Owner.name).join(Owner.pets).filter_by(name="tom")
        assert s.scalars(by_relationship).all() == ["bob"]
        by_class = select(Owner.name).join(Pet, Owner.pets).filter_by(name="rex")
        assert s.scalars(by_class).all() == ["ann"]
        pet = aliased(Pet)
        assert s.scalars(select(Owner.name).join(pet, Owner.pets).filter_by(name="rex")).all() == ["ann"]
        assert s.scalars(select(Owner.name).filter_by(name="bob")).all() == ["bob"]
    with pytest.raises(InvalidRequestError, match='Entity namespace for "fb_pet" has no property "age"'):
        select(Owner).join(Owner.pets).filter_by(age=3)


def test_options_cormorant_lacks_are_refused():
    with pytest.raises(NotImplementedError, match="DISTINCT ON"):
        select(Owner).distinct(Owner.name)
    with pytest.raises(NotImplementedError, match="key_share"):
        select(Owner).with_for_update(key_share=True)
