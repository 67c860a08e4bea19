"""PostgreSQL-only behaviour: connection failures, every column type, integrity
errors and what errors carry, killed backends, RETURNING / executemany, bound
(never spliced) values and text() parameters.

Runs when CORMORANT_TEST_PG_URL is set (the CI test command starts a
throwaway server and sets it); otherwise every test here is skipped with
that reason, so a run without PostgreSQL says so.

The reference for "right" is SQLAlchemy 2.0 with psycopg 3 against the same
server. Where cormorant differs, the test is marked xfail(strict=True) with
the difference in the reason."""

import datetime as dt
import enum
import os
import socket
import time
import uuid
from decimal import Decimal
from typing import Any, Optional
from urllib.parse import quote, urlsplit

import pytest
from cormorant import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    Uuid,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from cormorant.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    InternalError,
    OperationalError,
    PendingRollbackError,
)
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column
from cormorant.pool import NullPool, QueuePool

PG_URL = os.environ.get("CORMORANT_TEST_PG_URL")
PG_NOT_SET = "CORMORANT_TEST_PG_URL is not set; PostgreSQL tests did not run"
PASSWORD_ROLE = "cormorant_pw"  # pg_hba.conf makes this role give a password (see .ci/postgres.sh)
CONNECT_FAILURE_BOUND = 10.0  # seconds

pytestmark = pytest.mark.postgresql_only  # conftest: postgresql param, or a skip with PG_NOT_SET


def test_postgresql_tests_ran():
    """Says loudly, as a skip, when this run did not cover PostgreSQL."""
    if not PG_URL:
        pytest.skip(PG_NOT_SET)
    engine = create_engine(PG_URL)
    try:
        assert engine.dialect.name == "postgresql"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version()")).scalar().startswith("PostgreSQL ")
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(url, backend):
    """CORMORANT_TEST_PG_URL, with schema public freshly recreated."""
    assert backend == "postgresql"
    return url


def with_parts(base, *, user=None, password=None, port=None, database=None, driver="postgresql"):
    """`base` with some of its parts replaced."""
    parts = urlsplit(base)
    user = user if user is not None else (parts.username or "")
    auth = quote(user, safe="")
    if password is not None:
        auth += ":" + quote(password, safe="")
    elif parts.password:
        auth += ":" + parts.password
    host = parts.hostname or "localhost"
    port = port if port is not None else (parts.port or 5432)
    database = database if database is not None else (parts.path.lstrip("/") or "postgres")
    query = f"?{parts.query}" if parts.query else ""
    return f"{driver}://{auth + '@' if auth else ''}{host}:{port}/{database}{query}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_failure(url):
    """The OperationalError engine.connect() raises for `url`, and how long it took."""
    engine = create_engine(url)
    start = time.monotonic()
    try:
        with pytest.raises(OperationalError) as info:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        return info.value, time.monotonic() - start
    finally:
        engine.dispose()


# --- engine basics ----------------------------------------------------------------------


@pytest.mark.parametrize("driver", ["postgresql", "postgresql+psycopg", "postgresql+psycopg2"])
def test_every_sync_driver_name_connects(pg_url, driver):
    engine = create_engine(with_parts(pg_url, driver=driver))
    try:
        assert engine.dialect.name == "postgresql"
        assert isinstance(engine.pool, QueuePool)  # SQLAlchemy's default for PostgreSQL
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == urlsplit(pg_url).path.lstrip(
                "/"
            )
    finally:
        engine.dispose()


def test_postgres_scheme_is_either_rejected_or_works(pg_url):
    try:
        engine = create_engine(with_parts(pg_url, driver="postgres"))
    except ArgumentError:
        return  # SQLAlchemy 2.0's behaviour
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_url_repr_hides_the_password(pg_url):
    engine = create_engine(with_parts(pg_url, user="someone", password="s3cret-pw"))
    try:
        assert "s3cret-pw" not in str(engine.url)
        assert "s3cret-pw" not in repr(engine)
        assert "s3cret-pw" not in repr(engine.url)
    finally:
        engine.dispose()


# --- connection failures ----------------------------------------------------------------


@pytest.fixture
def password_role(pg_url):
    """The role cormorant_pw with password 'right'; dropped afterwards."""
    admin = create_engine(pg_url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}"))
        conn.execute(text(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'right'"))
    yield PASSWORD_ROLE
    with admin.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}"))
    admin.dispose()


def test_wrong_password_is_operational_error_saying_so(pg_url, password_role):
    wrong = create_engine(with_parts(pg_url, user=password_role, password="wrong"))
    try:
        with wrong.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        pass
    else:
        pytest.skip(
            f"the server does not ask {password_role} for a password (no scram-sha-256 line in pg_hba.conf)"
        )
    finally:
        wrong.dispose()

    err, elapsed = connect_failure(with_parts(pg_url, user=password_role, password="wrong"))
    assert elapsed < CONNECT_FAILURE_BOUND
    message = str(err)
    assert "password authentication failed" in message
    assert password_role in message
    assert ":wrong@" not in message  # the password is not echoed
    # and the right password does work, so it was the password that failed
    right = create_engine(with_parts(pg_url, user=password_role, password="right"))
    try:
        with right.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == password_role
    finally:
        right.dispose()


def test_missing_database_is_operational_error_naming_it(pg_url):
    err, elapsed = connect_failure(with_parts(pg_url, database="cormorant_no_such_db_4821"))
    assert elapsed < CONNECT_FAILURE_BOUND
    assert "cormorant_no_such_db_4821" in str(err)
    assert "does not exist" in str(err)


def test_unreachable_port_is_operational_error_naming_host_and_port(pg_url):
    port = free_port()  # nothing listens there
    host = urlsplit(pg_url).hostname
    err, elapsed = connect_failure(with_parts(pg_url, port=port))
    assert elapsed < CONNECT_FAILURE_BOUND
    message = str(err)
    assert host in message
    assert str(port) in message


def test_connect_failure_is_not_an_invalidation(pg_url):
    err, _ = connect_failure(with_parts(pg_url, database="cormorant_no_such_db_4821"))
    assert err.connection_invalidated is False


# --- every column type ----------------------------------------------------------------------


class Color(enum.Enum):
    red = "r"
    green = "g"
    blue = "b"


class TypesBase(DeclarativeBase):
    pass


class Everything(TypesBase):
    __tablename__ = "everything"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    integer: Mapped[Optional[int]] = mapped_column(Integer)
    big: Mapped[Optional[int]] = mapped_column(BigInteger)
    small: Mapped[Optional[int]] = mapped_column(SmallInteger)
    string: Mapped[Optional[str]] = mapped_column(String(40))
    txt: Mapped[Optional[str]] = mapped_column(Text)
    flag: Mapped[Optional[bool]] = mapped_column(Boolean)
    real: Mapped[Optional[float]] = mapped_column(Float)
    money: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    day: Mapped[Optional[dt.date]] = mapped_column(Date)
    clock: Mapped[Optional[dt.time]] = mapped_column(Time)
    naive: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    aware: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    blob: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    uid: Mapped[Optional[uuid.UUID]] = mapped_column(Uuid)
    doc: Mapped[Optional[Any]] = mapped_column(JSON)  # dicts, lists and scalars
    color: Mapped[Optional[Color]] = mapped_column(Enum(Color))


everything = Everything.__table__
COLUMNS = [c.name for c in everything.columns if c.name != "id"]

ROWS = {
    1: {
        "integer": 2**31 - 1,
        "big": 2**40 + 7,
        "small": -32000,
        "string": "hello, world",
        "txt": "héllo wörld ✓ 日本語 🐦 ' \" \\",
        "flag": True,
        "real": 1.5e-3,
        "money": Decimal("12345678.91"),
        "day": dt.date(2024, 2, 29),
        "clock": dt.time(13, 45, 7, 123456),
        "naive": dt.datetime(2024, 2, 29, 23, 59, 58, 999999),
        "aware": dt.datetime(
            2024, 6, 1, 12, 0, 0, 250, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
        ),
        "blob": b"\x00\xff\x00abc\xfe\x00",
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "doc": {"a": [1, 2, {"b": None}], "c": "ü", "d": 1.5, "e": True, "f": {"g": []}},
        "color": Color.green,
    },
    2: {
        "integer": -(2**31),
        "big": -(2**63),
        "small": 32767,
        "string": "",
        "txt": "",
        "flag": False,
        "real": -2.5e300,
        "money": Decimal("-99999999.99"),
        "day": dt.date(1, 1, 1),
        "clock": dt.time(0, 0),
        "naive": dt.datetime(1970, 1, 1),
        "aware": dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
        "blob": b"",
        "uid": uuid.UUID(int=2**128 - 1),
        "doc": [1, "two", None, {"x": 1.25}, [True, False]],
        "color": Color.red,
    },
    3: dict.fromkeys(COLUMNS),  # every column NULL
}


def check_value(column, got, expected):
    assert got == expected, (column, got, expected)
    if expected is None:
        assert got is None, column
        return
    assert type(got) is type(expected), (column, type(got), type(expected))
    if column == "aware":
        assert got.utcoffset() is not None  # aware, and equal above as the same instant
    if column == "naive":
        assert got.tzinfo is None


def check_row(row_id, values):
    for column in COLUMNS:
        check_value(column, values[column], ROWS[row_id][column])


@pytest.fixture
def types_db(pg_url):
    engine = create_engine(pg_url)
    TypesBase.metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_column_types_are_the_postgresql_ones(types_db):
    with types_db.connect() as conn:
        types = dict(
            conn.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'everything'"
                )
            ).all()
        )
    assert types["integer"] == "integer" and types["big"] == "bigint" and types["small"] == "smallint"
    assert types["string"] == "character varying" and types["txt"] == "text"
    assert types["flag"] == "boolean" and types["real"] in ("double precision", "real")
    assert types["money"] == "numeric" and types["day"] == "date"
    assert types["clock"] == "time without time zone"
    assert types["naive"] == "timestamp without time zone" and types["aware"] == "timestamp with time zone"
    assert types["blob"] == "bytea" and types["uid"] == "uuid" and types["doc"] in ("json", "jsonb")


def test_enum_is_a_native_postgresql_enum(types_db):
    with types_db.connect() as conn:
        data_type, udt_name = conn.execute(
            text(
                "SELECT data_type, udt_name FROM information_schema.columns "
                "WHERE table_name = 'everything' AND column_name = 'color'"
            )
        ).one()
        assert data_type == "USER-DEFINED" and udt_name == "color"
        labels = conn.execute(text("SELECT unnest(enum_range(NULL::color))::text")).scalars().all()
        assert labels == ["red", "green", "blue"]


def test_every_type_round_trips_through_the_orm(types_db):
    with Session(types_db) as s:
        s.add_all([Everything(id=i, **values) for i, values in ROWS.items()])
        s.commit()
    with Session(types_db) as s:
        for i in ROWS:
            obj = s.get(Everything, i)
            check_row(i, {c: getattr(obj, c) for c in COLUMNS})
        for i in (1, 2):  # every value binds in an ORM WHERE clause too (json has no = operator)
            for column in COLUMNS:
                if column != "doc":
                    found = s.execute(
                        select(Everything.id).where(getattr(Everything, column) == ROWS[i][column])
                    )
                    assert found.scalars().all() == [i], column


def test_every_type_round_trips_through_orm_updates(types_db):
    with Session(types_db) as s:
        s.add(Everything(id=1, **ROWS[1]))
        s.commit()
    with Session(types_db) as s:
        obj = s.get(Everything, 1)
        for column, value in ROWS[2].items():
            setattr(obj, column, value)
        s.commit()
    with Session(types_db) as s:
        obj = s.execute(select(Everything).where(Everything.id == 1)).scalar_one()
        check_row(2, {c: getattr(obj, c) for c in COLUMNS})


def test_every_type_round_trips_through_core(types_db):
    with types_db.begin() as conn:
        conn.execute(insert(everything), [{"id": i, **values} for i, values in ROWS.items()])
    with types_db.connect() as conn:
        rows = conn.execute(select(everything).order_by(everything.c.id)).all()
        assert [r.id for r in rows] == [1, 2, 3]
        for row in rows:
            check_row(row.id, row._mapping)
        # every value binds in a WHERE clause and finds its row (json has no = operator)
        for i in (1, 2):
            for column in COLUMNS:
                if column == "doc":
                    continue
                found = conn.execute(
                    select(everything.c.id).where(everything.c[column] == ROWS[i][column])
                ).scalars()
                assert found.all() == [i], column
        # RETURNING decodes the same way
        row = conn.execute(
            update(everything).where(everything.c.id == 1).values(**ROWS[2]).returning(*everything.c)
        ).one()
        check_row(2, row._mapping)
        conn.rollback()


def test_text_select_decodes_postgresql_types(types_db):
    with types_db.begin() as conn:
        conn.execute(insert(everything), [{"id": i, **values} for i, values in ROWS.items()])
    with types_db.connect() as conn:
        row = conn.execute(text("SELECT * FROM everything WHERE id = 1")).one()
    for column in COLUMNS:
        expected = ROWS[1][column]
        if column == "color":
            expected = expected.name  # no type information in text(): the stored label
        check_value(column, row._mapping[column], expected)


def test_aware_datetimes_are_the_same_instant_in_any_session_time_zone(types_db):
    with types_db.begin() as conn:
        conn.execute(insert(everything), [{"id": i, "aware": ROWS[i]["aware"]} for i in (1, 2)])
    with types_db.connect() as conn:
        for zone in ("UTC", "Asia/Kathmandu", "America/St_Johns"):
            conn.execute(text(f"SET TIME ZONE '{zone}'"))
            got = conn.execute(select(everything.c.aware).order_by(everything.c.id)).scalars().all()
            assert got == [ROWS[1]["aware"], ROWS[2]["aware"]], zone
            assert all(v.utcoffset() is not None for v in got)


def test_json_scalar_values_round_trip(types_db):
    values = {1: "str", 2: 5, 3: 2.5, 4: True, 5: [], 6: {}}
    with types_db.begin() as conn:
        conn.execute(insert(everything), [{"id": i, "doc": v} for i, v in values.items()])
    with types_db.connect() as conn:
        got = dict(conn.execute(select(everything.c.id, everything.c.doc)).all())
    assert got == values
    assert type(got[4]) is bool


def test_nul_character_in_text_is_a_data_error(types_db):
    # PostgreSQL text cannot hold U+0000; psycopg raises DataError as well
    with types_db.connect() as conn:
        with pytest.raises(DataError):
            conn.execute(insert(everything).values(id=9, txt="nul\x00byte"))
        conn.rollback()
        conn.execute(insert(everything).values(id=9, blob=b"nul\x00byte"))  # bytes are fine
        assert (
            conn.execute(select(everything.c.blob).where(everything.c.id == 9)).scalar_one() == b"nul\x00byte"
        )
        conn.rollback()


# --- integrity errors ----------------------------------------------------------------------


class FamilyBase(DeclarativeBase):
    pass


class Parent(FamilyBase):
    __tablename__ = "parents"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)


class Child(FamilyBase):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    label: Mapped[Optional[str]] = mapped_column(String(20))


@pytest.fixture
def family(pg_url):
    engine = create_engine(pg_url)
    FamilyBase.metadata.create_all(engine)
    with Session(engine) as s:
        p = Parent(name="p")
        s.add(p)
        s.flush()
        s.add(Child(parent_id=p.id, label="c"))
        s.commit()
    yield engine
    engine.dispose()


def family_snapshot(engine):
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT id, name FROM parents ORDER BY id")).all(),
            conn.execute(text("SELECT id, parent_id, label FROM children ORDER BY id")).all(),
        )


VIOLATIONS = {
    # sqlstate, the bad object, words in the message
    "unique": ("23505", lambda: Parent(name="p"), "unique constraint"),
    "not_null": ("23502", lambda: Parent(name=None), "not-null constraint"),
    "foreign_key": ("23503", lambda: Child(parent_id=999, label="orphan"), "foreign key constraint"),
}


@pytest.mark.parametrize("kind", list(VIOLATIONS))
def test_integrity_error_leaves_nothing_and_the_session_usable(family, kind):
    sqlstate, make_bad, words = VIOLATIONS[kind]
    before = family_snapshot(family)
    with Session(family) as s:
        s.get(Child, 1).label = "changed"  # part of the failing transaction
        s.add(Parent(name="fine"))  # fine on its own
        s.add(make_bad())
        with pytest.raises(IntegrityError) as info:
            s.commit()
        assert info.value.orig.sqlstate == sqlstate
        assert words in str(info.value)
        with pytest.raises(PendingRollbackError):
            s.execute(select(Parent)).all()
        s.rollback()
        assert family_snapshot(family) == before  # nothing from the failed flush
        assert s.get(Child, 1).label == "c"
        # the session works again
        s.add(Parent(name="later"))
        s.commit()
        assert s.execute(select(func.count(Parent.id))).scalar() == 2
    parents, children = family_snapshot(family)
    assert [name for _, name in parents] == ["p", "later"]
    assert children == before[1]


def test_core_integrity_error_then_rollback_leaves_the_connection_usable(family):
    parents = Parent.__table__
    with family.connect() as conn:
        conn.execute(insert(parents).values(name="kept-not"))
        with pytest.raises(IntegrityError):
            conn.execute(insert(parents).values(name="p"))
        # the transaction is aborted, as with psycopg, until rollback()
        with pytest.raises(InternalError):
            conn.execute(select(parents.c.id)).all()
        conn.rollback()
        assert conn.execute(select(parents.c.name)).scalars().all() == ["p"]
        conn.execute(insert(parents).values(name="kept"))
        conn.commit()
    assert [name for _, name in family_snapshot(family)[0]] == ["p", "kept"]


def test_errors_carry_orig_statement_params_and_invalidation_flag(family):
    parents = Parent.__table__
    with family.connect() as conn:
        with pytest.raises(IntegrityError) as info:
            conn.execute(insert(parents).values(name="p"))
        conn.rollback()
    err = info.value
    assert isinstance(err, DBAPIError)
    assert isinstance(err.orig, BaseException)
    assert err.orig.sqlstate == "23505"  # as psycopg's Error.sqlstate
    assert err.statement.startswith("INSERT INTO parents")
    assert "$1" in err.statement  # PostgreSQL's own placeholders
    assert ":name" not in err.statement and "%(" not in err.statement and "?" not in err.statement
    assert not isinstance(err.params, dict) and list(err.params) == ["p"]
    assert err.connection_invalidated is False
    message = str(err)
    assert "parents_name_key" in message
    assert "[SQL: INSERT INTO parents" in message

    with family.connect() as conn:
        with pytest.raises(DBAPIError) as info:
            conn.execute(text("SELECT * FROM parents WHERE nme = :n"), {"n": "p"})
    err = info.value
    assert err.orig.sqlstate == "42703"  # undefined_column
    assert err.statement == "SELECT * FROM parents WHERE nme = $1"
    assert list(err.params) == ["p"]
    assert '"nme"' in str(err)


# --- killed backends ---------------------------------------------------------------------


@pytest.fixture
def killer(pg_url):
    """kill(pid): terminate a backend from another (NullPool) engine, and wait until it is gone."""
    engine = create_engine(pg_url, poolclass=NullPool)

    def kill(pid):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar() is True
            for _ in range(100):
                gone = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid})
                if gone.scalar() == 0:
                    return
                conn.rollback()
                time.sleep(0.05)
            raise AssertionError(f"backend {pid} still running")

    yield kill
    engine.dispose()


def backend_pid(conn):
    return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def test_killed_pooled_connection_is_invalidated_and_the_engine_recovers(pg_url, killer):
    engine = create_engine(pg_url, pool_size=1)
    try:
        with engine.connect() as conn:
            pid = backend_pid(conn)
        killer(pid)  # while it sits in the pool
        with pytest.raises(DBAPIError) as info:
            with engine.connect() as conn:
                backend_pid(conn)
        assert isinstance(info.value, OperationalError)
        assert info.value.connection_invalidated is True
        with engine.connect() as conn:  # a new connection
            assert backend_pid(conn) != pid
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_killed_connection_in_use_is_invalidated_and_recovers_after_rollback(pg_url, killer):
    engine = create_engine(pg_url, pool_size=1)
    try:
        with engine.connect() as conn:
            pid = backend_pid(conn)
            killer(pid)
            with pytest.raises(DBAPIError) as info:
                conn.execute(text("SELECT 1"))
            assert isinstance(info.value, OperationalError)
            assert info.value.connection_invalidated is True
            assert info.value.statement == "SELECT 1"
            assert conn.invalidated
            conn.rollback()
            assert backend_pid(conn) != pid
        with Session(engine) as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
            killer(pid)
            with pytest.raises(DBAPIError) as info:
                s.execute(text("SELECT 1"))
            assert info.value.connection_invalidated is True
            s.rollback()
            assert s.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()


def test_killed_pooled_connection_error_names_the_statement_and_the_cause(pg_url, killer):
    engine = create_engine(pg_url, pool_size=1)
    try:
        with engine.connect() as conn:
            pid = backend_pid(conn)
        killer(pid)
        with pytest.raises(DBAPIError) as info:
            with engine.connect() as conn:
                backend_pid(conn)
        # the user's statement, not the implicit BEGIN, and a message that says
        # what happened (psycopg: "terminating connection due to administrator command")
        assert info.value.statement == "SELECT pg_backend_pid()"
        assert "terminat" in str(info.value).lower()
    finally:
        engine.dispose()


def test_invalidated_connection_needs_rollback_pending_rollback_error(pg_url, killer):
    engine = create_engine(pg_url, pool_size=1)
    try:
        with engine.connect() as conn:
            killer(backend_pid(conn))
            with pytest.raises(DBAPIError):
                conn.execute(text("SELECT 1"))
            with pytest.raises(PendingRollbackError):
                conn.execute(text("SELECT 2"))
            conn.rollback()
            assert conn.execute(text("SELECT 3")).scalar() == 3
    finally:
        engine.dispose()


def test_pool_pre_ping_replaces_a_killed_connection_silently(pg_url, killer):
    engine = create_engine(pg_url, pool_size=1, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            pid = backend_pid(conn)
        killer(pid)
        with engine.connect() as conn:  # no error at all
            assert backend_pid(conn) != pid
            assert conn.execute(text("SELECT 1")).scalar() == 1
        with Session(engine) as s:
            pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
            s.commit()
        killer(pid)
        with Session(engine) as s:
            assert s.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()


# --- INSERT, RETURNING, executemany -----------------------------------------------------------

metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("qty", Integer, server_default=text("7")),
)
pairs = Table(
    "pairs",
    metadata,
    Column("k", String(10), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("v", Integer),
)


@pytest.fixture
def dml(pg_url):
    engine = create_engine(pg_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_inserted_primary_key(dml):
    with dml.begin() as conn:
        first = conn.execute(insert(items).values(name="a"))
        assert tuple(first.inserted_primary_key) == (1,)
        second = conn.execute(insert(items).values(name="b"))
        assert second.inserted_primary_key[0] == 2  # from the sequence
        explicit = conn.execute(insert(items).values(id=500, name="c"))
        assert tuple(explicit.inserted_primary_key) == (500,)
        composite = conn.execute(insert(pairs).values(k="x", n=2, v=3))
        assert tuple(composite.inserted_primary_key) == ("x", 2)
    with dml.connect() as conn:
        assert conn.execute(select(items.c.id, items.c.name).order_by(items.c.id)).all() == [
            (1, "a"),
            (2, "b"),
            (500, "c"),
        ]


def test_returning_rows(dml):
    with dml.begin() as conn:
        row = conn.execute(
            insert(items).values(name="r").returning(items.c.id, items.c.qty, items.c.name)
        ).one()
        assert (row.id, row.qty, row.name) == (1, 7, "r")  # qty from the server default
        conn.execute(insert(items), [{"name": "s"}, {"name": "t"}])
        renamed = conn.execute(
            update(items).where(items.c.id > 1).values(qty=items.c.qty + 1).returning(items.c.id, items.c.qty)
        ).all()
        assert sorted(tuple(r) for r in renamed) == [(2, 8), (3, 8)]
        gone = conn.execute(delete(items).where(items.c.name == "t").returning(items.c.id)).scalars().all()
        assert gone == [3]
    with dml.connect() as conn:
        assert conn.execute(select(items.c.name).order_by(items.c.id)).scalars().all() == ["r", "s"]


def test_executemany_rowcount(dml):
    with dml.begin() as conn:
        conn.execute(insert(items), [{"name": f"n{i}"} for i in range(5)])
        result = conn.execute(
            update(items).where(items.c.name == bindparam("old")).values(qty=bindparam("q")),
            [{"old": "n1", "q": 1}, {"old": "n2", "q": 2}, {"old": "missing", "q": 3}],
        )
        assert result.rowcount == 2  # as psycopg: the sum over the parameter sets
        result = conn.execute(
            delete(items).where(items.c.name == bindparam("nm")), [{"nm": "n3"}, {"nm": "zz"}]
        )
        assert result.rowcount == 1
    with dml.connect() as conn:
        assert conn.execute(select(items.c.name, items.c.qty).order_by(items.c.id)).all() == [
            ("n0", 7),
            ("n1", 1),
            ("n2", 2),
            ("n4", 7),
        ]


def test_bulk_insert_of_1000_dicts(dml, capture_sql):
    rows = [{"name": f"bulk-{i}", "qty": i} for i in range(1000)]
    with capture_sql(dml) as seen:
        with dml.begin() as conn:
            result = conn.execute(insert(items), rows)
    assert result.rowcount in (1000, -1)
    assert len([s for s in seen if s.upper().startswith("INSERT")]) >= 1
    with dml.connect() as conn:
        got = conn.execute(select(items.c.name, items.c.qty).order_by(items.c.id)).all()
        assert [tuple(r) for r in got] == [(r["name"], r["qty"]) for r in rows]
        assert conn.execute(select(func.sum(items.c.qty))).scalar() == sum(range(1000))
    # and through the ORM session
    with Session(dml) as s:
        s.execute(insert(items), rows[:10])
        s.commit()
        assert s.execute(select(func.count()).select_from(items)).scalar() == 1010


# --- bound, never spliced --------------------------------------------------------------------

HOSTILE = [
    "x'); DROP TABLE t; --",
    "Robert'); DROP TABLE items;--",
    "$1 $2 :name %s %(name)s ? ::text",
    "back\\slash \\' \"double\" E'\\x41'",
    "/* comment */ -- dash",
    "",
]


def test_values_are_bound_never_spliced(dml, capture_sql):
    t = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("s", Text))
    t.create(dml)
    with capture_sql(dml) as seen:
        with dml.begin() as conn:
            conn.execute(insert(t), [{"id": i, "s": v} for i, v in enumerate(HOSTILE)])
            conn.execute(text("INSERT INTO t (id, s) VALUES (:i, :s)"), {"i": 100, "s": HOSTILE[0]})
    assert not any("DROP" in sql for sql in seen)
    with dml.connect() as conn:
        assert conn.execute(select(t.c.s).where(t.c.id < 100).order_by(t.c.id)).scalars().all() == HOSTILE
        for i, value in enumerate(HOSTILE):
            assert conn.execute(select(t.c.id).where(t.c.s == value, t.c.id < 100)).scalar_one() == i
            assert (
                conn.execute(text("SELECT id FROM t WHERE s = :v AND id < 100"), {"v": value}).scalar_one()
                == i
            )
        assert conn.execute(select(t.c.s).where(t.c.id == 100)).scalar_one() == HOSTILE[0]
        assert conn.execute(select(func.count()).select_from(items)).scalar() == 0  # still there
    with Session(dml) as s:
        s.execute(insert(t).values(id=200, s=HOSTILE[1]))
        s.commit()
        assert s.execute(select(t.c.s).where(t.c.id == 200)).scalar_one() == HOSTILE[1]


# --- text() --------------------------------------------------------------------------------


def test_text_with_named_parameters(dml, capture_sql):
    with dml.begin() as conn:
        conn.execute(
            insert(items), [{"name": "a", "qty": 1}, {"name": "b", "qty": 2}, {"name": "c", "qty": 3}]
        )
    with dml.connect() as conn:
        with capture_sql(dml) as seen:
            rows = conn.execute(
                text(
                    "SELECT name FROM items WHERE qty >= :low AND (name = :n OR name = :n || 'x') ORDER BY id"
                ),
                {"low": 2, "n": "c"},
            ).all()
        assert rows == [("c",)]
        assert ":low" not in seen[0] and "$1" in seen[0] and "$2" in seen[0]
        # PostgreSQL casts and string literals with colons are left alone
        row = conn.execute(
            text("SELECT id::text AS s, '10:30' AS clock, :k AS k FROM items WHERE name = :n"),
            {"n": "a", "k": "key"},
        ).one()
        assert tuple(row) == ("1", "10:30", "key")
        stmt = text("SELECT count(*) FROM items WHERE qty < :q").bindparams(q=3)
        assert conn.execute(stmt).scalar() == 2
        result = conn.execute(text("UPDATE items SET qty = qty * :f WHERE name <> :n"), {"f": 10, "n": "a"})
        assert result.rowcount == 2
        assert conn.execute(text("SELECT sum(qty) FROM items")).scalar() == 51
        conn.rollback()
        assert conn.execute(text("SELECT sum(qty) FROM items")).scalar() == 6


def test_text_parameters_keep_their_python_types(pg_url):
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            for value in (3, 2**40, 2.5, True, b"\x00\xff", "s"):
                got = conn.execute(text("SELECT :v AS v"), {"v": value}).scalar()
                assert got == value and type(got) is type(value), (value, got)
            typed = text("SELECT :v AS v").bindparams(bindparam("v", type_=Integer))
            assert conn.execute(typed, {"v": 7}).scalar() == 7
    finally:
        engine.dispose()


def test_statements_are_prepared_once_and_reused(dml, capture_sql):
    # The same SQL text with different values: one server-side prepared
    # statement per connection, and the right result every time.
    with capture_sql(dml) as seen:
        with dml.begin() as conn:
            for i in range(50):
                conn.execute(insert(items).values(name=f"p{i}", qty=i))
        with dml.connect() as conn:
            got = [
                conn.execute(select(items.c.qty).where(items.c.name == f"p{i}")).scalar_one()
                for i in range(50)
            ]
            assert got == list(range(50))
            select_sql = seen[-1]
            prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
    assert len(set(seen[:100])) == 2  # one INSERT text, one SELECT text
    assert prepared.count(select_sql) == 1
