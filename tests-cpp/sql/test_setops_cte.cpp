// Golden SQL for set operations, WITH / CTEs, VALUES, LATERAL and TABLESAMPLE on both dialects.
#include "helpers.hpp"

using namespace test_sql;
using Catch::Contains;

namespace {

Datum ids(const char* op, const char* key) {
    return select_d(tuple(col("t", "id")), tuple(tuple("table", "t")),
                    tuple("binop", op, col("t", "id"), bindd(key)));
}
Datum compound_d(const char* op, Datum members, Datum order_by = empty(), Datum limit = nullptr) {
    return tuple("compound", op, members, order_by, limit, nullptr);
}

}  // namespace

TEST_CASE("INTERSECT ALL and EXCEPT ALL", "[sql][setops]") {
    auto both = tuple(ids(">", "a"), ids("<", "b"));
    CHECK(lite_sql(compound_d("INTERSECT ALL", both)) ==
          "SELECT t.id FROM t WHERE t.id > ? INTERSECT ALL SELECT t.id FROM t WHERE t.id < ?");
    CHECK(pg_sql(compound_d("EXCEPT ALL", both)) ==
          "SELECT t.id FROM t WHERE t.id > $1 EXCEPT ALL SELECT t.id FROM t WHERE t.id < $2");
    CHECK_THROWS_WITH(decode(compound_d("MINUS ALL", both)), Contains("MINUS ALL"));
}

TEST_CASE("nested compounds and members with LIMIT are grouped", "[sql][setops]") {
    auto inner = compound_d("UNION ALL", tuple(ids(">", "a"), ids("<", "b")));
    auto outer = compound_d("UNION", tuple(ids("=", "c"), inner), tuple(tuple("labelref", "id")),
                            bindd("n"));
    CHECK(pg_sql(outer) ==
          "SELECT t.id FROM t WHERE t.id = $1 UNION (SELECT t.id FROM t WHERE t.id > $2 UNION ALL "
          "SELECT t.id FROM t WHERE t.id < $3) ORDER BY id LIMIT $4");
    CHECK(lite_sql(outer) ==
          "SELECT t.id FROM t WHERE t.id = ? UNION SELECT * FROM (SELECT t.id FROM t WHERE t.id > "
          "? UNION ALL SELECT t.id FROM t WHERE t.id < ?) ORDER BY id LIMIT ?");
}

TEST_CASE("WITH puts named CTEs before the statement", "[sql][cte]") {
    auto body = select_d(tuple(col("t", "id")), tuple(tuple("table", "t")));
    auto stmt =
        select_d(tuple(col("c", "id")), tuple(tuple("table", "c")),
                 tuple("in", col("c", "id"),
                       tuple(tuple("scalar_subquery",
                                   select_d(tuple(col("d", "id")), tuple(tuple("table", "d"))))),
                       false));
    auto with =
        tuple("with", false,
              tuple(tuple("cte", "c", empty(), body), tuple("cte", "d", empty(), body)), stmt);
    const char* expected =
        "WITH c AS (SELECT t.id FROM t), d AS (SELECT t.id FROM t) SELECT c.id FROM c WHERE c.id "
        "IN (SELECT d.id FROM d)";
    CHECK(lite_sql(with) == expected);
    CHECK(pg_sql(with) == expected);
    auto compiled = lite(*decode(with));
    CHECK(compiled.kind == "select");
    CHECK(compiled.reads_only);
}

TEST_CASE("WITH RECURSIVE lists the CTE's columns", "[sql][cte]") {
    auto anchor = select_d(tuple(col("t", "id"), tuple("label", bindd("z"), "depth")),
                           tuple(tuple("table", "t")));
    auto step = select_d(
        tuple(col("t", "id"), tuple("label", op("+", col("r", "depth"), bindd("one")), "depth")),
        tuple(tuple("join", tuple("table", "t"), tuple("table", "r"),
                    op("=", col("t", "p"), col("r", "id")), false, false)));
    auto body = compound_d("UNION ALL", tuple(anchor, step));
    auto with = tuple("with", true, tuple(tuple("cte", "r", tuple("id", "depth"), body)),
                      select_d(tuple(col("r", "id")), tuple(tuple("table", "r"))));
    CHECK(pg_sql(with) ==
          "WITH RECURSIVE r(id, depth) AS (SELECT t.id, $1 AS depth FROM t UNION ALL SELECT t.id, "
          "r.depth + $2 AS depth FROM t JOIN r ON t.p = r.id) SELECT r.id FROM r");
}

TEST_CASE("WITH before UPDATE, DELETE and INSERT ... SELECT", "[sql][cte]") {
    auto cte = tuple(
        tuple("cte", "c", empty(), select_d(tuple(col("t", "id")), tuple(tuple("table", "t")))));
    auto in_c = tuple("in", col("t", "id"),
                      tuple(tuple("scalar_subquery",
                                  select_d(tuple(col("c", "id")), tuple(tuple("table", "c"))))),
                      false);
    auto update = tuple("update", "t", tuple(tuple("name", bindd("n"))), in_c, empty());
    CHECK(
        lite_sql(tuple("with", false, cte, update)) ==
        "WITH c AS (SELECT t.id FROM t) UPDATE t SET name = ? WHERE t.id IN (SELECT c.id FROM c)");
    auto compiled = pg(*decode(tuple("with", false, cte, update)));
    CHECK(compiled.kind == "update");
    CHECK_FALSE(compiled.reads_only);
    CHECK(pg_sql(tuple("with", false, cte, tuple("delete", "t", in_c, empty()))) ==
          "WITH c AS (SELECT t.id FROM t) DELETE FROM t WHERE t.id IN (SELECT c.id FROM c)");
    CHECK_THROWS_WITH(decode(tuple("with", false, empty(), update)), Contains("at least one CTE"));
    CHECK_THROWS_WITH(decode(tuple("with", false, cte, col("a"))), Contains("INSERT, UPDATE"));
    CHECK_THROWS_WITH(decode(tuple("with", false, cte, tuple("savepoint", "s"))),
                      Contains("SELECT, INSERT"));
}

TEST_CASE("VALUES as a FROM item and as scalar values", "[sql][values]") {
    auto rows = tuple(tuple(bindd("a"), bindd("b")), tuple(bindd("c"), bindd("d")));
    auto v = tuple("values", "v", tuple("x", "y"), rows);
    auto stmt = select_d(tuple(col("v", "x"), col("v", "y")), tuple(v));
    CHECK(pg_sql(stmt) == "SELECT v.x, v.y FROM (VALUES ($1, $2), ($3, $4)) AS v (x, y)");
    CHECK(lite_sql(stmt) ==
          "SELECT v.x, v.y FROM (SELECT column1 AS x, column2 AS y FROM (VALUES (?, ?), (?, ?))) "
          "AS v");
    auto scalar = tuple("values", nullptr, tuple("x"), tuple(tuple(bindd("a")), tuple(bindd("b"))));
    auto in = select_d(tuple(col("t", "id")), tuple(tuple("table", "t")),
                       tuple("in", col("t", "id"), tuple(scalar), false));
    CHECK(lite_sql(in) == "SELECT t.id FROM t WHERE t.id IN (VALUES (?), (?))");
    CHECK(pg_sql(in) == "SELECT t.id FROM t WHERE t.id IN (VALUES ($1), ($2))");
    CHECK_THROWS_WITH(decode(tuple("values", "v", tuple("x", "y"), tuple(tuple(bindd("a"))))),
                      Contains("2 value(s)"));
    CHECK_THROWS_WITH(decode(tuple("values", "v", tuple("x"), empty())),
                      Contains("at least one row"));
}

TEST_CASE("LATERAL subqueries and TABLESAMPLE", "[sql][from]") {
    auto sub = select_d(tuple(col("u", "id")), tuple(tuple("table", "u")),
                        op("=", col("u", "p"), col("t", "id")));
    auto stmt = select_d(tuple(col("t", "id"), col("l", "id")),
                         tuple(tuple("join", tuple("table", "t"), tuple("lateral", sub, "l"),
                                     tuple("true"), false, false)));
    CHECK(
        pg_sql(stmt) ==
        "SELECT t.id, l.id FROM t JOIN LATERAL (SELECT u.id FROM u WHERE u.p = t.id) AS l ON true");
    CHECK(lite_sql(stmt) ==  // as SQLAlchemy renders it; SQLite itself has no LATERAL
          "SELECT t.id, l.id FROM t JOIN LATERAL (SELECT u.id FROM u WHERE u.p = t.id) AS l ON 1");
    auto sample =
        tuple("tablesample", tuple("table", "t"), tuple("func", "bernoulli", tuple(bindd("p"))),
              tuple("func", "random", empty()), "s");
    CHECK(pg_sql(select_d(tuple(col("s", "id")), tuple(sample))) ==
          "SELECT s.id FROM t AS s TABLESAMPLE bernoulli($1) REPEATABLE (random())");
    auto no_seed = tuple("tablesample", tuple("table", "t"),
                         tuple("func", "system", tuple(bindd("p"))), nullptr, "s");
    CHECK(lite_sql(select_d(tuple(col("s", "id")), tuple(no_seed))) ==
          "SELECT s.id FROM t AS s TABLESAMPLE system(?)");
}

TEST_CASE("C++ builders for set operations and WITH", "[sql][setops][cte]") {
    auto from_t = select({column("t", "id")}).from(table("t"));
    auto low = from_t.where(binop("<", column("t", "id"), bind("hi")));
    CHECK(lite(intersect({from_t, low})).sql ==
          "SELECT t.id FROM t INTERSECT SELECT t.id FROM t WHERE t.id < ?");
    CHECK(pg(except_all({from_t, low})).sql ==
          "SELECT t.id FROM t EXCEPT ALL SELECT t.id FROM t WHERE t.id < $1");
    CHECK(lite(intersect_all({from_t, low})).sql.find(" INTERSECT ALL ") != std::string::npos);
    CHECK(lite(except_({from_t, low})).sql.find(" EXCEPT ") != std::string::npos);
    auto with = with_({cte("c", low, {"id"})}, select({column("c", "id")}).from(table("c")), true);
    CHECK(pg(*with).sql ==
          "WITH RECURSIVE c(id) AS (SELECT t.id FROM t WHERE t.id < $1) SELECT c.id FROM c");
    CHECK_THROWS_WITH(cte("", low), Contains("name"));
    CHECK_THROWS_WITH(cte("c", column("t", "id")), Contains("select"));
    CHECK_THROWS_WITH(with_({}, from_t), Contains("at least one CTE"));
}
