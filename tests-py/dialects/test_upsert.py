"""Dialect upserts: cormorant.dialects.{sqlite,postgresql}.insert() with
on_conflict_do_update() / on_conflict_do_nothing() and `excluded`, through
Core connections and ORM sessions, on every backend."""

import enum
import uuid
from typing import Any

import pytest
from cormorant import (
    JSON,
    Column,
    Enum,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
    select,
)
from cormorant.dialects import postgresql, sqlite
from cormorant.exc import IntegrityError, InvalidRequestError
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column

metadata = MetaData()
kv = Table(
    "kv",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("k", String(30), unique=True),
    Column("n", Integer, default=0),
)


class Mood(enum.Enum):
    calm = "c"
    angry = "a"


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column("email_address", String(80), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    visits: Mapped[int] = mapped_column(default=1)
    prefs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    token: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    mood: Mapped[Mood] = mapped_column(Enum(Mood), default=Mood.calm)


@pytest.fixture
def dialect(backend):
    """The dialect module matching the backend under test."""
    return postgresql if backend == "postgresql" else sqlite


@pytest.fixture
def tables(engine):
    metadata.create_all(engine)
    Base.metadata.create_all(engine)
    return engine


def kv_rows(conn):
    return dict(conn.execute(select(kv.c.k, kv.c.n).order_by(kv.c.k)).all())


def bump(dialect, key, amount):
    stmt = dialect.insert(kv).values(k=key, n=amount)
    return stmt.on_conflict_do_update(index_elements=[kv.c.k], set_={"n": kv.c.n + stmt.excluded.n})


# --- the API -----------------------------------------------------------------------------


def test_dialect_modules_expose_insert():
    from cormorant.dialects.postgresql import insert as pg_insert
    from cormorant.dialects.sqlite import insert as lite_insert

    for make in (pg_insert, lite_insert):
        stmt = make(kv)
        assert isinstance(stmt, Insert)
        assert type(stmt.values(k="x")) is type(stmt)
        assert type(stmt.on_conflict_do_nothing()) is type(stmt)
    assert pg_insert is postgresql.insert and lite_insert is sqlite.insert


def test_excluded_by_attribute_item_column_and_orm_key():
    stmt = sqlite.insert(kv)
    assert stmt.excluded.n.name == "n" and stmt.excluded["n"].name == "n"
    assert stmt.excluded[kv.c.k].name == "k"
    assert "n" in stmt.excluded and "nope" not in stmt.excluded
    assert stmt.excluded.keys() == ["id", "k", "n"]
    assert [c.name for c in stmt.excluded] == ["id", "k", "n"]
    with pytest.raises(AttributeError):
        _ = stmt.excluded.nope
    with pytest.raises(KeyError):
        _ = stmt.excluded["nope"]
    orm = postgresql.insert(Member)
    # the attribute key, the Column's key and the column's SQL name all lead to email_address
    assert orm.excluded.email.name == "email_address"
    assert orm.excluded[Member.email].name == "email_address"
    assert orm.excluded["email_address"].name == "email_address"


def test_only_one_on_conflict_clause():
    stmt = sqlite.insert(kv).values(k="a").on_conflict_do_nothing()
    with pytest.raises(InvalidRequestError, match="already has an ON CONFLICT clause"):
        stmt.on_conflict_do_update(index_elements=["k"], set_={"n": 1})


def test_do_update_needs_set_and_postgresql_needs_a_target():
    with pytest.raises(ValueError, match="at least one entry"):
        sqlite.insert(kv).on_conflict_do_update(index_elements=["k"], set_={})
    with pytest.raises(ValueError, match="index_elements"):
        postgresql.insert(kv).on_conflict_do_update(set_={"n": 1})
    with pytest.raises(ValueError, match="mutually exclusive"):
        postgresql.insert(kv).on_conflict_do_nothing(constraint="kv_k_key", index_elements=["k"])
    with pytest.raises(KeyError, match="nope"):
        sqlite.insert(kv).on_conflict_do_update(index_elements=["k"], set_={"nope": 1})


def test_partial_index_target_is_refused_not_ignored():
    with pytest.raises(NotImplementedError, match="index_where"):
        sqlite.insert(kv).on_conflict_do_nothing(index_elements=["k"], index_where=kv.c.n > 0)
    with pytest.raises(NotImplementedError, match="index_where"):
        postgresql.insert(kv).on_conflict_do_update(
            index_elements=["k"], index_where=kv.c.n > 0, set_={"n": 1}
        )


# --- DO UPDATE -----------------------------------------------------------------------------


def test_do_update_with_excluded_arithmetic(tables, dialect):
    with tables.begin() as conn:
        for amount in (1, 2, 3):
            conn.execute(bump(dialect, "home", amount))
        conn.execute(bump(dialect, "about", 10))
        stmt = dialect.insert(kv).values(k="home", n=7)
        conn.execute(stmt.on_conflict_do_update(index_elements=["k"], set_={kv.c.n: stmt.excluded.n * 100}))
        assert kv_rows(conn) == {"about": 10, "home": 700}
        assert conn.execute(select(func.count()).select_from(kv)).scalar() == 2


def test_do_update_where_limits_the_update(tables, dialect):
    def keep_max(key, amount):
        stmt = dialect.insert(kv).values(k=key, n=amount)
        return stmt.on_conflict_do_update(
            index_elements=[kv.c.k], set_={"n": stmt.excluded.n}, where=kv.c.n < stmt.excluded.n
        ).returning(kv.c.n)

    with tables.begin() as conn:
        assert conn.execute(keep_max("a", 5)).scalar_one() == 5
        assert conn.execute(keep_max("a", 3)).scalar_one_or_none() is None  # WHERE false: no row
        assert kv_rows(conn) == {"a": 5}
        assert conn.execute(keep_max("a", 9)).scalar_one() == 9
        assert kv_rows(conn) == {"a": 9}


def test_do_update_with_a_literal_value(tables, dialect):
    with tables.begin() as conn:
        conn.execute(dialect.insert(kv).values(k="a", n=1))
        stmt = dialect.insert(kv).values(k="a", n=50)
        conn.execute(stmt.on_conflict_do_update(index_elements=["k"], set_={"n": -4}))
        assert kv_rows(conn) == {"a": -4}


# --- DO NOTHING ----------------------------------------------------------------------------


def test_do_nothing_with_returning(tables, dialect):
    with tables.begin() as conn:
        first = conn.execute(
            dialect.insert(kv).values(k="a", n=1).on_conflict_do_nothing().returning(kv.c.id)
        ).scalar_one_or_none()
        second = conn.execute(
            dialect.insert(kv)
            .values(k="a", n=2)
            .on_conflict_do_nothing(index_elements=[kv.c.k])
            .returning(kv.c.id)
        ).scalar_one_or_none()
        assert isinstance(first, int) and second is None
        assert kv_rows(conn) == {"a": 1}


def test_do_nothing_target_covers_only_its_index(tables, dialect):
    with tables.connect() as conn:
        conn.execute(dialect.insert(kv).values(id=1, k="a", n=1))
        conn.commit()
        other_key = dialect.insert(kv).values(id=1, k="b", n=2)
        with pytest.raises(IntegrityError):  # the primary key conflicts, not k
            conn.execute(other_key.on_conflict_do_nothing(index_elements=["k"]).returning(kv.c.id))
        conn.rollback()
        assert conn.execute(other_key.on_conflict_do_nothing().returning(kv.c.id)).all() == []
        assert kv_rows(conn) == {"a": 1}


def test_do_nothing_single_row_without_returning(tables, dialect):
    with tables.begin() as conn:
        conn.execute(dialect.insert(kv).values(k="a", n=1))
        result = conn.execute(dialect.insert(kv).values(k="a", n=2).on_conflict_do_nothing())
        assert result.rowcount == 0
        assert kv_rows(conn) == {"a": 1}


def test_do_nothing_multi_row_inserts_only_new_keys(tables, dialect):
    with tables.begin() as conn:
        conn.execute(dialect.insert(kv).values([{"k": "a", "n": 1}, {"k": "b", "n": 2}]))
        stmt = dialect.insert(kv).values([{"k": "b", "n": 20}, {"k": "c", "n": 30}])
        got = conn.execute(stmt.on_conflict_do_nothing(index_elements=["k"]).returning(kv.c.k)).scalars()
        assert list(got) == ["c"]
        assert kv_rows(conn) == {"a": 1, "b": 2, "c": 30}


# --- RETURNING, many rows ------------------------------------------------------------------


def test_returning_gives_inserted_then_updated_row(tables, dialect):
    def upsert(n):
        stmt = dialect.insert(kv).values(k="a", n=n)
        return stmt.on_conflict_do_update(
            index_elements=["k"], set_={"n": kv.c.n + stmt.excluded.n}
        ).returning(kv.c.id, kv.c.k, kv.c.n)

    with tables.begin() as conn:
        inserted = conn.execute(upsert(4)).one()
        updated = conn.execute(upsert(6)).one()
        assert inserted.k == "a" and inserted.n == 4
        assert updated.id == inserted.id and updated.n == 10


def test_multi_row_values_upsert(tables, dialect):
    rows = [{"k": f"k{i}", "n": i} for i in range(30)]
    with tables.begin() as conn:
        conn.execute(dialect.insert(kv).values(rows[:20]))
        stmt = dialect.insert(kv).values(rows[10:])
        result = conn.execute(
            stmt.on_conflict_do_update(index_elements=["k"], set_={"n": stmt.excluded.n + 1000}).returning(
                kv.c.k, kv.c.n
            )
        )
        assert sorted(result.all()) == sorted((f"k{i}", i + 1000 if i < 20 else i) for i in range(10, 30))
        got = kv_rows(conn)
    assert len(got) == 30
    assert got["k5"] == 5 and got["k15"] == 1015 and got["k25"] == 25


def test_executemany_upsert_on_connection(tables, dialect):
    stmt = dialect.insert(kv)
    stmt = stmt.on_conflict_do_update(index_elements=[kv.c.k], set_={"n": kv.c.n + stmt.excluded.n})
    with tables.begin() as conn:
        conn.execute(stmt, [{"k": "a", "n": 1}, {"k": "b", "n": 2}])
        result = conn.execute(stmt, [{"k": "a", "n": 10}, {"k": "c", "n": 3}, {"k": "a", "n": 100}])
        assert result.rowcount in (3, -1)
        assert kv_rows(conn) == {"a": 111, "b": 2, "c": 3}


def test_executemany_with_a_literal_in_set_and_a_python_default(tables, dialect):
    stmt = dialect.insert(kv)
    stmt = stmt.on_conflict_do_update(index_elements=["k"], set_={"n": 77})
    with tables.begin() as conn:
        conn.execute(stmt, [{"k": "a"}, {"k": "b", "n": 5}])  # "a" takes n's default 0
        assert kv_rows(conn) == {"a": 0, "b": 5}
        conn.execute(stmt, [{"k": "a"}, {"k": "z"}])
        assert kv_rows(conn) == {"a": 77, "b": 5, "z": 0}


# --- typed values in set_ ------------------------------------------------------------------


def test_json_uuid_and_enum_values_in_set_go_through_their_types(tables, dialect):
    token = uuid.UUID("12345678-1234-5678-1234-567812345678")
    prefs = {"theme": "dark", "tags": ["a", "b"], "nested": {"ok": True, "none": None}}
    with Session(tables) as session:
        session.execute(dialect.insert(Member).values(email="a@x", name="A"))
        stmt = dialect.insert(Member).values(email="a@x", name="ignored")
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Member.email],
                set_={Member.prefs: prefs, "token": token, Member.mood: Mood.angry},
            )
        )
        session.commit()
        row = session.execute(select(Member.name, Member.prefs, Member.token, Member.mood)).one()
    assert row.name == "A"
    assert row.prefs == prefs
    assert row.token == token and isinstance(row.token, uuid.UUID)
    assert row.mood is Mood.angry


def test_set_values_are_bound_parameters(tables, dialect, capture_sql):
    secret = "zebra'; DROP TABLE kv; --"
    doc = {"marker": "json-marker-7"}
    with Session(tables) as session, capture_sql(tables) as seen:
        stmt = dialect.insert(Member).values(email="b@x", name="B")
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["email"], set_={"name": secret, "prefs": doc, "visits": 424242}
            )
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["email"], set_={"name": secret, "prefs": doc, "visits": 424242}
            )
        )
        session.commit()
        upserts = [s for s in seen if "ON CONFLICT" in s]
        assert len(upserts) == 2
        for sql in upserts:
            assert "DO UPDATE SET" in sql
            for literal in ("zebra", "json-marker-7", "424242"):
                assert literal not in sql
        row = session.execute(select(Member.name, Member.prefs, Member.visits)).one()
    assert tuple(row) == (secret, doc, 424242)


# --- ORM sessions --------------------------------------------------------------------------


def test_orm_session_upsert_with_attribute_keys(tables, dialect):
    def visit(email, name):
        stmt = dialect.insert(Member).values(email=email, name=name)
        return stmt.on_conflict_do_update(
            index_elements=[Member.email],
            set_={Member.name: stmt.excluded.name, Member.visits: Member.visits + 1},
        )

    with Session(tables) as session:
        session.execute(visit("a@x", "Ann"))
        session.execute(visit("a@x", "Anna"))
        session.execute(visit("b@x", "Bob"))
        session.execute(visit("a@x", "Annie"))
        session.commit()
        got = session.execute(select(Member.email, Member.name, Member.visits).order_by(Member.email)).all()
    assert [tuple(r) for r in got] == [("a@x", "Annie", 3), ("b@x", "Bob", 1)]


def test_orm_session_upsert_returning_entities(tables, dialect):
    with Session(tables) as session:
        stmt = dialect.insert(Member).values(email="a@x", name="Ann")
        upsert = stmt.on_conflict_do_update(
            index_elements=[Member.email], set_={"name": stmt.excluded.name + "!"}
        ).returning(Member)
        first = session.execute(upsert).scalar_one()
        assert isinstance(first, Member) and first.name == "Ann" and first.visits == 1
        session.commit()
        again = session.execute(upsert).scalar_one()
        session.commit()
        assert again.id == first.id
        assert session.execute(select(Member.name)).scalar_one() == "Ann!"


def test_orm_session_executemany_upsert(tables, dialect):
    stmt = dialect.insert(Member)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Member.email], set_={Member.visits: Member.visits + stmt.excluded.visits}
    )
    with Session(tables) as session:
        session.execute(stmt, [{"email": f"u{i}@x", "name": f"u{i}", "visits": i} for i in range(5)])
        session.execute(stmt, [{"email": f"u{i}@x", "name": "again", "visits": 10} for i in range(3, 8)])
        session.commit()
        got = dict(session.execute(select(Member.email, Member.visits)).all())
        names = set(session.scalars(select(Member.name)))
    assert got == {
        "u0@x": 0,
        "u1@x": 1,
        "u2@x": 2,
        "u3@x": 13,
        "u4@x": 14,
        "u5@x": 10,
        "u6@x": 10,
        "u7@x": 10,
    }
    assert names == {"u0", "u1", "u2", "u3", "u4", "again"}


# --- dialect specifics ---------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_sqlite_do_update_without_a_target(tables, backend):
    with tables.begin() as conn:
        conn.execute(sqlite.insert(kv).values(k="a", n=1))
        stmt = sqlite.insert(kv).values(k="a", n=2)
        conn.execute(stmt.on_conflict_do_update(set_={"n": kv.c.n + stmt.excluded.n}))
        assert kv_rows(conn) == {"a": 3}


@pytest.mark.postgresql_only
def test_postgresql_constraint_as_target(engine, backend):
    md = MetaData()
    pairs = Table(
        "pairs",
        md,
        Column("id", Integer, primary_key=True),
        Column("a", Integer),
        Column("b", Integer),
        Column("n", Integer),
        UniqueConstraint("a", "b", name="uq_pairs_ab"),
    )
    md.create_all(engine)
    unique = pairs.constraints[0]
    with engine.begin() as conn:
        for target in ("uq_pairs_ab", unique, "uq_pairs_ab"):
            stmt = postgresql.insert(pairs).values(a=1, b=2, n=1)
            conn.execute(
                stmt.on_conflict_do_update(constraint=target, set_={"n": pairs.c.n + stmt.excluded.n})
            )
        stmt = postgresql.insert(pairs).values(id=1, a=5, b=5, n=0)
        conn.execute(stmt.on_conflict_do_update(constraint="pairs_pkey", set_={"n": 100}))
        assert conn.execute(select(pairs.c.a, pairs.c.b, pairs.c.n)).all() == [(1, 2, 100)]
    metadata.create_all(engine)
    with engine.begin() as conn:  # PostgreSQL's name for the unique column kv.k
        skip_dupes = postgresql.insert(kv).on_conflict_do_nothing(constraint="kv_k_key").returning(kv.c.n)
        assert conn.execute(skip_dupes.values(k="a", n=1)).scalar_one_or_none() == 1
        assert conn.execute(skip_dupes.values(k="a", n=2)).scalar_one_or_none() is None
        assert kv_rows(conn) == {"a": 1}
    with pytest.raises(Exception, match="no constraint or index named 'missing'"):
        postgresql.insert(pairs).on_conflict_do_nothing(constraint="missing")
