// Golden SQL for the PostgreSQL dialect: typed bind casts ($n::TYPE), savepoints,
// DML with RETURNING and ON CONFLICT, FOR UPDATE, ILIKE and DDL types.
#include "cormorant/schema/ddl.hpp"
#include "helpers.hpp"

using namespace test_sql;
using Catch::Contains;
namespace schema = cormorant::schema;
namespace types = cormorant::schema::types;

namespace {

Datum typed(const char* key, Datum type) { return tuple("bind", key, type); }

Datum coldef(const char* name, Datum type, bool nullable, Datum server_default = nullptr,
             bool autoinc = false) {
    return tuple("column", name, type, nullable, server_default, autoinc);
}

}  // namespace

// --- typed binds -------------------------------------------------------------------------------

TEST_CASE("typed binds cast to the base PostgreSQL type", "[sql][postgresql][bind]") {
    struct Row {
        Datum type;
        const char* cast;
    };
    std::vector<Row> rows = {
        {tuple("integer"), "$1::INTEGER"},
        {tuple("biginteger"), "$1::BIGINT"},
        {tuple("smallinteger"), "$1::SMALLINT"},
        {tuple("string", 50), "$1::VARCHAR"},
        {tuple("string", nullptr), "$1::VARCHAR"},
        {tuple("text"), "$1::TEXT"},
        {tuple("enum", tuple("a", "bbbb")), "$1::VARCHAR"},
        {tuple("numeric", 10, 2), "$1::NUMERIC"},
        {tuple("numeric", nullptr, nullptr), "$1::NUMERIC"},
        {tuple("float"), "$1::FLOAT"},
        {tuple("boolean"), "$1::BOOLEAN"},
        {tuple("date"), "$1::DATE"},
        {tuple("time"), "$1::TIME"},
        {tuple("datetime", false), "$1::TIMESTAMP"},
        {tuple("datetime", true), "$1::TIMESTAMP WITH TIME ZONE"},
        {tuple("binary"), "$1::BYTEA"},
        {tuple("binary", nullptr), "$1::BYTEA"},
        {tuple("binary", 16), "$1::BYTEA"},
        {tuple("uuid"), "$1::UUID"},
        {tuple("json"), "$1::JSON"},
        {tuple("jsonb"), "$1::JSONB"},
    };
    for (const auto& r : rows) {
        INFO(r.type.describe());
        auto p = pg(*decode(typed("p", r.type)));
        CHECK(p.sql == r.cast);
        CHECK(p.param_keys == keys({"p"}));
        auto s = lite(*decode(typed("p", r.type)));  // SQLite never casts
        CHECK(s.sql == "?");
        CHECK(s.param_keys == keys({"p"}));
    }
}

TEST_CASE("untyped and NullType binds render plain placeholders", "[sql][postgresql][bind]") {
    CHECK(pg_sql(bindd("p")) == "$1");
    CHECK(pg_sql(typed("p", nullptr)) == "$1");
    CHECK(pg_sql(typed("p", tuple("null"))) == "$1");
    CHECK(lite_sql(typed("p", tuple("null"))) == "?");
    CHECK(pg(*bind("p")).sql == "$1");
}

TEST_CASE("typed binds inside statements", "[sql][postgresql][bind]") {
    auto where = tuple("and", op("=", col("users", "id"), typed("id", tuple("integer"))),
                       op("ILIKE", col("users", "name"), typed("pat", tuple("string", 50))),
                       op(">", col("users", "created"), typed("since", tuple("datetime", true))));
    auto q = select_d(tuple(col("users", "id")), tuple(tuple("table", "users")), where, empty(),
                      typed("lim", tuple("integer")));
    auto p = pg(*decode(q));
    CHECK(p.sql ==
          "SELECT users.id FROM users WHERE users.id = $1::INTEGER AND users.name ILIKE "
          "$2::VARCHAR AND users.created > $3::TIMESTAMP WITH TIME ZONE LIMIT $4::INTEGER");
    CHECK(p.param_keys == keys({"id", "pat", "since", "lim"}));
    auto s = lite(*decode(q));
    CHECK(s.sql ==
          "SELECT users.id FROM users WHERE users.id = ? AND lower(users.name) LIKE lower(?) AND "
          "users.created > ? LIMIT ?");
    CHECK(s.param_keys == keys({"id", "pat", "since", "lim"}));

    auto items = tuple(typed("a", tuple("uuid")), typed("b", tuple("uuid")));
    CHECK(pg_sql(tuple("in", col("t", "u"), items, false)) == "t.u IN ($1::UUID, $2::UUID)");
    CHECK(pg_sql(tuple("between", col("t", "n"), typed("lo", tuple("numeric", 8, 2)),
                       typed("hi", tuple("numeric", 8, 2)), false)) ==
          "t.n BETWEEN $1::NUMERIC AND $2::NUMERIC");
    CHECK(pg_sql(tuple("neg", typed("x", tuple("float")))) == "-$1::FLOAT");
    CHECK(pg_sql(select_d(tuple(tuple("label", typed("x", tuple("jsonb")), "doc")), empty())) ==
          "SELECT $1::JSONB AS doc");
}

TEST_CASE("a repeated key keeps its number; each use renders its own cast",
          "[sql][postgresql][bind]") {
    auto d =
        tuple("or", op("=", col("a"), typed("x", tuple("integer"))), op("=", col("b"), bindd("y")),
              op("=", col("c"), typed("x", tuple("integer"))), op("=", col("d"), bindd("x")));
    auto p = pg(*decode(d));
    CHECK(p.sql == "a = $1::INTEGER OR b = $2 OR c = $1::INTEGER OR d = $1");
    CHECK(p.param_keys == keys({"x", "y"}));
    auto s = lite(*decode(d));
    CHECK(s.sql == "a = ? OR b = ? OR c = ? OR d = ?");
    CHECK(s.param_keys == keys({"x", "y", "x", "x"}));
    // text() binds carry no type and stay plain, sharing the numbering
    auto mixed = tuple("and", op("=", col("a"), typed("x", tuple("text"))),
                       tuple("text", "b = :x OR c = :z"));
    auto m = pg(*decode(mixed));
    CHECK(m.sql == "a = $1::TEXT AND (b = $1 OR c = $2)");
    CHECK(m.param_keys == keys({"x", "z"}));
}

TEST_CASE("typed binds in INSERT, UPDATE and ON CONFLICT", "[sql][postgresql][bind][dml]") {
    auto ins = tuple(
        "insert", "docs", tuple("id", "body", "price"),
        tuple(tuple(typed("id", tuple("uuid")), typed("body", tuple("json")),
                    typed("price", tuple("numeric", 10, 2)))),
        tuple(col("docs", "id")),
        tuple("do_update", tuple("id"), tuple(tuple("body", tuple("excluded", "body"))), nullptr));
    auto p = pg(*decode(ins));
    CHECK(p.sql ==
          "INSERT INTO docs (id, body, price) VALUES ($1::UUID, $2::JSON, $3::NUMERIC) ON CONFLICT "
          "(id) DO UPDATE SET body = excluded.body RETURNING docs.id");
    CHECK(p.param_keys == keys({"id", "body", "price"}));
    CHECK(lite_sql(ins) ==
          "INSERT INTO docs (id, body, price) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body "
          "= excluded.body RETURNING docs.id");
    auto upd =
        tuple("update", "docs", tuple(tuple("data", typed("data", tuple("binary", nullptr)))),
              op("=", col("docs", "id"), typed("id", tuple("uuid"))), empty());
    CHECK(pg_sql(upd) == "UPDATE docs SET data = $1::BYTEA WHERE docs.id = $2::UUID");
}

TEST_CASE("typed binds via the C++ builder", "[sql][postgresql][bind][builder]") {
    auto stmt = select({column("events", "id")})
                    .from(table("events"))
                    .where(ge(column("events", "at"), bind("at", types::datetime())))
                    .where(eq(column("events", "kind"), bind("kind", types::enum_({"a", "b"}))))
                    .where(eq(column("events", "flag"), bind("flag", types::boolean())))
                    .limit(bind("n", types::big_integer()));
    auto p = compile(stmt, Dialect::PostgreSQL);
    CHECK(p.sql ==
          "SELECT events.id FROM events WHERE events.at >= $1::TIMESTAMP AND "
          "events.kind = $2::VARCHAR AND events.flag = $3::BOOLEAN LIMIT $4::BIGINT");
    CHECK(p.param_keys == keys({"at", "kind", "flag", "n"}));
    CHECK(compile(stmt, Dialect::SQLite).sql ==
          "SELECT events.id FROM events WHERE events.at >= ? AND events.kind = ? AND events.flag = "
          "? LIMIT ?");
    auto ins = insert("t", {"a", "b", "c"})
                   .values({bind("a", types::small_integer()), bind("b", types::time()),
                            bind("c", types::date())})
                   .returning({column("t", "a")});
    CHECK(compile(ins, Dialect::PostgreSQL).sql ==
          "INSERT INTO t (a, b, c) VALUES ($1::SMALLINT, $2::TIME, $3::DATE) "
          "RETURNING t.a");
    // the builder and the decoder produce the same bind
    CHECK(pg(*bind("p", types::string(20))).sql == pg_sql(typed("p", tuple("string", 20))));
}

TEST_CASE("bind_cast_type and render_type per kind", "[schema][postgresql][bind]") {
    CHECK(schema::bind_cast_type(types::string(30)) == "VARCHAR");
    CHECK(schema::render_type(types::string(30), Dialect::PostgreSQL) == "VARCHAR(30)");
    CHECK(schema::bind_cast_type(types::numeric(12, 4)) == "NUMERIC");
    CHECK(schema::render_type(types::numeric(12, 4), Dialect::PostgreSQL) == "NUMERIC(12, 4)");
    CHECK(schema::bind_cast_type(types::enum_({"x", "yyy"})) == "VARCHAR");
    CHECK(schema::render_type(types::enum_({"x", "yyy"}), Dialect::PostgreSQL) == "VARCHAR(3)");
    CHECK(schema::bind_cast_type(types::text()) == "TEXT");
    CHECK(schema::bind_cast_type(types::binary(10)) == "BYTEA");
    CHECK(schema::render_type(types::binary(10), Dialect::PostgreSQL) == "BYTEA");
    CHECK(schema::render_type(types::binary(10), Dialect::SQLite) == "BLOB");
}

TEST_CASE("a bind's type decides its cast; a null type is no type", "[sql][postgresql][bind]") {
    CHECK(pg_sql(op("=", col("a"), bindd("p"))) == "a = $1");
    CHECK(pg_sql(op("=", col("a"), typed("p", tuple("integer")))) == "a = $1::INTEGER");
    CHECK(pg_sql(typed("p", tuple("null"))) == pg_sql(bindd("p")));
    CHECK(pg_sql(typed("p", nullptr)) == pg_sql(bindd("p")));
}

TEST_CASE("malformed typed binds are rejected", "[sql][postgresql][bind][decode]") {
    CHECK_THROWS_WITH(decode(typed("p", tuple("varchar2"))), Contains("'varchar2'"));
    CHECK_THROWS_WITH(decode(typed("p", Datum(5))), Contains("head string"));
    CHECK_THROWS_WITH(decode(tuple("bind", "p", tuple("integer"), 1)),
                      Contains("expected ('bind', key, [type]), got 3 slot(s)"));
    CHECK_THROWS_WITH(decode(typed("p", tuple("string"))), Contains("'string'"));
    CHECK_THROWS_WITH(decode(typed("p", tuple("binary", 1, 2))), Contains("'binary'"));
    CHECK_THROWS_WITH(decode(typed("p", tuple("null", 1))), Contains("'null'"));
}

// --- savepoints -------------------------------------------------------------------------------

TEST_CASE("savepoint statements from datums", "[sql][postgresql][savepoint]") {
    for (auto d : {Dialect::SQLite, Dialect::PostgreSQL}) {
        INFO(dialect_name(d));
        auto c = compile(*decode(tuple("savepoint", "sa_savepoint_1")), d);
        CHECK(c.sql == "SAVEPOINT sa_savepoint_1");
        CHECK(c.param_keys.empty());
        CHECK(compile(*decode(tuple("release_savepoint", "sa_savepoint_1")), d).sql ==
              "RELEASE SAVEPOINT sa_savepoint_1");
        CHECK(compile(*decode(tuple("rollback_to_savepoint", "sa_savepoint_1")), d).sql ==
              "ROLLBACK TO SAVEPOINT sa_savepoint_1");
    }
    // names are quoted as identifiers when needed
    CHECK(pg_sql(tuple("savepoint", "user")) == "SAVEPOINT \"user\"");
    CHECK(lite_sql(tuple("release_savepoint", "Sp1")) == "RELEASE SAVEPOINT \"Sp1\"");
    CHECK(pg_sql(tuple("rollback_to_savepoint", "a\"b")) == "ROLLBACK TO SAVEPOINT \"a\"\"b\"");
    CHECK(pg_sql(tuple("savepoint", "savepoint")) == "SAVEPOINT \"savepoint\"");
}

TEST_CASE("savepoint builders", "[sql][postgresql][savepoint][builder]") {
    CHECK(compile(*savepoint("sp"), Dialect::PostgreSQL).sql == "SAVEPOINT sp");
    CHECK(compile(*release_savepoint("sp"), Dialect::SQLite).sql == "RELEASE SAVEPOINT sp");
    CHECK(compile(*rollback_to_savepoint("order"), Dialect::PostgreSQL).sql ==
          "ROLLBACK TO SAVEPOINT \"order\"");
    CHECK(savepoint("sp")->kind == Kind::Savepoint);
    CHECK(release_savepoint("sp")->kind == Kind::ReleaseSavepoint);
    CHECK(rollback_to_savepoint("sp")->kind == Kind::RollbackToSavepoint);
    CHECK(is_statement(Kind::Savepoint));
    CHECK(is_statement(Kind::ReleaseSavepoint));
    CHECK(is_statement(Kind::RollbackToSavepoint));
    CHECK(kind_name(Kind::Savepoint) == "savepoint");
    CHECK(kind_name(Kind::ReleaseSavepoint) == "release_savepoint");
    CHECK(kind_name(Kind::RollbackToSavepoint) == "rollback_to_savepoint");
    CHECK_THROWS_AS(savepoint(""), cormorant::Error);
    CHECK_THROWS_WITH(release_savepoint(""), Contains("name"));
}

TEST_CASE("savepoint datums are checked and decode like the builder's",
          "[sql][postgresql][savepoint][decode]") {
    CHECK_THROWS_WITH(decode(tuple("savepoint")),
                      Contains("expected ('savepoint', name), got 0 slot(s)"));
    CHECK_THROWS_WITH(decode(tuple("release_savepoint", 1)),
                      Contains("'release_savepoint'") && Contains("string"));
    CHECK_THROWS_WITH(decode(tuple("rollback_to_savepoint", "a", "b")),
                      Contains("'rollback_to_savepoint'"));
    CHECK_THROWS_WITH(decode(tuple("savepoint", "")), Contains("'savepoint'") && Contains("empty"));
    CHECK_THROWS_WITH(compile(*make_node(Kind::Savepoint), Dialect::PostgreSQL),
                      Contains("savepoint without a name"));
    CHECK(pg_sql(tuple("savepoint", "a")) == pg(*savepoint("a")).sql);
    CHECK(pg_sql(tuple("release_savepoint", "a")) == pg(*release_savepoint("a")).sql);
}

// --- DML, locking, ILIKE ----------------------------------------------------------------------

TEST_CASE("PostgreSQL DML uses $n and RETURNING", "[sql][postgresql][dml]") {
    auto ins = insert("users", {"name", "email"})
                   .values({bind("n0"), bind("e0")})
                   .values({bind("n1"), bind("e1")})
                   .returning({column("users", "id"), label(column("users", "name"), "nm")});
    auto p = compile(ins, Dialect::PostgreSQL);
    CHECK(p.sql ==
          "INSERT INTO users (name, email) VALUES ($1, $2), ($3, $4) RETURNING users.id, "
          "users.name AS nm");
    CHECK(p.param_keys == keys({"n0", "e0", "n1", "e1"}));
    auto upd = update("users")
                   .set("name", bind("name"))
                   .where(eq(column("users", "id"), bind("id")))
                   .returning({column("users", "id")});
    CHECK(compile(upd, Dialect::PostgreSQL).sql ==
          "UPDATE users SET name = $1 WHERE users.id = $2 RETURNING users.id");
    auto del = delete_("users").where(eq(column("users", "id"), bind("id"))).returning({star()});
    CHECK(compile(del, Dialect::PostgreSQL).sql ==
          "DELETE FROM users WHERE users.id = $1 RETURNING *");
    CHECK(pg_sql(tuple("insert", "t", empty(), empty(), tuple(col("t", "id")), nullptr)) ==
          "INSERT INTO t DEFAULT VALUES RETURNING t.id");
}

TEST_CASE("PostgreSQL ON CONFLICT", "[sql][postgresql][dml]") {
    auto base = insert("kv", {"k", "v"}).values({bind("k"), bind("v")});
    CHECK(compile(base.on_conflict_do_nothing(), Dialect::PostgreSQL).sql ==
          "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    CHECK(compile(base.on_conflict_do_nothing({"k"}), Dialect::PostgreSQL).sql ==
          "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING");
    auto up = base.on_conflict_do_update(
                      {"k"}, {{"v", excluded("v")}, {"n", add(column("kv", "n"), bind("inc"))}},
                      ne(column("kv", "v"), excluded("v")))
                  .returning({column("kv", "k")});
    auto p = compile(up, Dialect::PostgreSQL);
    CHECK(p.sql ==
          "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = "
          "kv.n + $3 WHERE kv.v != excluded.v RETURNING kv.k");
    CHECK(p.param_keys == keys({"k", "v", "inc"}));
    auto dup = base.on_conflict_do_update({"k"}, {{"v", bind("v")}});
    auto d = compile(dup, Dialect::PostgreSQL);
    CHECK(d.sql == "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = $2");
    CHECK(d.param_keys == keys({"k", "v"}));
    // PostgreSQL needs a conflict target for DO UPDATE; SQLite infers it
    auto no_target = base.on_conflict_do_update({}, {{"v", excluded("v")}});
    CHECK_THROWS_WITH(compile(no_target, Dialect::PostgreSQL),
                      Contains("ON CONFLICT DO UPDATE") && Contains("PostgreSQL"));
    CHECK(compile(no_target, Dialect::SQLite).sql ==
          "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT DO UPDATE SET v = excluded.v");
}

TEST_CASE("PostgreSQL row locking", "[sql][postgresql][select]") {
    auto q = select({column("a", "id")})
                 .from(join(table("a"), table("b"), eq(column("b", "aid"), column("a", "id"))))
                 .where(eq(column("a", "id"), bind("id")))
                 .limit(bind("n"));
    auto lock = [&](bool nowait, bool skip, bool read, std::vector<std::string> of) {
        ForUpdateOptions o;
        o.nowait = nowait;
        o.skip_locked = skip;
        o.read = read;
        o.of = std::move(of);
        return compile(q.for_update(o), Dialect::PostgreSQL).sql;
    };
    const std::string head = "SELECT a.id FROM a JOIN b ON b.aid = a.id WHERE a.id = $1 LIMIT $2";
    CHECK(lock(false, false, false, {}) == head + " FOR UPDATE");
    CHECK(lock(true, false, false, {}) == head + " FOR UPDATE NOWAIT");
    CHECK(lock(false, true, false, {}) == head + " FOR UPDATE SKIP LOCKED");
    CHECK(lock(false, false, false, {"a"}) == head + " FOR UPDATE OF a");
    CHECK(lock(false, true, false, {"a", "user"}) ==
          head + " FOR UPDATE OF a, \"user\" SKIP LOCKED");
    CHECK(lock(true, false, true, {"b"}) == head + " FOR SHARE OF b NOWAIT");
    CHECK(compile(q.for_update(), Dialect::SQLite).sql ==
          "SELECT a.id FROM a JOIN b ON b.aid = a.id WHERE a.id = ? LIMIT ?");
}

TEST_CASE("ILIKE is native on PostgreSQL", "[sql][postgresql][expr]") {
    auto e = ilike(column("u", "name"), bind("pat", types::string()));
    CHECK(pg(*e).sql == "u.name ILIKE $1::VARCHAR");
    CHECK(lite(*e).sql == "lower(u.name) LIKE lower(?)");
    auto n = binop("NOT ILIKE", column("u", "name"), bind("pat"));
    CHECK(pg(*n).sql == "u.name NOT ILIKE $1");
    CHECK(lite(*n).sql == "lower(u.name) NOT LIKE lower(?)");
    CHECK(pg(*and_({e, eq(column("u", "ok"), true_())})).sql ==
          "u.name ILIKE $1::VARCHAR AND u.ok = true");
}

// --- DDL ----------------------------------------------------------------------------------------

TEST_CASE("PostgreSQL CREATE TABLE with every type", "[schema][postgresql][ddl]") {
    auto t = tuple(
        "create_table", "items",
        tuple(
            coldef("id", tuple("biginteger"), false, nullptr, true),
            coldef("name", tuple("string", 80), false),
            coldef("price", tuple("numeric", 10, 2), true),
            coldef("created", tuple("datetime", false), false, tuple("func", "now", empty())),
            coldef("seen", tuple("datetime", true), true), coldef("day", tuple("date"), true),
            coldef("at", tuple("time"), true), coldef("blob", tuple("binary", nullptr), true),
            coldef("uid", tuple("uuid"), false), coldef("meta", tuple("json"), true),
            coldef("doc", tuple("jsonb"), true),
            coldef("active", tuple("boolean"), false, tuple("false")),
            coldef("notes", tuple("text"), true), coldef("ratio", tuple("float"), true),
            coldef("kind", tuple("enum", tuple("small", "large")), true, tuple("literal", "small")),
            coldef("n", tuple("smallinteger"), true), coldef("m", tuple("integer"), true)),
        tuple(tuple("primary_key", tuple("id"))), false);
    CHECK(pg_sql(t) ==
          "CREATE TABLE items (id BIGSERIAL NOT NULL, name VARCHAR(80) NOT NULL, price NUMERIC(10, "
          "2), created TIMESTAMP DEFAULT now() NOT NULL, seen TIMESTAMP WITH TIME ZONE, day DATE, "
          "at TIME, blob BYTEA, uid UUID NOT NULL, meta JSON, doc JSONB, active BOOLEAN DEFAULT "
          "false NOT NULL, notes TEXT, ratio FLOAT, kind VARCHAR(5) DEFAULT 'small', n SMALLINT, m "
          "INTEGER, PRIMARY KEY (id))");
}

TEST_CASE("PostgreSQL serial keys", "[schema][postgresql][ddl]") {
    auto with_key = [](const char* type) {
        return tuple("create_table", "t", tuple(coldef("id", tuple(type), false, nullptr, true)),
                     tuple(tuple("primary_key", tuple("id"))), true);
    };
    CHECK(pg_sql(with_key("integer")) ==
          "CREATE TABLE IF NOT EXISTS t (id SERIAL NOT NULL, PRIMARY KEY (id))");
    CHECK(pg_sql(with_key("biginteger")) ==
          "CREATE TABLE IF NOT EXISTS t (id BIGSERIAL NOT NULL, PRIMARY KEY (id))");
    CHECK(pg_sql(with_key("smallinteger")) ==
          "CREATE TABLE IF NOT EXISTS t (id SMALLSERIAL NOT NULL, PRIMARY KEY (id))");
    CHECK(lite_sql(with_key("biginteger")) ==
          "CREATE TABLE IF NOT EXISTS t (id INTEGER NOT NULL, PRIMARY KEY (id))");
    // a non-autoincrement integer key keeps its type
    auto plain = tuple("create_table", "t", tuple(coldef("id", tuple("biginteger"), false)),
                       tuple(tuple("primary_key", tuple("id"))), false);
    CHECK(pg_sql(plain) == "CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))");
}

TEST_CASE("an enum without values is a plain VARCHAR", "[schema][postgresql][ddl]") {
    CHECK(schema::render_type(types::enum_({}), Dialect::PostgreSQL) == "VARCHAR");
    CHECK(schema::render_type(types::enum_({""}), Dialect::SQLite) == "VARCHAR");
    CHECK(pg_sql(tuple("cast", col("a"), tuple("enum", empty()))) == "CAST(a AS VARCHAR)");
}

TEST_CASE("text() binds with a type are cast on PostgreSQL only", "[sql][postgres]") {
    using cormorant::sql::tuple;
    const Datum datum = tuple("text", "SELECT :a, :b, :a WHERE x = ':a'",
                              tuple(tuple("bind", "a", tuple("integer"))));
    const auto pg = cormorant::sql::compile(*cormorant::sql::decode(datum), Dialect::PostgreSQL);
    CHECK(pg.sql == "SELECT $1::INTEGER, $2, $1::INTEGER WHERE x = ':a'");
    CHECK(pg.param_keys == std::vector<std::string>{"a", "b"});
    const auto lite = cormorant::sql::compile(*cormorant::sql::decode(datum), Dialect::SQLite);
    CHECK(lite.sql == "SELECT ?, ?, ? WHERE x = ':a'");
}

TEST_CASE("native enum types on PostgreSQL", "[sql][postgres]") {
    using cormorant::sql::tuple;
    auto pg = [](const Datum& d) {
        return cormorant::sql::compile(*cormorant::sql::decode(d), Dialect::PostgreSQL).sql;
    };
    CHECK(pg(tuple("create_enum", "mood", tuple("calm", "it's"), false)) ==
          "CREATE TYPE mood AS ENUM ('calm', 'it''s')");
    CHECK(pg(tuple("create_enum", "Mood", tuple("a"), true)) ==
          "DO $$ BEGIN CREATE TYPE \"Mood\" AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN "
          "NULL; END $$");
    CHECK(pg(tuple("drop_enum", "mood", true)) == "DROP TYPE IF EXISTS mood");
    const Datum where = tuple("select", tuple(tuple("col", "t", "m")), tuple(tuple("table", "t")),
                              tuple("binop", "=", tuple("col", "t", "m"),
                                    tuple("bind", "p", tuple("enum", tuple("a", "b"), "mood"))),
                              tuple(), nullptr, tuple(), nullptr, nullptr, false, nullptr);
    CHECK(pg(where) == "SELECT t.m FROM t WHERE t.m = $1::mood");
    const Datum lite = tuple("create_enum", "mood", tuple("a"), false);
    CHECK_THROWS_AS(cormorant::sql::compile(*cormorant::sql::decode(lite), Dialect::SQLite),
                    cormorant::Error);
}
