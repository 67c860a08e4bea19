"""cormorant.schema: DDL constructs printed as SQLAlchemy prints them and run
on each backend, generated columns (Identity, Computed), sequences, naming
conventions, comments, ddl_if() and table sorting."""

import pytest
from cormorant import (
    BLANK_SCHEMA,
    CheckConstraint,
    Column,
    Computed,
    FetchedValue,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    UniqueConstraint,
    column,
    insert,
    inspect,
    select,
    text,
    update,
)
from cormorant.dialects import postgresql, sqlite
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column
from cormorant.schema import (
    AddConstraint,
    CreateIndex,
    CreateSchema,
    CreateSequence,
    CreateTable,
    DropConstraint,
    DropIndex,
    DropSchema,
    DropSequence,
    DropTable,
    SchemaVisitor,
    SetColumnComment,
    SetTableComment,
    conv,
    sort_tables,
    sort_tables_and_constraints,
)


def _tables():
    metadata = MetaData()
    orgs = Table("orgs", metadata, Column("id", Integer, primary_key=True))
    users = Table(
        "users",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False, server_default="anon"),
        Column("org_id", ForeignKey("orgs.id", ondelete="CASCADE")),
        UniqueConstraint("name", name="uq_users_name"),
        CheckConstraint(column("id") > 0, name="ck_users_id"),
        comment="people",
    )
    return metadata, orgs, users


def test_create_table_prints_as_sqlalchemy_does_on_each_dialect():
    _, _, users = _tables()
    body = (
        "\tname VARCHAR(50) DEFAULT 'anon' NOT NULL, \n\torg_id INTEGER, \n\tPRIMARY KEY (id), \n"
        "\tCONSTRAINT uq_users_name UNIQUE (name), \n\tCONSTRAINT ck_users_id CHECK (id > 0), \n"
        "\tFOREIGN KEY(org_id) REFERENCES orgs (id) ON DELETE CASCADE\n)\n\n"
    )
    assert str(CreateTable(users)) == "\nCREATE TABLE users (\n\tid INTEGER NOT NULL, \n" + body
    assert str(CreateTable(users).compile(dialect=sqlite.dialect())) == (
        "\nCREATE TABLE users (\n\tid INTEGER NOT NULL, \n" + body
    )
    assert str(CreateTable(users, if_not_exists=True).compile(dialect=postgresql.dialect())) == (
        "\nCREATE TABLE IF NOT EXISTS users (\n\tid SERIAL NOT NULL, \n" + body
    )


def test_the_other_ddl_constructs_print_as_sqlalchemy_does():
    _, orgs, users = _tables()
    index = Index("ix_users_org", users.c.org_id, unique=True)
    users.append(index)
    fk = ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_org")
    users.append(fk)
    pg = postgresql.dialect()
    shown = {
        DropTable(users): "\nDROP TABLE users",
        DropTable(users, if_exists=True): "\nDROP TABLE IF EXISTS users",
        CreateIndex(index): "CREATE UNIQUE INDEX ix_users_org ON users (org_id)",
        CreateIndex(
            index, if_not_exists=True
        ): "CREATE UNIQUE INDEX IF NOT EXISTS ix_users_org ON users (org_id)",
        DropIndex(index): "\nDROP INDEX ix_users_org",
        AddConstraint(fk): "ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY(org_id) REFERENCES orgs (id)",
        DropConstraint(fk): "ALTER TABLE users DROP CONSTRAINT fk_org",
        DropConstraint(fk, cascade=True): "ALTER TABLE users DROP CONSTRAINT fk_org CASCADE",
        CreateSchema("reports"): "CREATE SCHEMA reports",
        DropSchema("reports", cascade=True): "DROP SCHEMA reports CASCADE",
        SetTableComment(users): "COMMENT ON TABLE users IS 'people'",
        SetColumnComment(users.c.name): "COMMENT ON COLUMN users.name IS NULL",
    }
    for construct, expected in shown.items():
        assert str(construct.compile(dialect=pg)) == expected
    # AddConstraint takes the constraint out of CREATE TABLE, as in SQLAlchemy
    assert "fk_org" not in str(CreateTable(users))


def test_ddl_constructs_run_through_a_connection(engine, table_names, index_names):
    _, orgs, users = _tables()
    index = Index("ix_users_org", users.c.org_id)
    with engine.begin() as conn:
        conn.execute(CreateTable(orgs))
        conn.execute(CreateTable(users))
        conn.execute(CreateIndex(index))
        conn.execute(insert(users).values(id=1))
        assert conn.execute(select(users.c.name)).scalar_one() == "anon"
    assert {"orgs", "users"} <= set(table_names(engine))
    assert "ix_users_org" in index_names(engine, "users")
    with engine.begin() as conn:
        conn.execute(DropIndex(index))
        conn.execute(DropTable(users))
        conn.execute(DropTable(orgs, if_exists=True))
        conn.execute(DropTable(orgs, if_exists=True))  # already gone: no error
    assert not {"orgs", "users"} & set(table_names(engine))


def test_check_constraint_with_a_value_writes_it_inline(engine):
    from cormorant.exc import IntegrityError

    metadata = MetaData()
    t = Table("checked", metadata, Column("id", Integer, primary_key=True), Column("n", Integer))
    t.append(CheckConstraint(t.c.n > 5, name="ck_n"))
    assert "CHECK (n > 5)" in str(CreateTable(t))
    metadata.create_all(engine)
    with engine.connect() as conn:
        conn.execute(insert(t).values(n=6))
        with pytest.raises(IntegrityError):
            conn.execute(insert(t).values(n=5))


@pytest.mark.postgresql_only
def test_schemas_constraints_and_comments_on_postgresql(engine):
    metadata, orgs, users = _tables()
    metadata.create_all(engine)
    with engine.connect() as conn:
        comment = conn.execute(text("SELECT obj_description('users'::regclass, 'pg_class')")).scalar()
        assert comment == "people"
        fk = ForeignKeyConstraint(["org_id"], ["orgs.id"], name="fk_users_org_again")
        users.append(fk)
        conn.execute(AddConstraint(fk))
        names = {c["name"] for c in inspect(conn).get_foreign_keys("users")}
        assert "fk_users_org_again" in names
        conn.execute(DropConstraint(fk))
        conn.execute(CreateSchema("reports_t", if_not_exists=True))
        found = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = 'reports_t'")).scalar()
        conn.execute(DropSchema("reports_t"))
        conn.commit()
    assert found == 1
    metadata.drop_all(engine)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Identity(start=100, increment=10), primary_key=True)
    quantity: Mapped[int]
    doubled: Mapped[int] = mapped_column(Computed("quantity * 2"))
    serial: Mapped[int | None] = mapped_column(Sequence("ticket_serial", start=7))


def test_generated_columns_print_as_sqlalchemy_does():
    table = Ticket.__table__
    assert str(CreateTable(table).compile(dialect=postgresql.dialect())) == (
        "\nCREATE TABLE tickets (\n\tid INTEGER GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 10 START WITH 100), "
        "\n\tquantity INTEGER NOT NULL, \n\tdoubled INTEGER GENERATED ALWAYS AS (quantity * 2) STORED NOT NULL, "
        "\n\tserial INTEGER, \n\tPRIMARY KEY (id)\n)\n\n"
    )
    assert str(CreateTable(table).compile(dialect=sqlite.dialect())) == (
        "\nCREATE TABLE tickets (\n\tid INTEGER NOT NULL, \n\tquantity INTEGER NOT NULL, "
        "\n\tdoubled INTEGER GENERATED ALWAYS AS (quantity * 2) NOT NULL, \n\tserial INTEGER, \n\tPRIMARY KEY (id)\n)\n\n"
    )
    sequence = table.c.serial.default
    assert str(CreateSequence(sequence).compile(dialect=postgresql.dialect())) == (
        "CREATE SEQUENCE ticket_serial START WITH 7"
    )
    assert str(DropSequence(sequence).compile(dialect=postgresql.dialect())) == "DROP SEQUENCE ticket_serial"


def test_identity_computed_and_sequence_through_the_orm(engine, backend):
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            ticket = Ticket(quantity=3)
            session.add(ticket)
            session.commit()
            assert ticket.doubled == 6
            if backend == "postgresql":
                assert (ticket.id, ticket.serial) == (100, 7)
            else:  # SQLite has neither identity columns nor sequences, as in SQLAlchemy
                assert (ticket.id, ticket.serial) == (1, None)
            ticket.quantity = 10
            session.flush()
            assert ticket.doubled == 20  # the database recomputed it: read again after the UPDATE
            second = Ticket(quantity=1)
            session.add(second)
            session.commit()
            assert second.id == (110 if backend == "postgresql" else 2)
        with engine.connect() as conn:
            conn.execute(
                update(Ticket.__table__).values(quantity=50).where(Ticket.__table__.c.id == second.id)
            )
            assert (
                conn.execute(
                    select(Ticket.__table__.c.doubled).where(Ticket.__table__.c.id == second.id)
                ).scalar()
                == 100
            )
    finally:
        Base.metadata.drop_all(engine)


def test_naming_conventions_name_constraints_and_indexes(engine, backend):
    convention = {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
    metadata = MetaData(naming_convention=convention)
    Table("parent", metadata, Column("id", Integer, primary_key=True))
    child = Table(
        "child",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("a", Integer, unique=True),
        Column("b", Integer, ForeignKey("parent.id")),
        Column("c", Integer, index=True),
        UniqueConstraint("a", "b"),
        CheckConstraint("a > 0", name="positive"),
        UniqueConstraint("c", name=conv("kept_as_is")),
    )
    shown = str(CreateTable(child))
    for name in (
        "pk_child",
        "uq_child_a ",
        "uq_child_a_b",
        "ck_child_positive",
        "fk_child_b_parent",
        "kept_as_is",
    ):
        assert f"CONSTRAINT {name.strip()} " in shown
    assert [ix.name for ix in child.indexes] == ["ix_child_c"]
    metadata.create_all(engine)
    try:
        with engine.connect() as conn:
            uniques = {u["name"] for u in inspect(conn).get_unique_constraints("child")}
            if backend == "postgresql":  # SQLite keeps no names for inline foreign keys
                assert uniques >= {"uq_child_a", "uq_child_a_b", "kept_as_is"}
                assert [fk["name"] for fk in inspect(conn).get_foreign_keys("child")] == ["fk_child_b_parent"]
    finally:
        metadata.drop_all(engine)


def test_a_convention_that_needs_a_name_says_so():
    from cormorant.exc import InvalidRequestError

    metadata = MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})
    with pytest.raises(InvalidRequestError, match="requires that constraint is explicitly named"):
        Table("t", metadata, Column("a", Integer), CheckConstraint("a > 0"))


def test_ddl_if_limits_an_index_to_a_dialect(engine, backend, index_names):
    metadata = MetaData()
    t = Table("cond", metadata, Column("id", Integer, primary_key=True), Column("v", Integer))
    t.append(Index("ix_cond_v", t.c.v).ddl_if(dialect="postgresql"))
    metadata.create_all(engine)
    try:
        assert ("ix_cond_v" in index_names(engine, "cond")) == (backend == "postgresql")
    finally:
        metadata.drop_all(engine)


def test_schema_qualified_tables_are_refused_on_use_and_blank_schema_opts_out():
    metadata = MetaData(schema="reports")
    qualified = Table("q", metadata, Column("id", Integer, primary_key=True))
    plain = Table("p", metadata, Column("id", Integer, primary_key=True), schema=BLANK_SCHEMA)
    assert (qualified.schema, plain.schema) == ("reports", None)
    with pytest.raises(NotImplementedError, match="schema-qualified tables are not supported"):
        str(select(qualified))
    assert str(select(plain)) == "SELECT p.id \nFROM p"


def test_fetched_value_marks_a_column_the_database_fills():
    t = Table(
        "f", MetaData(), Column("id", Integer, primary_key=True), Column("stamp", Integer, FetchedValue())
    )
    assert repr(t.c.stamp.server_default) == "FetchedValue()"
    assert "stamp INTEGER," in str(CreateTable(t))


def test_sort_tables_and_visitors():
    metadata, orgs, users = _tables()
    extra = Table(
        "extra", metadata, Column("id", Integer, primary_key=True), Column("u", ForeignKey("users.id"))
    )
    assert [t.name for t in sort_tables([extra, users, orgs])] == ["orgs", "users", "extra"]
    pairs = sort_tables_and_constraints([extra, users, orgs])
    assert [t.name if t is not None else None for t, _ in pairs] == ["orgs", "users", "extra", None]

    class Names(SchemaVisitor):
        def visit_table(self, table):
            return f"table {table.name}"

    assert Names().traverse_single(users) == "table users"
    assert Names().traverse_single(users.c.id) is None


def test_create_column_prints_one_line_of_create_table():
    from cormorant.schema import CreateColumn

    t = Table(
        "cc",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(20), server_default="x"),
    )
    assert str(CreateColumn(t.c.name)) == "name VARCHAR(20) DEFAULT 'x'"
    assert str(CreateColumn(t.c.id).compile(dialect=postgresql.dialect())) == "id SERIAL NOT NULL"


@pytest.mark.postgresql_only
def test_exclude_constraint_keeps_ranges_apart(engine):
    import datetime

    from cormorant.dialects.postgresql import TSRANGE, ExcludeConstraint, Range
    from cormorant.exc import IntegrityError

    metadata = MetaData()
    booking = Table(
        "booking",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("room", Integer),
        Column("during", TSRANGE),
        ExcludeConstraint(("room", "="), ("during", "&&"), name="no_overlap", where=text("room > 0")),
    )
    assert "CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0)" in str(
        CreateTable(booking).compile(dialect=postgresql.dialect())
    )
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
    metadata.create_all(engine)
    day = datetime.datetime(2024, 1, 1)
    try:
        with engine.begin() as conn:
            conn.execute(insert(booking).values(room=1, during=Range(day, day + datetime.timedelta(days=2))))
            conn.execute(insert(booking).values(room=2, during=Range(day, day + datetime.timedelta(days=2))))
        with pytest.raises(IntegrityError, match="no_overlap"):
            with engine.begin() as conn:
                conn.execute(
                    insert(booking).values(room=1, during=Range(day + datetime.timedelta(days=1), None))
                )
    finally:
        metadata.drop_all(engine)


def test_insert_sentinel_is_created_but_left_out_of_statements(engine):
    from cormorant import insert_sentinel
    from cormorant.orm import orm_insert_sentinel

    metadata = MetaData()
    t = Table(
        "sent", metadata, Column("id", Integer, primary_key=True), Column("x", Integer), insert_sentinel("s")
    )
    assert "s INTEGER" in str(CreateTable(t))
    assert str(select(t)) == "SELECT sent.id, sent.x \nFROM sent"

    class Model(DeclarativeBase):
        pass

    class Row(Model):
        __tablename__ = "sent_orm"
        id: Mapped[int] = mapped_column(primary_key=True)
        _sentinel: Mapped[int] = orm_insert_sentinel()

    assert "_sentinel" in Row.__table__.c and "_sentinel" not in str(select(Row))
    metadata.create_all(engine)
    Model.metadata.create_all(engine)
    try:
        with engine.begin() as conn:
            conn.execute(insert(t), [{"x": 1}, {"x": 2}])
            assert conn.execute(select(t.c.x).order_by(t.c.x)).scalars().all() == [1, 2]
        with Session(engine) as session:
            session.add_all([Row(), Row()])
            session.commit()
            assert len(session.scalars(select(Row)).all()) == 2
    finally:
        metadata.drop_all(engine)
        Model.metadata.drop_all(engine)
