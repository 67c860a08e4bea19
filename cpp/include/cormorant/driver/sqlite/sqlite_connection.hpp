// The SQLite driver: a Connection over the sqlite3 C API with a per-connection
// LRU cache of prepared statements keyed by SQL text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cormorant/driver/connection.hpp"

namespace cormorant::driver::sqlite {

class StatementLease;  // one cached statement in use (sqlite_handle.hpp)

struct Options {
    std::string path;  // file path, ":memory:", or a "file:" URI
    double busy_timeout_seconds = 5.0;
    std::size_t statement_cache_size = 128;
    // Set when an event loop drives the connection: long statements and lock
    // waits give it turns (driver/scheduler.hpp).
    std::shared_ptr<Scheduler> scheduler = nullptr;
};

struct SqliteHandle;  // shared between a connection and its cursors (sqlite_handle.hpp)

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(const Options& options);  // throws Error(Operational)
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    std::unique_ptr<Cursor> execute(std::string_view sql, std::span<const Param> params) override;
    std::int64_t execute_many(std::string_view sql, std::span<const Param> params,
                              std::size_t params_per_row) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    bool in_transaction() const override;
    bool ping() override;
    void close() override;
    bool closed() const override;
    std::string_view dialect() const override { return "sqlite"; }
    Scheduler* scheduler() const override;

    // Test hooks: statements compiled with sqlite3_prepare, executions served
    // from the statement cache, and statements currently idle in the cache.
    std::uint64_t statements_prepared() const;
    std::uint64_t cache_hits() const;
    std::size_t cached_statements() const;

  private:
    void run_simple(const char* sql);
    StatementLease acquire(std::string_view sql);
    std::shared_ptr<SqliteHandle> handle_;
};

// Opens a connection; Error(Operational) naming the path on failure.
std::unique_ptr<Connection> connect(const Options& options);

}  // namespace cormorant::driver::sqlite
