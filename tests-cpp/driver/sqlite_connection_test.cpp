// SQLite driver: value round-trips, the statement cache, executemany,
// error mapping, transactions and the busy timeout.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cormorant/error.hpp"
#include "sqlite_test_support.hpp"

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::driver::Param;
using cormorant::driver::ValueType;
using cormorant::driver::sqlite::Options;
using cormorant::driver::sqlite::SqliteConnection;
using test_support::exec;
using test_support::query;
using test_support::TempDb;

namespace {

SqliteConnection memory_db(std::size_t cache_size = 128) {
    return SqliteConnection(Options{":memory:", 5.0, cache_size});
}

template <typename F>
Error catch_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("expected cormorant::Error");
    throw 0;
}

}  // namespace

TEST_CASE("connect opens :memory: and files, and the dialect is sqlite", "[driver][sqlite]") {
    auto mem = cormorant::driver::sqlite::connect({":memory:"});
    CHECK(mem->dialect() == "sqlite");
    CHECK(mem->ping());
    TempDb tmp;
    auto file = cormorant::driver::sqlite::connect({tmp.path()});
    exec(*file, "CREATE TABLE t (x)");
    CHECK(std::filesystem::exists(tmp.path()));
}

TEST_CASE("connect failure is Operational and names the path", "[driver][sqlite]") {
    auto e = catch_error([] { cormorant::driver::sqlite::connect({"/nonexistent-dir/x/y.db"}); });
    CHECK(e.kind() == ErrorKind::Operational);
    CHECK(e.native_code() == SQLITE_CANTOPEN);
    CHECK(std::string(e.what()).find("/nonexistent-dir/x/y.db") != std::string::npos);
}

TEST_CASE("every storage class round-trips", "[driver][sqlite]") {
    TempDb tmp;
    SqliteConnection conn(Options{tmp.path()});
    exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
    const std::string nul_text("a\0b\0c", 5);
    const std::string nul_blob("\0\xff\0", 3);
    const std::vector<Param> values = {
        Param::null(),
        Param::from_integer(std::numeric_limits<std::int64_t>::max()),
        Param::from_integer(std::numeric_limits<std::int64_t>::min()),
        Param::from_integer(0),
        Param::from_real(-1.5e300),
        Param::text("héllo"),
        Param::text(nul_text),
        Param::text(""),
        Param::blob(nul_blob),
        Param::blob(""),
    };
    for (const Param& p : values) exec(conn, "INSERT INTO t (v) VALUES (?)", {p});

    auto rows = query(conn, "SELECT v FROM t ORDER BY id");
    REQUIRE(rows.rows() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& cell = rows.cell(i, 0);
        INFO("row " << i);
        REQUIRE(cell.type == values[i].type);
        switch (cell.type) {
            case ValueType::Integer:
                CHECK(cell.integer == values[i].integer);
                break;
            case ValueType::Real:
                CHECK(cell.real == values[i].real);
                break;
            case ValueType::Text:
            case ValueType::Blob:
                CHECK(rows.bytes(cell) == values[i].bytes);
                break;
            case ValueType::Null:
                break;
            default:
                FAIL("SQLite produced a decoded-only type");
                break;
        }
    }
}

TEST_CASE("fetch appends in batches and column names are reported", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (a INTEGER, b TEXT)");
    std::vector<Param> params;
    std::vector<std::string> texts;
    for (int i = 0; i < 2500; ++i) texts.push_back("row" + std::to_string(i));
    for (int i = 0; i < 2500; ++i) {
        params.push_back(Param::from_integer(i));
        params.push_back(Param::text(texts[static_cast<std::size_t>(i)]));
    }
    CHECK(conn.execute_many("INSERT INTO t VALUES (?, ?)", params, 2) == 2500);

    auto cursor = conn.execute("SELECT a, b AS label FROM t ORDER BY a", {});
    CHECK(cursor->column_names() == std::vector<std::string>{"a", "label"});
    CHECK(cursor->rowcount() == -1);
    cormorant::result::RowBatch batch;
    std::size_t total = 0;
    std::size_t n = 0;
    while ((n = cursor->fetch(batch, 1000)) > 0) {
        CHECK(batch.as_integer(0, 0) == static_cast<std::int64_t>(total));
        total += n;
        batch.reset(2);
    }
    CHECK(total == 2500);
    CHECK(cursor->fetch(batch, 10) == 0);
}

TEST_CASE("execute_streaming steps rows as fetched, beside other statements",
          "[driver][sqlite][streaming]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (a INTEGER, b TEXT)");
    exec(conn,
         "INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
         "WHERE i < 3000) SELECT i, 'row' || i FROM n");
    auto cursor = conn.execute_streaming("SELECT a, b FROM t ORDER BY a", {});
    CHECK(cursor->column_names() == std::vector<std::string>{"a", "b"});
    cormorant::result::RowBatch batch;
    REQUIRE(cursor->fetch(batch, 10) == 10);
    exec(conn, "INSERT INTO t VALUES (0, 'late')");
    batch.reset(2);
    std::size_t rest = 0;
    std::size_t n = 0;
    while ((n = cursor->fetch(batch, 1000)) > 0) rest += n;
    CHECK(rest >= 2990);  // whether the late row shows up is SQLite's business
    cursor.reset();
    CHECK(query(conn, "SELECT count(*) FROM t").as_integer(0, 0) == 3001);
}

TEST_CASE("rowcount, last_insert_id and RETURNING", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    auto ins = conn.execute("INSERT INTO t (x) VALUES (1), (2), (3)", {});
    CHECK(ins->rowcount() == 3);
    CHECK(ins->last_insert_id() == 3);
    CHECK(conn.execute("UPDATE t SET x = x + 1 WHERE x >= 2", {})->rowcount() == 2);
    CHECK(conn.execute("DELETE FROM t WHERE x > 100", {})->rowcount() == 0);
    CHECK(conn.execute("CREATE TABLE u (y)", {})->rowcount() == 0);

    auto ret = conn.execute("INSERT INTO t (x) VALUES (?) RETURNING id, x",
                            std::vector<Param>{Param::from_integer(9)});
    auto rows = test_support::fetch_all(*ret);
    REQUIRE(rows.rows() == 1);
    CHECK(rows.as_integer(0, 0) == 4);
    CHECK(rows.as_integer(0, 1) == 9);
    CHECK(ret->rowcount() == 1);
    CHECK(ret->last_insert_id() == 4);
}

TEST_CASE("the statement cache reuses prepared statements", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (x)");
    const auto prepared = conn.statements_prepared();
    const auto hits = conn.cache_hits();
    for (int i = 0; i < 5; ++i) exec(conn, "INSERT INTO t VALUES (?)", {Param::from_integer(i)});
    CHECK(conn.statements_prepared() == prepared + 1);
    CHECK(conn.cache_hits() == hits + 4);
    CHECK(query(conn, "SELECT count(*) FROM t").as_integer(0, 0) == 5);
}

TEST_CASE("a statement held by a live cursor is not shared", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (x)");
    for (int i = 0; i < 3; ++i) exec(conn, "INSERT INTO t VALUES (?)", {Param::from_integer(i)});
    const std::string sql = "SELECT x FROM t ORDER BY x";
    const auto prepared = conn.statements_prepared();

    auto first = conn.execute(sql, {});  // row 0 pending: holds its statement
    auto second = conn.execute(sql, {});
    CHECK(conn.statements_prepared() == prepared + 2);
    cormorant::result::RowBatch a;
    cormorant::result::RowBatch b;
    CHECK(first->fetch(a, 2) == 2);
    CHECK(second->fetch(b, 10) == 3);
    CHECK(first->fetch(a, 10) == 1);
    CHECK(a.as_integer(2, 0) == 2);
    first.reset();
    second.reset();
    CHECK(conn.cached_statements() >= 1);

    const auto hits = conn.cache_hits();
    CHECK(query(conn, sql).rows() == 3);
    CHECK(conn.cache_hits() == hits + 1);
    CHECK(conn.statements_prepared() == prepared + 2);
}

TEST_CASE("the statement cache evicts least recently used", "[driver][sqlite]") {
    auto conn = memory_db(2);
    for (int i = 0; i < 4; ++i) query(conn, "SELECT " + std::to_string(i));
    CHECK(conn.cached_statements() == 2);
    const auto prepared = conn.statements_prepared();
    query(conn, "SELECT 3");
    query(conn, "SELECT 0");
    CHECK(conn.statements_prepared() == prepared + 1);

    auto uncached = memory_db(0);
    query(uncached, "SELECT 1");
    query(uncached, "SELECT 1");
    CHECK(uncached.statements_prepared() == 2);
    CHECK(uncached.cached_statements() == 0);
}

TEST_CASE("execute_many binds one statement per row", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (a, b)");
    std::vector<Param> params;
    for (int i = 0; i < 100; ++i) {
        params.push_back(Param::from_integer(i));
        params.push_back(Param::from_real(i * 0.5));
    }
    const auto prepared = conn.statements_prepared();
    CHECK(conn.execute_many("INSERT INTO t VALUES (?, ?)", params, 2) == 100);
    CHECK(conn.statements_prepared() == prepared + 1);
    CHECK(conn.execute_many("UPDATE t SET b = 0 WHERE a < ?",
                            std::vector<Param>{Param::from_integer(10), Param::from_integer(20)},
                            1) == 10 + 20);
    CHECK(conn.execute_many("INSERT INTO t VALUES (?, ?)", {}, 2) == 0);
    auto e = catch_error([&] { conn.execute_many("INSERT INTO t VALUES (?, ?)", params, 3); });
    CHECK(e.kind() == ErrorKind::Programming);
    auto e2 = catch_error([&] { conn.execute_many("INSERT INTO t VALUES (?, ?)", params, 1); });
    CHECK(e2.kind() == ErrorKind::Programming);
}

TEST_CASE("errors carry kind, native code and statement", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)");
    exec(conn, "INSERT INTO t (name) VALUES ('a')");

    const std::string insert = "INSERT INTO t (name) VALUES (?)";
    auto dup = catch_error([&] { exec(conn, insert, {Param::text("a")}); });
    CHECK(dup.kind() == ErrorKind::Integrity);
    CHECK(dup.native_code() == SQLITE_CONSTRAINT_UNIQUE);
    CHECK(dup.statement() == insert);
    CHECK(std::string(dup.what()).find("UNIQUE constraint failed") != std::string::npos);

    auto notnull = catch_error([&] { exec(conn, insert, {Param::null()}); });
    CHECK(notnull.kind() == ErrorKind::Integrity);
    CHECK(notnull.native_code() == SQLITE_CONSTRAINT_NOTNULL);

    auto missing = catch_error([&] { exec(conn, "SELECT * FROM nope"); });
    CHECK(missing.kind() == ErrorKind::Operational);
    CHECK(std::string(missing.what()) == "no such table: nope");
    CHECK(missing.statement() == "SELECT * FROM nope");

    auto syntax = catch_error([&] { exec(conn, "SELEC 1"); });
    CHECK(syntax.kind() == ErrorKind::Operational);

    auto count = catch_error([&] { exec(conn, insert, {}); });
    CHECK(count.kind() == ErrorKind::Programming);
    CHECK(std::string(count.what()).find("uses 1, and there are 0 supplied") != std::string::npos);
    CHECK(count.statement() == insert);

    auto two = catch_error([&] { exec(conn, "SELECT 1; SELECT 2"); });
    CHECK(two.kind() == ErrorKind::Programming);
    CHECK_NOTHROW(exec(conn, "SELECT 1; -- trailing comment"));

    // the connection is still usable after every failure
    CHECK(query(conn, "SELECT count(*) FROM t").as_integer(0, 0) == 1);
}

TEST_CASE("closed connections refuse work; cursors may outlive them", "[driver][sqlite]") {
    auto conn = memory_db();
    exec(conn, "CREATE TABLE t (x)");
    exec(conn, "INSERT INTO t VALUES (1), (2)");
    auto cursor = conn.execute("SELECT x FROM t", {});
    conn.close();
    conn.close();
    CHECK(conn.closed());
    CHECK_FALSE(conn.ping());
    CHECK_FALSE(conn.in_transaction());
    auto e = catch_error([&] { exec(conn, "SELECT 1"); });
    CHECK(e.kind() == ErrorKind::Interface);
    CHECK(e.connection_dead());
    cursor.reset();  // finalizes its statement; the zombie handle closes now
}

TEST_CASE("transactions begin, commit and roll back", "[driver][sqlite]") {
    TempDb tmp;
    SqliteConnection conn(Options{tmp.path()});
    exec(conn, "CREATE TABLE t (x)");
    CHECK_FALSE(conn.in_transaction());
    conn.begin();
    CHECK(conn.in_transaction());
    exec(conn, "INSERT INTO t VALUES (1)");
    conn.rollback();
    CHECK_FALSE(conn.in_transaction());
    CHECK(query(conn, "SELECT count(*) FROM t").as_integer(0, 0) == 0);

    conn.begin();
    exec(conn, "INSERT INTO t VALUES (2)");
    conn.commit();
    CHECK_FALSE(conn.in_transaction());
    conn.commit();    // no transaction: no-op
    conn.rollback();  // likewise

    SqliteConnection other(Options{tmp.path()});
    CHECK(query(other, "SELECT x FROM t").as_integer(0, 0) == 2);

    conn.begin();
    auto nested = catch_error([&] { conn.begin(); });
    CHECK(nested.kind() == ErrorKind::Operational);
    conn.rollback();
}

TEST_CASE("busy timeout waits, then raises Operational", "[driver][sqlite]") {
    TempDb tmp;
    SqliteConnection writer(Options{tmp.path(), 5.0});
    SqliteConnection blocked(Options{tmp.path(), 0.2});
    exec(writer, "CREATE TABLE t (x)");
    writer.begin();
    exec(writer, "INSERT INTO t VALUES (1)");  // holds the write lock

    const auto start = std::chrono::steady_clock::now();
    auto e = catch_error([&] { exec(blocked, "INSERT INTO t VALUES (2)"); });
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(e.kind() == ErrorKind::Operational);
    CHECK((e.native_code() & 0xff) == SQLITE_BUSY);
    CHECK(waited >= 0.15);
    CHECK(waited < 3.0);

    writer.commit();
    CHECK_NOTHROW(exec(blocked, "INSERT INTO t VALUES (2)"));
}
