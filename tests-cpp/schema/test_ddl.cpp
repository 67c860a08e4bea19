// Golden DDL for both dialects, built from C++ structs and decoded from datums.
#include <catch2/catch.hpp>

#include "../sql/helpers.hpp"
#include "cormorant/error.hpp"
#include "cormorant/schema/ddl.hpp"

using namespace test_sql;
namespace schema = cormorant::schema;
using Catch::Contains;

namespace {

Datum coldef(const char* name, Datum type, bool nullable, Datum server_default = nullptr,
             bool autoinc = false) {
    return tuple("column", name, type, nullable, server_default, autoinc);
}

Datum users_table(bool if_not_exists) {
    return tuple(
        "create_table", "users",
        tuple(coldef("id", tuple("integer"), false, nullptr, true),
              coldef("email", tuple("string", 120), false),
              coldef("created_at", tuple("datetime", false), false, tuple("func", "now", empty())),
              coldef("status", tuple("string", 10), true, tuple("literal", "new")),
              coldef("order", tuple("integer"), true)),
        tuple(tuple("primary_key", tuple("id")), tuple("unique", nullptr, tuple("email"))),
        if_not_exists);
}

}  // namespace

TEST_CASE("CREATE TABLE from datums", "[schema][ddl]") {
    CHECK(
        lite_sql(users_table(false)) ==
        "CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR(120) NOT NULL, created_at DATETIME "
        "DEFAULT (CURRENT_TIMESTAMP) NOT NULL, status VARCHAR(10) DEFAULT 'new', \"order\" "
        "INTEGER, "
        "PRIMARY KEY (id), UNIQUE (email))");
    CHECK(
        pg_sql(users_table(true)) ==
        "CREATE TABLE IF NOT EXISTS users (id SERIAL NOT NULL, email VARCHAR(120) NOT NULL, "
        "created_at TIMESTAMP DEFAULT now() NOT NULL, status VARCHAR(10) DEFAULT 'new', \"order\" "
        "INTEGER, PRIMARY KEY (id), UNIQUE (email))");
}

TEST_CASE("constraints", "[schema][ddl]") {
    auto t = tuple("create_table", "addresses",
                   tuple(coldef("id", tuple("biginteger"), false, nullptr, true),
                         coldef("user_id", tuple("integer"), false),
                         coldef("qty", tuple("integer"), false, tuple("literal", 0))),
                   tuple(tuple("primary_key", tuple("id")),
                         tuple("foreign_key", nullptr, tuple("user_id"), "users", tuple("id"),
                               "CASCADE", nullptr),
                         tuple("foreign_key", "fk_x", tuple("id", "user_id"), "user",
                               tuple("a", "b"), "set null", "cascade"),
                         tuple("unique", "uq_pair", tuple("user_id", "qty")),
                         tuple("check", "ck_qty", op(">=", col("qty"), tuple("literal", 0)))),
                   false);
    CHECK(
        lite_sql(t) ==
        "CREATE TABLE addresses (id INTEGER NOT NULL, user_id INTEGER NOT NULL, qty INTEGER "
        "DEFAULT 0 "
        "NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, "
        "CONSTRAINT fk_x FOREIGN KEY(id, user_id) REFERENCES \"user\" (a, b) ON DELETE SET NULL ON "
        "UPDATE CASCADE, CONSTRAINT uq_pair UNIQUE (user_id, qty), CONSTRAINT ck_qty CHECK (qty >= "
        "0))");
    CHECK(pg_sql(t).starts_with("CREATE TABLE addresses (id BIGSERIAL NOT NULL, "));
}

TEST_CASE("every type on both dialects", "[schema][ddl]") {
    struct Row {
        Datum type;
        const char* sqlite;
        const char* postgresql;
    };
    std::vector<Row> rows = {
        {tuple("integer"), "INTEGER", "INTEGER"},
        {tuple("biginteger"), "BIGINT", "BIGINT"},
        {tuple("smallinteger"), "SMALLINT", "SMALLINT"},
        {tuple("string", 50), "VARCHAR(50)", "VARCHAR(50)"},
        {tuple("string", nullptr), "VARCHAR", "VARCHAR"},
        {tuple("text"), "TEXT", "TEXT"},
        {tuple("boolean"), "BOOLEAN", "BOOLEAN"},
        {tuple("float"), "FLOAT", "FLOAT"},
        {tuple("numeric", 10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)"},
        {tuple("numeric", nullptr, nullptr), "NUMERIC", "NUMERIC"},
        {tuple("date"), "DATE", "DATE"},
        {tuple("datetime", false), "DATETIME", "TIMESTAMP"},
        {tuple("datetime", true), "DATETIME", "TIMESTAMP WITH TIME ZONE"},
        {tuple("time"), "TIME", "TIME"},
        {tuple("binary"), "BLOB", "BYTEA"},
        {tuple("json"), "JSON", "JSON"},
        {tuple("jsonb"), "JSON", "JSONB"},
        {tuple("uuid"), "CHAR(32)", "UUID"},
        {tuple("enum", tuple("a", "bbbb", "cc")), "VARCHAR(4)", "VARCHAR(4)"},
    };
    for (const auto& r : rows) {
        auto t = decode_type(r.type);
        CHECK(schema::render_type(t, Dialect::SQLite) == r.sqlite);
        CHECK(schema::render_type(t, Dialect::PostgreSQL) == r.postgresql);
    }
}

TEST_CASE("DROP TABLE and indexes", "[schema][ddl]") {
    CHECK(lite_sql(tuple("drop_table", "users", false)) == "DROP TABLE users");
    CHECK(pg_sql(tuple("drop_table", "user", true)) == "DROP TABLE IF EXISTS \"user\"");
    CHECK(lite_sql(tuple("create_index", "ix_users_email", "users", tuple("email"), false,
                         false)) == "CREATE INDEX ix_users_email ON users (email)");
    CHECK(pg_sql(tuple("create_index", "uq_x", "users", tuple("a", "order"), true, true)) ==
          "CREATE UNIQUE INDEX IF NOT EXISTS uq_x ON users (a, \"order\")");
    CHECK(lite_sql(tuple("drop_index", "ix", true)) == "DROP INDEX IF EXISTS ix");
    CHECK(pg_sql(tuple("drop_index", "ix", false)) == "DROP INDEX ix");
}

TEST_CASE("DDL errors", "[schema][ddl]") {
    auto with_default = [](Datum def) {
        return tuple("create_table", "t", tuple(coldef("a", tuple("integer"), true, def)), empty(),
                     false);
    };
    CHECK_THROWS_WITH(lite_sql(with_default(bindd("x"))), Contains("'x'") && Contains("DDL"));
    CHECK_THROWS_WITH(decode(tuple("create_table", "t", tuple(tuple("col", "a")), empty(), false)),
                      Contains("column"));
    CHECK_THROWS_WITH(
        decode(tuple("create_table", "t", empty(), tuple(tuple("frobnicate", 1)), false)),
        Contains("'frobnicate': unknown element"));
    auto bad_fk = tuple(
        "create_table", "t", tuple(coldef("a", tuple("integer"), true)),
        tuple(tuple("foreign_key", nullptr, tuple("a"), "u", tuple("id"), "EXPLODE", nullptr)),
        false);
    CHECK_THROWS_WITH(lite_sql(bad_fk), Contains("EXPLODE"));
}

TEST_CASE("C++ schema structs", "[schema][ddl]") {
    schema::Table t;
    t.name = "posts";
    t.columns.push_back({"id", schema::types::big_integer(), false, nullptr, true, {}});
    t.columns.push_back({"title", schema::types::string(200), false, nullptr, false, {}});
    t.columns.push_back({"published", schema::types::boolean(), false, false_(), false, {}});
    t.columns.push_back({"author_id", schema::types::integer(), true, nullptr, false, {}});
    t.constraints.push_back(schema::PrimaryKey{{"id"}, {}});
    t.constraints.push_back(schema::ForeignKey{{"author_id"}, "users", {"id"}, "CASCADE", {}, {}});
    CHECK(schema::create_table_sql(t, Dialect::SQLite) ==
          "CREATE TABLE posts (id INTEGER NOT NULL, title VARCHAR(200) NOT NULL, published BOOLEAN "
          "DEFAULT 0 NOT NULL, author_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(author_id) "
          "REFERENCES "
          "users (id) ON DELETE CASCADE)");
    CHECK(schema::create_table_sql(t, Dialect::PostgreSQL, true) ==
          "CREATE TABLE IF NOT EXISTS posts (id BIGSERIAL NOT NULL, title VARCHAR(200) NOT NULL, "
          "published BOOLEAN DEFAULT false NOT NULL, author_id INTEGER, PRIMARY KEY (id), FOREIGN "
          "KEY(author_id) REFERENCES users (id) ON DELETE CASCADE)");
    auto node = schema::create_table(std::make_shared<schema::Table>(t));
    CHECK(compile(*node, Dialect::SQLite).sql == schema::create_table_sql(t, Dialect::SQLite));
    schema::Index ix{"ix_posts_title", "posts", {"title"}, false};
    CHECK(schema::create_index_sql(ix, true) ==
          "CREATE INDEX IF NOT EXISTS ix_posts_title ON posts (title)");
}

TEST_CASE("server defaults: strings are quoted, text() is SQL as written", "[schema][ddl]") {
    auto t = tuple("create_table", "d",
                   tuple(coldef("s", tuple("string", 20), true, tuple("literal", "it's")),
                         coldef("n", tuple("integer"), true, tuple("text", "(3 + 4) * 2"))),
                   empty(), false);
    CHECK(lite_sql(t) ==
          "CREATE TABLE d (s VARCHAR(20) DEFAULT 'it''s', n INTEGER DEFAULT ((3 + 4) * 2))");
    CHECK(pg_sql(t) ==
          "CREATE TABLE d (s VARCHAR(20) DEFAULT 'it''s', n INTEGER DEFAULT (3 + 4) * 2)");
}

TEST_CASE("ALTER TABLE adds and drops a constraint", "[schema][ddl][alter]") {
    auto fk = tuple("foreign_key", "fk_a_b", tuple("b_id"), "b", tuple("id"), "cascade", nullptr);
    CHECK(pg_sql(tuple("add_constraint", "a", fk, false)) ==
          "ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY(b_id) REFERENCES b (id) ON DELETE "
          "CASCADE");
    CHECK(pg_sql(tuple("add_constraint", "user", fk, true)) ==
          "DO $$ BEGIN ALTER TABLE \"user\" ADD CONSTRAINT fk_a_b FOREIGN KEY(b_id) REFERENCES b "
          "(id) ON DELETE CASCADE; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    CHECK(pg_sql(tuple("drop_constraint", "a", "fk_a_b", true)) ==
          "ALTER TABLE IF EXISTS a DROP CONSTRAINT IF EXISTS fk_a_b");
    CHECK(pg_sql(tuple("drop_constraint", "a", "fk_a_b", false)) ==
          "ALTER TABLE a DROP CONSTRAINT fk_a_b");
    CHECK_THROWS_WITH(lite_sql(tuple("add_constraint", "a", fk, false)),
                      Contains("SQLite has no ALTER TABLE ... ADD CONSTRAINT"));
    auto bad = tuple("foreign_key", "f", tuple("b_id"), "b", tuple("id"), "explode", nullptr);
    CHECK_THROWS_WITH(pg_sql(tuple("add_constraint", "a", bad, false)),
                      Contains("invalid ON DELETE action 'explode'"));
    CHECK(pg(*decode(tuple("drop_constraint", "a", "f", true))).kind == "drop_constraint");
}

TEST_CASE("generated columns, named keys and EXCLUDE constraints", "[schema][ddl]") {
    auto id = tuple("column", "id", tuple("integer"), false, nullptr, false,
                    tuple("identity", false, "START WITH 10"));
    auto twice =
        tuple("column", "twice", tuple("integer"), true, nullptr, false,
              tuple("computed",
                    tuple("binop", "*", tuple("col", nullptr, "id"), tuple("text", "2")), nullptr));
    auto exclude = tuple("exclude", "ex_id", "gist",
                         tuple(tuple("with", tuple("col", nullptr, "id"), "=")), nullptr);
    auto table = tuple("create_table", "g", tuple(id, twice),
                       tuple(tuple("primary_key", tuple("id"), "pk_g"), exclude), false);
    CHECK(pg_sql(table) ==
          "CREATE TABLE g (id INTEGER GENERATED BY DEFAULT AS IDENTITY (START WITH 10), twice "
          "INTEGER GENERATED ALWAYS AS (id * 2) STORED, CONSTRAINT pk_g PRIMARY KEY (id), "
          "CONSTRAINT ex_id EXCLUDE USING gist (id WITH =))");
    auto no_exclude = tuple("create_table", "g", tuple(id, twice),
                            tuple(tuple("primary_key", tuple("id"), "pk_g")), false);
    CHECK(lite_sql(no_exclude) ==
          "CREATE TABLE g (id INTEGER NOT NULL, twice INTEGER GENERATED ALWAYS AS (id * 2), "
          "CONSTRAINT pk_g PRIMARY KEY (id))");
    CHECK_THROWS_WITH(lite_sql(table), Contains("EXCLUDE constraints exist only on PostgreSQL"));
    auto stored_virtual =
        tuple("create_table", "v",
              tuple(tuple("column", "a", tuple("integer"), true, nullptr, false,
                          tuple("computed", tuple("col", nullptr, "b"), "virtual"))),
              empty(), false);
    CHECK(lite_sql(stored_virtual) == "CREATE TABLE v (a INTEGER GENERATED ALWAYS AS (b) VIRTUAL)");
    CHECK_THROWS_WITH(pg_sql(stored_virtual), Contains("'virtual' persistence"));
}
