"""Hybrid properties and methods: values on instances, SQL on the class, in
select(), where(), order_by() and UPDATE, with their decorators."""

from typing import Any

import pytest
from cormorant import String, func, select, update
from cormorant.exc import InvalidRequestError
from cormorant.ext.hybrid import (
    Comparator,
    ExprComparator,
    HybridExtensionType,
    hybrid_method,
    hybrid_property,
)
from cormorant.orm import (
    DeclarativeBase,
    InspectionAttrExtensionType,
    Mapped,
    NotExtension,
    Session,
    mapped_column,
)


class Base(DeclarativeBase):
    pass


class CaseInsensitive(Comparator[str]):
    def operate(self, op: Any, *other: Any, **kw: Any) -> Any:
        return op(func.lower(self.__clause_element__()), *(func.lower(o) for o in other), **kw)


class Person(Base):
    __tablename__ = "hybrid_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[str] = mapped_column(String(30))
    last: Mapped[str] = mapped_column(String(30))
    age: Mapped[int]

    @hybrid_property
    def full_name(self) -> str:
        return self.first + " " + self.last

    @full_name.setter
    def full_name(self, value: str) -> None:
        self.first, self.last = value.split(" ", 1)

    @full_name.update_expression
    def full_name(cls, value: str) -> list[tuple[Any, Any]]:
        first, last = value.split(" ", 1)
        return [(cls.first, first), (cls.last, last)]

    @hybrid_property
    def is_adult(self) -> bool:
        return self.age >= 18

    @hybrid_property
    def initials(self) -> str:
        return self.first[0] + self.last[0]

    @initials.inplace.expression
    @classmethod
    def _initials_expression(cls) -> Any:
        return func.substr(cls.first, 1, 1, type_=String) + func.substr(cls.last, 1, 1, type_=String)

    @hybrid_property
    def last_name(self) -> str:
        return self.last

    @last_name.inplace.comparator
    @classmethod
    def _last_name_comparator(cls) -> CaseInsensitive:
        return CaseInsensitive(cls.last)

    @hybrid_property
    def years(self) -> int:
        return self.age

    @hybrid_method
    def older_than(self, years: int) -> bool:
        return self.age > years

    @hybrid_method
    def named(self, *names: str) -> bool:
        return self.first in names

    @named.expression
    def named(cls, *names: str) -> Any:
        return cls.first.in_(names)


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(
            [
                Person(first="Ann", last="Lee", age=34),
                Person(first="Kid", last="Lee", age=12),
                Person(first="Bob", last="Ray", age=51),
            ]
        )
        s.commit()
        yield s


def test_instance_side_is_python(session):
    ann = Person(first="Ann", last="Lee", age=34)
    assert ann.full_name == "Ann Lee" and ann.is_adult and ann.initials == "AL"
    assert ann.older_than(30) and not ann.older_than(40)
    assert ann.named("Ann", "Bob") and not ann.named("Kid")


def test_hybrid_in_where_and_order_by(session):
    ann = session.scalars(select(Person).where(Person.full_name == "Ann Lee")).one()
    assert ann.first == "Ann"
    firsts = session.scalars(select(Person.first).order_by(Person.full_name.desc())).all()
    assert firsts == ["Kid", "Bob", "Ann"]
    assert session.scalars(select(Person.first).where(Person.older_than(40))).all() == ["Bob"]
    names = session.scalars(select(Person.first).where(Person.named("Kid", "Bob")).order_by(Person.first))
    assert names.all() == ["Bob", "Kid"]


def test_boolean_hybrid_bare_and_negated(session):
    adults = session.scalars(select(Person.first).where(Person.is_adult).order_by(Person.first)).all()
    assert adults == ["Ann", "Bob"]
    assert session.scalars(select(Person.first).where(~Person.is_adult)).all() == ["Kid"]


def test_hybrid_as_a_selected_column_is_keyed_by_its_name(session):
    rows = session.execute(select(Person.full_name, Person.initials).order_by(Person.id)).all()
    assert rows[0].full_name == "Ann Lee" and rows[0].initials == "AL"
    assert [r[0] for r in rows] == ["Ann Lee", "Kid Lee", "Bob Ray"]
    assert list(rows[0]._mapping) == ["full_name", "initials"]


def test_expression_decorated_separately(session):
    assert isinstance(Person.initials, ExprComparator)
    assert "substr" in str(Person.initials.expression).lower()
    assert session.scalars(select(Person.first).where(Person.initials == "BR")).all() == ["Bob"]


def test_custom_comparator(session):
    assert session.scalars(select(Person.first).where(Person.last_name == "RAY")).all() == ["Bob"]
    assert "lower" in str(Person.last_name == "x").lower()


def test_setter_and_errors(session):
    bob = session.scalars(select(Person).where(Person.first == "Bob")).one()
    bob.full_name = "Robert Ray"
    session.commit()
    assert session.scalars(select(Person.first).where(Person.last == "Ray")).one() == "Robert"
    with pytest.raises(AttributeError, match="can't set attribute 'is_adult'"):
        bob.is_adult = True
    with pytest.raises(AttributeError, match="can't delete attribute 'full_name'"):
        del bob.full_name


def test_update_expression(session):
    session.execute(update(Person).where(Person.first == "Kid").values({Person.full_name: "Kim Kay"}))
    session.commit()
    assert session.scalars(select(Person.full_name).where(Person.age == 12)).one() == "Kim Kay"
    session.execute(update(Person).where(Person.first == "Bob").values({Person.years: 52}))
    assert session.scalars(select(Person.age).where(Person.first == "Bob")).one() == 52
    with pytest.raises(InvalidRequestError, match="is_adult"):
        update(Person).values({Person.is_adult: True})


def test_copies_and_inplace():
    plain = hybrid_property(lambda self: 1)
    with_setter = plain.setter(lambda self, v: None)
    assert with_setter is not plain and plain.fset is None
    assert plain.inplace.setter(lambda self, v: None) is plain and plain.fset is not None
    assert plain.overrides is plain
    assert Person.__dict__["full_name"].extension_type is HybridExtensionType.HYBRID_PROPERTY
    assert Person.__dict__["older_than"].extension_type is HybridExtensionType.HYBRID_METHOD
    assert Person.full_name.overrides is Person.__dict__["full_name"]
    assert issubclass(HybridExtensionType, InspectionAttrExtensionType)
    assert NotExtension.NOT_EXTENSION.value == "not_extension"


def test_hybrids_on_an_aliased_entity(session):
    from cormorant.orm import aliased

    other = aliased(Person, name="other")
    pairs = select(Person.first, other.first).join(other, other.last == Person.last)
    pairs = pairs.where(Person.is_adult, ~other.is_adult, other.older_than(5))
    assert session.execute(pairs).all() == [("Ann", "Kid")]
    assert session.execute(select(other.full_name).where(other.named("Bob"))).scalars().all() == ["Bob Ray"]


def test_custom_comparator_routes_named_operators(session):
    found = session.scalars(select(Person.first).where(Person.last_name.like("R%")).order_by(Person.first))
    assert found.all() == ["Bob"]
    assert session.scalars(select(Person.first).where(Person.last_name.startswith("r"))).all() == ["Bob"]
    assert "lower" in str(Person.last_name.endswith("x")).lower()
