"""Core (no ORM): Table/MetaData, select constructs, DML, text(), binding and
the statement cache."""

import enum
import uuid

import pytest
from cormorant import (
    JSON,
    Column,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    and_,
    between,
    bindparam,
    delete,
    func,
    insert,
    not_,
    or_,
    select,
    text,
    update,
)

metadata = MetaData()
teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False),
)
players = Table(
    "players",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=True),
    Column("score", Integer, nullable=True),
)

PLAYERS = [
    {"id": 1, "name": "Alice", "team_id": 1, "score": 10},
    {"id": 2, "name": "alan", "team_id": 1, "score": 20},
    {"id": 3, "name": "Bruno", "team_id": 2, "score": 30},
    {"id": 4, "name": "Carla", "team_id": None, "score": None},
    {"id": 5, "name": "Dmitri", "team_id": 2, "score": 50},
]


@pytest.fixture
def conn(engine):
    metadata.create_all(engine)
    with engine.begin() as c:
        # no explicit ids: the autoincrement (a sequence on PostgreSQL) hands out 1, 2, 3,
        # so later inserts without an id continue at 4 on every backend
        c.execute(insert(teams).values([{"name": "red"}, {"name": "blue"}, {"name": "green"}]))
        assert c.execute(select(teams.c.id, teams.c.name).order_by(teams.c.id)).all() == [
            (1, "red"),
            (2, "blue"),
            (3, "green"),
        ]
        c.execute(insert(players), PLAYERS)
    with engine.connect() as c:
        yield c
    metadata.drop_all(engine)


def ids(conn, *where):
    return [r.id for r in conn.execute(select(players.c.id).where(*where).order_by(players.c.id))]


# --- Table / MetaData --------------------------------------------------------------


def test_table_metadata_shape():
    assert list(metadata.tables) == ["teams", "players"]
    assert [c.name for c in players.columns] == ["id", "name", "team_id", "score"]
    assert players.c.id.primary_key and not players.c.name.primary_key
    assert players.c.name.nullable is False and players.c.score.nullable is True
    assert [t.name for t in metadata.sorted_tables] == ["teams", "players"]
    assert players.c["score"] is players.c.score


def test_create_and_drop_single_table(engine, table_names):
    md = MetaData()
    t = Table("solo", md, Column("id", Integer, primary_key=True), Column("v", String(10)))
    t.create(engine)
    assert "solo" in table_names(engine)
    with engine.begin() as conn:
        conn.execute(insert(t).values(v="x"))
    with engine.connect() as conn:
        assert conn.execute(select(t.c.v)).scalar_one() == "x"
    t.drop(engine)
    assert "solo" not in table_names(engine)


# --- select -------------------------------------------------------------------------


def test_join_and_outerjoin(conn):
    rows = conn.execute(
        select(players.c.name, teams.c.name.label("team")).join(teams).order_by(players.c.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("Alice", "red"),
        ("alan", "red"),
        ("Bruno", "blue"),
        ("Dmitri", "blue"),
    ]
    rows = conn.execute(
        select(players.c.name, teams.c.name.label("team"))
        .outerjoin(teams, players.c.team_id == teams.c.id)
        .order_by(players.c.id)
    ).all()
    assert len(rows) == 5
    assert rows[3] == ("Carla", None)


def test_select_from_and_join_from_the_other_side(conn):
    stmt = (
        select(teams.c.name, func.count(players.c.id).label("n"))
        .select_from(teams)
        .outerjoin(players, players.c.team_id == teams.c.id)
        .group_by(teams.c.name)
        .order_by(teams.c.name)
    )
    assert [tuple(r) for r in conn.execute(stmt)] == [("blue", 2), ("green", 0), ("red", 2)]
    assert conn.execute(select(func.count()).select_from(players)).scalar() == 5


def test_aggregates_label_group_by_having(conn):
    assert conn.execute(select(func.count(players.c.id))).scalar() == 5
    assert conn.execute(select(func.count(players.c.score))).scalar() == 4  # NULLs not counted
    assert conn.execute(select(func.max(players.c.score))).scalar() == 50
    row = conn.execute(
        select(func.sum(players.c.score).label("total"), func.min(players.c.score).label("low"))
    ).one()
    assert (row.total, row.low) == (110, 10)
    rows = conn.execute(
        select(players.c.team_id, func.sum(players.c.score).label("total"))
        .where(players.c.team_id.isnot(None))
        .group_by(players.c.team_id)
        .having(func.sum(players.c.score) > 40)
    ).all()
    assert [(r.team_id, r.total) for r in rows] == [(2, 80)]


def test_in_and_not_in(conn):
    assert ids(conn, players.c.id.in_([2, 4, 99])) == [2, 4]
    assert ids(conn, players.c.id.in_([])) == []
    assert ids(conn, players.c.id.not_in([1, 2])) == [3, 4, 5]
    assert ids(conn, players.c.id.not_in([])) == [1, 2, 3, 4, 5]
    assert ids(conn, players.c.name.in_(("Alice", "Bruno"))) == [1, 3]


def test_between_like_ilike(conn):
    assert ids(conn, players.c.score.between(20, 30)) == [2, 3]
    assert ids(conn, between(players.c.score, 20, 30)) == [2, 3]
    assert ids(conn, players.c.name.like("B%")) == [3]
    assert ids(conn, players.c.name.like("%i%")) == [1, 5]
    assert ids(conn, players.c.name.ilike("a%")) == [1, 2]
    assert ids(conn, players.c.name.ilike("%I%")) == [1, 5]
    assert ids(conn, players.c.name.not_like("B%")) == [1, 2, 4, 5]


def test_is_isnot_invert_and_or(conn):
    assert ids(conn, players.c.score.is_(None)) == [4]
    assert ids(conn, players.c.score == None) == [4]  # noqa: E711
    assert ids(conn, players.c.score.isnot(None)) == [1, 2, 3, 5]
    assert ids(conn, players.c.score.is_not(None)) == [1, 2, 3, 5]
    assert ids(conn, ~(players.c.team_id == 1)) == [3, 5]
    assert ids(conn, not_(players.c.team_id == 1)) == [3, 5]
    assert ids(conn, and_(players.c.team_id == 1, players.c.score > 10)) == [2]
    assert ids(conn, or_(players.c.team_id == 2, players.c.score.is_(None))) == [3, 4, 5]
    assert ids(conn, or_(players.c.id == 1, and_(players.c.team_id == 2, players.c.score > 40))) == [1, 5]
    assert ids(conn, (players.c.id == 1) | (players.c.id == 3)) == [1, 3]
    assert ids(conn, (players.c.team_id == 2) & (players.c.score < 40)) == [3]


def test_limit_offset(conn):
    base = select(players.c.id).order_by(players.c.id)
    assert conn.execute(base.limit(2)).scalars().all() == [1, 2]
    assert conn.execute(base.limit(2).offset(2)).scalars().all() == [3, 4]
    assert conn.execute(base.offset(3)).scalars().all() == [4, 5]
    assert conn.execute(base.limit(0)).scalars().all() == []


def test_order_by_desc_and_expressions(conn):
    rows = conn.execute(
        select(players.c.name, (players.c.score * 2).label("dbl"))
        .where(players.c.score.isnot(None))
        .order_by(players.c.score.desc())
    ).all()
    assert [(r.name, r.dbl) for r in rows] == [("Dmitri", 100), ("Bruno", 60), ("alan", 40), ("Alice", 20)]


# --- DML ------------------------------------------------------------------------------


def test_multi_row_insert_values(conn, capture_sql):
    with capture_sql(conn.engine) as seen:
        result = conn.execute(insert(teams).values([{"id": 10, "name": "a"}, {"id": 11, "name": "b"}]))
    assert result.rowcount == 2
    inserts = [s for s in seen if s.upper().startswith("INSERT")]
    assert len(inserts) == 1  # one statement, many VALUES groups
    assert conn.execute(
        select(teams.c.name).where(teams.c.id >= 10).order_by(teams.c.id)
    ).scalars().all() == ["a", "b"]
    conn.rollback()


def test_executemany(conn):
    result = conn.execute(insert(teams), [{"id": 100 + i, "name": f"t{i}"} for i in range(50)])
    assert result.rowcount in (50, -1)
    assert conn.execute(select(func.count(teams.c.id)).where(teams.c.id >= 100)).scalar() == 50
    conn.execute(
        update(teams).where(teams.c.id == bindparam("tid")).values(name=bindparam("new")),
        [{"tid": 100, "new": "x"}, {"tid": 101, "new": "y"}],
    )
    assert conn.execute(
        select(teams.c.name).where(teams.c.id.in_([100, 101])).order_by(teams.c.id)
    ).scalars().all() == [
        "x",
        "y",
    ]
    conn.rollback()


def test_update_rowcount(conn):
    result = conn.execute(update(players).where(players.c.team_id == 1).values(score=players.c.score + 1))
    assert result.rowcount == 2
    assert conn.execute(select(players.c.score).where(players.c.id == 1)).scalar() == 11
    assert conn.execute(update(players).where(players.c.id == 999).values(score=0)).rowcount == 0
    conn.commit()
    assert conn.execute(select(players.c.score).where(players.c.id == 2)).scalar() == 21


def test_delete_rowcount(conn):
    result = conn.execute(delete(players).where(players.c.score.is_(None)))
    assert result.rowcount == 1
    assert conn.execute(delete(players).where(players.c.id > 4)).rowcount == 1
    assert conn.execute(select(func.count(players.c.id))).scalar() == 3
    conn.rollback()
    assert conn.execute(select(func.count(players.c.id))).scalar() == 5


def test_insert_returning(conn):
    row = conn.execute(insert(teams).values(name="purple").returning(teams.c.id, teams.c.name)).one()
    assert row.name == "purple" and isinstance(row.id, int) and row.id > 3
    assert conn.execute(select(teams.c.name).where(teams.c.id == row.id)).scalar_one() == "purple"
    new_id = conn.execute(insert(teams).values(name="grey").returning(teams.c.id)).scalar_one()
    assert new_id == row.id + 1
    conn.rollback()


def test_single_insert_takes_its_execution_parameters_as_column_values(conn):
    result = conn.execute(insert(teams), {"name": "teal"})
    assert (
        conn.execute(select(teams.c.name).where(teams.c.id == result.inserted_primary_key.id)).scalar_one()
        == "teal"
    )
    explicit = conn.execute(insert(teams), {"id": 90, "name": "navy"})
    assert tuple(explicit.inserted_primary_key) == (90,)
    returned = conn.execute(insert(teams).returning(teams.c.id, teams.c.name), {"name": "lime"}).one()
    assert returned.name == "lime"
    conn.rollback()


def test_inserted_primary_key(conn):
    result = conn.execute(insert(teams).values(name="amber"))
    assert result.inserted_primary_key is not None
    assert tuple(result.inserted_primary_key) == (4,)
    assert result.inserted_primary_key[0] == 4
    assert result.inserted_primary_key.id == 4  # a Row, named by the key's columns
    conn.rollback()


def test_update_and_delete_returning(conn):
    rows = (
        conn.execute(update(players).where(players.c.team_id == 2).values(score=0).returning(players.c.id))
        .scalars()
        .all()
    )
    assert sorted(rows) == [3, 5]
    gone = conn.execute(delete(players).where(players.c.id == 4).returning(players.c.name)).scalar_one()
    assert gone == "Carla"
    conn.rollback()


# --- text() and binding ------------------------------------------------------------------


def test_text_with_named_parameters(conn):
    rows = conn.execute(
        text("SELECT name FROM players WHERE score >= :low AND team_id = :team ORDER BY id"),
        {"low": 15, "team": 1},
    ).all()
    assert rows == [("alan",)]
    stmt = text("SELECT count(*) FROM players WHERE name = :n").bindparams(n="Bruno")
    assert conn.execute(stmt).scalar() == 1
    conn.execute(text("UPDATE players SET score = :s WHERE id = :i"), {"s": 99, "i": 1})
    assert conn.execute(text("SELECT score FROM players WHERE id = 1")).scalar() == 99
    conn.rollback()


def test_hostile_strings_are_bound_not_spliced(conn):
    hostile = "Bob'); DROP TABLE players;--"  # fits String(30), which PostgreSQL enforces
    tricky = "x' OR '1'='1"
    assert conn.execute(select(players.c.id).where(players.c.name == tricky)).all() == []
    conn.execute(insert(players).values(id=6, name=hostile))
    conn.execute(text("INSERT INTO players (id, name) VALUES (:i, :n)"), {"i": 7, "n": tricky})
    assert conn.execute(select(players.c.name).where(players.c.id == 6)).scalar_one() == hostile
    assert conn.execute(select(players.c.id).where(players.c.name == tricky)).scalar_one() == 7
    assert conn.execute(
        select(players.c.id).where(players.c.name.like("%'%")).order_by(players.c.id)
    ).scalars().all() == [6, 7]
    assert conn.execute(select(func.count(players.c.id))).scalar() == 7
    conn.rollback()


def test_values_are_parameters_in_sql(conn, capture_sql):
    with capture_sql(conn.engine) as seen:
        conn.execute(select(players.c.id).where(players.c.name == "SENTINEL_VALUE_123")).all()
    assert len(seen) == 1
    assert "SENTINEL_VALUE_123" not in seen[0]


def test_statement_cache_reuses_sql_text(conn, capture_sql):
    def run(name, score, limit):
        stmt = (
            select(players.c.id, players.c.name)
            .where(players.c.name == name, players.c.score > score)
            .order_by(players.c.id)
            .limit(limit)
        )
        return conn.execute(stmt).all()

    with capture_sql(conn.engine) as seen:
        first = run("Alice", 0, 5)
        second = run("Bruno", 25, 5)
    assert [r.name for r in first] == ["Alice"]
    assert [r.name for r in second] == ["Bruno"]
    assert len(seen) == 2
    assert seen[0] == seen[1]
    # and a different shape gives different SQL
    cached_sql = seen[0]
    with capture_sql(conn.engine) as seen:
        conn.execute(select(players.c.id).where(players.c.name != "x")).all()
    assert len(seen) == 1 and seen[0] != cached_sql


def test_in_lists_of_different_lengths_both_work(conn):
    # cached shapes must not confuse bind counts
    assert ids(conn, players.c.id.in_([1, 2])) == [1, 2]
    assert ids(conn, players.c.id.in_([1, 2, 3])) == [1, 2, 3]
    assert ids(conn, players.c.id.in_([5])) == [5]


# --- checked against SQLAlchemy 2.0 (xfail where cormorant still differs) -----------------


class Shade(enum.Enum):
    light = "l"
    dark = "d"


typed_metadata = MetaData()
typed = Table(
    "typed",
    typed_metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", Uuid),
    Column("doc", JSON),
    Column("shade", Enum(Shade)),
)


@pytest.fixture
def typed_engine(engine):
    typed_metadata.create_all(engine)
    yield engine
    typed_metadata.drop_all(engine)


def test_executemany_insert_returning_returns_every_row(conn):
    result = conn.execute(insert(teams).returning(teams.c.id, teams.c.name), [{"name": "x"}, {"name": "y"}])
    assert sorted(tuple(r) for r in result.all()) == [(4, "x"), (5, "y")]
    conn.rollback()


def test_bindparam_with_a_value(conn):
    assert (
        conn.execute(select(players.c.name).where(players.c.id == bindparam("pid", 3))).scalar_one()
        == "Bruno"
    )


def test_executemany_update_converts_typed_values(typed_engine):
    with typed_engine.begin() as c:
        c.execute(insert(typed).values(id=1))
        c.execute(
            update(typed)
            .where(typed.c.id == bindparam("tid"))
            .values(uid=bindparam("u"), doc=bindparam("d"), shade=bindparam("s")),
            [{"tid": 1, "u": uuid.UUID(int=7), "d": {"k": [1]}, "s": Shade.dark}],
        )
    with typed_engine.connect() as c:
        assert tuple(c.execute(select(typed.c.uid, typed.c.doc, typed.c.shade)).one()) == (
            uuid.UUID(int=7),
            {"k": [1]},
            Shade.dark,
        )


def test_json_none_is_stored_as_json_null(typed_engine):
    with typed_engine.begin() as c:
        c.execute(insert(typed).values(id=1, doc=None))
        c.execute(insert(typed).values(id=2))
    with typed_engine.connect() as c:
        assert c.execute(select(typed.c.id).where(typed.c.doc.is_(None))).scalars().all() == [2]
        assert c.execute(select(typed.c.doc).order_by(typed.c.id)).scalars().all() == [None, None]


def test_server_defaults_string_values_and_sql_text(engine):
    md = MetaData()
    t = Table(
        "server_defaults",
        md,
        Column("id", Integer, primary_key=True),
        Column("label", String(30), server_default="it's 10:30"),
        Column("qty", Integer, server_default=text("7")),
        Column("total", Integer, server_default=text("(3 + 4) * 2")),
    )
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(t).values(id=1))
        assert tuple(conn.execute(select(t.c.label, t.c.qty, t.c.total)).one()) == ("it's 10:30", 7, 14)
