"""Table(..., autoload_with=) and MetaData.reflect(): tables read back from
each backend into cormorant schema objects, usable for queries, for the ORM,
and for creating the same schema elsewhere."""

import pytest
from cormorant import (
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    insert,
    inspect,
    select,
)
from cormorant.exc import InvalidRequestError, NoSuchTableError
from cormorant.orm import DeclarativeBase, Session, relationship


@pytest.fixture
def schema(engine):
    metadata = MetaData()
    Table(
        "orgs",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String(10), nullable=False),
        Column("region", Integer, nullable=False),
        UniqueConstraint("code", name="uq_orgs_code"),
        UniqueConstraint("id", "region", name="uq_orgs_id_region"),
    )
    Table(
        "members",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(40), nullable=False, server_default="anon"),
        Column("balance", Numeric(10, 2)),
        Column("org_id", ForeignKey("orgs.id", ondelete="CASCADE")),
        Column("org_region", Integer),
        Column("mentor_id", ForeignKey("members.id")),
        ForeignKeyConstraint(
            ["org_id", "org_region"], ["orgs.id", "orgs.region"], name="fk_members_org_pair"
        ),
        Index("ix_members_name", "name"),
    )
    metadata.create_all(engine)
    yield metadata
    metadata.drop_all(engine)


def test_autoload_reads_columns_keys_constraints_and_indexes(engine, schema, backend):
    metadata = MetaData()
    members = Table("members", metadata, autoload_with=engine)
    assert [c.name for c in members.c] == ["id", "name", "balance", "org_id", "org_region", "mentor_id"]
    assert [c.name for c in members.primary_key] == ["id"]
    assert (str(members.c.name.type), members.c.name.nullable) == ("VARCHAR(40)", False)
    assert (members.c.balance.type.precision, members.c.balance.type.scale) == (10, 2)
    assert "anon" in members.c.name.server_default.arg.text
    assert [fk.target_fullname for fk in members.c.org_id.foreign_keys] == ["orgs.id"]
    assert [fk.target_fullname for fk in members.c.mentor_id.foreign_keys] == ["members.id"]
    pairs = [c for c in members.constraints if isinstance(c, ForeignKeyConstraint)]
    assert [(p.column_names, p.refcolumns) for p in pairs] == [
        (["org_id", "org_region"], ["orgs.id", "orgs.region"])
    ]
    assert [(ix.name, ix.column_names) for ix in members.indexes] == [("ix_members_name", ["name"])]
    # resolve_fks: the table the keys refer to came along
    orgs = metadata.tables["orgs"]
    uniques = {tuple(c.column_names) for c in orgs.constraints if isinstance(c, UniqueConstraint)}
    assert uniques == {("code",), ("id", "region")}
    if backend == "postgresql":
        assert pairs[0].name == "fk_members_org_pair"
        assert members.c.org_id.foreign_keys[0].ondelete == "CASCADE"


def test_a_reflected_table_queries_and_maps(engine, schema):
    metadata = MetaData()
    members = Table("members", metadata, autoload_with=engine)
    orgs = metadata.tables["orgs"]
    with engine.begin() as conn:
        conn.execute(insert(orgs).values(id=1, code="acme", region=3))
        conn.execute(insert(members).values(org_id=1, org_region=3))
        assert conn.execute(
            select(members.c.name, orgs.c.code).join(orgs, members.c.org_id == orgs.c.id)
        ).all() == [("anon", "acme")]

    class Base(DeclarativeBase):
        pass

    class Member(Base):
        __table__ = Table("members", Base.metadata, autoload_with=engine)

    class Org(Base):
        __table__ = Base.metadata.tables["orgs"]
        members = relationship(Member, foreign_keys=[Member.__table__.c.org_id])

    with Session(engine) as session:
        org = session.scalars(select(Org)).one()
        assert [m.name for m in org.members] == ["anon"]
        org.members.append(Member(name="bea", org_region=3))
        session.commit()
        assert sorted(session.scalars(select(Member.name))) == ["anon", "bea"]


def test_include_exclude_and_explicit_columns(engine, schema):
    metadata = MetaData()
    only = Table("members", metadata, autoload_with=engine, include_columns=["id", "name"], resolve_fks=False)
    assert [c.name for c in only.c] == ["id", "name"]
    assert "orgs" not in metadata.tables
    other = MetaData()
    explicit = Table(
        "members",
        other,
        Column("name", String(200)),  # given here, it wins over the database's
        autoload_with=engine,
        exclude_columns=["balance"],
    )
    assert explicit.c.name.type.length == 200
    assert "balance" not in explicit.c and "mentor_id" in explicit.c


def test_a_table_name_already_held_gives_that_table(engine, schema):
    metadata = MetaData()
    members = Table("members", metadata, autoload_with=engine)
    assert Table("members", metadata) is members
    assert Table("members", metadata, autoload_with=engine) is members
    with pytest.raises(InvalidRequestError, match="already defined for this MetaData instance"):
        Table("members", metadata, Column("extra", Integer))
    extended = Table("members", metadata, Column("extra", Integer), extend_existing=True)
    assert extended is members and "extra" in members.c


def test_metadata_reflect(engine, schema):
    everything = MetaData()
    everything.reflect(engine)
    assert sorted(everything.tables) == ["members", "orgs"]
    chosen = MetaData()
    chosen.reflect(engine, only=["orgs"])
    assert sorted(chosen.tables) == ["orgs"]
    picked = MetaData()
    picked.reflect(engine, only=lambda name, metadata: name.startswith("mem"))
    assert sorted(picked.tables) == ["members", "orgs"]  # orgs through the foreign keys
    with pytest.raises(InvalidRequestError, match=r"requested table\(s\) not available.*\(ghosts\)"):
        MetaData().reflect(engine, only=["orgs", "ghosts"])


def test_reflecting_a_missing_table_raises(engine):
    with pytest.raises(NoSuchTableError, match="ghosts"):
        Table("ghosts", MetaData(), autoload_with=engine)


def test_a_reflected_schema_creates_the_same_schema_again(engine, schema):
    metadata = MetaData()
    metadata.reflect(engine)
    before = {t: _shape(engine, t) for t in ("orgs", "members")}
    schema.drop_all(engine)
    metadata.create_all(engine)  # from what was read back alone
    assert {t: _shape(engine, t) for t in ("orgs", "members")} == before
    assert [ix["name"] for ix in inspect(engine).get_indexes("members")] == ["ix_members_name"]
    with engine.begin() as conn:  # the key still numbers itself
        conn.execute(insert(metadata.tables["orgs"]).values(code="a", region=1))
        assert conn.execute(select(metadata.tables["orgs"].c.id)).scalar() == 1


def _shape(engine, table):
    inspector = inspect(engine)
    columns = [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)]
    keys = sorted(
        (fk["referred_table"], tuple(fk["constrained_columns"])) for fk in inspector.get_foreign_keys(table)
    )
    return columns, inspector.get_pk_constraint(table)["constrained_columns"], keys
