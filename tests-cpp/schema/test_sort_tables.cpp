// Foreign-key ordering of tables, including self-references and cycles.
#include <catch2/catch.hpp>

#include "cormorant/schema/sort_tables.hpp"

using cormorant::schema::sort_tables;
using Names = std::vector<std::string>;

TEST_CASE("referenced tables come first", "[schema][sort]") {
    CHECK(sort_tables({{"addresses", {"users"}}, {"users", {}}}) == Names{"users", "addresses"});
    CHECK(sort_tables({{"a", {}}, {"b", {}}, {"c", {}}}) == Names{"a", "b", "c"});
    CHECK(sort_tables({{"items", {"orders", "products"}},
                       {"orders", {"users"}},
                       {"products", {}},
                       {"users", {}}}) == Names{"products", "users", "orders", "items"});
    CHECK(sort_tables({}).empty());
}

TEST_CASE("self-references and unknown tables are ignored", "[schema][sort]") {
    CHECK(sort_tables({{"nodes", {"nodes"}}, {"a", {"elsewhere"}}}) == Names{"nodes", "a"});
    CHECK(sort_tables({{"x", {"y"}}, {"y", {}}, {"x", {}}}) == Names{"y", "x"});
}

TEST_CASE("cycles are broken deterministically", "[schema][sort]") {
    auto out = sort_tables({{"a", {"b"}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {}}});
    CHECK(out == Names{"d", "a", "b", "c"});
    CHECK(sort_tables({{"a", {"b"}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {}}}) == out);
    auto three = sort_tables({{"p", {"q"}}, {"q", {"r"}}, {"r", {"p"}}});
    CHECK(three.size() == 3);
    CHECK(three == Names{"p", "r", "q"});
}
