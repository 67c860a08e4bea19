// PostgreSQL driver against a live server (CORMORANT_TEST_PG_URL; skipped with
// a warning when unset): typed decoding, parameters, executemany, rowcount,
// transactions, the statement cache, error mapping, dead connections,
// connect failures, conninfo quoting and pre-ping through a pool.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cormorant/driver/interrupt.hpp"
#include "cormorant/error.hpp"
#include "cormorant/pool/pool.hpp"
#include "postgres_test_support.hpp"

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::driver::Param;
using cormorant::driver::ValueType;
using cormorant::driver::postgres::Options;
using cormorant::driver::postgres::PgConnection;
using cormorant::result::RowBatch;
using test_support::exec;
using test_support::pg_connect;
using test_support::pg_server;
using test_support::PgTable;
using test_support::query;

namespace {

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

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Checks the type of row 0's cell `col` and, if it matches, its integer slot.
void check_int_cell(const RowBatch& rows, std::size_t col, ValueType type, std::int64_t expected) {
    INFO("column " << col);
    REQUIRE(rows.rows() >= 1);
    const auto& cell = rows.cell(0, col);
    CHECK(cell.type == type);
    if (cell.type == type) CHECK(cell.integer == expected);
}

void check_real_cell(const RowBatch& rows, std::size_t col, double expected) {
    INFO("column " << col);
    REQUIRE(rows.rows() >= 1);
    const auto& cell = rows.cell(0, col);
    CHECK(cell.type == ValueType::Real);
    if (cell.type != ValueType::Real) return;
    if (std::isnan(expected)) {
        CHECK(std::isnan(cell.real));
    } else {
        CHECK(cell.real == expected);
        CHECK(std::signbit(cell.real) == std::signbit(expected));
    }
}

void check_bytes_cell(const RowBatch& rows, std::size_t col, ValueType type,
                      std::string_view expected) {
    INFO("column " << col);
    REQUIRE(rows.rows() >= 1);
    const auto& cell = rows.cell(0, col);
    CHECK(cell.type == type);
    if (cell.type == type) CHECK(std::string(rows.bytes(cell)) == std::string(expected));
}

std::string all_bytes() {
    std::string s;
    for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
    return s;
}

// A TCP port on 127.0.0.1 with no listener: bound to port 0, read, closed.
int unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::int64_t backend_pid_of(cormorant::driver::Connection& conn) {
    return query(conn, "SELECT pg_backend_pid()").as_integer(0, 0);
}

// Terminates backend `pid` from `killer` and waits (bounded) until it is gone.
void terminate_backend(cormorant::driver::Connection& killer, std::int64_t pid) {
    auto killed = query(killer, "SELECT pg_terminate_backend($1)", {Param::from_integer(pid)});
    REQUIRE(killed.rows() == 1);
    REQUIRE(killed.cell(0, 0).type == ValueType::Boolean);
    REQUIRE(killed.cell(0, 0).integer == 1);
    for (int i = 0; i < 200; ++i) {
        auto left = query(killer, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1",
                          {Param::from_integer(pid)});
        if (left.as_integer(0, 0) == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("backend " << pid << " was still alive after pg_terminate_backend");
}

// A minimal libpq conninfo parser: keyword = value pairs, values bare or
// single-quoted, backslash escaping the next character in both forms.
std::map<std::string, std::string> parse_conninfo(std::string_view s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (true) {
        skip_space();
        if (i >= s.size()) break;
        std::string key;
        while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) {
            key += s[i++];
        }
        skip_space();
        if (i >= s.size() || s[i] != '=') FAIL("conninfo: no '=' after " << key << " in " << s);
        ++i;
        skip_space();
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            while (i < s.size() && s[i] != '\'') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value += s[i++];
            }
            if (i >= s.size()) FAIL("conninfo: unterminated quote in " << s);
            ++i;
        } else {
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value += s[i++];
            }
        }
        out[key] = value;
    }
    return out;
}

}  // namespace

TEST_CASE("postgres: the test URL parses into Options", "[driver][postgres]") {
    auto o = test_support::parse_pg_url("postgresql://postgres@127.0.0.1:55432/postgres");
    REQUIRE(o);
    CHECK(o->host == "127.0.0.1");
    CHECK(o->port == 55432);
    CHECK(o->user == "postgres");
    CHECK(o->password.empty());
    CHECK(o->dbname == "postgres");

    auto full =
        test_support::parse_pg_url("postgres://me:p%40ss@[::1]:6000/my%20db?sslmode=disable");
    REQUIRE(full);
    CHECK(full->host == "::1");
    CHECK(full->port == 6000);
    CHECK(full->user == "me");
    CHECK(full->password == "p@ss");
    CHECK(full->dbname == "my db");
    CHECK(full->parameters.at("sslmode") == "disable");

    CHECK_FALSE(test_support::parse_pg_url("mysql://x@y/z"));
    CHECK_FALSE(test_support::parse_pg_url("postgresql://x@y:port/z"));

    // messages about the URL never show its password
    CHECK(test_support::redacted_url("postgres://me:p%40ss@[::1]:6000/db") ==
          "postgres://me:***@[::1]:6000/db");
    CHECK(test_support::redacted_url("postgresql://postgres@127.0.0.1:1/postgres") ==
          "postgresql://postgres@127.0.0.1:1/postgres");
    CHECK(test_support::redacted_url("postgresql://h:5432/db") == "postgresql://h:5432/db");
}

TEST_CASE("postgres: connect and SELECT 1", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = cormorant::driver::postgres::connect(*server);
    REQUIRE(conn);
    CHECK(conn->dialect() == "postgresql");
    CHECK_FALSE(conn->closed());
    CHECK_FALSE(conn->in_transaction());
    CHECK(conn->ping());

    auto cursor = conn->execute("SELECT 1 AS one, 'x' AS \"Mixed Case\"", {});
    CHECK(cursor->column_names() == std::vector<std::string>{"one", "Mixed Case"});
    CHECK(cursor->rowcount() == -1);
    auto rows = test_support::fetch_all(*cursor);
    REQUIRE(rows.rows() == 1);
    REQUIRE(rows.columns() == 2);
    check_int_cell(rows, 0, ValueType::Integer, 1);
    check_bytes_cell(rows, 1, ValueType::Text, "x");

    auto pg = pg_connect(*server);
    CHECK(pg->backend_pid() > 0);
    CHECK(pg->backend_pid() == backend_pid_of(*pg));
}

TEST_CASE("postgres: numeric, boolean, text, bytea, uuid and json columns decode typed",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);

    SECTION("integers") {
        auto rows = query(*conn,
                          "SELECT (-32768)::int2, 2147483647::int4, (-2147483648)::int4, "
                          "'-9223372036854775808'::int8, 9223372036854775807::int8, 0::int8");
        REQUIRE(rows.rows() == 1);
        check_int_cell(rows, 0, ValueType::Integer, -32768);
        check_int_cell(rows, 1, ValueType::Integer, 2147483647);
        check_int_cell(rows, 2, ValueType::Integer, -2147483648LL);
        check_int_cell(rows, 3, ValueType::Integer, std::numeric_limits<std::int64_t>::min());
        check_int_cell(rows, 4, ValueType::Integer, std::numeric_limits<std::int64_t>::max());
        check_int_cell(rows, 5, ValueType::Integer, 0);
    }
    SECTION("floats, NaN and infinities") {
        const double inf = std::numeric_limits<double>::infinity();
        auto rows = query(*conn,
                          "SELECT 1.5::float4, (-0.25)::float4, 'NaN'::float4, "
                          "'-Infinity'::float4, 0.1::float8, 1e-300::float8, "
                          "'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, "
                          "'-0'::float8, 1.7976931348623157e308::float8");
        REQUIRE(rows.rows() == 1);
        check_real_cell(rows, 0, 1.5);
        check_real_cell(rows, 1, -0.25);
        check_real_cell(rows, 2, std::numeric_limits<double>::quiet_NaN());
        check_real_cell(rows, 3, -inf);
        check_real_cell(rows, 4, 0.1);
        check_real_cell(rows, 5, 1e-300);
        check_real_cell(rows, 6, std::numeric_limits<double>::quiet_NaN());
        check_real_cell(rows, 7, inf);
        check_real_cell(rows, 8, -inf);
        check_real_cell(rows, 9, -0.0);
        check_real_cell(rows, 10, std::numeric_limits<double>::max());
    }
    SECTION("booleans") {
        auto rows = query(*conn, "SELECT true, false");
        check_int_cell(rows, 0, ValueType::Boolean, 1);
        check_int_cell(rows, 1, ValueType::Boolean, 0);
    }
    SECTION("numeric keeps its exact text") {
        auto rows = query(*conn,
                          "SELECT 12.50::numeric, (-0.001)::numeric(10,3), 'NaN'::numeric, "
                          "123456789012345678901234567890.123456789::numeric, 0::numeric(5,2)");
        check_bytes_cell(rows, 0, ValueType::Decimal, "12.50");
        check_bytes_cell(rows, 1, ValueType::Decimal, "-0.001");
        check_bytes_cell(rows, 2, ValueType::Decimal, "NaN");
        check_bytes_cell(rows, 3, ValueType::Decimal, "123456789012345678901234567890.123456789");
        check_bytes_cell(rows, 4, ValueType::Decimal, "0.00");
    }
    SECTION("text types") {
        auto rows = query(*conn,
                          "SELECT 'héllo ✓ 日本語'::text, 'abc'::varchar(10), 'ab'::char(5), "
                          "''::text, 'it''s \"q\" \\ b'::text");
        check_bytes_cell(rows, 0, ValueType::Text, "héllo ✓ 日本語");
        check_bytes_cell(rows, 1, ValueType::Text, "abc");
        check_bytes_cell(rows, 2, ValueType::Text, "ab   ");
        check_bytes_cell(rows, 3, ValueType::Text, "");
        check_bytes_cell(rows, 4, ValueType::Text, "it's \"q\" \\ b");
    }
    SECTION("bytea keeps every byte") {
        auto rows = query(*conn,
                          "SELECT '\\x00ff4100'::bytea, '\\x'::bytea, "
                          "(SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), "
                          "'hex') FROM generate_series(0, 255) AS i)");
        check_bytes_cell(rows, 0, ValueType::Blob,
                         std::string_view("\0\xff"
                                          "A\0",
                                          4));
        check_bytes_cell(rows, 1, ValueType::Blob, "");
        check_bytes_cell(rows, 2, ValueType::Blob, all_bytes());
    }
    SECTION("uuid and json") {
        auto rows = query(*conn,
                          "SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid, "
                          "'{\"a\": [1, 2.50, \"x\"]}'::json, '{\"b\":2,\"a\":1}'::jsonb, "
                          "'null'::jsonb");
        check_bytes_cell(rows, 0, ValueType::Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        check_bytes_cell(rows, 1, ValueType::Json, R"({"a": [1, 2.50, "x"]})");
        check_bytes_cell(rows, 2, ValueType::Json, R"({"a": 1, "b": 2})");
        check_bytes_cell(rows, 3, ValueType::Json, "null");
    }
    SECTION("NULL of any type is a Null cell") {
        auto rows = query(*conn,
                          "SELECT NULL::int4, NULL::text, NULL::bytea, NULL::numeric, "
                          "NULL::bool, NULL::date, NULL::timestamptz, NULL::uuid, NULL::jsonb");
        REQUIRE(rows.rows() == 1);
        REQUIRE(rows.columns() == 9);
        for (std::size_t col = 0; col < rows.columns(); ++col) {
            INFO("column " << col);
            CHECK(rows.cell(0, col).type == ValueType::Null);
            CHECK(rows.is_null(0, col));
        }
    }
}

TEST_CASE("postgres: date, time and timestamp columns decode to days and microseconds",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    auto rows =
        query(*conn,
              "SELECT '1970-01-01'::date, '1969-12-31'::date, '2024-02-29'::date, "
              "'0001-01-01'::date, '13:45:30.123456'::time, '00:00:00'::time, "
              "'23:59:59.999999'::time, '2024-01-02 03:04:05.5'::timestamp, "
              "'1969-12-31 23:59:59.999999'::timestamp, '1900-01-01 00:00:00.25'::timestamp, "
              "'2024-01-02 03:04:05.5+02'::timestamptz, '1970-01-01 00:00:00+00'::timestamptz");
    REQUIRE(rows.rows() == 1);
    check_int_cell(rows, 0, ValueType::Date, 0);
    check_int_cell(rows, 1, ValueType::Date, -1);
    check_int_cell(rows, 2, ValueType::Date, 19782);
    check_int_cell(rows, 3, ValueType::Date, -719162);
    check_int_cell(rows, 4, ValueType::Time, 49'530'123'456);
    check_int_cell(rows, 5, ValueType::Time, 0);
    check_int_cell(rows, 6, ValueType::Time, 86'399'999'999);
    check_int_cell(rows, 7, ValueType::DateTime, 1'704'164'645'500'000);
    check_int_cell(rows, 8, ValueType::DateTime, -1);
    check_int_cell(rows, 9, ValueType::DateTime, -2'208'988'799'750'000);
    // 03:04:05.5 at +02 is 01:04:05.5 UTC
    check_int_cell(rows, 10, ValueType::DateTimeTz, 1'704'157'445'500'000);
    check_int_cell(rows, 11, ValueType::DateTimeTz, 0);
}

TEST_CASE("postgres: timestamptz decodes to UTC whatever the session TimeZone",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    const std::string sql = "SELECT '2024-01-02 03:04:05.5+02'::timestamptz";
    for (const char* zone : {"UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Kiritimati"}) {
        INFO("TimeZone " << zone);
        exec(*conn, std::string("SET TIME ZONE '") + zone + "'");
        check_int_cell(query(*conn, sql), 0, ValueType::DateTimeTz, 1'704'157'445'500'000);
    }
    // Before standard time zones Amsterdam was at +00:19:32 (LMT-based offsets with seconds).
    exec(*conn, "SET TIME ZONE 'Europe/Amsterdam'");
    check_int_cell(query(*conn, "SELECT '1900-06-01 12:00:00+00'::timestamptz"), 0,
                   ValueType::DateTimeTz, -2'195'899'200'000'000);
}

TEST_CASE("postgres: every parameter kind round-trips through a cast", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);

    SECTION("Integer") {
        for (std::int64_t v :
             {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
              std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
            INFO("value " << v);
            check_int_cell(query(*conn, "SELECT $1::int8", {Param::from_integer(v)}), 0,
                           ValueType::Integer, v);
        }
        check_int_cell(query(*conn, "SELECT $1::int4", {Param::from_integer(-7)}), 0,
                       ValueType::Integer, -7);
        check_bytes_cell(query(*conn, "SELECT $1::numeric", {Param::from_integer(123)}), 0,
                         ValueType::Decimal, "123");
    }
    SECTION("Real") {
        const double inf = std::numeric_limits<double>::infinity();
        for (double v : {0.1, -1.5e300, 1e-10, 1.2345678901234567e-300, 5e-324,
                         std::numeric_limits<double>::max(), 1.0 / 3.0, -0.0, inf, -inf,
                         std::numeric_limits<double>::quiet_NaN()}) {
            INFO("value " << v);
            check_real_cell(query(*conn, "SELECT $1::float8", {Param::from_real(v)}), 0, v);
        }
    }
    SECTION("Text") {
        for (std::string_view v :
             {std::string_view("héllo ✓ 日本語 🐦"), std::string_view(""),
              std::string_view("it's \"q\" \\ b\n\t end"), std::string_view("NULL")}) {
            INFO("value " << v);
            check_bytes_cell(query(*conn, "SELECT $1::text", {Param::text(v)}), 0, ValueType::Text,
                             v);
        }
        const std::string big(100'000, 'z');
        check_bytes_cell(query(*conn, "SELECT $1::text", {Param::text(big)}), 0, ValueType::Text,
                         big);
    }
    SECTION("Blob") {
        const std::string every = all_bytes();
        for (std::string_view v : {std::string_view(every), std::string_view("\0", 1),
                                   std::string_view(""), std::string_view("\\x41")}) {
            INFO("size " << v.size());
            check_bytes_cell(query(*conn, "SELECT $1::bytea", {Param::blob(v)}), 0, ValueType::Blob,
                             v);
        }
        check_int_cell(query(*conn, "SELECT length($1::bytea)", {Param::blob(every)}), 0,
                       ValueType::Integer, 256);
    }
    SECTION("Boolean") {
        check_int_cell(query(*conn, "SELECT $1::bool", {Param::from_bool(true)}), 0,
                       ValueType::Boolean, 1);
        check_int_cell(query(*conn, "SELECT $1::bool", {Param::from_bool(false)}), 0,
                       ValueType::Boolean, 0);
    }
    SECTION("Null") {
        auto rows = query(*conn, "SELECT $1::int4, $2::text, $3::bytea, $4::text IS NULL",
                          {Param::null(), Param::null(), Param::null(), Param::null()});
        CHECK(rows.cell(0, 0).type == ValueType::Null);
        CHECK(rows.cell(0, 1).type == ValueType::Null);
        CHECK(rows.cell(0, 2).type == ValueType::Null);
        check_int_cell(rows, 3, ValueType::Boolean, 1);
    }
    SECTION("all kinds in one statement") {
        const std::string blob("\0\xff", 2);
        auto rows =
            query(*conn, "SELECT $1::int8, $2::float8, $3::text, $4::bytea, $5::bool, $6::int4",
                  {Param::from_integer(5), Param::from_real(2.5), Param::text("ü"),
                   Param::blob(blob), Param::from_bool(true), Param::null()});
        check_int_cell(rows, 0, ValueType::Integer, 5);
        check_real_cell(rows, 1, 2.5);
        check_bytes_cell(rows, 2, ValueType::Text, "ü");
        check_bytes_cell(rows, 3, ValueType::Blob, blob);
        check_int_cell(rows, 4, ValueType::Boolean, 1);
        CHECK(rows.cell(0, 5).type == ValueType::Null);
    }
}

TEST_CASE("postgres: parameters bind into typed columns without casts", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "typed_params",
              "i4 int4, i8 int8, f8 float8, f4 float4, n numeric, t text, b bytea, flag boolean, "
              "d date, ts timestamptz, u uuid, j jsonb");
    auto conn = pg_connect(*server);
    const std::string blob("\0\x01\xff", 3);
    exec(*conn, t.sql("INSERT INTO {t} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
         {Param::from_integer(7), Param::from_integer(std::numeric_limits<std::int64_t>::max()),
          Param::from_real(0.1), Param::from_real(1.5), Param::text("12.50"), Param::text("été"),
          Param::blob(blob), Param::from_bool(true), Param::text("2024-02-29"),
          Param::text("2024-01-02 03:04:05.5+02"),
          Param::text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), Param::text(R"({"k": [1]})")});
    exec(*conn, t.sql("INSERT INTO {t} (i4, flag) VALUES ($1, $2)"),
         {Param::from_integer(8), Param::from_bool(false)});

    auto rows = query(*conn, t.sql("SELECT * FROM {t} WHERE i4 = $1"), {Param::from_integer(7)});
    REQUIRE(rows.rows() == 1);
    check_int_cell(rows, 0, ValueType::Integer, 7);
    check_int_cell(rows, 1, ValueType::Integer, std::numeric_limits<std::int64_t>::max());
    check_real_cell(rows, 2, 0.1);
    check_real_cell(rows, 3, 1.5);
    check_bytes_cell(rows, 4, ValueType::Decimal, "12.50");
    check_bytes_cell(rows, 5, ValueType::Text, "été");
    check_bytes_cell(rows, 6, ValueType::Blob, blob);
    check_int_cell(rows, 7, ValueType::Boolean, 1);
    check_int_cell(rows, 8, ValueType::Date, 19782);
    check_int_cell(rows, 9, ValueType::DateTimeTz, 1'704'157'445'500'000);
    check_bytes_cell(rows, 10, ValueType::Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    check_bytes_cell(rows, 11, ValueType::Json, R"({"k": [1]})");

    auto flags = query(*conn, t.sql("SELECT i4 FROM {t} WHERE flag = $1 ORDER BY i4 LIMIT $2"),
                       {Param::from_bool(false), Param::from_integer(5)});
    REQUIRE(flags.rows() == 1);
    CHECK(flags.as_integer(0, 0) == 8);
}

TEST_CASE("postgres: fetch appends in batches and adopts the result's width",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    auto cursor = conn->execute(
        "SELECT i, 'row' || i AS label FROM generate_series(1, $1::int4) AS i ORDER BY i",
        std::vector<Param>{Param::from_integer(1000)});
    CHECK(cursor->column_names() == std::vector<std::string>{"i", "label"});
    RowBatch batch(5);  // empty, another width: reset to two columns
    std::vector<std::size_t> sizes;
    std::size_t n = 0;
    std::int64_t expected_first = 1;
    while ((n = cursor->fetch(batch, 300)) > 0) {
        sizes.push_back(n);
        REQUIRE(batch.columns() == 2);
        CHECK(batch.as_integer(0, 0) == expected_first);
        CHECK(batch.as_text(n - 1, 1) ==
              "row" + std::to_string(expected_first + static_cast<std::int64_t>(n) - 1));
        expected_first += static_cast<std::int64_t>(n);
        batch.reset(2);
    }
    CHECK(sizes == std::vector<std::size_t>{300, 300, 300, 100});
    CHECK(cursor->fetch(batch, 10) == 0);
}

TEST_CASE("postgres: two cursors on one connection interleave", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    auto first = conn->execute("SELECT i FROM generate_series(1, 5) AS i ORDER BY i", {});
    auto second = conn->execute("SELECT i FROM generate_series(11, 13) AS i ORDER BY i", {});
    RowBatch a;
    RowBatch b;
    CHECK(first->fetch(a, 2) == 2);
    CHECK(second->fetch(b, 10) == 3);
    CHECK(first->fetch(a, 10) == 3);
    REQUIRE(a.rows() == 5);
    REQUIRE(b.rows() == 3);
    CHECK(a.as_integer(4, 0) == 5);
    CHECK(b.as_integer(2, 0) == 13);
}

TEST_CASE("postgres: execute_many pipelines 1000 rows through one unnamed statement",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "many", "id int8 PRIMARY KEY, label text, score float8");
    auto conn = pg_connect(*server);
    std::vector<std::string> labels;
    for (int i = 0; i < 1000; ++i) labels.push_back("läbel " + std::to_string(i));
    std::vector<Param> params;
    for (int i = 0; i < 1000; ++i) {
        params.push_back(Param::from_integer(i));
        params.push_back(Param::text(labels[static_cast<std::size_t>(i)]));
        params.push_back(Param::from_real(i * 0.5));
    }
    const auto prepared = conn->statements_prepared();
    CHECK(conn->execute_many(t.sql("INSERT INTO {t} VALUES ($1, $2, $3)"), params, 3) == 1000);
    CHECK(conn->statements_prepared() == prepared);  // the named-statement cache is left alone

    auto other = pg_connect(*server);  // committed: visible elsewhere
    auto stats = query(*other, t.sql("SELECT count(*), sum(id)::int8, sum(score) FROM {t}"));
    CHECK(stats.as_integer(0, 0) == 1000);
    CHECK(stats.as_integer(0, 1) == 499'500);
    CHECK(stats.as_real(0, 2) == 249'750.0);
    auto row =
        query(*other, t.sql("SELECT label FROM {t} WHERE id = $1"), {Param::from_integer(999)});
    REQUIRE(row.rows() == 1);
    CHECK(row.as_text(0, 0) == "läbel 999");

    CHECK(conn->execute_many(t.sql("UPDATE {t} SET score = 0 WHERE id < $1"),
                             std::vector<Param>{Param::from_integer(10), Param::from_integer(20)},
                             1) == 10 + 20);
    CHECK(conn->execute_many(t.sql("INSERT INTO {t} VALUES ($1, $2, $3)"), {}, 3) == 0);
    CHECK_THROWS_AS(conn->execute_many(t.sql("INSERT INTO {t} VALUES ($1, $2, $3)"),
                                       std::vector<Param>{Param::from_integer(1)}, 3),
                    Error);
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 1000);
}

TEST_CASE("postgres: a failing row in a later pipeline batch fails the whole execute_many",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "pipefail", "id int8 PRIMARY KEY");
    auto conn = pg_connect(*server);
    const std::string insert = t.sql("INSERT INTO {t} VALUES ($1)");
    CHECK(conn->execute_many(insert, std::vector<Param>{Param::from_integer(7)}, 1) == 1);

    std::vector<Param> params;
    for (int i = 100; i < 2600; ++i) params.push_back(Param::from_integer(i));
    params[1500] = Param::from_integer(7);  // in the second batch of 1000
    conn->begin();
    try {
        conn->execute_many(insert, params, 1);
        FAIL("the duplicate key did not raise");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Integrity);
        CHECK(e.sqlstate() == "23505");
        CHECK(std::string(e.what()).find("duplicate key") != std::string::npos);
    }
    conn->rollback();
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 1);

    params[1500] = Param::from_integer(1600 + 2000);  // the connection still pipelines
    conn->begin();
    CHECK(conn->execute_many(insert, params, 1) == 2500);
    conn->commit();
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 2501);
}

TEST_CASE("postgres: rowcount of UPDATE and DELETE, and RETURNING rows", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "rowcount", "id serial PRIMARY KEY, x int4");
    auto conn = pg_connect(*server);
    CHECK(conn->execute(t.sql("INSERT INTO {t} (x) VALUES (1), (2), (3)"), {})->rowcount() == 3);
    CHECK(conn->execute(t.sql("UPDATE {t} SET x = x + 1 WHERE x >= $1"),
                        std::vector<Param>{Param::from_integer(2)})
              ->rowcount() == 2);
    CHECK(conn->execute(t.sql("UPDATE {t} SET x = 0 WHERE x > 100"), {})->rowcount() == 0);
    CHECK(conn->execute(t.sql("DELETE FROM {t} WHERE x = 1"), {})->rowcount() == 1);
    CHECK(conn->execute(t.sql("SELECT * FROM {t}"), {})->rowcount() == -1);
    CHECK(conn->execute(t.sql("SELECT * FROM {t} WHERE x > 100"), {})->rowcount() == -1);

    auto ret = conn->execute(t.sql("INSERT INTO {t} (x) VALUES ($1), ($2) RETURNING id, x"),
                             std::vector<Param>{Param::from_integer(9), Param::from_integer(10)});
    CHECK(ret->column_names() == std::vector<std::string>{"id", "x"});
    CHECK(ret->rowcount() == 2);
    auto rows = test_support::fetch_all(*ret);
    REQUIRE(rows.rows() == 2);
    CHECK(rows.as_integer(0, 0) == 4);
    CHECK(rows.as_integer(0, 1) == 9);
    CHECK(rows.as_integer(1, 0) == 5);
    CHECK(rows.as_integer(1, 1) == 10);

    auto del = conn->execute(t.sql("DELETE FROM {t} WHERE x >= $1 RETURNING x"),
                             std::vector<Param>{Param::from_integer(9)});
    CHECK(del->rowcount() == 2);
    CHECK(test_support::fetch_all(*del).rows() == 2);
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 2);
}

TEST_CASE("postgres: transactions begin, commit and roll back", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "tx", "x int4");
    auto conn = pg_connect(*server);
    auto other = pg_connect(*server);
    const std::string count = t.sql("SELECT count(*) FROM {t}");
    const std::string insert = t.sql("INSERT INTO {t} VALUES ($1)");

    // outside begin(): every statement commits by itself
    exec(*conn, insert, {Param::from_integer(1)});
    CHECK_FALSE(conn->in_transaction());
    CHECK(query(*other, count).as_integer(0, 0) == 1);

    conn->begin();
    CHECK(conn->in_transaction());
    exec(*conn, insert, {Param::from_integer(2)});
    CHECK(query(*conn, count).as_integer(0, 0) == 2);
    CHECK(query(*other, count).as_integer(0, 0) == 1);  // not yet visible
    conn->rollback();
    CHECK_FALSE(conn->in_transaction());
    CHECK(query(*conn, count).as_integer(0, 0) == 1);

    conn->begin();
    exec(*conn, insert, {Param::from_integer(3)});
    CHECK(query(*other, count).as_integer(0, 0) == 1);
    conn->commit();
    CHECK_FALSE(conn->in_transaction());
    CHECK(query(*other, count).as_integer(0, 0) == 2);
    auto values = query(*other, t.sql("SELECT x FROM {t} ORDER BY x"));
    REQUIRE(values.rows() == 2);
    CHECK(values.as_integer(1, 0) == 3);

    conn->begin();
    CHECK(conn->execute_many(
              insert, std::vector<Param>{Param::from_integer(4), Param::from_integer(5)}, 1) == 2);
    conn->rollback();
    CHECK(query(*conn, count).as_integer(0, 0) == 2);
}

TEST_CASE("postgres: the statement cache reuses prepared statements", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    const std::string sql = "SELECT $1::int4 + 1";
    const auto prepared = conn->statements_prepared();
    const auto hits = conn->cache_hits();
    CHECK(query(*conn, sql, {Param::from_integer(1)}).as_integer(0, 0) == 2);
    CHECK(conn->statements_prepared() == prepared + 1);
    CHECK(query(*conn, sql, {Param::from_integer(41)}).as_integer(0, 0) == 42);
    CHECK(conn->statements_prepared() == prepared + 1);
    CHECK(conn->cache_hits() == hits + 1);
    CHECK(query(*conn, sql, {Param::from_integer(-1)}).as_integer(0, 0) == 0);
    CHECK(conn->statements_prepared() == prepared + 1);
    CHECK(conn->cache_hits() == hits + 2);

    // survives a rolled-back transaction
    conn->begin();
    CHECK(query(*conn, sql, {Param::from_integer(2)}).as_integer(0, 0) == 3);
    conn->rollback();
    CHECK(query(*conn, sql, {Param::from_integer(3)}).as_integer(0, 0) == 4);
    CHECK(conn->statements_prepared() == prepared + 1);
}

TEST_CASE("postgres: a small statement cache evicts and still runs correctly",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    Options options = *server;
    options.statement_cache_size = 2;
    auto conn = pg_connect(options);
    auto run = [&](int k, std::int64_t v) {
        const std::string sql = "SELECT $1::int8 * " + std::to_string(k);
        return query(*conn, sql, {Param::from_integer(v)}).as_integer(0, 0);
    };
    const auto prepared = conn->statements_prepared();
    CHECK(run(1, 5) == 5);
    CHECK(run(2, 5) == 10);
    CHECK(run(3, 5) == 15);  // evicts statement 1
    CHECK(conn->statements_prepared() == prepared + 3);
    const auto hits = conn->cache_hits();
    CHECK(run(3, 6) == 18);  // still cached
    CHECK(conn->cache_hits() == hits + 1);
    CHECK(conn->statements_prepared() == prepared + 3);
    CHECK(run(1, 6) == 6);  // evicted earlier: prepared again
    CHECK(conn->statements_prepared() == prepared + 4);
    CHECK(run(2, 7) == 14);
    CHECK(conn->statements_prepared() == prepared + 5);

    for (int k = 10; k < 40; ++k) {
        INFO("statement " << k);
        CHECK(run(k, 2) == 2 * k);
    }
    // evicted statements are deallocated on the server, not leaked
    const auto live = query(*conn, "SELECT count(*) FROM pg_prepared_statements").as_integer(0, 0);
    CHECK(live >= 1);  // the count query itself is one of them
    CHECK(live <= 3);
}

TEST_CASE("postgres: statement_cache_size 0 still runs statements", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    Options options = *server;
    options.statement_cache_size = 0;
    auto conn = pg_connect(options);
    for (int i = 0; i < 3; ++i) {
        CHECK(query(*conn, "SELECT $1::int4 * 2", {Param::from_integer(i)}).as_integer(0, 0) ==
              2 * i);
        CHECK(query(*conn, "SELECT $1::int4 * 3", {Param::from_integer(i)}).as_integer(0, 0) ==
              3 * i);
    }
}

TEST_CASE("postgres: a cached SELECT * sees a column added later", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "alter", "a int4");
    auto conn = pg_connect(*server);
    exec(*conn, t.sql("INSERT INTO {t} VALUES (1)"));
    const std::string select = t.sql("SELECT * FROM {t}");
    CHECK(query(*conn, select).columns() == 1);
    CHECK(query(*conn, select).columns() == 1);  // now cached
    exec(*conn, t.sql("ALTER TABLE {t} ADD COLUMN b text DEFAULT 'x'"));
    RowBatch rows;
    REQUIRE_NOTHROW(rows = query(*conn, select));
    REQUIRE(rows.columns() == 2);
    CHECK(rows.as_text(0, 1) == "x");
}

TEST_CASE("postgres: server errors carry kind, SQLSTATE and statement", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "errors", "id int4 PRIMARY KEY, name text NOT NULL");
    auto conn = pg_connect(*server);
    exec(*conn, t.sql("INSERT INTO {t} VALUES (1, 'a')"));
    const std::string insert = t.sql("INSERT INTO {t} (id, name) VALUES ($1, $2)");

    auto dup = catch_error([&] {
        exec(*conn, insert, {Param::from_integer(1), Param::text("b")});
    });
    CHECK(dup.kind() == ErrorKind::Integrity);
    CHECK(dup.sqlstate() == "23505");
    CHECK(dup.statement() == insert);
    CHECK(contains(dup.what(), "duplicate key"));
    CHECK_FALSE(dup.connection_dead());

    auto notnull = catch_error([&] {
        exec(*conn, insert, {Param::from_integer(2), Param::null()});
    });
    CHECK(notnull.kind() == ErrorKind::Integrity);
    CHECK(notnull.sqlstate() == "23502");

    auto many = catch_error([&] {
        conn->execute_many(insert,
                           std::vector<Param>{Param::from_integer(5), Param::text("x"),
                                              Param::from_integer(1), Param::text("y")},
                           2);
    });
    CHECK(many.kind() == ErrorKind::Integrity);
    CHECK(many.sqlstate() == "23505");
    CHECK(many.statement() == insert);

    auto syntax = catch_error([&] { exec(*conn, "SELEC 1"); });
    CHECK(syntax.kind() == ErrorKind::Programming);
    CHECK(syntax.sqlstate() == "42601");
    CHECK(syntax.statement() == "SELEC 1");

    const std::string missing_sql = "SELECT * FROM cm_drv_no_such_table";
    auto missing = catch_error([&] { exec(*conn, missing_sql); });
    CHECK(missing.kind() == ErrorKind::Programming);
    CHECK(missing.sqlstate() == "42P01");
    CHECK(missing.statement() == missing_sql);
    CHECK(contains(missing.what(), "cm_drv_no_such_table"));

    auto column = catch_error([&] { exec(*conn, t.sql("SELECT nope FROM {t}")); });
    CHECK(column.kind() == ErrorKind::Programming);
    CHECK(column.sqlstate() == "42703");

    auto zero = catch_error([&] { exec(*conn, "SELECT 1 / 0"); });
    CHECK(zero.kind() == ErrorKind::Data);
    CHECK(zero.sqlstate() == "22012");
    CHECK(zero.statement() == "SELECT 1 / 0");

    auto bad_int = catch_error([&] { exec(*conn, "SELECT $1::int4", {Param::text("abc")}); });
    CHECK(bad_int.kind() == ErrorKind::Data);
    CHECK(bad_int.sqlstate() == "22P02");

    auto range = catch_error([&] { exec(*conn, "SELECT 2147483647::int4 + 1"); });
    CHECK(range.kind() == ErrorKind::Data);
    CHECK(range.sqlstate() == "22003");

    // the connection is still usable; outside a transaction a pipelined
    // execute_many is atomic per batch, so the row before the failing one is gone
    CHECK(conn->ping());
    auto ids = query(*conn, t.sql("SELECT id FROM {t} ORDER BY id"));
    REQUIRE(ids.rows() == 1);
    CHECK(ids.as_integer(0, 0) == 1);
}

TEST_CASE("postgres: client-side value errors are Data and keep the connection",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);

    const std::string nul("a\0b", 3);
    const std::string sql = "SELECT $1::text";
    auto e = catch_error([&] { exec(*conn, sql, {Param::text(nul)}); });
    CHECK(e.kind() == ErrorKind::Data);
    CHECK(e.statement() == sql);
    CHECK_FALSE(e.connection_dead());
    CHECK(query(*conn, sql, {Param::text("ok")}).as_text(0, 0) == "ok");

    // a year Python cannot hold fails at fetch; the batch keeps only whole rows
    auto cursor = conn->execute("SELECT 1::int4, '10000-01-01'::date", {});
    RowBatch batch;
    auto bad = catch_error([&] { cursor->fetch(batch, 10); });
    CHECK(bad.kind() == ErrorKind::Data);
    CHECK(batch.rows() == 0);
    auto good = conn->execute("SELECT 7::int4, '2024-02-29'::date", {});
    CHECK(good->fetch(batch, 10) == 1);
    REQUIRE(batch.rows() == 1);
    CHECK(batch.as_integer(0, 0) == 7);
    check_int_cell(batch, 1, ValueType::Date, 19782);
}

TEST_CASE("postgres: an error inside a transaction is cleared by rollback()",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    PgTable t(*server, "tx_error", "id int4 PRIMARY KEY");
    auto conn = pg_connect(*server);
    exec(*conn, t.sql("INSERT INTO {t} VALUES (1)"));

    conn->begin();
    exec(*conn, t.sql("INSERT INTO {t} VALUES (2)"));
    auto dup = catch_error([&] { exec(*conn, t.sql("INSERT INTO {t} VALUES (1)")); });
    CHECK(dup.sqlstate() == "23505");
    // the server refuses further work in the failed transaction
    auto aborted = catch_error([&] { exec(*conn, "SELECT 1"); });
    CHECK(aborted.sqlstate() == "25P02");
    CHECK_FALSE(aborted.connection_dead());
    conn->rollback();
    CHECK_FALSE(conn->in_transaction());
    CHECK(query(*conn, "SELECT 1").as_integer(0, 0) == 1);
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 1);

    // outside a transaction an error needs no cleanup; rollback() is harmless
    auto zero = catch_error([&] { exec(*conn, "SELECT 1 / 0"); });
    CHECK(zero.sqlstate() == "22012");
    CHECK(query(*conn, "SELECT 2").as_integer(0, 0) == 2);
    CHECK_NOTHROW(conn->rollback());
    CHECK_NOTHROW(conn->commit());
    CHECK(query(*conn, "SELECT 3").as_integer(0, 0) == 3);
    conn->begin();
    exec(*conn, t.sql("INSERT INTO {t} VALUES (3)"));
    conn->commit();
    CHECK(query(*conn, t.sql("SELECT count(*) FROM {t}")).as_integer(0, 0) == 2);
}

TEST_CASE("postgres: a terminated backend leaves a dead connection", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto victim = pg_connect(*server);
    auto killer = pg_connect(*server);
    const int pid = victim->backend_pid();
    REQUIRE(pid == backend_pid_of(*victim));
    CHECK(victim->ping());
    terminate_backend(*killer, pid);

    auto e = catch_error([&] { exec(*victim, "SELECT 1"); });
    CHECK(e.kind() == ErrorKind::Operational);
    CHECK(e.connection_dead());
    CHECK(e.statement() == "SELECT 1");
    CHECK_FALSE(victim->ping());
    auto again = catch_error([&] { exec(*victim, "SELECT 2"); });
    CHECK(again.connection_dead());
    CHECK_NOTHROW(victim->close());
    CHECK(victim->closed());
    CHECK(query(*killer, "SELECT 1").as_integer(0, 0) == 1);
}

TEST_CASE("postgres: close is idempotent and a closed connection refuses work",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = pg_connect(*server);
    conn->close();
    conn->close();
    CHECK(conn->closed());
    CHECK_FALSE(conn->ping());
    CHECK_FALSE(conn->in_transaction());
    auto e = catch_error([&] { exec(*conn, "SELECT 1"); });
    CHECK(e.kind() == ErrorKind::Interface);
}

TEST_CASE("postgres: connecting to a port with no listener fails fast and names the server",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    Options options;
    options.host = "127.0.0.1";
    options.port = unused_port();
    options.user = "postgres";
    options.dbname = "postgres";
    const auto start = std::chrono::steady_clock::now();
    auto e = catch_error([&] { cormorant::driver::postgres::connect(options); });
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(e.what());
    CHECK(e.kind() == ErrorKind::Operational);
    CHECK(contains(e.what(), "127.0.0.1"));
    CHECK(contains(e.what(), std::to_string(options.port)));
    CHECK(waited < 10.0);
}

TEST_CASE("postgres: connecting to a missing database names it", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    Options options = *server;
    options.dbname = "cm_drv_missing_db_" + std::to_string(::getpid());
    auto e = catch_error([&] { PgConnection conn(options); });
    INFO(e.what());
    CHECK(e.kind() == ErrorKind::Operational);
    CHECK(contains(e.what(), options.dbname));
    CHECK(contains(e.what(), options.host));
    CHECK(contains(e.what(), std::to_string(options.port)));
    if (!options.user.empty()) CHECK(contains(e.what(), options.user));
}

TEST_CASE("postgres: conninfo quotes values as libpq requires", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    Options o;
    o.host = "db host";
    o.port = 6543;
    o.user = "o'neil";
    o.password = "p\\w 'x' \"y\"";
    o.dbname = "my db";
    o.parameters["application_name"] = "cm drv 'app' \\ end";
    o.parameters["sslmode"] = "disable";
    const std::string text = cormorant::driver::postgres::conninfo(o);
    INFO(text);
    auto parsed = parse_conninfo(text);
    CHECK(parsed["host"] == o.host);
    CHECK(parsed["port"] == "6543");
    CHECK(parsed["user"] == o.user);
    CHECK(parsed["password"] == o.password);
    CHECK(parsed["dbname"] == o.dbname);
    CHECK(parsed["application_name"] == o.parameters["application_name"]);
    CHECK(parsed["sslmode"] == "disable");
    // libpq takes whole seconds and treats 0 as "wait forever"
    if (parsed.count("connect_timeout") != 0) {
        const std::string& timeout = parsed["connect_timeout"];
        CHECK(timeout.find_first_not_of("0123456789") == std::string::npos);
    }
    o.connect_timeout_seconds = 0.4;
    auto short_timeout = parse_conninfo(cormorant::driver::postgres::conninfo(o));
    if (short_timeout.count("connect_timeout") != 0) {
        CHECK(short_timeout["connect_timeout"] != "0");
    }

    // the live server sees the quoted values intact (trust auth ignores the
    // password), and a caller's "options" join the driver's own settings
    Options live = *server;
    live.parameters["application_name"] = "cm drv 'app' \\ end";
    live.parameters["options"] = "-c statement_timeout=12345";
    if (live.password.empty()) live.password = "p\\w 'x'";
    auto conn = pg_connect(live);
    auto settings = query(*conn,
                          "SELECT current_setting('application_name'), "
                          "current_setting('statement_timeout'), '2024-02-29'::date");
    CHECK(settings.as_text(0, 0) == "cm drv 'app' \\ end");
    CHECK(settings.as_text(0, 1) == "12345ms");
    check_int_cell(settings, 2, ValueType::Date, 19782);
}

TEST_CASE("postgres: a pool with pre_ping replaces a terminated PostgreSQL connection",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    cormorant::pool::Options po;
    po.pool_size = 1;
    po.max_overflow = 0;
    po.timeout_seconds = 10;
    po.pre_ping = true;
    const Options options = *server;
    cormorant::pool::Pool pool([options] { return cormorant::driver::postgres::connect(options); },
                               po);
    auto killer = pg_connect(*server);

    auto a = pool.checkout();
    CHECK(a->fresh());
    const auto first_pid = backend_pid_of(a->connection());
    pool.checkin(a);

    auto b = pool.checkout();
    CHECK_FALSE(b->fresh());  // a live connection passes the ping
    CHECK(backend_pid_of(b->connection()) == first_pid);
    pool.checkin(b);

    terminate_backend(*killer, first_pid);
    auto c = pool.checkout();
    CHECK(c->fresh());
    CHECK(c->id() != a->id());
    CHECK(backend_pid_of(c->connection()) != first_pid);
    CHECK(query(c->connection(), "SELECT 1").as_integer(0, 0) == 1);
    pool.checkin(c);
    CHECK(pool.checked_out() == 0);
    CHECK(pool.idle() == 1);
}

namespace {

std::atomic<int> interrupt_polls{0};

// Asks for the statement to be cancelled on the third poll of its wait.
bool interrupt_on_third_poll() noexcept { return ++interrupt_polls >= 3; }

}  // namespace

TEST_CASE("postgres: an interrupted wait cancels the statement on the server",
          "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto conn = cormorant::driver::postgres::connect(*server);
    interrupt_polls = 0;
    cormorant::driver::set_interrupt_check(&interrupt_on_third_poll);
    const auto started = std::chrono::steady_clock::now();
    auto cancelled = catch_error([&] { conn->execute("SELECT pg_sleep(10)", {}); });
    cormorant::driver::set_interrupt_check(nullptr);
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(cancelled.sqlstate() == "57014");  // query_canceled, from the server
    CHECK(cancelled.kind() == ErrorKind::Operational);
    CHECK_FALSE(cancelled.connection_dead());
    CHECK(waited < std::chrono::seconds(3));
    CHECK(interrupt_polls >= 3);
    auto after = test_support::fetch_all(*conn->execute("SELECT 7", {}));
    check_int_cell(after, 0, ValueType::Integer, 7);
}

TEST_CASE("postgres: a lost connection reports the server's message", "[driver][postgres]") {
    const auto server = pg_server();
    if (!server) return;
    auto victim = pg_connect(*server);
    auto killer = cormorant::driver::postgres::connect(*server);
    exec(*killer, "SELECT pg_terminate_backend(" + std::to_string(victim->backend_pid()) + ")");
    auto lost = catch_error([&] { victim->execute("SELECT 1", {}); });
    CHECK(lost.connection_dead());
    CHECK(lost.kind() == ErrorKind::Operational);
    CHECK(lost.sqlstate() == "57P01");  // admin_shutdown: what the server said
    CHECK(contains(lost.what(), "terminating connection due to administrator command"));
}
