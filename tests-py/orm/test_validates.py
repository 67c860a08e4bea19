"""@validates: column sets (also through the constructor), collection appends
and removes, backrefs, and the errors of misuse."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, select
from cormorant.exc import InvalidRequestError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, validates


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "val_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(50))
    nick: Mapped[Optional[str]] = mapped_column(String(50))
    items: Mapped[list["LineItem"]] = relationship(back_populates="account")
    seen: list = []

    @validates("email", "name")
    def normalise(self, key, value):
        if key == "email" and "@" not in value:
            raise ValueError(f"not an email address: {value!r}")
        return value.strip().lower() if key == "email" else value.strip()

    @validates("items", include_removes=True)
    def check_item(self, key, item, is_remove):
        self.seen.append((key, item.label, is_remove))
        if not is_remove and item.qty <= 0:
            raise ValueError("quantity must be positive")
        return item


class LineItem(Base):
    __tablename__ = "val_line_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("val_account.id"))
    label: Mapped[str] = mapped_column(String(20))
    qty: Mapped[int]
    account: Mapped[Optional["Account"]] = relationship(back_populates="items")

    @validates("label")
    def upper_label(self, key, value):
        return value.upper()


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    Account.seen.clear()
    with Session(engine) as s:
        yield s


def test_constructor_and_set_go_through_the_validator(session):
    acct = Account(email="  Ann@Example.COM ", name=" Ann ")
    assert (acct.email, acct.name) == ("ann@example.com", "Ann")
    session.add(acct)
    session.commit()
    acct.name = "  Annie"
    session.commit()
    assert session.execute(select(Account.email, Account.name)).one() == ("ann@example.com", "Annie")


def test_a_refused_value_leaves_the_attribute_unchanged(session):
    acct = Account(email="a@b.c", name="A")
    session.add(acct)
    session.commit()
    with pytest.raises(ValueError, match="not an email address: 'nope'"):
        acct.email = "nope"
    assert acct.email == "a@b.c" and acct not in session.dirty
    with pytest.raises(ValueError, match="not an email"):
        Account(email="x", name="y")


def test_attribute_without_validator_is_plain(session):
    acct = Account(email="a@b.c", name="A", nick="  spaced  ")
    assert acct.nick == "  spaced  "
    assert type(Account.__dict__["nick"]).__name__ == "InstrumentedAttribute"


def test_collection_append_and_remove(session):
    acct = Account(email="a@b.c", name="A")
    pen, ink = LineItem(label="pen", qty=1), LineItem(label="ink", qty=2)
    acct.items.append(pen)
    acct.items.extend([ink])
    assert pen.label == "PEN"
    with pytest.raises(ValueError, match="positive"):
        acct.items.append(LineItem(label="bad", qty=0))
    assert [i.label for i in acct.items] == ["PEN", "INK"]
    acct.items.remove(pen)
    assert Account.seen == [
        ("items", "PEN", False),
        ("items", "INK", False),
        ("items", "BAD", False),
        ("items", "PEN", True),
    ]
    session.add(acct)
    session.commit()
    assert session.scalars(select(LineItem.label).where(LineItem.account_id == acct.id)).all() == ["INK"]


def test_collection_assignment_and_backref(session):
    acct = Account(email="a@b.c", name="A")
    acct.items = [LineItem(label="a", qty=1)]
    with pytest.raises(ValueError, match="positive"):
        acct.items = [LineItem(label="b", qty=-1)]
    assert [i.label for i in acct.items] == ["A"]
    loose = LineItem(label="c", qty=3)
    loose.account = acct  # the backref appends to acct.items, validated too
    assert Account.seen[-1] == ("items", "C", False)
    assert [i.label for i in acct.items] == ["A", "C"]


def test_misuse_is_refused():
    with pytest.raises(InvalidRequestError, match="'nope'.*Broken"):

        class Broken(Base):
            __tablename__ = "val_broken"
            id: Mapped[int] = mapped_column(primary_key=True)

            @validates("nope")
            def check(self, key, value):
                return value

    with pytest.raises(InvalidRequestError, match="A validation function for mapped attribute 'x'"):

        class Twice(Base):
            __tablename__ = "val_twice"
            id: Mapped[int] = mapped_column(primary_key=True)
            x: Mapped[int]

            @validates("x")
            def one(self, key, value):
                return value

            @validates("x")
            def two(self, key, value):
                return value
