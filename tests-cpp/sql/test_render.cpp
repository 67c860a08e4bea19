// Golden SQL for statements rendered to be read (sql::render): SQLAlchemy's
// line breaks, each placeholder style, and binds written inline as literals.
#include "helpers.hpp"

using namespace test_sql;

namespace {

Datum users() { return tuple("table", "users"); }

std::string shown(const Datum& d, Placeholder style, Dialect dialect = Dialect::PostgreSQL,
                  std::unordered_map<std::string, std::string> literals = {}) {
    return render(*decode(d), dialect, RenderOptions{style, std::move(literals)}).sql;
}

Datum every_clause() {
    return tuple("select", tuple(col("users", "id")), tuple(users()),
                 op(">", col("users", "id"), bindd("id_1")), tuple(col("users", "id")),
                 op(">", tuple("func", "count", empty()), bindd("count_1")),
                 tuple(col("users", "id")), bindd("param_1"), bindd("param_2"), false, nullptr);
}

}  // namespace

TEST_CASE("a rendered select breaks its lines as SQLAlchemy shows them", "[sql][render]") {
    CHECK(shown(every_clause(), Placeholder::Named) ==
          "SELECT users.id \nFROM users \nWHERE users.id > :id_1 GROUP BY users.id \nHAVING "
          "count(*) > :count_1 ORDER BY users.id\n LIMIT :param_1 OFFSET :param_2");
    auto offset_only = select_d(tuple(col("users", "id")), tuple(users()), nullptr, empty(),
                                nullptr, bindd("param_1"));
    CHECK(shown(offset_only, Placeholder::Named) ==
          "SELECT users.id \nFROM users\n OFFSET :param_1");
    CHECK(shown(offset_only, Placeholder::Qmark, Dialect::SQLite) ==
          "SELECT users.id \nFROM users\n LIMIT -1 OFFSET ?");
}

TEST_CASE("each placeholder style names its binds", "[sql][render]") {
    auto where = select_d(tuple(col("users", "id")), tuple(users()),
                          tuple("and", op("=", col("users", "name"), bindd("name_1")),
                                op(">", col("users", "id"), bindd("id_1"))));
    CHECK(shown(where, Placeholder::Pyformat) ==
          "SELECT users.id \nFROM users \nWHERE users.name = %(name_1)s AND users.id > %(id_1)s");
    auto qmark = render(*decode(where), Dialect::SQLite, RenderOptions{Placeholder::Qmark, {}});
    CHECK(qmark.sql == "SELECT users.id \nFROM users \nWHERE users.name = ? AND users.id > ?");
    CHECK(qmark.param_keys == keys({"name_1", "id_1"}));
    CHECK(shown(where, Placeholder::Native) ==
          "SELECT users.id \nFROM users \nWHERE users.name = $1 AND users.id > $2");
}

TEST_CASE("literal binds are written inline, without a cast", "[sql][render]") {
    auto typed = tuple("bind", "name_1", tuple("string", 30));
    auto where =
        select_d(tuple(col("users", "id")), tuple(users()), op("=", col("users", "name"), typed));
    CHECK(shown(where, Placeholder::Named, Dialect::PostgreSQL, {{"name_1", "'ada'"}}) ==
          "SELECT users.id \nFROM users \nWHERE users.name = 'ada'");
    CHECK(shown(where, Placeholder::Named) ==
          "SELECT users.id \nFROM users \nWHERE users.name = :name_1::VARCHAR");
}

TEST_CASE("rendered DML keeps one line and writes SET as col=value", "[sql][render]") {
    auto update = tuple("update", "users", tuple(tuple("name", bindd("name"))),
                        op("=", col("users", "id"), bindd("id_1")), empty());
    CHECK(shown(update, Placeholder::Named) ==
          "UPDATE users SET name=:name WHERE users.id = :id_1");
    CHECK(pg_sql(update) == "UPDATE users SET name = $1 WHERE users.id = $2");
    auto del = tuple("delete", "users", op("=", col("users", "id"), bindd("id_1")), empty());
    CHECK(shown(del, Placeholder::Named) == "DELETE FROM users WHERE users.id = :id_1");
}

TEST_CASE("prefixes follow a statement's keyword and suffixes end it", "[sql][affixed]") {
    auto stmt = [](Datum inner) { return tuple("affixed", "/* hint */", "FOR SHARE", inner); };
    auto sel = select_d(tuple(col("users", "id")), tuple(tuple("table", "users")));
    CHECK(lite_sql(stmt(sel)) == "SELECT /* hint */ users.id FROM users FOR SHARE");
    auto del = tuple("delete", "users", nullptr, empty());
    CHECK(pg_sql(tuple("affixed", "ONLY", "", del)) == "DELETE ONLY FROM users");
    auto ins = tuple("insert", "users", tuple("id"), tuple(tuple(bindd("id"))), empty(), nullptr);
    CHECK(lite_sql(tuple("affixed", "OR IGNORE", "", ins)) ==
          "INSERT OR IGNORE INTO users (id) VALUES (?)");
    CHECK_THROWS_WITH(decode(tuple("affixed", "x", "", tuple("table", "users"))),
                      Catch::Contains("prefixes and suffixes apply to SELECT"));
}
