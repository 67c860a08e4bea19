"""Bad input gets a clear error, and a failure loses nothing."""

from typing import Optional

import pytest
from cormorant import String, create_engine, func, select, text
from cormorant.exc import (
    ArgumentError,
    CormorantError,
    DBAPIError,
    IntegrityError,
    InternalError,
    OperationalError,
    PendingRollbackError,
    ProgrammingError,
    ResourceClosedError,
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


# Bad SQL and unknown tables: pysqlite raises sqlite3.OperationalError, which
# SQLAlchemy wraps as OperationalError; psycopg raises SyntaxError /
# UndefinedTable (ProgrammingError subclasses), wrapped as ProgrammingError.
BAD_SQL_ERROR = {"sqlite": OperationalError, "postgresql": ProgrammingError}


def snapshot(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, email, balance, note FROM accounts ORDER BY id")).all()


# --- URLs ------------------------------------------------------------------------


def test_unsupported_backend_url_names_supported_backends():
    with pytest.raises(ArgumentError) as info:
        create_engine("mysql+pymysql://u@h/db")
    message = str(info.value)
    assert "sqlite" in message
    assert "postgresql" in message


def test_unknown_create_engine_option_is_rejected(db_url):
    with pytest.raises((ArgumentError, TypeError)) as info:
        create_engine(db_url, pool_sizee=3)
    assert "pool_sizee" in str(info.value)


# --- mapped constructors ---------------------------------------------------------


def test_unknown_constructor_keyword_raises_type_error_naming_it():
    with pytest.raises(TypeError) as info:
        Account(email="x@x", bogus_field=1)
    assert "bogus_field" in str(info.value)


def test_known_constructor_keywords_still_work():
    acct = Account(email="x@x", balance=5)
    assert (acct.email, acct.balance) == ("x@x", 5)


# --- closed resources -------------------------------------------------------------


def test_closed_connection_used_again(engine):
    conn = engine.connect()
    assert conn.execute(text("SELECT 1")).scalar() == 1
    conn.close()
    assert conn.closed
    with pytest.raises(ResourceClosedError):
        conn.execute(text("SELECT 1"))
    # closing twice is harmless, and the pool still works
    conn.close()
    with engine.connect() as conn2:
        assert conn2.execute(text("SELECT 2")).scalar() == 2


def test_closed_session_used_again(db):
    s = Session(db)
    assert s.execute(select(func.count(Account.id))).scalar() == 2
    s.close()
    with pytest.raises(ResourceClosedError) as info:
        s.execute(select(Account))
    assert "closed" in str(info.value).lower()


def test_dml_result_has_no_rows(db):
    with db.connect() as conn:
        result = conn.execute(text("UPDATE accounts SET balance = balance"))
        with pytest.raises(ResourceClosedError):
            result.all()


# --- failed commits ----------------------------------------------------------------


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


def test_core_integrity_error_leaves_connection_usable(db):
    before = snapshot(db)
    with db.connect() as conn:
        with pytest.raises(IntegrityError) as info:
            conn.execute(text("INSERT INTO accounts (email, balance) VALUES (:e, :b)"), {"e": "a@x", "b": 1})
        assert info.value.statement.startswith("INSERT")
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM accounts")).scalar() == 2
    assert snapshot(db) == before


# --- bad SQL -------------------------------------------------------------------------


def test_plain_string_statement_is_rejected_mentioning_text(engine):
    with engine.connect() as conn:
        with pytest.raises(ArgumentError) as info:
            conn.execute("SELECT 1")
        assert "text(" in str(info.value)
        # the connection is still fine
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_plain_string_statement_in_session_is_rejected(db):
    with Session(db) as s:
        with pytest.raises(ArgumentError) as info:
            s.execute("SELECT 1")
        assert "text(" in str(info.value)


def test_syntax_error_is_a_dbapi_error_with_statement(engine, backend):
    expected = BAD_SQL_ERROR[backend]
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as info:
            conn.execute(text("SELEC 1 FRM nowhere"))
        assert type(info.value) is expected
        assert info.value.statement == "SELEC 1 FRM nowhere"
        assert info.value.orig is not None
        assert "syntax" in str(info.value).lower()
        if backend == "postgresql":
            # as with psycopg: the failed statement aborted the transaction
            # (InFailedSqlTransaction -> InternalError) until rollback()
            with pytest.raises(InternalError) as aborted:
                conn.execute(text("SELECT 3"))
            assert "current transaction is aborted" in str(aborted.value)
            conn.rollback()
        assert conn.execute(text("SELECT 3")).scalar() == 3


def test_unknown_table_is_a_dbapi_error(engine, backend):
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as info:
            conn.execute(text("SELECT * FROM no_such_table"))
        assert type(info.value) is BAD_SQL_ERROR[backend]
        assert "no_such_table" in str(info.value)


def test_orm_query_on_missing_table_is_a_dbapi_error(engine, backend):
    # tables never created
    with Session(engine) as s:
        with pytest.raises(DBAPIError) as info:
            s.execute(select(Account)).all()
        assert type(info.value) is BAD_SQL_ERROR[backend]
        assert "accounts" in str(info.value)


def test_missing_bind_parameter_is_a_clear_error(engine):
    with engine.connect() as conn:
        with pytest.raises(CormorantError) as info:
            conn.execute(text("SELECT :a + :b"), {"a": 1})
        assert "'b'" in str(info.value)
