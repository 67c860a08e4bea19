// Structural cache keys and the StatementCache LRU.
#include <thread>
#include <unordered_set>

#include "cormorant/sql/cache_key.hpp"
#include "cormorant/sql/statement_cache.hpp"
#include "helpers.hpp"

using namespace test_sql;

namespace {

CacheKey key(const Datum& d) { return cache_key(*decode(d)); }

Datum q(const char* column, const char* o = "=", Datum limit = nullptr, Datum order = empty(),
        const char* table = "users", const char* bind_key = "id") {
    return select_d(tuple(col(table, "id")), tuple(tuple("table", table)),
                    op(o, col(table, column), bindd(bind_key)), order, limit);
}

}  // namespace

TEST_CASE("cache keys are equal for the same shape", "[sql][cache]") {
    CHECK(key(q("id")) == key(q("id")));
    CHECK(std::hash<CacheKey>{}(key(q("id"))) == std::hash<CacheKey>{}(key(q("id"))));
    // builder and decoder produce the same structure
    auto built = select({column("users", "id")})
                     .from(table("users"))
                     .where(eq(column("users", "id"), bind("id")));
    CHECK(cache_key(built) == key(q("id")));
    // a tree built twice from separate node objects
    auto a = cache_key(*eq(column("t", "x"), bind("p")));
    auto b = cache_key(*eq(column("t", "x"), bind("p")));
    CHECK(a == b);
}

TEST_CASE("cache keys differ on any structural change", "[sql][cache]") {
    std::vector<CacheKey> keys_ = {
        key(q("id")),
        key(q("name")),                   // column
        key(q("id", "!=")),               // operator
        key(q("id", "=", bindd("lim"))),  // limit present
        key(q("id", "=", nullptr, tuple(tuple("asc", col("users", "id"))))),
        key(q("id", "=", nullptr, tuple(tuple("desc", col("users", "id"))))),
        key(q("id", "=", nullptr, empty(), "accounts")),        // table
        key(q("id", "=", nullptr, empty(), "users", "other")),  // bind key
        key(tuple("literal", 1)),
        key(tuple("literal", 2)),
        key(tuple("literal", "1")),
        key(tuple("text", "a")),
        key(tuple("text", "b")),
        key(tuple("in", col("a"), tuple(bindd("x")), false)),
        key(tuple("in", col("a"), tuple(bindd("x")), true)),
        key(tuple("in", col("a"), tuple(bindd("x"), bindd("y")), false)),
        key(tuple("cast", col("a"), tuple("string", 10))),
        key(tuple("cast", col("a"), tuple("string", 20))),
        key(tuple("cast", col("a"), tuple("string", nullptr))),
        key(col("ab", "c")),
        key(col("a", "bc")),
        key(col("abc")),
        key(tuple("table", "users", "u")),
        key(tuple("table", "users")),
    };
    std::unordered_set<CacheKey> distinct(keys_.begin(), keys_.end());
    CHECK(distinct.size() == keys_.size());
}

TEST_CASE("StatementCache counts hits and misses", "[sql][cache]") {
    StatementCache cache(8);
    auto n1 = decode(q("id"));
    auto n1_again = decode(q("id"));
    auto first = cache.get_or_compile(*n1, Dialect::SQLite);
    auto second = cache.get_or_compile(*n1_again, Dialect::SQLite);
    CHECK(first == second);  // the same shared compiled object
    CHECK(first->sql == "SELECT users.id FROM users WHERE users.id = ?");
    auto on_pg = cache.get_or_compile(*n1, Dialect::PostgreSQL);
    CHECK(on_pg->sql == "SELECT users.id FROM users WHERE users.id = $1");
    CHECK(cache.hits() == 1);
    CHECK(cache.misses() == 2);
    CHECK(cache.size() == 2);
}

TEST_CASE("StatementCache evicts the least recently used entry", "[sql][cache]") {
    StatementCache cache(2);
    auto a = decode(q("a"));
    auto b = decode(q("b"));
    auto c = decode(q("c"));
    cache.get_or_compile(*a, Dialect::SQLite);  // miss
    cache.get_or_compile(*b, Dialect::SQLite);  // miss
    cache.get_or_compile(*a, Dialect::SQLite);  // hit; b is now the oldest
    cache.get_or_compile(*c, Dialect::SQLite);  // miss; evicts b
    CHECK(cache.size() == 2);
    cache.get_or_compile(*a, Dialect::SQLite);  // hit
    cache.get_or_compile(*c, Dialect::SQLite);  // hit
    CHECK(cache.hits() == 3);
    cache.get_or_compile(*b, Dialect::SQLite);  // miss: was evicted
    CHECK(cache.misses() == 4);
    CHECK(cache.size() == 2);
    CHECK_THROWS_AS(StatementCache(0), cormorant::Error);
}

TEST_CASE("StatementCache is safe across threads", "[sql][cache]") {
    StatementCache cache(4);
    std::vector<NodePtr> nodes = {decode(q("a")), decode(q("b")), decode(q("c"))};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 300; ++i)
                cache.get_or_compile(*nodes[static_cast<std::size_t>(i) % nodes.size()],
                                     Dialect::SQLite);
        });
    for (auto& th : threads) th.join();
    CHECK(cache.hits() + cache.misses() == 1200);
    CHECK(cache.size() == 3);
}
