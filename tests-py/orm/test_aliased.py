"""aliased() entities (self-joins, entities read from subqueries),
from_statement(), relationship comparisons (contains, with_parent, and_),
and how ORM rows name what they hold."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, select, text
from cormorant.exc import InvalidRequestError
from cormorant.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    aliased,
    mapped_column,
    relationship,
    selectinload,
    with_parent,
)


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    members: Mapped[list["Player"]] = relationship(back_populates="team")


class Player(Base):
    __tablename__ = "player"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    captain_id: Mapped[Optional[int]] = mapped_column(ForeignKey("player.id"))
    team: Mapped["Team"] = relationship(back_populates="members")


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Team(id=1, name="red"), Team(id=2, name="blue")])
        s.flush()
        s.add_all(
            [
                Player(id=1, name="ann", team_id=1),
                Player(id=2, name="ben", team_id=1, captain_id=1),
                Player(id=3, name="cat", team_id=2),
                Player(id=4, name="dan", team_id=2, captain_id=3),
            ]
        )
        s.commit()
        yield s


def test_self_join_through_a_named_alias(session):
    captain = aliased(Player, name="captain")
    stmt = (
        select(Player.name, captain.name).join(captain, Player.captain_id == captain.id).order_by(Player.id)
    )
    assert session.execute(stmt).all() == [("ben", "ann"), ("dan", "cat")]
    assert "JOIN player AS captain ON player.captain_id = captain.id" in str(stmt)
    row = session.execute(select(Player, captain).join(captain, Player.captain_id == captain.id)).first()
    assert row._fields == ("Player", "captain")
    assert row.captain is session.get(Player, 1) and row._mapping[captain] is row.captain


def test_unnamed_aliases_are_numbered_per_statement(session):
    a, b = aliased(Player), aliased(Player)
    stmt = select(a.name, b.name).join(b, a.captain_id == b.id).where(a.id == 2)
    assert "FROM player AS player_1 JOIN player AS player_2 ON player_1.captain_id = player_2.id" in str(stmt)
    assert session.execute(stmt).one() == ("ben", "ann")
    # the same shape built again shares one compilation
    hits = session.get_bind()._cache.hits
    session.execute(select(a.name, b.name).join(b, a.captain_id == b.id).where(a.id == 4)).one()
    assert session.get_bind()._cache.hits > hits


def test_entity_read_from_a_subquery(session):
    sub = select(Player).where(Player.team_id == 2).subquery()
    players = aliased(Player, sub)
    loaded = session.scalars(select(players).order_by(sub.c.id)).all()
    assert [p.name for p in loaded] == ["cat", "dan"]
    assert loaded[0] is session.get(Player, 3)
    assert session.scalars(select(players.name).where(players.id == 4)).one() == "dan"
    with pytest.raises(InvalidRequestError, match="no column named team_id"):
        aliased(Player, select(Player.id, Player.name, Player.captain_id).subquery())


def test_aliased_entity_with_loader_options(session):
    captain = aliased(Player, name="captain")
    rows = session.scalars(select(captain).options(selectinload(Player.team)).order_by(captain.id)).all()
    assert [p.team.name for p in rows] == ["red", "red", "blue", "blue"]


def test_from_statement_matches_columns_by_name(session):
    raw = text("SELECT name, team_id, id, captain_id FROM player WHERE id = :i")
    player = session.scalars(select(Player).from_statement(raw), {"i": 2}).one()
    assert (player.id, player.name, player.team_id, player.captain_id) == (2, "ben", 1, 1)
    again = session.scalars(select(Player).from_statement(select(Player).where(Player.id == 2))).one()
    assert again is player
    with pytest.raises(InvalidRequestError, match="no column named 'id'"):
        session.scalars(select(Player).from_statement(text("SELECT name FROM player"))).all()


def test_relationship_comparisons(session):
    dan = session.get(Player, 4)
    assert session.scalars(select(Team.name).where(Team.members.contains(dan))).all() == ["blue"]
    red = session.get(Team, 1)
    assert session.scalars(
        select(Player.name).where(with_parent(red, Team.members)).order_by(Player.id)
    ).all() == [
        "ann",
        "ben",
    ]
    narrowed = select(Team.name, Player.name).join(Team.members.and_(Player.captain_id.is_not(None)))
    assert sorted(session.execute(narrowed).all()) == [("blue", "dan"), ("red", "ben")]
    assert session.scalars(select(Player.name).where(Player.team == red).order_by(Player.id)).all() == [
        "ann",
        "ben",
    ]
    with pytest.raises(InvalidRequestError, match="collections"):
        Player.team.contains(red)


def test_column_descriptions_name_entities_and_columns():
    captain = aliased(Player, name="captain")
    described = select(Player.name, Team, captain).column_descriptions
    assert [d["name"] for d in described] == ["name", "Team", "captain"]
    assert described[0]["entity"] is Player and described[1]["type"] is Team
    assert [d["aliased"] for d in described] == [False, False, True]


def test_and_narrows_a_selectin_load_and_refuses_other_strategies(session):
    from cormorant.orm import joinedload

    teams = session.scalars(
        select(Team)
        .options(selectinload(Team.members.and_(Player.captain_id.is_not(None))))
        .order_by(Team.id)
    ).all()
    assert [[p.name for p in t.members] for t in teams] == [["ben"], ["dan"]]
    with pytest.raises(NotImplementedError, match="joined"):
        session.scalars(select(Team).options(joinedload(Team.members.and_(Player.id > 1)))).all()


def test_a_printed_select_shows_its_eager_joins():
    from cormorant.orm import joinedload

    shown = str(select(Team).options(joinedload(Team.members)))
    assert "FROM team LEFT OUTER JOIN player AS player_1 ON team.id = player_1.team_id" in shown
    assert str(select(Team)) == "SELECT team.id, team.name \nFROM team"
