// Golden SQL for expressions on both dialects, incl. precedence and text() binds.
#include "helpers.hpp"

using namespace test_sql;

TEST_CASE("columns, binds and constants", "[sql][expr]") {
    CHECK(lite_sql(col("users", "id")) == "users.id");
    CHECK(lite_sql(col("id")) == "id");
    CHECK(lite_sql(col("user", "order")) == "\"user\".\"order\"");
    CHECK(lite_sql(col("Users", "na\"me")) == "\"Users\".\"na\"\"me\"");
    CHECK(lite_sql(tuple("null")) == "NULL");
    CHECK(lite_sql(tuple("true")) == "1");
    CHECK(lite_sql(tuple("false")) == "0");
    CHECK(pg_sql(tuple("true")) == "true");
    CHECK(pg_sql(tuple("false")) == "false");
    CHECK(lite_sql(tuple("star")) == "*");
    CHECK(lite_sql(tuple("excluded", "name")) == "excluded.name");
    CHECK(lite_sql(tuple("labelref", "Total")) == "\"Total\"");
    CHECK(lite_sql(tuple("literal", 5)) == "5");
    CHECK(lite_sql(tuple("literal", "it's")) == "'it''s'");
}

TEST_CASE("placeholders per dialect", "[sql][expr]") {
    auto d = tuple("and", op("=", col("a"), bindd("x")), op("=", col("b"), bindd("y")),
                   op("=", col("c"), bindd("x")));
    auto s = lite(*decode(d));
    CHECK(s.sql == "a = ? AND b = ? AND c = ?");
    CHECK(s.param_keys == keys({"x", "y", "x"}));
    auto p = pg(*decode(d));
    CHECK(p.sql == "a = $1 AND b = $2 AND c = $1");
    CHECK(p.param_keys == keys({"x", "y"}));
}

TEST_CASE("binary operators", "[sql][expr]") {
    for (const char* o : {"=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||", "LIKE",
                          "NOT LIKE", "IS", "IS NOT"}) {
        CHECK(lite_sql(op(o, col("a"), col("b"))) == std::string("a ") + o + " b");
    }
    CHECK(pg_sql(op("ILIKE", col("a"), bindd("p"))) == "a ILIKE $1");
    CHECK(pg_sql(op("NOT ILIKE", col("a"), bindd("p"))) == "a NOT ILIKE $1");
    CHECK(lite_sql(op("ILIKE", col("a"), bindd("p"))) == "lower(a) LIKE lower(?)");
    CHECK(lite_sql(op("NOT ILIKE", col("a"), bindd("p"))) == "lower(a) NOT LIKE lower(?)");
    CHECK(lite_sql(op("IS", col("a"), tuple("null"))) == "a IS NULL");
}

TEST_CASE("parentheses follow precedence", "[sql][expr]") {
    auto a = op("=", col("a"), bindd("a"));
    auto b = op("=", col("b"), bindd("b"));
    auto c = op("=", col("c"), bindd("c"));
    CHECK(lite_sql(tuple("or", tuple("and", a, b), c)) == "a = ? AND b = ? OR c = ?");
    CHECK(lite_sql(tuple("and", tuple("or", a, b), c)) == "(a = ? OR b = ?) AND c = ?");
    CHECK(lite_sql(tuple("and", tuple("and", a, b), c)) == "a = ? AND b = ? AND c = ?");
    CHECK(lite_sql(tuple("and", a)) == "a = ?");
    CHECK(lite_sql(tuple("not", tuple("or", a, b))) == "NOT (a = ? OR b = ?)");
    CHECK(lite_sql(tuple("not", a)) == "NOT (a = ?)");
    CHECK(lite_sql(tuple("not", col("flag"))) == "NOT flag");
    CHECK(lite_sql(tuple("and", tuple("not", col("x")), c)) == "NOT x AND c = ?");
    CHECK(lite_sql(tuple("neg", col("x"))) == "-x");
    CHECK(lite_sql(tuple("neg", op("+", col("x"), col("y")))) == "-(x + y)");
    CHECK(lite_sql(tuple("neg", tuple("neg", col("x")))) == "-(-x)");
    CHECK(lite_sql(op("*", op("+", col("a"), col("b")), col("c"))) == "(a + b) * c");
    CHECK(lite_sql(op("+", op("*", col("a"), col("b")), col("c"))) == "a * b + c");
    CHECK(lite_sql(op("+", col("a"), op("*", col("b"), col("c")))) == "a + b * c");
    CHECK(lite_sql(op("-", op("-", col("a"), col("b")), col("c"))) == "a - b - c");
    CHECK(lite_sql(op("-", col("a"), op("-", col("b"), col("c")))) == "a - (b - c)");
    CHECK(lite_sql(op("+", col("a"), op("+", col("b"), col("c")))) == "a + b + c");
    CHECK(lite_sql(op("/", col("a"), op("*", col("b"), col("c")))) == "a / (b * c)");
    CHECK(lite_sql(op("=", op("+", col("a"), col("b")), col("c"))) == "a + b = c");
    CHECK(lite_sql(op("=", op("=", col("a"), col("b")), col("c"))) == "(a = b) = c");
    CHECK(lite_sql(op("||", op("+", col("a"), col("b")), col("c"))) == "(a + b) || c");
    CHECK(lite_sql(op("+", op("||", col("a"), col("b")), col("c"))) == "(a || b) + c");
    CHECK(lite_sql(op("||", op("||", col("a"), col("b")), col("c"))) == "a || b || c");
    CHECK(lite_sql(op("=", tuple("label", op("+", col("a"), col("b")), "s"), col("c"))) ==
          "a + b = c");
    CHECK(lite_sql(tuple("and", tuple("text", "a = 1 OR b = 2"), c)) ==
          "(a = 1 OR b = 2) AND c = ?");
    CHECK(lite_sql(tuple("grouping", op("+", col("a"), col("b")))) == "(a + b)");
    CHECK(lite_sql(tuple("desc", op("+", col("a"), col("b")))) == "a + b DESC");
    CHECK(lite_sql(tuple("nulls_first", tuple("asc", col("a")))) == "a ASC NULLS FIRST");
    CHECK(pg_sql(tuple("nulls_last", tuple("desc", op("+", col("a"), col("b"))))) ==
          "a + b DESC NULLS LAST");
}

TEST_CASE("IN and BETWEEN", "[sql][expr]") {
    auto items = tuple(bindd("p1"), bindd("p2"));
    CHECK(lite_sql(tuple("in", col("t", "a"), items, false)) == "t.a IN (?, ?)");
    CHECK(pg_sql(tuple("in", col("t", "a"), items, true)) == "t.a NOT IN ($1, $2)");
    CHECK(lite_sql(tuple("in", col("a"), empty(), false)) == "(a IS NULL AND 1 != 1)");
    CHECK(lite_sql(tuple("in", col("a"), empty(), true)) == "(a IS NULL OR 1 = 1)");
    auto sub = select_d(tuple(col("u", "id")), tuple(tuple("table", "u")));
    CHECK(lite_sql(tuple("in", col("a"), tuple(tuple("scalar_subquery", sub)), false)) ==
          "a IN (SELECT u.id FROM u)");
    CHECK(lite_sql(tuple("between", col("a"), bindd("lo"), bindd("hi"), false)) ==
          "a BETWEEN ? AND ?");
    CHECK(pg_sql(tuple("between", col("a"), bindd("lo"), bindd("hi"), true)) ==
          "a NOT BETWEEN $1 AND $2");
    CHECK(lite_sql(tuple("or", tuple("between", col("a"), bindd("lo"), bindd("hi"), false),
                         op("=", col("b"), bindd("b")))) == "a BETWEEN ? AND ? OR b = ?");
}

TEST_CASE("functions", "[sql][expr]") {
    CHECK(lite_sql(tuple("func", "count", empty())) == "count(*)");
    CHECK(lite_sql(tuple("func", "count", tuple(col("u", "id")))) == "count(u.id)");
    CHECK(lite_sql(tuple("func", "count", tuple(tuple("distinct", col("u", "id"))))) ==
          "count(DISTINCT u.id)");
    CHECK(lite_sql(tuple("func", "coalesce", tuple(col("a"), bindd("d")))) == "coalesce(a, ?)");
    CHECK(lite_sql(tuple("func", "now", empty())) == "CURRENT_TIMESTAMP");
    CHECK(pg_sql(tuple("func", "now", empty())) == "now()");
    CHECK(pg_sql(tuple("func", "current_timestamp", empty())) == "CURRENT_TIMESTAMP");
    CHECK(lite_sql(tuple("func", "lower", tuple(op("||", col("a"), col("b"))))) == "lower(a || b)");
}

TEST_CASE("case, cast, subqueries", "[sql][expr]") {
    auto when = tuple(tuple(op(">", col("a"), bindd("n")), tuple("literal", "big")));
    CHECK(lite_sql(tuple("case", when, tuple("literal", "small"))) ==
          "CASE WHEN a > ? THEN 'big' ELSE 'small' END");
    CHECK(lite_sql(tuple("case", when, nullptr)) == "CASE WHEN a > ? THEN 'big' END");
    CHECK(lite_sql(tuple("cast", col("a"), tuple("string", 20))) == "CAST(a AS VARCHAR(20))");
    CHECK(pg_sql(tuple("cast", col("a"), tuple("numeric", 10, 2))) == "CAST(a AS NUMERIC(10, 2))");
    auto sub =
        select_d(tuple(tuple("func", "max", tuple(col("o", "id")))), tuple(tuple("table", "o")));
    CHECK(lite_sql(tuple("scalar_subquery", sub)) == "(SELECT max(o.id) FROM o)");
    CHECK(lite_sql(tuple("exists", sub)) == "EXISTS (SELECT max(o.id) FROM o)");
    CHECK(lite_sql(tuple("not", tuple("exists", sub))) == "NOT EXISTS (SELECT max(o.id) FROM o)");
}

TEST_CASE("text() parameters", "[sql][expr]") {
    auto s = lite(*decode(tuple("text", "SELECT * FROM t WHERE a = :a AND b = :b_2 OR c = :a")));
    CHECK(s.sql == "SELECT * FROM t WHERE a = ? AND b = ? OR c = ?");
    CHECK(s.param_keys == keys({"a", "b_2", "a"}));
    auto p = pg(*decode(tuple("text", "a = :a AND b = :b OR c = :a")));
    CHECK(p.sql == "a = $1 AND b = $2 OR c = $1");
    CHECK(p.param_keys == keys({"a", "b"}));
    CHECK(pg_sql(tuple("text", "x::int = :v::int")) == "x::int = $1::int");
    CHECK(lite_sql(tuple("text", "'10:30' = :t")) == "'10:30' = ?");
    CHECK(lite_sql(tuple("text", "'it''s :no' || :yes")) == "'it''s :no' || ?");
    CHECK(lite_sql(tuple("text", "a \\:literal")) == "a :literal");
    CHECK(lite_sql(tuple("text", "a:b 12:30")) == "a:b 12:30");
    CHECK(lite_sql(tuple("text", "trailing :")) == "trailing :");
}

TEST_CASE("C++ builder expressions", "[sql][expr][builder]") {
    auto e = or_({and_({eq(column("users", "id"), bind("id")), not_(column("users", "active"))}),
                  in(column("users", "name"), {bind("n1"), bind("n2")})});
    CHECK(lite(*e).sql == "users.id = ? AND NOT users.active OR users.name IN (?, ?)");
    CHECK(pg(*cast(column("t", "ts"), cormorant::schema::types::datetime(true))).sql ==
          "CAST(t.ts AS TIMESTAMP WITH TIME ZONE)");
    CHECK(lite(*case_({{gt(column("a"), literal(std::int64_t{1})), literal_string("x")}})).sql ==
          "CASE WHEN a > 1 THEN 'x' END");
    CHECK(lite(*neg(literal(std::int64_t{-5}))).sql == "-(-5)");
    CHECK_THROWS_WITH(binop("<>", column("a"), column("b")), Catch::Contains("'<>'"));
}

TEST_CASE("LIKE with an ESCAPE character", "[sql][expr][like]") {
    auto like = tuple("like", "LIKE", col("t", "s"), bindd("p"), "\\");
    CHECK(lite_sql(like) == "t.s LIKE ? ESCAPE '\\'");
    CHECK(pg_sql(like) == "t.s LIKE $1 ESCAPE '\\'");
    CHECK(lite_sql(tuple("like", "NOT ILIKE", col("t", "s"), bindd("p"), "'")) ==
          "lower(t.s) NOT LIKE lower(?) ESCAPE ''''");
    CHECK_THROWS_WITH(lite_sql(tuple("like", "=", col("s"), bindd("p"), "!")),
                      Catch::Contains("ESCAPE applies to LIKE"));
    CHECK_THROWS_WITH(lite_sql(tuple("like", "LIKE", col("s"), bindd("p"), "ab")),
                      Catch::Contains("one character"));
}
