"""ORM bulk UPDATE by primary key: session.execute(update(Entity), [dict, ...]).

Each dict names the primary-key attribute(s) and the attributes to set;
consecutive dicts with the same keys go as one executemany of
UPDATE ... SET ... WHERE pk = ?. Every expectation here was checked against
SQLAlchemy 2.0 on SQLite and PostgreSQL, except the unknown-key test:
SQLAlchemy silently ignores a key that is not a column attribute, cormorant
raises (marked below)."""

import re
from typing import Optional

import pytest
from cormorant import String, select, text, update
from cormorant.exc import ArgumentError, InvalidRequestError, StaleDataError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # attribute and column names differ
    nickname: Mapped[Optional[str]] = mapped_column("nick_name", String(50))
    visits: Mapped[int] = mapped_column(default=0)


class LineItem(Base):
    __tablename__ = "line_items"
    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    qty: Mapped[int]


class Entry(Base):
    """A primary key whose attribute is not named like its column."""

    __tablename__ = "entries"
    entry_id: Mapped[int] = mapped_column("id", primary_key=True)
    amount: Mapped[int] = mapped_column("amt")


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(
            [Customer(id=i, name=f"c{i}", nickname=f"nick{i}", visits=i) for i in range(1, 6)]
            + [LineItem(order_id=o, line_no=n, qty=10 * o + n) for o in (1, 2) for n in (1, 2)]
            + [Entry(entry_id=1, amount=100), Entry(entry_id=2, amount=200)]
        )
        session.commit()
    yield engine
    Base.metadata.drop_all(engine)


def customers(conn_or_session):
    """(id, name, nick_name, visits) of every customer, by id."""
    sql = text("SELECT id, name, nick_name, visits FROM customers ORDER BY id")
    return [tuple(r) for r in conn_or_session.execute(sql).all()]


def committed_customers(engine):
    with engine.connect() as conn:
        return customers(conn)


ORIGINAL = [(i, f"c{i}", f"nick{i}", i) for i in range(1, 6)]


def updates(seen):
    return [s for s in seen if s.lstrip().upper().startswith("UPDATE")]


# --- the update itself -------------------------------------------------------------------


def test_basic_update_is_one_executemany(db, capture_sql):
    with Session(db) as session:
        with capture_sql(db) as seen:
            session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 3, "name": "c"}])
        session.commit()
    assert len(updates(seen)) == 1
    assert "customers.id" in updates(seen)[0]
    expected = list(ORIGINAL)
    expected[0] = (1, "a", "nick1", 1)
    expected[2] = (3, "c", "nick3", 3)
    assert committed_customers(db) == expected


def test_many_rows(db, capture_sql):
    with Session(db) as session:
        session.execute(
            update(Customer).execution_options(synchronize_session=False),
            [{"id": i, "visits": i * 1000} for i in range(1, 6)],
        )
        session.execute(text("DELETE FROM line_items"))
        session.execute(
            text("INSERT INTO line_items (order_id, line_no, qty) VALUES (:o, :n, 0)"),
            [{"o": 9, "n": n} for n in range(5000)],
        )
        with capture_sql(db) as seen:
            session.execute(
                update(LineItem), [{"order_id": 9, "line_no": n, "qty": n * 2} for n in range(5000)]
            )
        session.commit()
        assert len(updates(seen)) == 1
        qty = session.execute(select(LineItem.qty).order_by(LineItem.line_no)).scalars().all()
    assert qty == [n * 2 for n in range(5000)]
    assert [r[3] for r in committed_customers(db)] == [1000, 2000, 3000, 4000, 5000]


def test_key_sets_group_consecutive_dicts(db, capture_sql):
    with Session(db) as session:
        with capture_sql(db) as seen:
            session.execute(
                update(Customer),
                [
                    {"id": 1, "name": "a"},
                    {"id": 2, "visits": 20},
                    {"id": 3, "name": "c"},
                    {"id": 4, "name": "d", "visits": 40},
                    {"visits": 50, "name": "e", "id": 5},  # the same keys, in another order
                ],
            )
        session.commit()
    # a run of dicts with the same keys is one statement; order is kept
    assert len(updates(seen)) == 4
    assert committed_customers(db) == [
        (1, "a", "nick1", 1),
        (2, "c2", "nick2", 20),
        (3, "c", "nick3", 3),
        (4, "d", "nick4", 40),
        (5, "e", "nick5", 50),
    ]


def test_later_dict_wins_for_the_same_row(db):
    with Session(db) as session:
        session.execute(
            update(Customer),
            [{"id": 1, "name": "b"}, {"id": 1, "name": "a", "visits": 7}, {"id": 1, "name": "last"}],
        )
        session.commit()
    assert committed_customers(db)[0] == (1, "last", "nick1", 7)


def test_dict_keys_are_attribute_names(db):
    with Session(db) as session:
        session.execute(update(Customer), [{"id": 2, "nickname": "renamed"}])
        session.execute(update(Entry), [{"entry_id": 2, "amount": 250}])
        session.commit()
    assert committed_customers(db)[1] == (2, "c2", "renamed", 2)
    with db.connect() as conn:
        assert conn.execute(text("SELECT id, amt FROM entries ORDER BY id")).all() == [(1, 100), (2, 250)]


def test_composite_primary_key(db):
    with Session(db) as session:
        session.execute(update(LineItem), [{"order_id": 1, "line_no": 2, "qty": 99}])
        session.commit()
    with db.connect() as conn:
        rows = conn.execute(text("SELECT order_id, line_no, qty FROM line_items ORDER BY 1, 2")).all()
    assert [tuple(r) for r in rows] == [(1, 1, 11), (1, 2, 99), (2, 1, 21), (2, 2, 22)]


def test_statement_values_apply_to_every_row_and_dicts_win(db):
    with Session(db) as session:
        session.execute(
            update(Customer).values(name="v"), [{"id": 1, "visits": 10}, {"id": 2, "name": "own"}]
        )
        session.commit()
    assert committed_customers(db)[:3] == [(1, "v", "nick1", 10), (2, "own", "nick2", 2), ORIGINAL[2]]


def test_dict_with_nothing_to_set_is_skipped(db, capture_sql):
    with Session(db) as session:
        with capture_sql(db) as seen:
            result = session.execute(update(Customer), [{"id": 1}, {"id": 99}])
            empty = session.execute(update(Customer), [])
        assert result.all() == [] and empty.all() == []
        session.commit()
    assert updates(seen) == []
    assert committed_customers(db) == ORIGINAL


# --- the Session's loaded objects -----------------------------------------------------------


def test_loaded_objects_take_the_new_values(db, capture_sql):
    with Session(db) as session:
        c1, c2, c3 = session.get(Customer, 1), session.get(Customer, 2), session.get(Customer, 3)
        session.expire(c2, ["name"])
        session.execute(update(Customer), [{"id": 1, "name": "a", "nickname": "n"}, {"id": 2, "name": "b"}])
        with capture_sql(db) as seen:
            assert (c1.name, c1.nickname, c1.visits) == ("a", "n", 1)
            assert c3.name == "c3"
        assert seen == []  # set in place, no reload
        assert list(session.dirty) == []
        assert c2.name == "b"  # was not loaded: loads the database's value


def test_unflushed_change_is_expired(db, capture_sql):
    with Session(db) as session:
        c1 = session.get(Customer, 1)
        with session.no_autoflush:
            c1.name = "local"
            c1.visits = 100
            session.execute(update(Customer), [{"id": 1, "name": "a"}])
            assert "name" not in c1.__dict__  # expired, not overwritten
            assert c1.name == "a"  # reloaded from the row
            assert c1 in session.dirty  # visits is still pending
        with capture_sql(db) as seen:
            session.commit()
    # the flush writes only the change still pending
    assert len(updates(seen)) == 1
    assert re.search(r"\bvisits\b", updates(seen)[0]) and not re.search(r"\bname\b", updates(seen)[0])
    assert committed_customers(db)[0] == (1, "a", "nick1", 100)


def test_pending_changes_are_flushed_first(db):
    with Session(db) as session:
        c1 = session.get(Customer, 1)
        c1.name = "local"
        c1.visits = 100
        session.add(Customer(id=10, name="new"))
        session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 10, "name": "b"}])
        assert (c1.name, c1.visits) == ("a", 100)
        session.commit()
    assert committed_customers(db)[0] == (1, "a", "nick1", 100)
    assert committed_customers(db)[-1] == (10, "b", None, 0)


@pytest.mark.parametrize("sync", [False, None])
def test_synchronize_session_off_leaves_objects_alone(db, sync):
    with Session(db) as session:
        c1 = session.get(Customer, 1)
        session.execute(
            update(Customer).execution_options(synchronize_session=sync), [{"id": 1, "name": "a"}]
        )
        assert c1.name == "c1"
        assert customers(session)[0] == (1, "a", "nick1", 1)


def test_synchronize_session_options(db):
    with Session(db) as session:
        with pytest.raises(InvalidRequestError, match="'fetch' synchronization strategy is not available"):
            session.execute(
                update(Customer), [{"id": 1, "name": "a"}], execution_options={"synchronize_session": "fetch"}
            )
        with pytest.raises(ArgumentError, match="Valid strategies for session synchronization"):
            session.execute(
                update(Customer).execution_options(synchronize_session="bogus"), [{"id": 1, "name": "a"}]
            )
        # evaluate is the same as the default
        c1 = session.get(Customer, 1)
        session.execute(
            update(Customer).execution_options(synchronize_session="evaluate"), [{"id": 1, "name": "a"}]
        )
        assert c1.__dict__["name"] == "a"


# --- bad input ------------------------------------------------------------------------------


def test_missing_primary_key_raises_and_writes_nothing(db):
    with Session(db) as session:
        with pytest.raises(
            InvalidRequestError, match=r"No primary key value supplied for column\(s\) customers.id"
        ):
            session.execute(update(Customer), [{"id": 1, "name": "a"}, {"name": "b"}])
        assert customers(session) == ORIGINAL
        with pytest.raises(InvalidRequestError, match="No primary key value supplied"):
            session.execute(update(Customer), [{"id": None, "name": "a"}])
        with pytest.raises(InvalidRequestError, match=r"column\(s\) line_items.line_no"):
            session.execute(update(LineItem), [{"order_id": 1, "qty": 5}])
        session.rollback()
        assert committed_customers(db) == ORIGINAL
        # the session is usable after the rollback
        session.execute(update(Customer), [{"id": 1, "name": "ok"}])
        session.commit()
    assert committed_customers(db)[0] == (1, "ok", "nick1", 1)


def test_unknown_attribute_raises_and_writes_nothing(db):
    """cormorant only: SQLAlchemy 2.0 silently ignores such keys (and skips
    a dict left with nothing to set); cormorant refuses them."""
    with Session(db) as session:
        with pytest.raises(InvalidRequestError, match="'bogus'.*Customer"):
            session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 2, "bogus": 1}])
        # the column's name is not the attribute's
        with pytest.raises(InvalidRequestError, match="'nick_name'.*nickname"):
            session.execute(update(Customer), [{"id": 1, "nick_name": "x"}])
        assert customers(session) == ORIGINAL
        session.rollback()
    assert committed_customers(db) == ORIGINAL


# --- transactions and row counts ------------------------------------------------------------


def test_rollback_undoes_the_update(db):
    with Session(db) as session:
        c1 = session.get(Customer, 1)
        session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        assert customers(session)[:2] == [(1, "a", "nick1", 1), (2, "b", "nick2", 2)]
        session.rollback()
        assert c1.name == "c1"
        assert customers(session) == ORIGINAL
    assert committed_customers(db) == ORIGINAL


def test_result_has_no_rows_and_no_rowcount(db):
    with Session(db) as session:
        result = session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        # as SQLAlchemy 2.0's result for this statement: no rows, no rowcount
        with pytest.raises(AttributeError):
            result.rowcount  # noqa: B018
        assert result.all() == []
        session.commit()
    assert committed_customers(db)[:2] == [(1, "a", "nick1", 1), (2, "b", "nick2", 2)]


def test_unmatched_primary_key_raises_stale_data_error(db):
    with Session(db) as session:
        with pytest.raises(StaleDataError, match=r"expected to update 2 row\(s\); 1 were matched"):
            session.execute(update(Customer), [{"id": 1, "name": "a"}, {"id": 99, "name": "b"}])
        # the executemany ran: the matching row changed; the Session stays usable
        assert session.is_active
        assert customers(session)[0] == (1, "a", "nick1", 1)
        session.rollback()
    assert committed_customers(db) == ORIGINAL


def test_extra_where_criteria_need_synchronize_session_off(db):
    with Session(db) as session:
        with pytest.raises(InvalidRequestError, match="additional WHERE criteria"):
            session.execute(update(Customer).where(Customer.visits > 1), [{"id": 1, "name": "a"}])
        # with synchronize_session=None the criteria apply to each row and the
        # row count is not checked (1 and 99 update nothing)
        session.execute(
            update(Customer).where(Customer.visits > 1).execution_options(synchronize_session=None),
            [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}, {"id": 99, "name": "z"}],
        )
        session.commit()
    assert committed_customers(db)[:2] == [ORIGINAL[0], (2, "b", "nick2", 2)]
