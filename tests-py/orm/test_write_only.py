"""Write-only collections: WriteOnlyMapped and relationship(lazy="write_only").
Adds and removes are flushed by the unit of work (foreign keys set or
cleared, association rows written), reads go through select(), and the
collection is never loaded."""

from typing import Optional

import pytest
from cormorant import Column, ForeignKey, String, Table, func, select
from cormorant.exc import InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    WriteOnlyCollection,
    WriteOnlyMapped,
    mapped_column,
    relationship,
)


class Base(DeclarativeBase):
    pass


tagging = Table(
    "wo_tagging",
    Base.metadata,
    Column("account_id", ForeignKey("wo_accounts.id"), primary_key=True),
    Column("tag_id", ForeignKey("wo_tags.id"), primary_key=True),
)


class Account(Base):
    __tablename__ = "wo_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    entries: WriteOnlyMapped["Entry"] = relationship(back_populates="account", order_by="Entry.id")
    tags: WriteOnlyMapped["Tag"] = relationship(secondary=tagging)


class Entry(Base):
    __tablename__ = "wo_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("wo_accounts.id"))
    amount: Mapped[int]
    account: Mapped[Optional[Account]] = relationship(back_populates="entries")


class Tag(Base):
    __tablename__ = "wo_tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class Ledger(Base):
    __tablename__ = "wo_ledgers"
    id: Mapped[int] = mapped_column(primary_key=True)
    lines = relationship("Line", lazy="write_only", cascade="all, delete-orphan", passive_deletes=True)


class Line(Base):
    __tablename__ = "wo_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("wo_ledgers.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    return engine


def _account(db, amounts=(10, 20, 30)):
    with Session(db) as s:
        account = Account(name="a", entries=[Entry(amount=a) for a in amounts])
        s.add(account)
        s.commit()
        return account.id


def _amounts(s, account):
    return s.scalars(select(Entry.amount).where(Entry.account_id == account.id).order_by(Entry.id)).all()


def test_new_owner_with_items_inserts_them(db):
    account_id = _account(db)
    with Session(db) as s:
        account = s.get(Account, account_id)
        assert isinstance(account.entries, WriteOnlyCollection)
        assert _amounts(s, account) == [10, 20, 30]


def test_select_reads_the_related_rows_with_sql(db, capture_sql):
    account_id = _account(db)
    with Session(db) as s:
        account = s.get(Account, account_id)
        with capture_sql(db) as seen:
            big = s.scalars(account.entries.select().where(Entry.amount > 15)).all()
        assert [e.amount for e in big] == [20, 30]
        assert len(seen) == 1
        count = s.scalar(select(func.count()).select_from(account.entries.select().subquery()))
        assert count == 3


def test_add_and_remove_are_flushed(db, capture_sql):
    account_id = _account(db)
    with Session(db) as s:
        account = s.get(Account, account_id)
        first = s.scalars(account.entries.select().where(Entry.amount == 10)).one()
        with capture_sql(db) as seen:
            account.entries.add(Entry(amount=40))
            account.entries.add_all([Entry(amount=50)])
            account.entries.remove(first)
        assert seen == []  # nothing loads the collection
        s.commit()
        assert _amounts(s, account) == [20, 30, 40, 50]
        assert first.account_id is None  # unlinked, not deleted
        assert s.get(Entry, first.id) is first


def test_adding_then_removing_before_flush_cancels_out(db):
    account_id = _account(db, ())
    with Session(db) as s:
        account = s.get(Account, account_id)
        entry = Entry(amount=1)
        account.entries.add(entry)
        account.entries.remove(entry)
        s.commit()
        assert _amounts(s, account) == []


def test_many_to_many_writes_association_rows(db):
    with Session(db) as s:
        account = Account(name="a")
        red, blue = Tag(name="red"), Tag(name="blue")
        account.tags.add_all([red, blue])
        s.add(account)
        s.commit()
        assert sorted(t.name for t in s.scalars(account.tags.select())) == ["blue", "red"]
        account.tags.remove(red)
        s.commit()
        assert [t.name for t in s.scalars(account.tags.select())] == ["blue"]
        assert s.scalar(select(func.count()).select_from(tagging)) == 1


def test_insert_update_delete_statements(db):
    account_id = _account(db)
    with Session(db) as s:
        account = s.get(Account, account_id)
        other = Account(name="b", entries=[Entry(amount=99)])
        s.add(other)
        s.flush()
        s.execute(account.entries.insert().values(amount=60))
        s.execute(account.entries.update().values(amount=0).where(Entry.amount < 25))
        s.execute(account.entries.delete().where(Entry.amount == 30))
        assert _amounts(s, account) == [0, 0, 60]
        assert _amounts(s, other) == [99]  # other owners' rows are untouched


def test_many_to_many_update_and_delete_touch_linked_rows_only(db):
    with Session(db) as s:
        account = Account(name="a")
        account.tags.add(Tag(name="mine"))
        s.add_all([account, Tag(name="other")])
        s.commit()
        s.execute(account.tags.update().values(name="renamed"))
        assert sorted(s.scalars(select(Tag.name))) == ["other", "renamed"]
        s.execute(tagging.delete())
        with pytest.raises(InvalidRequestError, match="many-to-many"):
            account.tags.insert()


def test_backref_sets_the_many_side(db):
    account_id = _account(db, ())
    with Session(db) as s:
        account = s.get(Account, account_id)
        entry = Entry(amount=5)
        account.entries.add(entry)
        assert entry.account is account
        s.commit()
        loose = Entry(amount=6, account=account)
        s.add(loose)
        s.commit()
        assert _amounts(s, account) == [5, 6]


def test_iteration_and_replacement_are_refused(db):
    account_id = _account(db)
    with Session(db) as s:
        account = s.get(Account, account_id)
        with pytest.raises(TypeError, match="don't support iteration"):
            list(account.entries)
        with pytest.raises(InvalidRequestError, match="collection replacement operations can't be used"):
            account.entries = []


def test_deleting_the_owner_needs_passive_deletes(db):
    account_id = _account(db)
    with Session(db) as s:
        s.delete(s.get(Account, account_id))
        with pytest.raises(
            InvalidRequestError, match="configure passive_deletes=True on the Account.entries"
        ):
            s.flush()


def test_passive_deletes_leaves_the_rows_to_the_database(db, capture_sql):
    with Session(db) as s:
        ledger = Ledger()
        ledger.lines.add_all([Line(text="x"), Line(text="y")])
        s.add(ledger)
        s.commit()
        assert [line.text for line in s.scalars(ledger.lines.select().order_by(Line.id))] == ["x", "y"]
        s.delete(ledger)
        with capture_sql(db) as seen:
            s.commit()
        assert not any("wo_lines" in sql for sql in seen)  # the rows are never loaded
        if db.dialect.name == "postgresql":  # ON DELETE CASCADE (SQLite enforces no foreign keys here)
            assert s.scalar(select(func.count()).select_from(Line)) == 0


def test_removing_with_delete_orphan_deletes_the_row(db):
    with Session(db) as s:
        ledger = Ledger()
        keep, drop = Line(text="keep"), Line(text="drop")
        ledger.lines.add_all([keep, drop])
        s.add(ledger)
        s.commit()
        ledger.lines.remove(drop)
        s.commit()
        assert s.scalars(select(Line.text)).all() == ["keep"]


def test_eager_loading_is_refused(db):
    from cormorant.orm import joinedload, selectinload

    _account(db)
    with Session(db) as s:
        for option in (selectinload(Account.entries), joinedload(Account.entries)):
            with pytest.raises(InvalidRequestError, match="eager loading cannot be applied"):
                s.scalars(select(Account).options(option)).all()


def test_works_through_async_session(async_url):
    import asyncio

    from cormorant.ext.asyncio import AsyncSession, create_async_engine

    async def run():
        engine = create_async_engine(async_url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with AsyncSession(engine) as s:
            account = Account(name="a")
            account.entries.add(Entry(amount=7))
            s.add(account)
            await s.commit()
            account.entries.add(Entry(amount=8))
            await s.flush()
            amounts = (await s.scalars(account.entries.select())).all()
        await engine.dispose()
        return [e.amount for e in amounts]

    assert asyncio.run(run()) == [7, 8]


def test_select_of_an_unflushed_owner_finds_no_orphans(db):
    with Session(db) as s:
        s.add(Entry(amount=1))  # an entry of no account
        s.commit()
        account = Account(name="new")
        assert s.scalars(account.entries.select()).all() == []
        assert s.scalars(account.tags.select()).all() == []


def test_select_reads_the_owner_key_after_autoflush(db):
    with Session(db) as s:
        account = Account(name="new")
        s.add(account)
        account.entries.add(Entry(amount=3))
        stmt = account.entries.select()  # built before the owner has a key
        assert [e.amount for e in s.scalars(stmt)] == [3]
