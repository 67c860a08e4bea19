// The PostgreSQL driver: a Connection opened by libpqxx and driven through libpq,
// with a per-connection LRU cache of prepared statements keyed by SQL text, and result
// values decoded from PostgreSQL's text format straight into typed cells.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cormorant/driver/connection.hpp"

namespace cormorant::driver::postgres {

struct Options {
    std::string host = "localhost";  // a host name, an address, or a socket directory
    int port = 5432;
    std::string user;      // empty: libpq's default (the OS user)
    std::string password;  // empty: none, or ~/.pgpass
    std::string dbname;    // empty: the user name
    double connect_timeout_seconds = 5.0;
    // Further libpq keywords (sslmode, application_name, options, ...).
    std::map<std::string, std::string> parameters;
    std::size_t statement_cache_size = 256;
    // Set when an event loop drives the connection: answers are awaited through it.
    std::shared_ptr<Scheduler> scheduler = nullptr;
};

// The libpq connection string for `options`, values quoted as libpq requires.
std::string conninfo(const Options& options);

struct PgHandle;  // the libpqxx objects and the statement cache (pg_handle.hpp)

class PgConnection final : public Connection {
  public:
    // Throws Error(Operational) naming host, port, database and user on failure.
    explicit PgConnection(const Options& options);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    std::unique_ptr<Cursor> execute(std::string_view sql, std::span<const Param> params) override;
    // A query (SELECT, VALUES) is read in libpq's single-row mode; anything
    // else runs as execute().
    std::unique_ptr<Cursor> execute_streaming(std::string_view sql,
                                              std::span<const Param> params) override;
    std::int64_t execute_many(std::string_view sql, std::span<const Param> params,
                              std::size_t params_per_row) override;
    void begin() override;
    void commit() override;
    void rollback() override;
    bool in_transaction() const override;
    bool ping() override;
    void close() override;
    bool closed() const override;
    std::string_view dialect() const override { return "postgresql"; }
    Scheduler* scheduler() const override;

    // The server process serving this connection (pg_backend_pid()).
    int backend_pid() const;
    // Test hooks: statements prepared on the server, and executions that
    // reused an already prepared statement.
    std::uint64_t statements_prepared() const;
    std::uint64_t cache_hits() const;

  private:
    std::unique_ptr<PgHandle> handle_;
};

// Opens a connection; Error(Operational) naming the server on failure.
std::unique_ptr<Connection> connect(const Options& options);

}  // namespace cormorant::driver::postgres
