"""Bad input to the ORM gets a clear error, and a failed commit or flush loses
nothing: unknown constructor keywords, a closed Session, plain strings as
statements, missing tables, and integrity errors that leave the Session
usable after rollback(). Engine-level errors are in engine/test_errors.py."""

from typing import Optional

import pytest
from cormorant import String, func, select, text
from cormorant.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    InvalidRequestError,
    OperationalError,
    PendingRollbackError,
    ProgrammingError,
)
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100), unique=True)
    balance: Mapped[int] = mapped_column(default=0)
    note: Mapped[Optional[str]]


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Account(email="a@x", balance=10), Account(email="b@x", balance=20)])
        s.commit()
    yield engine
    Base.metadata.drop_all(engine)


# Unknown tables: pysqlite raises sqlite3.OperationalError, which SQLAlchemy
# wraps as OperationalError; psycopg raises UndefinedTable (a ProgrammingError
# subclass), wrapped as ProgrammingError.
BAD_SQL_ERROR = {"sqlite": OperationalError, "postgresql": ProgrammingError}


def snapshot(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, email, balance, note FROM accounts ORDER BY id")).all()


# --- mapped constructors ---------------------------------------------------------------


def test_unknown_constructor_keyword_raises_type_error_naming_it():
    with pytest.raises(TypeError) as info:
        Account(email="x@x", bogus_field=1)
    assert "bogus_field" in str(info.value)


def test_known_constructor_keywords_still_work():
    acct = Account(email="x@x", balance=5)
    assert (acct.email, acct.balance) == ("x@x", 5)


# --- a closed Session ------------------------------------------------------------------


def test_closed_session_used_again(db):
    # SQLAlchemy 2.0: close() ends the transaction and the Session begins anew when used
    s = Session(db)
    assert s.execute(select(func.count(Account.id))).scalar() == 2
    s.close()
    assert s.execute(select(func.count(Account.id))).scalar() == 2
    s.close()


def test_session_closed_for_good_with_close_resets_only_false(db):
    s = Session(db, close_resets_only=False)
    s.close()
    with pytest.raises(InvalidRequestError, match="permanently closed"):
        s.execute(select(Account))


# --- failed commits and flushes --------------------------------------------------------


def test_failed_commit_loses_nothing_and_session_recovers(db):
    before = snapshot(db)
    assert len(before) == 2
    with Session(db) as s:
        a = s.execute(select(Account).where(Account.email == "a@x")).scalar_one()
        a.balance = 999  # part of the same failing transaction
        s.add(Account(email="c@x", balance=1))  # fine on its own
        s.add(Account(email="b@x", balance=30))  # duplicate: unique violation
        with pytest.raises(IntegrityError):
            s.commit()
        # the session insists on rollback() before anything else
        with pytest.raises(PendingRollbackError):
            s.execute(select(Account))
        with pytest.raises(PendingRollbackError):
            s.commit()
        s.rollback()
        # the database is exactly as before: no partial insert, no update
        assert snapshot(db) == before
        assert s.execute(select(func.count(Account.id))).scalar() == 2
        assert s.execute(select(Account.balance).where(Account.email == "a@x")).scalar_one() == 10
        # and the session works again
        s.add(Account(email="d@x", balance=40))
        s.commit()
        assert s.execute(select(func.count(Account.id))).scalar() == 3
    after = snapshot(db)
    assert after[:2] == before
    assert [tuple(r)[1:3] for r in after[2:]] == [("d@x", 40)]


def test_failed_flush_raises_pending_rollback_on_add_and_flush(db):
    with Session(db) as s:
        s.add(Account(email="a@x"))
        with pytest.raises(IntegrityError):
            s.flush()
        with pytest.raises(PendingRollbackError):
            s.execute(select(Account)).all()
        s.rollback()
        assert s.execute(select(func.count(Account.id))).scalar() == 2


def test_integrity_error_carries_orig_statement_params(db):
    with Session(db) as s:
        s.add(Account(email="a@x", balance=77))
        with pytest.raises(IntegrityError) as info:
            s.commit()
        s.rollback()
    err = info.value
    assert err.orig is not None
    assert isinstance(err.orig, BaseException)
    assert "INSERT" in err.statement.upper()
    assert "accounts" in err.statement
    assert err.params is not None
    assert "a@x" in (list(err.params.values()) if isinstance(err.params, dict) else list(err.params))
    assert "UNIQUE" in str(err).upper()


# --- bad statements --------------------------------------------------------------------


def test_plain_string_statement_in_session_is_rejected(db):
    with Session(db) as s:
        with pytest.raises(ArgumentError) as info:
            s.execute("SELECT 1")
        assert "text(" in str(info.value)


def test_orm_query_on_missing_table_is_a_dbapi_error(engine, backend):
    # tables never created
    with Session(engine) as s:
        with pytest.raises(DBAPIError) as info:
            s.execute(select(Account)).all()
        assert type(info.value) is BAD_SQL_ERROR[backend]
        assert "accounts" in str(info.value)
