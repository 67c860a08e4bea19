"""Bad input to an Engine or Connection gets a clear error, and a failure
loses nothing: URLs and create_engine options, a closed Connection, results
without rows, integrity errors, bad SQL and missing bind parameters. ORM-level
errors are in orm/test_session_errors.py."""

from typing import Optional

import pytest
from cormorant import String, create_engine, text
from cormorant.exc import (
    ArgumentError,
    CormorantError,
    DBAPIError,
    IntegrityError,
    InternalError,
    OperationalError,
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


def test_dml_result_has_no_rows(db):
    with db.connect() as conn:
        result = conn.execute(text("UPDATE accounts SET balance = balance"))
        with pytest.raises(ResourceClosedError):
            result.all()


# --- failed statements -------------------------------------------------------------


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


def test_missing_bind_parameter_is_a_clear_error(engine):
    with engine.connect() as conn:
        with pytest.raises(CormorantError) as info:
            conn.execute(text("SELECT :a + :b"), {"a": 1})
        assert "'b'" in str(info.value)


def test_every_engine_error_kind_has_one_translation():
    """The kinds come from the engine (_native.ERROR_KINDS); engine/errors.py
    maps each to one cormorant.exc class: the database ones to DBAPIError
    subclasses, pool_timeout to TimeoutError, invalid_request to InvalidRequestError."""
    from cormorant import _native
    from cormorant.engine import errors

    assert set(errors._BY_KIND) | set(errors._NOT_DBAPI) == set(_native.ERROR_KINDS)
    assert not set(errors._BY_KIND) & set(errors._NOT_DBAPI)
    for kind in _native.ERROR_KINDS:
        error = _native.Error(f"a {kind} failure")
        error.kind, error.sqlstate, error.statement, error.connection_dead = kind, None, None, False
        translated = errors.translate(error)
        expected = {**errors._BY_KIND, **errors._NOT_DBAPI}[kind]
        assert type(translated) is expected


@pytest.mark.postgresql_only
def test_cardinality_violation_is_a_programming_error(engine):
    """SQLSTATE 21000 (a scalar subquery returning two rows) is a
    ProgrammingError, as psycopg classifies it (found by the differential fuzz)."""
    with engine.connect() as conn:
        with pytest.raises(ProgrammingError) as info:
            conn.execute(text("SELECT (SELECT 1 UNION ALL SELECT 2)"))
        assert info.value.orig.sqlstate == "21000"
