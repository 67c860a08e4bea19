// Cooperative waiting at the engine level, without Python: a Scheduler sees
// PostgreSQL's socket waits, SQLite's time slices and lock waits, and a
// Scheduler that abandons a wait drops a PostgreSQL connection or interrupts
// a SQLite statement, whose transaction stays usable.
#include "cormorant/driver/scheduler.hpp"

#include <poll.h>

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "cormorant/driver/sqlite/sqlite_connection.hpp"
#include "cormorant/error.hpp"
#include "postgres_test_support.hpp"
#include "sqlite_test_support.hpp"

using cormorant::driver::Scheduler;
using test_support::exec;
using test_support::query;

namespace {

// Counts what the driver asks of it; waits by poll(), or throws once
// `abandon_after` waits were asked for (a cancelled task).
class CountingScheduler final : public Scheduler {
  public:
    void wait_socket(int fd, bool write) override {
        ++socket_waits;
        abandon_if_due();
        pollfd ready{fd, static_cast<short>(POLLIN | (write ? POLLOUT : 0)), 0};
        ::poll(&ready, 1, -1);
    }
    void pause(double) override {
        ++pauses;
        abandon_if_due();
    }
    void share_time() override {
        ++shares;
        abandon_if_due();
    }

    int socket_waits = 0;
    int pauses = 0;
    int shares = 0;
    int abandon_after = -1;

  private:
    void abandon_if_due() {
        if (abandon_after >= 0 && socket_waits + pauses + shares > abandon_after)
            throw std::runtime_error("the task was cancelled");
    }
};

constexpr const char* kLongSqlite =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) "
    "SELECT sum(i) FROM n";

}  // namespace

TEST_CASE("a PostgreSQL answer is awaited through the scheduler", "[driver][postgres][scheduler]") {
    auto options = test_support::pg_server();
    if (!options) return;
    auto scheduler = std::make_shared<CountingScheduler>();
    options->scheduler = scheduler;
    auto conn = test_support::pg_connect(*options);
    CHECK(conn->scheduler() == scheduler.get());
    auto rows = query(*conn, "SELECT pg_sleep(0.05), 7");
    CHECK(rows.cell(0, 1).integer == 7);
    CHECK(scheduler->socket_waits >= 1);
}

TEST_CASE("an abandoned PostgreSQL wait drops the connection", "[driver][postgres][scheduler]") {
    auto options = test_support::pg_server();
    if (!options) return;
    auto scheduler = std::make_shared<CountingScheduler>();
    options->scheduler = scheduler;
    auto conn = test_support::pg_connect(*options);
    scheduler->abandon_after = 0;
    CHECK_THROWS_WITH(query(*conn, "SELECT pg_sleep(5)"), "the task was cancelled");
    CHECK(conn->closed());  // never pooled again
}

TEST_CASE("a long SQLite statement shares time, and an abandoned one is interrupted",
          "[driver][sqlite][scheduler]") {
    test_support::TempDb tmp;
    auto scheduler = std::make_shared<CountingScheduler>();
    cormorant::driver::sqlite::Options options;
    options.path = tmp.path();
    options.scheduler = scheduler;
    cormorant::driver::sqlite::SqliteConnection conn(options);
    auto rows = query(conn, kLongSqlite);
    CHECK(rows.cell(0, 0).integer == 2000000LL * 2000001LL / 2);
    CHECK(scheduler->shares > 10);

    exec(conn, "CREATE TABLE t (x INTEGER)");
    conn.begin();
    exec(conn, "INSERT INTO t VALUES (1)");
    scheduler->abandon_after = scheduler->shares + 2;
    CHECK_THROWS_WITH(query(conn, kLongSqlite), "the task was cancelled");
    scheduler->abandon_after = -1;
    CHECK_FALSE(conn.closed());
    conn.rollback();
    CHECK(query(conn, "SELECT count(*) FROM t").cell(0, 0).integer == 0);
}

TEST_CASE("a locked SQLite file is waited for through the scheduler",
          "[driver][sqlite][scheduler]") {
    test_support::TempDb tmp;
    auto scheduler = std::make_shared<CountingScheduler>();
    cormorant::driver::sqlite::Options locked_options;
    locked_options.path = tmp.path();
    locked_options.busy_timeout_seconds = 0.1;
    locked_options.scheduler = scheduler;
    cormorant::driver::sqlite::SqliteConnection holder(
        cormorant::driver::sqlite::Options{tmp.path()});
    cormorant::driver::sqlite::SqliteConnection waiter(locked_options);
    exec(holder, "CREATE TABLE t (x INTEGER)");
    holder.begin();
    exec(holder, "INSERT INTO t VALUES (1)");
    try {
        exec(waiter, "INSERT INTO t VALUES (2)");
        FAIL("expected the database to be locked");
    } catch (const cormorant::Error& e) {
        CHECK(std::string(e.what()).find("locked") != std::string::npos);
    }
    CHECK(scheduler->pauses >= 2);
    holder.commit();
    exec(waiter, "INSERT INTO t VALUES (2)");
    CHECK(query(waiter, "SELECT count(*) FROM t").cell(0, 0).integer == 2);
}
