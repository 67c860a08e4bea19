// PgHandle, the live server connection behind a PgConnection: the libpqxx
// connection, the one nontransaction every statement runs through (cormorant
// sends BEGIN/COMMIT itself), the prepared-statement cache and the
// transaction/liveness flags.
#pragma once

#include <cstdint>
#include <memory>
#include <pqxx/errorhandler>
#include <pqxx/nontransaction>
#include <span>
#include <string_view>

#include "cormorant/driver/value.hpp"
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
    // with unnamed parameters or as a simple query otherwise. libpqxx
    // exceptions become cormorant::Error; a lost server connection marks this dead.
    pqxx::result run(std::string_view sql, std::span<const Param> params, StatementKind kind);
    // Runs `sql` once per row of `params_per_row` parameters, pipelined when
    // there are several rows; total rowcount.
    std::int64_t run_many(std::string_view sql, std::span<const Param> params,
                          std::size_t params_per_row);
    // A statement with no parameters and no caching (BEGIN, COMMIT, ...).
    pqxx::result run_simple(std::string_view sql);

    bool usable() const { return !closed && !dead; }
    void close() noexcept;

    std::unique_ptr<RawConnection> conn;
    std::unique_ptr<pqxx::quiet_errorhandler> notices;  // NOTICEs are not errors
    std::unique_ptr<pqxx::nontransaction> tx;
    PreparedStatements prepared;
    TextParams text_params;
    bool in_transaction = false;
    bool dead = false;
    bool closed = false;
    std::uint64_t statements_prepared = 0;
    std::uint64_t cache_hits = 0;

  private:
    const std::string& prepared_name(std::string_view sql);
    pqxx::result run_prepared(std::string_view sql);
    pqxx::result exec_prepared(const std::string& name);
    [[noreturn]] void fail(std::string_view sql);
    void check_usable(std::string_view sql) const;
    std::string last_name_;
};

}  // namespace cormorant::driver::postgres
