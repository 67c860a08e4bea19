// Golden SQL for SELECT, joins, subqueries, LIMIT/OFFSET, FOR UPDATE and compounds.
#include "helpers.hpp"

using namespace test_sql;

namespace {

Datum users() { return tuple("table", "users"); }
Datum full_select(Datum limit, Datum offset, Datum for_update = nullptr) {
    return tuple("select",
                 tuple(col("users", "id"), tuple("label", tuple("func", "count", empty()), "n")),
                 tuple(users()), op("=", col("users", "name"), bindd("name")),
                 tuple(col("users", "id")), op(">", tuple("func", "count", empty()), bindd("min")),
                 tuple(tuple("desc", tuple("labelref", "n"))), limit, offset, true, for_update);
}

}  // namespace

TEST_CASE("select with every clause", "[sql][select]") {
    auto d = full_select(bindd("lim"), bindd("off"));
    auto s = lite(*decode(d));
    CHECK(s.sql ==
          "SELECT DISTINCT users.id, count(*) AS n FROM users WHERE users.name = ? GROUP BY "
          "users.id HAVING count(*) > ? ORDER BY n DESC LIMIT ? OFFSET ?");
    CHECK(s.param_keys == keys({"name", "min", "lim", "off"}));
    auto p = pg(*decode(d));
    CHECK(p.sql ==
          "SELECT DISTINCT users.id, count(*) AS n FROM users WHERE users.name = $1 GROUP BY "
          "users.id HAVING count(*) > $2 ORDER BY n DESC LIMIT $3 OFFSET $4");
}

TEST_CASE("limit and offset", "[sql][select]") {
    auto base = [](Datum limit, Datum offset) {
        return select_d(tuple(col("users", "id")), tuple(users()), nullptr, empty(), limit, offset);
    };
    CHECK(lite_sql(base(bindd("l"), nullptr)) == "SELECT users.id FROM users LIMIT ?");
    CHECK(lite_sql(base(nullptr, bindd("o"))) == "SELECT users.id FROM users LIMIT -1 OFFSET ?");
    CHECK(pg_sql(base(nullptr, bindd("o"))) == "SELECT users.id FROM users OFFSET $1");
    CHECK(lite_sql(base(tuple("literal", 10), nullptr)) == "SELECT users.id FROM users LIMIT 10");
}

TEST_CASE("select without FROM", "[sql][select]") {
    CHECK(lite_sql(select_d(tuple(tuple("literal", 1)), empty())) == "SELECT 1");
    CHECK(pg_sql(select_d(tuple(tuple("label", bindd("x"), "x")), empty())) == "SELECT $1 AS x");
}

TEST_CASE("FOR UPDATE renders on PostgreSQL only", "[sql][select]") {
    auto fu = [](bool nowait, bool skip, bool read, Datum of) {
        return tuple("select", tuple(col("users", "id")), tuple(users()), nullptr, empty(), nullptr,
                     empty(), nullptr, nullptr, false, tuple("for_update", nowait, skip, read, of));
    };
    CHECK(pg_sql(fu(false, false, false, empty())) == "SELECT users.id FROM users FOR UPDATE");
    CHECK(pg_sql(fu(true, false, false, tuple("users", "order"))) ==
          "SELECT users.id FROM users FOR UPDATE OF users, \"order\" NOWAIT");
    CHECK(pg_sql(fu(false, true, false, empty())) ==
          "SELECT users.id FROM users FOR UPDATE SKIP LOCKED");
    CHECK(pg_sql(fu(false, false, true, empty())) == "SELECT users.id FROM users FOR SHARE");
    CHECK(lite_sql(fu(true, false, false, empty())) == "SELECT users.id FROM users");
}

TEST_CASE("joins and aliases", "[sql][select]") {
    auto on = op("=", col("a", "user_id"), col("u", "id"));
    auto inner = tuple("join", tuple("table", "users", "u"), tuple("table", "addresses", "a"), on,
                       false, false);
    CHECK(lite_sql(select_d(tuple(col("u", "id")), tuple(inner))) ==
          "SELECT u.id FROM users AS u JOIN addresses AS a ON a.user_id = u.id");
    auto left = tuple("join", users(), tuple("table", "orders"),
                      op("=", col("orders", "user_id"), col("users", "id")), true, false);
    CHECK(lite_sql(select_d(tuple(tuple("star")), tuple(left))) ==
          "SELECT * FROM users LEFT OUTER JOIN orders ON orders.user_id = users.id");
    auto full = tuple("join", users(), tuple("table", "orders"), tuple("true"), true, true);
    CHECK(pg_sql(select_d(tuple(tuple("star")), tuple(full))) ==
          "SELECT * FROM users FULL OUTER JOIN orders ON true");
    auto chained = tuple("join", left, tuple("table", "items"),
                         op("=", col("items", "order_id"), col("orders", "id")), false, false);
    CHECK(lite_sql(select_d(tuple(tuple("star")), tuple(chained))) ==
          "SELECT * FROM users LEFT OUTER JOIN orders ON orders.user_id = users.id JOIN items ON "
          "items.order_id = orders.id");
    auto nested = tuple("join", users(), inner, tuple("true"), false, false);
    CHECK(lite_sql(select_d(tuple(tuple("star")), tuple(nested))) ==
          "SELECT * FROM users JOIN (users AS u JOIN addresses AS a ON a.user_id = u.id) ON 1");
    CHECK(lite_sql(select_d(tuple(tuple("star")), tuple(users(), tuple("table", "user")))) ==
          "SELECT * FROM users, \"user\"");
}

TEST_CASE("subqueries in FROM", "[sql][select]") {
    auto inner = select_d(
        tuple(col("orders", "user_id"), tuple("label", tuple("func", "count", empty()), "cnt")),
        tuple(tuple("table", "orders")));
    auto outer = select_d(tuple(col("sq", "cnt")), tuple(tuple("subquery", inner, "sq")),
                          op(">", col("sq", "cnt"), bindd("n")));
    CHECK(pg_sql(outer) ==
          "SELECT sq.cnt FROM (SELECT orders.user_id, count(*) AS cnt FROM orders) AS sq WHERE "
          "sq.cnt > $1");
    CHECK(lite_sql(select_d(tuple(col("t", "x")), tuple(tuple("text", "(SELECT 1 AS x) AS t")))) ==
          "SELECT t.x FROM (SELECT 1 AS x) AS t");
}

TEST_CASE("compound selects", "[sql][select]") {
    auto a = select_d(tuple(col("a", "id")), tuple(tuple("table", "a")),
                      op("=", col("a", "x"), bindd("x")));
    auto b = select_d(tuple(col("b", "id")), tuple(tuple("table", "b")),
                      op("=", col("b", "x"), bindd("x")));
    auto u = tuple("compound", "UNION", tuple(a, b), tuple(col("id")), bindd("lim"), nullptr);
    auto s = lite(*decode(u));
    CHECK(s.sql ==
          "SELECT a.id FROM a WHERE a.x = ? UNION SELECT b.id FROM b WHERE b.x = ? ORDER BY id "
          "LIMIT ?");
    CHECK(s.param_keys == keys({"x", "x", "lim"}));
    auto p = pg(*decode(u));
    CHECK(p.sql ==
          "SELECT a.id FROM a WHERE a.x = $1 UNION SELECT b.id FROM b WHERE b.x = $1 ORDER BY id "
          "LIMIT $2");
    CHECK(p.param_keys == keys({"x", "lim"}));
    for (const char* o : {"UNION ALL", "INTERSECT", "EXCEPT"}) {
        CHECK(lite_sql(tuple("compound", o, tuple(a, b), empty(), nullptr, nullptr)) ==
              std::string("SELECT a.id FROM a WHERE a.x = ? ") + o +
                  " SELECT b.id FROM b WHERE b.x = ?");
    }
    auto limited =
        select_d(tuple(col("b", "id")), tuple(tuple("table", "b")), nullptr, empty(), bindd("l"));
    auto mixed = tuple("compound", "UNION ALL", tuple(a, limited), empty(), nullptr, bindd("o"));
    CHECK(pg_sql(mixed) ==
          "SELECT a.id FROM a WHERE a.x = $1 UNION ALL (SELECT b.id FROM b LIMIT $2) OFFSET $3");
    CHECK(lite_sql(mixed) ==
          "SELECT a.id FROM a WHERE a.x = ? UNION ALL SELECT * FROM (SELECT b.id FROM b LIMIT ?) "
          "LIMIT -1 OFFSET ?");
    auto sq =
        tuple("subquery", tuple("compound", "UNION", tuple(a, b), empty(), nullptr, nullptr), "u");
    CHECK(lite_sql(select_d(tuple(col("u", "id")), tuple(sq))) ==
          "SELECT u.id FROM (SELECT a.id FROM a WHERE a.x = ? UNION SELECT b.id FROM b WHERE b.x = "
          "?) AS u");
}

TEST_CASE("C++ select builder", "[sql][select][builder]") {
    auto users_t = table("users");
    auto stmt = select({column("users", "id"), column("users", "name")})
                    .from(users_t)
                    .where(eq(column("users", "id"), bind("id")));
    auto c = compile(stmt, Dialect::PostgreSQL);
    CHECK(c.sql == "SELECT users.id, users.name FROM users WHERE users.id = $1");
    CHECK(c.param_keys == keys({"id"}));

    ForUpdateOptions nowait;
    nowait.nowait = true;
    auto more = stmt.where(gt(column("users", "age"), bind("age")))
                    .order_by({desc(column("users", "name"))})
                    .limit(bind("lim"))
                    .offset(bind("off"))
                    .distinct()
                    .for_update(nowait);
    CHECK(compile(more, Dialect::PostgreSQL).sql ==
          "SELECT DISTINCT users.id, users.name FROM users WHERE users.id = $1 AND users.age > $2 "
          "ORDER BY users.name DESC LIMIT $3 OFFSET $4 FOR UPDATE NOWAIT");
    // the original is unchanged (immutable, generative)
    CHECK(compile(stmt, Dialect::SQLite).sql ==
          "SELECT users.id, users.name FROM users WHERE users.id = ?");

    auto grouped = select({column("users", "team"), label(func("count"), "n")})
                       .from(users_t)
                       .group_by({column("users", "team")})
                       .having(gt(func("count"), bind("min")));
    CHECK(compile(grouped, Dialect::SQLite).sql ==
          "SELECT users.team, count(*) AS n FROM users GROUP BY users.team HAVING count(*) > ?");

    auto joined = select({star()}).from(outerjoin(table("users", "u"), table("orders", "o"),
                                                  eq(column("o", "uid"), column("u", "id"))));
    CHECK(compile(joined, Dialect::SQLite).sql ==
          "SELECT * FROM users AS u LEFT OUTER JOIN orders AS o ON o.uid = u.id");

    auto both = union_all({select({column("a", "id")}).from(table("a")),
                           select({column("b", "id")}).from(table("b"))})
                    .order_by({column("id")})
                    .limit(bind("n"));
    CHECK(compile(both, Dialect::SQLite).sql ==
          "SELECT a.id FROM a UNION ALL SELECT b.id FROM b ORDER BY id LIMIT ?");
    CHECK(compile(*exists(select({literal(std::int64_t{1})}).from(table("a"))), Dialect::SQLite)
              .sql == "EXISTS (SELECT 1 FROM a)");
}

TEST_CASE("the builder and the decoder give the same statement", "[sql][select][builder]") {
    auto built = select({column("users", "id")})
                     .from(table("users"))
                     .where(eq(column("users", "id"), bind("id")));
    auto decoded = decode(select_d(tuple(col("users", "id")), tuple(users()),
                                   op("=", col("users", "id"), bindd("id"))));
    CHECK(lite(built).sql == "SELECT users.id FROM users WHERE users.id = ?");
    CHECK(lite(*decoded).sql == lite(built).sql);
    CHECK(pg(*decoded).sql == "SELECT users.id FROM users WHERE users.id = $1");
    CHECK(pg(*decoded).sql == pg(built).sql);
    CHECK(lite(*decoded).param_keys == lite(built).param_keys);
}
