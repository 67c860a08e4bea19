// Connection::execute_streaming on PostgreSQL (CORMORANT_TEST_PG_URL; skipped
// with a warning when unset): rows read off the wire as they arrive, equal to
// execute()'s; another statement in the middle of a stream; a stream
// destroyed early, in and out of a transaction; an error mid-stream; the
// connection closed under a stream.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cormorant/error.hpp"
#include "postgres_test_support.hpp"

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::driver::Cursor;
using cormorant::driver::Param;
using cormorant::result::RowBatch;
using test_support::exec;
using test_support::pg_connect;
using test_support::pg_server;
using test_support::PgTable;
using test_support::query;

namespace {

using Clock = std::chrono::steady_clock;

// Every remaining row of `cursor`, fetched `batch_rows` at a time, with owned bytes.
RowBatch drain(Cursor& cursor, std::size_t batch_rows) {
    RowBatch all;
    RowBatch batch;
    while (cursor.fetch(batch, batch_rows) > 0) {
        if (all.columns() != batch.columns()) all.reset(batch.columns());
        all.append_rows(batch, 0, batch.rows());
        batch.reset(batch.columns());
    }
    return all;
}

// Each cell as text ("NULL" for a null), row by row.
std::vector<std::string> texts(const RowBatch& rows) {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < rows.rows(); ++r)
        for (std::size_t c = 0; c < rows.columns(); ++c)
            out.push_back(rows.is_null(r, c) ? "NULL" : rows.as_text(r, c));
    return out;
}

std::int64_t single_integer(cormorant::driver::Connection& conn, std::string_view sql) {
    const RowBatch rows = query(conn, sql);
    REQUIRE(rows.rows() == 1);
    return rows.as_integer(0, 0);
}

constexpr const char* kRows =
    "SELECT i, 'row ' || i AS label, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END AS half, "
    "md5(i::text)::uuid AS uid FROM generate_series(1, $1::int4) AS i ORDER BY i";

}  // namespace

TEST_CASE("postgres streaming: the rows equal execute()'s, in any batch size",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    const std::vector<Param> n{Param::from_integer(2500)};
    const RowBatch expected = query(*conn, kRows, n);
    for (std::size_t batch_rows : {1, 7, 1000, 5000}) {
        INFO("batch of " << batch_rows);
        auto cursor = conn->execute_streaming(kRows, n);
        CHECK(cursor->column_names() == std::vector<std::string>{"i", "label", "half", "uid"});
        CHECK(cursor->rowcount() == -1);
        const RowBatch streamed = drain(*cursor, batch_rows);
        CHECK(streamed.rows() == 2500);
        CHECK(texts(streamed) == texts(expected));
        RowBatch after;
        CHECK(cursor->fetch(after, 10) == 0);
    }
    auto empty = conn->execute_streaming("SELECT 1 AS one WHERE false", {});
    CHECK(empty->column_names() == std::vector<std::string>{"one"});
    RowBatch none;
    CHECK(empty->fetch(none, 10) == 0);
    CHECK(single_integer(*conn, "SELECT 5") == 5);
}

TEST_CASE("postgres streaming: the first rows arrive before the query ends",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    // Rows wider than the server's 8 kB send buffer go out as they are made
    // (each pushing out the tail of the one before); the fourth comes two
    // seconds after the first three.
    const auto started = Clock::now();
    auto cursor = conn->execute_streaming(
        "SELECT i, repeat('x', 20000) AS pad, pg_sleep(CASE WHEN i = 4 THEN 2 ELSE 0 END) "
        "FROM generate_series(1, 4) AS i",
        {});
    RowBatch batch;
    REQUIRE(cursor->fetch(batch, 2) == 2);
    CHECK(Clock::now() - started < std::chrono::milliseconds(1500));
    CHECK(batch.as_integer(1, 0) == 2);
    CHECK(batch.as_text(1, 1).size() == 20000);
    CHECK(cursor->fetch(batch, 5) == 2);
    CHECK(Clock::now() - started >= std::chrono::seconds(2));
}

TEST_CASE("postgres streaming: another statement mid-stream reads the rest into memory first",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable table(*server, "stream_mid", "id INTEGER PRIMARY KEY");
    auto conn = pg_connect(*server);
    const std::vector<Param> n{Param::from_integer(3000)};
    const RowBatch expected = query(*conn, kRows, n);
    conn->begin();
    auto cursor = conn->execute_streaming(kRows, n);
    RowBatch first;
    REQUIRE(cursor->fetch(first, 10) == 10);
    exec(*conn, table.sql("INSERT INTO {t} VALUES (1)"));  // the wire is needed here
    CHECK(single_integer(*conn, table.sql("SELECT count(*) FROM {t}")) == 1);
    auto second = conn->execute_streaming("SELECT generate_series(1, 4)", {});
    const RowBatch rest = drain(*cursor, 1000);
    CHECK(drain(*second, 3).rows() == 4);
    conn->commit();
    REQUIRE(rest.rows() == 2990);
    RowBatch all = first;
    all.append_rows(rest, 0, rest.rows());
    CHECK(texts(all) == texts(expected));
}

TEST_CASE("postgres streaming: a stream destroyed early leaves the connection usable",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable table(*server, "stream_close", "id INTEGER PRIMARY KEY");
    auto conn = pg_connect(*server);
    RowBatch batch;

    SECTION("inside a transaction: the rest is read and dropped, the transaction goes on") {
        conn->begin();
        exec(*conn, table.sql("INSERT INTO {t} VALUES (1)"));
        auto cursor = conn->execute_streaming("SELECT generate_series(1, 200000)", {});
        REQUIRE(cursor->fetch(batch, 5) == 5);
        cursor.reset();
        exec(*conn, table.sql("INSERT INTO {t} VALUES (2)"));
        conn->commit();
        CHECK(single_integer(*conn, table.sql("SELECT count(*) FROM {t}")) == 2);
    }
    SECTION("outside a transaction: the query is cancelled rather than read to its end") {
        // 200 million rows take minutes to read; a cancel ends them at once.
        auto cursor = conn->execute_streaming("SELECT generate_series(1, 200000000)", {});
        REQUIRE(cursor->fetch(batch, 5) == 5);
        const auto started = Clock::now();
        cursor.reset();
        CHECK(Clock::now() - started < std::chrono::seconds(10));
        CHECK(single_integer(*conn, "SELECT 7") == 7);
        CHECK(single_integer(*conn, "SELECT 8") == 8);  // no cancel left over for a later statement
    }
}

TEST_CASE("postgres streaming: an error mid-stream follows the rows before it",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    const char* failing = "SELECT 10 / (i - 3001) FROM (SELECT generate_series(1, 6000) AS i) AS s";

    SECTION("read as it arrives") {
        auto cursor = conn->execute_streaming(failing, {});
        RowBatch batch;
        std::size_t rows = 0;
        std::size_t n = 0;
        try {
            while ((n = cursor->fetch(batch, 700)) > 0) {
                rows += n;
                batch.reset(1);
            }
            FAIL("expected a division by zero");
        } catch (const Error& e) {
            CHECK(e.sqlstate() == "22012");
            CHECK(e.kind() == ErrorKind::Data);
            CHECK(e.statement() == failing);
            CHECK_FALSE(e.connection_dead());
        }
        CHECK(rows == 3000);
        CHECK(cursor->fetch(batch, 10) == 0);  // thrown once
    }
    SECTION("read into memory by the next statement") {
        auto cursor = conn->execute_streaming(failing, {});
        RowBatch batch;
        REQUIRE(cursor->fetch(batch, 100) == 100);
        CHECK(single_integer(*conn, "SELECT 9") == 9);
        batch.reset(1);
        CHECK(cursor->fetch(batch, 5000) == 2900);
        CHECK_THROWS_AS(cursor->fetch(batch, 10), Error);
    }
    CHECK(single_integer(*conn, "SELECT 3") == 3);
}

TEST_CASE("postgres streaming: a failing query throws from execute_streaming",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    CHECK_THROWS_AS(conn->execute_streaming("SELECT * FROM no_such_table_here", {}), Error);
    CHECK(single_integer(*conn, "SELECT 4") == 4);
}

TEST_CASE("postgres streaming: a statement that is not a query runs as execute() does",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable table(*server, "stream_dml", "id INTEGER PRIMARY KEY");
    auto conn = pg_connect(*server);
    auto cursor = conn->execute_streaming(
        table.sql("INSERT INTO {t} SELECT generate_series(1, 3) RETURNING id"), {});
    CHECK(cursor->rowcount() == 3);
    CHECK(drain(*cursor, 10).rows() == 3);
}

TEST_CASE("postgres streaming: closing the connection under a stream ends it with an error",
          "[driver][postgres][streaming]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    auto cursor = conn->execute_streaming("SELECT generate_series(1, 100000)", {});
    RowBatch batch;
    REQUIRE(cursor->fetch(batch, 10) == 10);
    conn->close();
    CHECK_THROWS_AS(cursor->fetch(batch, 10), Error);
    cursor.reset();
    conn.reset();
}
