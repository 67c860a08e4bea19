// Golden SQL for INSERT ... SELECT, UPDATE ... FROM and DELETE ... USING on both dialects.
#include "helpers.hpp"

using namespace test_sql;

namespace {

Datum source_select() {
    return select_d(tuple(col("o", "id"), col("o", "x")), tuple(tuple("table", "o")),
                    op("=", col("o", "flag"), bindd("f")));
}

}  // namespace

TEST_CASE("insert from select", "[sql][dml][breadth]") {
    auto ins = tuple("insert_from_select", "t", tuple("id", "a"), source_select(), empty());
    CHECK(lite_sql(ins) == "INSERT INTO t (id, a) SELECT o.id, o.x FROM o WHERE o.flag = ?");
    CHECK(pg_sql(ins) == "INSERT INTO t (id, a) SELECT o.id, o.x FROM o WHERE o.flag = $1");
    auto ret =
        tuple("insert_from_select", "t", tuple("id"),
              select_d(tuple(col("o", "id")), tuple(tuple("table", "o"))), tuple(col("t", "id")));
    CHECK(pg_sql(ret) == "INSERT INTO t (id) SELECT o.id FROM o RETURNING t.id");
    CHECK(lite_sql(ret) == "INSERT INTO t (id) SELECT o.id FROM o RETURNING t.id");
    CHECK_FALSE(pg(*decode(ret)).many_values);
}

TEST_CASE("insert from select refuses a non-select", "[sql][dml][breadth]") {
    auto bad = tuple("insert_from_select", "t", tuple("id"), col("o", "id"), empty());
    CHECK_THROWS(decode(bad));
}

TEST_CASE("update from another table", "[sql][dml][breadth]") {
    auto upd = tuple("update_from", "t", tuple(tuple("a", col("o", "x"))),
                     tuple(tuple("table", "o")), op("=", col("t", "id"), col("o", "id")), empty());
    CHECK(lite_sql(upd) == "UPDATE t SET a = o.x FROM o WHERE t.id = o.id");
    CHECK(pg_sql(upd) == "UPDATE t SET a = o.x FROM o WHERE t.id = o.id");
    auto two = tuple("update_from", "t", tuple(tuple("a", bindd("a"))),
                     tuple(tuple("table", "o"), tuple("table", "p")),
                     op("=", col("o", "id"), col("p", "id")), tuple(col("t", "id")));
    CHECK(pg_sql(two) == "UPDATE t SET a = $1 FROM o, p WHERE o.id = p.id RETURNING t.id");
}

TEST_CASE("delete using another table", "[sql][dml][breadth]") {
    auto del = tuple("delete_using", "t", tuple(tuple("table", "o")),
                     op("=", col("t", "id"), col("o", "id")), tuple(col("t", "id")));
    CHECK(pg_sql(del) == "DELETE FROM t USING o WHERE t.id = o.id RETURNING t.id");
    CHECK_THROWS_WITH(lite_sql(del), Catch::Contains("multiple-table criteria within DELETE"));
}

TEST_CASE("array subscript", "[sql][breadth]") {
    auto item = op("[]", col("t", "nums"), bindd("i"));
    CHECK(pg_sql(select_d(tuple(item), tuple(tuple("table", "t")))) == "SELECT t.nums[$1] FROM t");
    CHECK_THROWS_WITH(lite_sql(select_d(tuple(item), tuple(tuple("table", "t")))),
                      Catch::Contains("no ARRAY"));
}

TEST_CASE("array containment", "[sql][breadth]") {
    auto has = op("@>", col("t", "nums"), tuple("bind", "v", tuple("array", tuple("integer"))));
    CHECK(pg_sql(select_d(tuple(col("t", "id")), tuple(tuple("table", "t")), has)) ==
          "SELECT t.id FROM t WHERE t.nums @> $1::INTEGER[]");
}

TEST_CASE("PostgreSQL and user-defined types render in DDL and bind casts", "[sql][breadth]") {
    using cormorant::schema::render_type;
    namespace types = cormorant::schema::types;
    CHECK(render_type(decode_type(tuple("interval")), Dialect::PostgreSQL) == "INTERVAL");
    CHECK(render_type(decode_type(tuple("inet")), Dialect::PostgreSQL) == "INET");
    CHECK(render_type(decode_type(tuple("cidr")), Dialect::PostgreSQL) == "CIDR");
    CHECK(render_type(decode_type(tuple("tsvector")), Dialect::PostgreSQL) == "TSVECTOR");
    CHECK(render_type(decode_type(tuple("custom", "POINT")), Dialect::SQLite) == "POINT");
    auto words = decode_type(tuple("array", tuple("string", 10)));
    CHECK(render_type(words, Dialect::PostgreSQL) == "VARCHAR(10)[]");
    CHECK(render_type(types::array(types::integer()), Dialect::PostgreSQL) == "INTEGER[]");
    CHECK(pg_sql(op("=", col("t", "span"), tuple("bind", "s", tuple("interval")))) ==
          "t.span = $1::INTERVAL");
    CHECK_THROWS(decode_type(tuple("array")));
}
