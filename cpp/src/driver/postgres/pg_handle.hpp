// PgHandle, the live server connection behind a PgConnection: the libpqxx
// connection that opened it, libpq calls for every statement (sent, then
// awaited through an Exchange, so a long one can be interrupted), the
// prepared-statement cache and the transaction/liveness flags.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "cormorant/driver/value.hpp"
#include "pg_exchange.hpp"
#include "pg_params.hpp"
#include "pg_raw_connection.hpp"
#include "pg_statement_cache.hpp"

namespace cormorant::driver::postgres {

struct Options;

enum class StatementKind { Query, Dml, Other };

// SELECT/VALUES are queries; INSERT/UPDATE/DELETE/WITH are DML. Both are
// prepared and cached; anything else (DDL, SET, BEGIN...) is not.
StatementKind classify(std::string_view sql);

struct PgHandle {
    PgHandle(const Options& options, const std::string& conninfo);

    // Runs one statement: prepared (and cached) for DML and queries, sent
    // with unnamed parameters or as a simple query otherwise. Failures throw
    // cormorant::Error; a lost server connection marks this dead.
    ResultPtr run(std::string_view sql, std::span<const Param> params, StatementKind kind);
    // Runs `sql` once per row of `params_per_row` parameters, pipelined when
    // there are several rows; total rowcount.
    std::int64_t run_many(std::string_view sql, std::span<const Param> params,
                          std::size_t params_per_row);
    // A statement with no parameters and no caching (BEGIN, COMMIT, ...).
    ResultPtr run_simple(std::string_view sql);

    bool usable() const { return !closed && !dead; }
    void close() noexcept;

    std::unique_ptr<RawConnection> conn;
    PreparedStatements prepared;
    std::shared_ptr<Scheduler> scheduler;  // null: waits block the thread
    TextParams text_params;
    bool in_transaction = false;
    bool dead = false;
    bool closed = false;
    std::uint64_t statements_prepared = 0;
    std::uint64_t cache_hits = 0;

  private:
    PGconn* pg() const noexcept { return conn->raw(); }
    const std::string& prepared_name(std::string_view sql);
    // Renders one row of parameters; a value PostgreSQL cannot take throws Error naming `sql`.
    void assign_params(std::span<const Param> params, std::string_view sql);
    ResultPtr run_prepared(std::string_view sql);
    ResultPtr exec_prepared(const std::string& name, std::string_view sql);
    // Awaits the answer to the command just sent (`sent`: whether libpq took it).
    ResultPtr finish(bool sent, std::string_view sql);
    void check_usable(std::string_view sql) const;
    std::string last_name_;
};

}  // namespace cormorant::driver::postgres
