"""inspect(engine) / inspect(connection): the Inspector (tables, columns, keys,
indexes and constraints read from the live database). inspect() of mapped
classes and instances is in orm/test_instance_state.py."""

import enum
import warnings

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
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    inspect,
    text,
)
from cormorant.exc import NoSuchTableError
from cormorant.orm import DeclarativeBase, Mapped, mapped_column
from cormorant.sql.sqltypes import NullType


def run(engine, *statements):
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def by_name(items):
    return {item["name"]: item for item in items}


def columns_of(engine, table):
    return {c["name"]: c for c in inspect(engine).get_columns(table)}


def enum_values(type_):
    # cormorant's Enum keeps its values in .values (SQLAlchemy's in .enums)
    return list(type_.enums) if hasattr(type_, "enums") else list(type_.values)


# --- a schema made with MetaData ---------------------------------------------------

shop = MetaData()
Table(
    "customers",
    shop,
    Column("id", Integer, primary_key=True),
    Column("email", String(120), nullable=False, unique=True, index=True),
    Column("code", String(12), unique=True),
    Column("name", String(60), index=True),
    Column("region", String(10)),
    Column("active", Boolean),
    UniqueConstraint("name", "region", name="uq_customers_name_region"),
    Index("ix_customers_region_active", "region", "active"),
)
Table(
    "orders",
    shop,
    Column("id", Integer, primary_key=True),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
    Column("cust_name", String(60)),
    Column("cust_region", String(10)),
    Column("total", Numeric(12, 2)),
    ForeignKeyConstraint(
        ["cust_name", "cust_region"],
        ["customers.name", "customers.region"],
        name="fk_orders_customer_name_region",
        onupdate="SET NULL",
    ),
)
Table(
    "order_lines",
    shop,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("qty", Integer, nullable=False),
)


@pytest.fixture
def shop_db(engine):
    shop.create_all(engine)
    yield engine
    shop.drop_all(engine)


# --- tables --------------------------------------------------------------------------


def test_table_names_come_from_the_database_not_metadata(engine):
    assert inspect(engine).get_table_names() == []
    other = MetaData()
    Table("never_created", other, Column("id", Integer, primary_key=True))
    run(engine, "CREATE TABLE raw_made (id INTEGER PRIMARY KEY)")
    shop.create_all(engine)
    insp = inspect(engine)
    assert sorted(insp.get_table_names()) == ["customers", "order_lines", "orders", "raw_made"]
    assert insp.has_table("raw_made")
    assert insp.has_table("orders")
    assert not insp.has_table("never_created")
    shop.drop_all(engine)


def test_views_are_tables_for_has_table_but_not_listed_with_them(engine):
    run(
        engine,
        "CREATE TABLE base_t (id INTEGER PRIMARY KEY, v INTEGER)",
        "CREATE VIEW v_t AS SELECT id FROM base_t",
    )
    insp = inspect(engine)
    assert insp.get_table_names() == ["base_t"]
    assert insp.get_view_names() == ["v_t"]
    assert insp.has_table("v_t")
    assert [c["name"] for c in insp.get_columns("v_t")] == ["id"]


def test_each_call_reads_the_database_as_it_is_now(engine):
    # cormorant caches nothing (SQLAlchemy's Inspector would keep answering from its cache)
    insp = inspect(engine)
    assert not insp.has_table("late")
    assert insp.get_table_names() == []
    run(engine, "CREATE TABLE late (id INTEGER PRIMARY KEY)")
    assert insp.has_table("late")
    assert insp.get_table_names() == ["late"]


def test_table_names_are_sorted(engine):
    run(engine, *(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)" for name in ["zeta", "alpha", "mid"]))
    assert inspect(engine).get_table_names() == ["alpha", "mid", "zeta"]


def test_schemas(engine, backend):
    run(engine, "CREATE TABLE in_default (id INTEGER PRIMARY KEY)")
    default = "public" if backend == "postgresql" else "main"
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE scratch (id INTEGER)"))
        insp = inspect(conn)
        assert insp.default_schema_name == default
        schemas = insp.get_schema_names()
        assert default in schemas
        assert "temp" not in schemas and "pg_catalog" not in schemas
        assert insp.get_table_names(schema=default) == ["in_default"]
        assert insp.has_table("in_default", schema=default)
        assert not insp.has_table("scratch", schema=default)
        assert [c["name"] for c in insp.get_columns("in_default", schema=default)] == ["id"]


def test_an_engine_inspector_returns_each_connection_it_takes(shop_db):
    insp = inspect(shop_db)
    insp.get_table_names()
    insp.get_columns("orders")
    insp.get_foreign_keys("orders")
    insp.get_indexes("customers")
    assert shop_db.pool.checkedout() == 0


def test_a_connection_inspector_runs_on_that_connection(engine):
    with engine.connect() as conn:
        # a temporary table exists for the connection that made it only
        conn.execute(text("CREATE TEMPORARY TABLE scratch (id INTEGER PRIMARY KEY, v INTEGER)"))
        insp = inspect(conn)
        assert insp.bind is conn
        assert insp.has_table("scratch")
        assert [c["name"] for c in insp.get_columns("scratch")] == ["id", "v"]
        assert not inspect(engine).has_table("scratch")
        with pytest.raises(NoSuchTableError):
            inspect(engine).get_columns("scratch")


@pytest.mark.parametrize(
    "method",
    ["get_columns", "get_pk_constraint", "get_foreign_keys", "get_indexes", "get_unique_constraints"],
)
def test_an_unknown_table_raises_no_such_table_naming_it(engine, method):
    with pytest.raises(NoSuchTableError, match="no_such_table_here"):
        getattr(inspect(engine), method)("no_such_table_here")
    assert not inspect(engine).has_table("no_such_table_here")


# --- columns ---------------------------------------------------------------------------


class Mood(enum.Enum):
    sad = 1
    happy = 2


def test_column_types(engine, backend):
    md = MetaData()
    Table(
        "typed",
        md,
        Column("id", Integer, primary_key=True),
        Column("big", BigInteger),
        Column("small", SmallInteger),
        Column("label", String(40), nullable=False),
        Column("body", Text),
        Column("flag", Boolean),
        Column("price", Numeric(10, 2)),
        Column("ratio", Float),
        Column("born", Date),
        Column("seen", DateTime),
        Column("seen_tz", DateTime(timezone=True)),
        Column("at", Time),
        Column("blob", LargeBinary),
        Column("doc", JSON),
        Column("token", Uuid),
        Column("mood", Enum(Mood, name="mood")),
    )
    md.create_all(engine)
    cols = columns_of(engine, "typed")
    t = {name: c["type"] for name, c in cols.items()}
    assert list(cols) == [c.name for c in md.tables["typed"].columns]
    assert isinstance(t["id"], Integer) and not isinstance(t["id"], (BigInteger, SmallInteger))
    assert isinstance(t["big"], BigInteger)
    assert isinstance(t["small"], SmallInteger)
    assert isinstance(t["label"], String) and not isinstance(t["label"], Text)
    assert t["label"].length == 40
    assert isinstance(t["body"], Text)
    assert isinstance(t["flag"], Boolean)
    assert isinstance(t["price"], Numeric) and (t["price"].precision, t["price"].scale) == (10, 2)
    assert isinstance(t["ratio"], Float)
    assert isinstance(t["born"], Date) and not isinstance(t["born"], DateTime)
    assert isinstance(t["seen"], DateTime)
    assert isinstance(t["at"], Time)
    assert isinstance(t["blob"], LargeBinary)
    assert isinstance(t["doc"], JSON)
    if backend == "postgresql":
        assert t["seen"].timezone is False and t["seen_tz"].timezone is True
        assert isinstance(t["token"], Uuid)
        assert isinstance(t["mood"], Enum) and t["mood"].name == "mood"
        assert enum_values(t["mood"]) == ["sad", "happy"]
    else:
        # SQLite stores a UUID as CHAR(32) and an enum as VARCHAR(longest value)
        assert isinstance(t["token"], String) and t["token"].length == 32
        assert isinstance(t["mood"], String) and t["mood"].length == 5
    assert cols["label"]["nullable"] is False
    assert cols["id"]["nullable"] is False
    assert cols["body"]["nullable"] is True
    md.drop_all(engine)


@pytest.mark.sqlite_only
def test_sqlite_undeclared_and_unknown_types_follow_type_affinity(engine):
    run(
        engine,
        "CREATE TABLE affinity (a WIDGET, b UNSIGNED BIG INT, c VARYING CHARACTER(20), d, e FLOATING POINT, f DOUBLE PRECISION, g NUMERIC)",
    )
    t = {c["name"]: c["type"] for c in inspect(engine).get_columns("affinity")}
    assert isinstance(t["a"], Numeric)
    assert isinstance(t["b"], Integer)
    assert isinstance(t["c"], Text)
    assert isinstance(t["d"], NullType)
    assert isinstance(t["e"], Integer)  # "FLOATING POINT" contains INT, which SQLite checks first
    assert isinstance(t["f"], Float)
    assert isinstance(t["g"], Numeric) and t["g"].precision is None


@pytest.mark.sqlite_only
def test_sqlite_type_arguments_too_long_for_a_length_are_left_out(engine):
    # Found by tests-cpp/fuzz/fuzz_sqlite_reflection.py: int() refused the
    # 5000-digit argument with a ValueError (Python's 4300-digit limit).
    huge = "1" * 5000
    run(
        engine,
        f"CREATE TABLE long_args (a VARCHAR({huge}), b NUMERIC(10, {huge}), c VARCHAR(0000000000000000000042))",
    )
    t = {c["name"]: c["type"] for c in inspect(engine).get_columns("long_args")}
    assert isinstance(t["a"], String) and t["a"].length is None
    assert isinstance(t["b"], Numeric) and t["b"].precision is None and t["b"].scale is None
    assert isinstance(t["c"], String) and t["c"].length == 42


@pytest.mark.postgresql_only
def test_postgresql_types_without_a_cormorant_class_are_nulltype(engine):
    run(engine, "CREATE TABLE exotic (id INTEGER PRIMARY KEY, p POINT, tags INTEGER[], c CHAR(3))")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy warns about types it does not know
        t = {c["name"]: c["type"] for c in inspect(engine).get_columns("exotic")}
    assert isinstance(t["p"], NullType)
    assert isinstance(t["c"], String) and t["c"].length == 3
    assert not isinstance(t["id"], NullType)


def test_server_defaults_are_the_database_text(engine, backend):
    run(
        engine,
        "CREATE TABLE defaults_t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20) DEFAULT 'anon' NOT NULL, "
        "qty INTEGER DEFAULT 7, flag BOOLEAN DEFAULT false, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, note TEXT)",
    )
    cols = columns_of(engine, "defaults_t")
    name_default = "'anon'::character varying" if backend == "postgresql" else "'anon'"
    assert cols["name"]["default"] == name_default
    assert cols["qty"]["default"] == "7"
    assert cols["flag"]["default"] == "false"
    assert cols["created"]["default"] == "CURRENT_TIMESTAMP"
    assert cols["note"]["default"] is None
    assert [cols[n]["nullable"] for n in ["id", "name", "qty", "note"]] == [False, False, True, True]


def test_generated_columns(engine, backend):
    run(
        engine,
        "CREATE TABLE gen_t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER GENERATED ALWAYS AS (a + 1) STORED)",
    )
    cols = columns_of(engine, "gen_t")
    assert list(cols) == ["id", "a", "b"]
    assert cols["b"]["default"] is None
    sqltext = "(a + 1)" if backend == "postgresql" else "a + 1"
    assert cols["b"]["computed"] == {"sqltext": sqltext, "persisted": True}
    assert "computed" not in cols["a"]


@pytest.mark.sqlite_only
def test_sqlite_virtual_table_hidden_columns_are_left_out(engine):
    with engine.connect() as conn:
        has_fts5 = conn.execute(text("SELECT sqlite_compileoption_used('ENABLE_FTS5')")).scalar()
    if not has_fts5:
        pytest.skip("this SQLite was built without FTS5 (ENABLE_FTS5), so it has no virtual table to make")
    run(engine, "CREATE VIRTUAL TABLE docs USING fts5(title, body)")
    assert [c["name"] for c in inspect(engine).get_columns("docs")] == ["title", "body"]


def test_primary_key_position_on_sqlite_and_autoincrement_on_postgresql(shop_db, backend):
    cols = columns_of(shop_db, "order_lines")
    orders = columns_of(shop_db, "orders")
    if backend == "sqlite":
        assert [cols[n]["primary_key"] for n in ["order_id", "line_no", "qty"]] == [1, 2, 0]
    else:
        assert orders["id"]["autoincrement"] is True
        assert orders["id"]["default"].startswith("nextval(")
        assert orders["total"]["autoincrement"] is False
        assert cols["line_no"]["autoincrement"] is False


# --- keys and constraints ------------------------------------------------------------------


def test_primary_keys(shop_db, backend):
    insp = inspect(shop_db)
    pk = insp.get_pk_constraint("customers")
    assert pk["constrained_columns"] == ["id"]
    assert pk["name"] == ("customers_pkey" if backend == "postgresql" else None)
    assert insp.get_pk_constraint("order_lines")["constrained_columns"] == ["order_id", "line_no"]


def test_primary_key_columns_come_in_key_order_and_keep_a_given_name(engine):
    run(
        engine,
        "CREATE TABLE pk_order (x INTEGER NOT NULL, y INTEGER NOT NULL, z INTEGER, PRIMARY KEY (y, x))",
        "CREATE TABLE pk_named (id INTEGER NOT NULL, CONSTRAINT pk_named_id PRIMARY KEY (id))",
        "CREATE TABLE pk_inline (a INTEGER, id INTEGER NOT NULL CONSTRAINT pk_inline_id PRIMARY KEY)",
        "CREATE TABLE no_pk (a INTEGER)",
    )
    insp = inspect(engine)
    assert insp.get_pk_constraint("pk_order")["constrained_columns"] == ["y", "x"]
    named = insp.get_pk_constraint("pk_named")
    assert (named["constrained_columns"], named["name"]) == (["id"], "pk_named_id")
    inline = insp.get_pk_constraint("pk_inline")
    assert (inline["constrained_columns"], inline["name"]) == (["id"], "pk_inline_id")
    no_pk = insp.get_pk_constraint("no_pk")
    assert no_pk["constrained_columns"] == [] and no_pk["name"] is None


def test_foreign_keys_single_and_composite(shop_db, backend):
    fks = {tuple(fk["constrained_columns"]): fk for fk in inspect(shop_db).get_foreign_keys("orders")}
    assert set(fks) == {("customer_id",), ("cust_name", "cust_region")}
    single = fks[("customer_id",)]
    assert single["name"] == ("orders_customer_id_fkey" if backend == "postgresql" else None)
    assert single["referred_table"] == "customers"
    assert single["referred_columns"] == ["id"]
    assert single["referred_schema"] is None
    assert single["options"] == {"ondelete": "CASCADE"}
    composite = fks[("cust_name", "cust_region")]
    assert composite["name"] == "fk_orders_customer_name_region"
    assert composite["referred_table"] == "customers"
    assert composite["referred_columns"] == ["name", "region"]
    assert composite["referred_schema"] is None
    assert composite["options"] == {"onupdate": "SET NULL"}
    assert inspect(shop_db).get_foreign_keys("customers") == []


def test_foreign_key_to_a_primary_key_by_table_name_only_and_deferrable(engine):
    run(
        engine,
        "CREATE TABLE fk_parent (k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, PRIMARY KEY (k1, k2))",
        "CREATE TABLE fk_child (id INTEGER PRIMARY KEY, p1 INTEGER, p2 INTEGER, "
        "FOREIGN KEY (p1, p2) REFERENCES fk_parent)",
        "CREATE TABLE fk_deferred (id INTEGER PRIMARY KEY, q1 INTEGER, q2 INTEGER, "
        "CONSTRAINT fk_child_deferred FOREIGN KEY (q2, q1) REFERENCES fk_parent (k2, k1) "
        "DEFERRABLE INITIALLY DEFERRED)",
    )
    (by_table,) = inspect(engine).get_foreign_keys("fk_child")
    assert by_table["constrained_columns"] == ["p1", "p2"]
    assert by_table["referred_table"] == "fk_parent"
    assert by_table["referred_columns"] == ["k1", "k2"]
    assert by_table["options"] == {}
    (deferred,) = inspect(engine).get_foreign_keys("fk_deferred")
    assert deferred["name"] == "fk_child_deferred"
    assert deferred["constrained_columns"] == ["q2", "q1"]
    assert deferred["referred_columns"] == ["k2", "k1"]
    assert deferred["options"] == {"deferrable": True, "initially": "DEFERRED"}


def test_unique_constraints(shop_db, backend):
    found = {
        tuple(uc["column_names"]): uc["name"] for uc in inspect(shop_db).get_unique_constraints("customers")
    }
    # email is unique through its unique index (index=True), not through a constraint
    assert found == {
        ("code",): "customers_code_key" if backend == "postgresql" else None,
        ("name", "region"): "uq_customers_name_region",
    }
    assert inspect(shop_db).get_unique_constraints("orders") == []


# --- indexes ---------------------------------------------------------------------------


def test_indexes_named_unique_and_multi_column(shop_db, backend):
    indexes = by_name(inspect(shop_db).get_indexes("customers"))
    expected = {
        "ix_customers_email": (["email"], True),
        "ix_customers_name": (["name"], False),
        "ix_customers_region_active": (["region", "active"], False),
    }
    if backend == "postgresql":
        # as in SQLAlchemy: the index behind a UNIQUE constraint is listed, marked as such
        expected["customers_code_key"] = (["code"], True)
        expected["uq_customers_name_region"] = (["name", "region"], True)
    assert {name: (ix["column_names"], bool(ix["unique"])) for name, ix in indexes.items()} == expected
    if backend == "postgresql":
        assert indexes["customers_code_key"]["duplicates_constraint"] == "customers_code_key"
        assert indexes["uq_customers_name_region"]["duplicates_constraint"] == "uq_customers_name_region"
        assert "duplicates_constraint" not in indexes["ix_customers_email"]


def test_implicit_key_indexes_are_left_out(shop_db, backend):
    names = [ix["name"] for ix in inspect(shop_db).get_indexes("order_lines")]
    assert names == []
    names = {ix["name"] for ix in inspect(shop_db).get_indexes("customers")}
    assert not any(name.startswith("sqlite_autoindex") for name in names)
    assert "customers_pkey" not in names


@pytest.mark.sqlite_only
def test_sqlite_automatic_indexes_on_request(shop_db):
    names = {ix["name"] for ix in inspect(shop_db).get_indexes("customers", include_auto_indexes=True)}
    automatic = {name for name in names if name.startswith("sqlite_autoindex_customers_")}
    assert len(automatic) == 2  # UNIQUE (code) and UNIQUE (name, region)


def test_index_names_are_sorted(engine):
    run(
        engine,
        "CREATE TABLE ix_sorted (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c INTEGER)",
        "CREATE INDEX ix_zz ON ix_sorted (a)",
        "CREATE INDEX ix_aa ON ix_sorted (b)",
        "CREATE INDEX ix_mm ON ix_sorted (c, a)",
    )
    assert [ix["name"] for ix in inspect(engine).get_indexes("ix_sorted")] == ["ix_aa", "ix_mm", "ix_zz"]


def test_the_acceptance_indexes_from_a_declarative_model(engine):
    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(255), index=True, unique=True)
        is_active: Mapped[bool] = mapped_column(default=True)
        __table_args__ = (Index("ix_user_email_active", "email", "is_active"),)

    Base.metadata.create_all(engine)
    indexes = by_name(inspect(engine).get_indexes("users"))
    assert set(indexes) == {"ix_user_email_active", "ix_users_email"}
    assert indexes["ix_user_email_active"]["column_names"] == ["email", "is_active"]
    assert bool(indexes["ix_users_email"]["unique"]) is True
    Base.metadata.drop_all(engine)


@pytest.mark.postgresql_only
def test_postgresql_expression_index(engine):
    run(
        engine,
        "CREATE TABLE expr_ix (id INTEGER PRIMARY KEY, name VARCHAR(20))",
        "CREATE INDEX ix_expr_lower ON expr_ix (lower(name), id)",
    )
    (ix,) = inspect(engine).get_indexes("expr_ix")
    assert ix["column_names"] == [None, "id"]
    assert ix["expressions"] == ["lower(name::text)", "id"]


@pytest.mark.sqlite_only
def test_sqlite_expression_index_is_skipped_with_a_warning(engine):
    run(
        engine,
        "CREATE TABLE expr_ix (id INTEGER PRIMARY KEY, name VARCHAR(20))",
        "CREATE INDEX ix_expr_lower ON expr_ix (lower(name))",
        "CREATE INDEX ix_plain ON expr_ix (name)",
    )
    with pytest.warns(Warning, match="expression-based index ix_expr_lower"):
        names = [ix["name"] for ix in inspect(engine).get_indexes("expr_ix")]
    assert names == ["ix_plain"]


# --- names that need quoting ---------------------------------------------------------------


def test_names_needing_quotes(engine, backend):
    md = MetaData()
    Table(
        "Order Items",
        md,
        Column("select", Integer, primary_key=True),
        Column('we"ird', String(10), index=True),
        Column("it's", Integer, unique=True),
        Index('ix "odd" name', "select", 'we"ird'),
    )
    Table(
        "line; drop",
        md,
        Column("id", Integer, primary_key=True),
        Column("item", ForeignKey("Order Items.select")),
    )
    md.create_all(engine)
    insp = inspect(engine)
    assert sorted(insp.get_table_names()) == ["Order Items", "line; drop"]
    assert insp.has_table("Order Items")
    # SQLite's names are case-insensitive, PostgreSQL's quoted names are not
    assert insp.has_table("order items") is (backend == "sqlite")
    assert [c["name"] for c in insp.get_columns("Order Items")] == ["select", 'we"ird', "it's"]
    assert insp.get_pk_constraint("Order Items")["constrained_columns"] == ["select"]
    indexes = by_name(insp.get_indexes("Order Items"))
    assert indexes['ix "odd" name']["column_names"] == ["select", 'we"ird']
    assert indexes['ix_Order Items_we"ird']["column_names"] == ['we"ird']
    assert [uc["column_names"] for uc in insp.get_unique_constraints("Order Items")] == [["it's"]]
    (fk,) = insp.get_foreign_keys("line; drop")
    assert (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]) == (
        ["item"],
        "Order Items",
        ["select"],
    )
    assert insp.has_table("line; drop")
    md.drop_all(engine)
    assert not inspect(engine).has_table("Order Items")
