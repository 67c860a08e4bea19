// Golden SQL for window functions, WITHIN GROUP, FILTER, tuples, COLLATE,
// EXTRACT, ANSI functions, prefix and custom operators on both dialects.
#include "helpers.hpp"

using namespace test_sql;

namespace {

Datum sum_id() { return tuple("func", "sum", tuple(col("t", "id"))); }
Datum frame(const char* mode, const char* lo, Datum lo_off, const char* hi, Datum hi_off) {
    return tuple("window_frame", mode, lo, lo_off, hi, hi_off);
}

}  // namespace

TEST_CASE("OVER with partition, order and frames", "[sql][expr][window]") {
    auto whole = tuple("over", sum_id(), tuple(col("t", "x")), tuple(col("t", "id")),
                       frame("ROWS", "UNBOUNDED PRECEDING", nullptr, "CURRENT ROW", nullptr));
    const char* expected =
        "sum(t.id) OVER (PARTITION BY t.x ORDER BY t.id ROWS BETWEEN UNBOUNDED PRECEDING AND "
        "CURRENT ROW)";
    CHECK(lite_sql(whole) == expected);
    CHECK(pg_sql(whole) == expected);
    CHECK(lite_sql(tuple("over", sum_id(), empty(), empty(), nullptr)) == "sum(t.id) OVER ()");
    auto ordered = tuple("over", tuple("func", "rank", empty()), empty(),
                         tuple(tuple("desc", col("t", "id"))), nullptr);
    CHECK(pg_sql(ordered) == "rank() OVER (ORDER BY t.id DESC)");
    auto offsets = tuple("over", sum_id(), empty(), empty(),
                         frame("RANGE", "PRECEDING", bindd("a"), "FOLLOWING", bindd("b")));
    CHECK(lite_sql(offsets) == "sum(t.id) OVER (RANGE BETWEEN ? PRECEDING AND ? FOLLOWING)");
    CHECK(pg_sql(offsets) == "sum(t.id) OVER (RANGE BETWEEN $1 PRECEDING AND $2 FOLLOWING)");
    auto groups = tuple("over", sum_id(), empty(), empty(),
                        frame("GROUPS", "CURRENT ROW", nullptr, "UNBOUNDED FOLLOWING", nullptr));
    CHECK(pg_sql(groups) == "sum(t.id) OVER (GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
}

TEST_CASE("malformed window frames are refused", "[sql][expr][window]") {
    CHECK_THROWS(decode(frame("SLICES", "CURRENT ROW", nullptr, "CURRENT ROW", nullptr)));
    CHECK_THROWS(decode(frame("ROWS", "SOMETIME", nullptr, "CURRENT ROW", nullptr)));
    CHECK_THROWS(decode(frame("ROWS", "PRECEDING", nullptr, "CURRENT ROW", nullptr)));
    CHECK_THROWS(decode(frame("ROWS", "CURRENT ROW", bindd("a"), "CURRENT ROW", nullptr)));
    CHECK_THROWS(decode(tuple("over", sum_id(), empty(), empty(), col("t", "id"))));
}

TEST_CASE("WITHIN GROUP and FILTER", "[sql][expr][window]") {
    auto pct = tuple("within_group", tuple("func", "percentile_cont", tuple(bindd("p"))),
                     tuple(tuple("desc", col("t", "id"))));
    CHECK(lite_sql(pct) == "percentile_cont(?) WITHIN GROUP (ORDER BY t.id DESC)");
    CHECK(pg_sql(pct) == "percentile_cont($1) WITHIN GROUP (ORDER BY t.id DESC)");
    auto counted =
        tuple("funcfilter", tuple("func", "count", empty()), op(">", col("t", "id"), bindd("n")));
    CHECK(lite_sql(counted) == "count(*) FILTER (WHERE t.id > ?)");
    CHECK(pg_sql(counted) == "count(*) FILTER (WHERE t.id > $1)");
    auto windowed = tuple("over", counted, tuple(col("t", "x")), empty(), nullptr);
    CHECK(pg_sql(windowed) == "count(*) FILTER (WHERE t.id > $1) OVER (PARTITION BY t.x)");
}

TEST_CASE("tuples", "[sql][expr]") {
    auto pair = tuple("tuple", tuple(col("t", "id"), col("t", "x")));
    CHECK(lite_sql(op("=", pair, tuple("tuple", tuple(bindd("a"), bindd("b"))))) ==
          "(t.id, t.x) = (?, ?)");
    auto listed = tuple("in", pair,
                        tuple(tuple("tuple", tuple(bindd("a"), bindd("b"))),
                              tuple("tuple", tuple(bindd("c"), bindd("d")))),
                        false);
    CHECK(pg_sql(listed) == "(t.id, t.x) IN (($1, $2), ($3, $4))");
    CHECK_THROWS(decode(tuple("tuple", empty())));
}

TEST_CASE("COLLATE", "[sql][expr]") {
    CHECK(lite_sql(tuple("collate", col("t", "x"), "nocase")) == "t.x COLLATE nocase");
    CHECK(pg_sql(tuple("collate", col("t", "x"), "C")) == "t.x COLLATE \"C\"");
    CHECK(pg_sql(tuple("collate", op("||", col("t", "x"), col("t", "y")), "C")) ==
          "(t.x || t.y) COLLATE \"C\"");
    CHECK(lite_sql(tuple("asc", tuple("collate", col("t", "x"), "nocase"))) ==
          "t.x COLLATE nocase ASC");
}

TEST_CASE("EXTRACT", "[sql][expr]") {
    CHECK(pg_sql(tuple("extract", "year", col("t", "d"))) == "EXTRACT(year FROM t.d)");
    CHECK(lite_sql(tuple("extract", "year", col("t", "d"))) ==
          "CAST(STRFTIME('%Y', t.d) AS INTEGER)");
    CHECK(lite_sql(tuple("extract", "dow", col("t", "d"))) ==
          "CAST(STRFTIME('%w', t.d) AS INTEGER)");
    CHECK_THROWS(lite_sql(tuple("extract", "century", col("t", "d"))));
    CHECK_THROWS(decode(tuple("extract", "year FROM x); --", col("t", "d"))));
}

TEST_CASE("functions without parentheses", "[sql][expr]") {
    CHECK(lite_sql(tuple("ansi_func", "CURRENT_DATE")) == "CURRENT_DATE");
    CHECK(pg_sql(tuple("ansi_func", "LOCALTIMESTAMP")) == "LOCALTIMESTAMP");
    CHECK(pg_sql(tuple("ansi_func", "sysdate")) == "sysdate");
    CHECK_THROWS(decode(tuple("ansi_func", "now()")));
}

TEST_CASE("prefix operators: bitwise not, ANY, ALL", "[sql][expr]") {
    CHECK(lite_sql(tuple("unary_op", "~", col("t", "id"))) == "~t.id");
    CHECK(pg_sql(tuple("unary_op", "~", op("+", col("t", "id"), bindd("a")))) == "~(t.id + $1)");
    auto any = op("=", bindd("v"), tuple("unary_op", "ANY ", tuple("grouping", col("t", "a"))));
    CHECK(pg_sql(any) == "$1 = ANY (t.a)");
    auto all = op(">", bindd("v"), tuple("unary_op", "ALL ", tuple("grouping", col("t", "a"))));
    CHECK(lite_sql(all) == "? > ALL (t.a)");
}

TEST_CASE("custom operators take their precedence", "[sql][expr]") {
    auto band = tuple("custom_op", "&", col("t", "id"), bindd("m"), 0);
    CHECK(lite_sql(band) == "t.id & ?");
    CHECK(pg_sql(op("=", band, bindd("z"))) == "(t.id & $1) = $2");
    auto tight = tuple("custom_op", "->", col("t", "j"), bindd("k"), 15);
    CHECK(pg_sql(op("=", tight, bindd("z"))) == "t.j -> $1 = $2");
    CHECK(pg_sql(tuple("custom_op", "@@", op("+", col("a"), col("b")), col("c"), 8)) ==
          "(a + b) @@ c");
    CHECK_THROWS(decode(tuple("custom_op", "&", col("a"), col("b"), 1000)));
}

TEST_CASE("C++ builders for the new nodes", "[sql][expr][window]") {
    auto id = column("t", "id");
    auto frame = window_frame("ROWS", {"PRECEDING", bind("a")}, {"CURRENT ROW"});
    CHECK(pg(*over(func("sum", {id}), {column("t", "x")}, {desc(id)}, frame)).sql ==
          "sum(t.id) OVER (PARTITION BY t.x ORDER BY t.id DESC ROWS BETWEEN $1 PRECEDING AND "
          "CURRENT ROW)");
    CHECK(lite(*within_group(func("mode"), {id})).sql == "mode() WITHIN GROUP (ORDER BY t.id)");
    CHECK(lite(*funcfilter(func("count"), gt(id, bind("n")))).sql ==
          "count(*) FILTER (WHERE t.id > ?)");
    CHECK(lite(*tuple_({id, column("t", "x")})).sql == "(t.id, t.x)");
    CHECK(pg(*collate(column("t", "x"), "C")).sql == "t.x COLLATE \"C\"");
    CHECK(pg(*extract("month", id)).sql == "EXTRACT(month FROM t.id)");
    CHECK(lite(*ansi_func("CURRENT_USER")).sql == "CURRENT_USER");
    CHECK(lite(*unary_op("~", id)).sql == "~t.id");
    CHECK(lite(*custom_op("&", id, bind("m"), 7)).sql == "t.id & ?");
    CHECK_THROWS(custom_op("&", id, id, -1));
}

TEST_CASE("table-valued functions as FROM items", "[sql][expr]") {
    auto each = tuple("func", "json_each", tuple(col("t", "doc")));
    auto from = tuple("table_valued", each, "anon_1", nullptr);
    auto stmt = select_d(tuple(col("anon_1", "value")), tuple(from));
    CHECK(lite_sql(stmt) == "SELECT anon_1.value FROM json_each(t.doc) AS anon_1");
    auto series = tuple("func", "generate_series", tuple(bindd("a"), bindd("b")));
    auto derived = tuple("table_valued", series, "g",
                         tuple(tuple("n", tuple("integer")), tuple("m", nullptr)));
    CHECK(pg_sql(select_d(tuple(col("g", "n")), tuple(derived))) ==
          "SELECT g.n FROM generate_series($1, $2) AS g(n INTEGER, m)");
    CHECK_THROWS(decode(tuple("table_valued", series, "g", tuple(tuple(1, nullptr)))));
    auto built = table_valued(func("unnest", {bind("arr")}), "x", {{{"x", std::nullopt}}});
    CHECK(pg(*built).sql == "unnest($1) AS x(x)");
}

TEST_CASE("a field of a composite value", "[sql][expr]") {
    auto fn = tuple("func", "foo", tuple(col("t", "id")));
    CHECK(pg_sql(tuple("field_of", fn, "bar")) == "(foo(t.id)).bar");
    CHECK(lite_sql(tuple("field_of", fn, "Bar")) == "(foo(t.id)).\"Bar\"");
    CHECK(pg(*field_of(func("f"), "x")).sql == "(f()).x");
}
