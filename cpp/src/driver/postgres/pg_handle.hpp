// PgHandle, the live server connection behind a PgConnection: the libpqxx
// connection that opened it, libpq calls for every statement (sent, then
// awaited through an Exchange, so a long one can be interrupted), the
// prepared-statement cache, the transaction/liveness flags, and the streaming
// cursor (if any) still reading its rows off the wire.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "cormorant/driver/value.hpp"
#include "cormorant/error.hpp"
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

// A cursor still reading its rows off the connection (PgStreamCursor). No
// other command can be sent until it has read them all.
class WireReader {
  public:
    // Reads the rest of the rows into memory and lets go of the connection,
    // so that another command can be sent. A failure is kept for the
    // reader's own fetch() rather than thrown.
    virtual void release_wire() noexcept = 0;
    // The connection is being closed: the rows not read yet are lost.
    virtual void lose_wire() noexcept = 0;

  protected:
    ~WireReader() = default;
};

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
    // Sends a query (prepared and cached) in single-row mode and returns its
    // first result: one row, or the end of an empty result. The caller reads
    // the rest through an Exchange. Failures throw as for run().
    ResultPtr start_stream(std::string_view sql, std::span<const Param> params);

    // Has the streaming cursor still reading (if any) read the rest of its
    // rows, so the connection can take another command. Every command calls it.
    void free_wire() noexcept;
    // No command is running and no transaction block is open.
    bool idle() const noexcept;
    // Marks the connection dead when `e` says it is.
    void note_failure(const Error& e) noexcept {
        if (e.connection_dead()) dead = true;
    }

    bool usable() const { return !closed && !dead; }
    void close() noexcept;
    PGconn* pg() const noexcept { return conn->raw(); }

    std::unique_ptr<RawConnection> conn;
    PreparedStatements prepared;
    std::shared_ptr<Scheduler> scheduler;  // null: waits block the thread
    TextParams text_params;
    bool in_transaction = false;
    bool dead = false;
    bool closed = false;
    WireReader* reader = nullptr;  // the streaming cursor reading the wire, if any
    std::uint64_t statements_prepared = 0;
    std::uint64_t cache_hits = 0;

  private:
    const std::string& prepared_name(std::string_view sql);
    // Renders one row of parameters; a value PostgreSQL cannot take throws Error naming `sql`.
    void assign_params(std::span<const Param> params, std::string_view sql);
    // `single_rows`: sent in single-row mode, answered with its first result (first_result()).
    ResultPtr run_prepared(std::string_view sql, bool single_rows = false);
    ResultPtr exec_prepared(const std::string& name, std::string_view sql,
                            bool single_rows = false);
    // Awaits the answer to the command just sent (`sent`: whether libpq took it).
    ResultPtr finish(bool sent, std::string_view sql);
    // Awaits the first result of the query just sent; a failure is thrown
    // once the rest of the answer has been read.
    ResultPtr first_result(bool sent, std::string_view sql);
    void check_usable(std::string_view sql) const;
    std::string last_name_;
};

}  // namespace cormorant::driver::postgres
