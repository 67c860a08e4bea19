// Golden SQL for INSERT (multi-row, DEFAULT VALUES, ON CONFLICT, RETURNING), UPDATE, DELETE.
#include "helpers.hpp"

using namespace test_sql;

TEST_CASE("insert", "[sql][dml]") {
    auto one = tuple("insert", "users", tuple("name", "order"),
                     tuple(tuple(bindd("name"), bindd("order"))), empty(), nullptr);
    CHECK(lite_sql(one) == "INSERT INTO users (name, \"order\") VALUES (?, ?)");
    CHECK(pg_sql(one) == "INSERT INTO users (name, \"order\") VALUES ($1, $2)");
    auto many =
        tuple("insert", "users", tuple("name"), tuple(tuple(bindd("n0")), tuple(bindd("n1"))),
              tuple(col("users", "id")), nullptr);
    auto p = pg(*decode(many));
    CHECK(p.sql == "INSERT INTO users (name) VALUES ($1), ($2) RETURNING users.id");
    CHECK(p.param_keys == keys({"n0", "n1"}));
    CHECK(lite_sql(tuple("insert", "user", empty(), empty(), empty(), nullptr)) ==
          "INSERT INTO \"user\" DEFAULT VALUES");
    CHECK(pg_sql(tuple("insert", "t", empty(), empty(), tuple(col("t", "id")), nullptr)) ==
          "INSERT INTO t DEFAULT VALUES RETURNING t.id");
}

TEST_CASE("a one-row INSERT renders for many rows", "[sql][dml][values]") {
    auto one = tuple("insert", "t", tuple("a", "b"),
                     tuple(tuple(bindd("a"), tuple("bind", "b", tuple("integer")))),
                     tuple(col("t", "id")), nullptr);
    auto p = pg(*decode(one));
    REQUIRE(p.many_values);
    CHECK(p.many_values->binds() == 2);
    CHECK(p.many_values->render(1) == p.sql);
    CHECK(p.many_values->render(3) ==
          "INSERT INTO t (a, b) VALUES ($1, $2::INTEGER), ($3, $4::INTEGER), ($5, $6::INTEGER) "
          "RETURNING t.id");
    auto s = lite(*decode(one));
    REQUIRE(s.many_values);
    CHECK(s.many_values->render(2) == "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING t.id");
}

TEST_CASE("a repeated key keeps one number in every row", "[sql][dml][values]") {
    auto twice = tuple("insert", "t", tuple("a", "b"), tuple(tuple(bindd("x"), bindd("x"))),
                       empty(), nullptr);
    auto p = pg(*decode(twice));
    REQUIRE(p.many_values);
    CHECK(p.many_values->binds() == 1);
    CHECK(p.many_values->render(2) == "INSERT INTO t (a, b) VALUES ($1, $1), ($2, $2)");
}

TEST_CASE("no VALUES template when a bind sits outside the group", "[sql][dml][values]") {
    auto upd = tuple("do_update", tuple("k"),
                     tuple(tuple("n", op("+", col("kv", "n"), bindd("inc")))), nullptr);
    auto ins = tuple("insert", "kv", tuple("k"), tuple(tuple(bindd("k"))), empty(), upd);
    CHECK_FALSE(pg(*decode(ins)).many_values);
    CHECK_FALSE(lite(*decode(ins)).many_values);
    CHECK_FALSE(pg(*decode(tuple("insert", "t", empty(), empty(), empty(), nullptr))).many_values);
    CHECK_FALSE(pg(*decode(select_d(tuple(bindd("p")), empty()))).many_values);
}

TEST_CASE("insert ON CONFLICT", "[sql][dml]") {
    auto ins = [](Datum oc) {
        return tuple("insert", "kv", tuple("k", "v"), tuple(tuple(bindd("k"), bindd("v"))),
                     tuple(col("kv", "v")), oc);
    };
    CHECK(lite_sql(ins(tuple("do_nothing", tuple("k")))) ==
          "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING RETURNING kv.v");
    CHECK(lite_sql(ins(tuple("do_nothing", empty()))) ==
          "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING kv.v");
    auto upd = tuple("do_update", tuple("k"),
                     tuple(tuple("v", tuple("excluded", "v")),
                           tuple("n", op("+", col("kv", "n"), bindd("inc")))),
                     op("<", col("kv", "v"), tuple("excluded", "v")));
    auto p = pg(*decode(ins(upd)));
    CHECK(p.sql ==
          "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v, n "
          "= kv.n + $3 WHERE kv.v < excluded.v RETURNING kv.v");
    CHECK(p.param_keys == keys({"k", "v", "inc"}));
    auto upd_no_where =
        tuple("do_update", tuple("k", "user"), tuple(tuple("v", tuple("excluded", "v"))), nullptr);
    CHECK(lite_sql(ins(upd_no_where)) ==
          "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k, \"user\") DO UPDATE SET v = "
          "excluded.v "
          "RETURNING kv.v");
}

TEST_CASE("update and delete", "[sql][dml]") {
    auto upd =
        tuple("update", "users", tuple(tuple("name", bindd("name")), tuple("group", tuple("null"))),
              op("=", col("users", "id"), bindd("id")), empty());
    CHECK(lite_sql(upd) == "UPDATE users SET name = ?, \"group\" = NULL WHERE users.id = ?");
    auto ret =
        tuple("update", "users", tuple(tuple("n", op("+", col("users", "n"), bindd("d")))), nullptr,
              tuple(col("users", "id"), tuple("label", col("users", "n"), "new_n")));
    CHECK(pg_sql(ret) == "UPDATE users SET n = users.n + $1 RETURNING users.id, users.n AS new_n");
    CHECK(lite_sql(tuple("delete", "users", op("=", col("users", "id"), bindd("id")), empty())) ==
          "DELETE FROM users WHERE users.id = ?");
    CHECK(pg_sql(tuple("delete", "order", nullptr, tuple(col("order", "id")))) ==
          "DELETE FROM \"order\" RETURNING \"order\".id");
}

TEST_CASE("C++ DML builders", "[sql][dml][builder]") {
    auto ins = insert("users", {"name", "email"})
                   .values({bind("name"), bind("email")})
                   .returning({column("users", "id")});
    CHECK(compile(ins, Dialect::PostgreSQL).sql ==
          "INSERT INTO users (name, email) VALUES ($1, $2) RETURNING users.id");
    auto up = insert("kv", {"k", "v"})
                  .values({bind("k"), bind("v")})
                  .on_conflict_do_update({"k"}, {{"v", excluded("v")}});
    CHECK(compile(up, Dialect::SQLite).sql ==
          "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
    CHECK(compile(insert("kv", {"k"}).values({bind("k")}).on_conflict_do_nothing(), Dialect::SQLite)
              .sql == "INSERT INTO kv (k) VALUES (?) ON CONFLICT DO NOTHING");
    CHECK_THROWS_AS(insert("kv", {"k"}).values({bind("a"), bind("b")}), cormorant::Error);
    auto u = update("users").set("name", bind("n")).where(eq(column("users", "id"), bind("id")));
    CHECK(compile(u, Dialect::SQLite).sql == "UPDATE users SET name = ? WHERE users.id = ?");
    auto d = delete_("users")
                 .where(lt(column("users", "age"), bind("a")))
                 .returning({column("users", "id")});
    CHECK(compile(d, Dialect::PostgreSQL).sql ==
          "DELETE FROM users WHERE users.age < $1 RETURNING users.id");
    CHECK_THROWS_WITH(compile(update("users"), Dialect::SQLite), Catch::Contains("SET"));
}
