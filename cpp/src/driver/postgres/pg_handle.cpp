// Statement execution on a PgHandle: classification, the prepared
// statement cache, parameters, and translation of failures.
#include "pg_handle.hpp"

#include <cctype>
#include <pqxx/prepared_statement>

#include "cormorant/driver/postgres/pg_connection.hpp"
#include "cormorant/error.hpp"
#include "pg_error.hpp"
#include "pg_pipeline.hpp"

namespace cormorant::driver::postgres {

namespace {

// A statement's first keyword, upper-cased ("" when there is none).
std::string first_keyword(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '('))
        ++i;
    std::string word;
    for (; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) && word.size() < 8;
         ++i)
        word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i]))));
    return word;
}

// The server discards a prepared SELECT whose result columns changed (an
// ALTER TABLE under "SELECT *"); the statement must be prepared again.
bool is_stale_plan(const pqxx::sql_error& e) {
    return e.sqlstate() == "0A000" &&
           std::string_view(e.what()).find("cached plan must not change result type") !=
               std::string_view::npos;
}

pqxx::internal::dynamic_params<std::vector<const char*>::const_iterator> dynamic(
    const TextParams& params) {
    return pqxx::prepare::make_dynamic_params(params.values());
}

}  // namespace

StatementKind classify(std::string_view sql) {
    const std::string word = first_keyword(sql);
    if (word == "SELECT" || word == "VALUES") return StatementKind::Query;
    if (word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "WITH")
        return StatementKind::Dml;
    return StatementKind::Other;
}

PgHandle::PgHandle(const Options& options, const std::string& conninfo)
    : prepared(options.statement_cache_size) {
    conn = std::make_unique<RawConnection>(conninfo);
    notices = std::make_unique<pqxx::quiet_errorhandler>(*conn);
    tx = std::make_unique<pqxx::nontransaction>(*conn, "cormorant");
}

void PgHandle::close() noexcept {
    if (closed) return;
    closed = true;
    tx.reset();
    notices.reset();
    if (conn) conn->disconnect();
    conn.reset();
}

void PgHandle::check_usable(std::string_view sql) const {
    if (!closed && !dead) return;
    Error err(ErrorKind::Interface,
              closed ? "the PostgreSQL connection is closed"
                     : "the PostgreSQL connection was lost; it must be replaced",
              {}, 0, dead);
    if (!sql.empty()) err.set_statement(std::string(sql));
    throw err;
}

void PgHandle::fail(std::string_view sql) {
    const bool open = conn && conn->is_open();
    try {
        rethrow_as_error(sql, open);
    } catch (const Error& e) {
        if (e.connection_dead()) dead = true;
        throw;
    }
}

const std::string& PgHandle::prepared_name(std::string_view sql) {
    if (auto name = prepared.find(sql)) {
        ++cache_hits;
        last_name_ = std::move(*name);
        return last_name_;
    }
    if (auto victim = prepared.victim()) {
        conn->unprepare(*victim);
        prepared.remove(*victim);
    }
    last_name_ = prepared.next_name();
    conn->prepare(last_name_, std::string(sql));
    prepared.add(sql, last_name_);
    ++statements_prepared;
    return last_name_;
}

pqxx::result PgHandle::exec_prepared(const std::string& name) {
    return tx->exec_prepared(name, dynamic(text_params));
}

pqxx::result PgHandle::run(std::string_view sql, std::span<const Param> params,
                           StatementKind kind) {
    check_usable(sql);
    try {
        text_params.assign(params);
        if (kind != StatementKind::Other) return run_prepared(sql);
        if (!params.empty()) return tx->exec_params(std::string(sql), dynamic(text_params));
        return tx->exec(std::string(sql));
    } catch (...) {
        fail(sql);
    }
}

pqxx::result PgHandle::run_prepared(std::string_view sql) {
    const std::string name = prepared_name(sql);
    try {
        return exec_prepared(name);
    } catch (const pqxx::sql_error& e) {
        if (!is_stale_plan(e)) throw;
        prepared.remove(name);  // left on the server: DEALLOCATE fails in an aborted transaction
        if (in_transaction) throw;
        return exec_prepared(prepared_name(sql));
    }
}

std::int64_t PgHandle::run_many(std::string_view sql, std::span<const Param> params,
                                std::size_t params_per_row) {
    check_usable(sql);
    const std::size_t rows = param_rows(params, params_per_row, sql);
    std::int64_t total = 0;
    try {
        if (rows > 1) return run_pipelined(conn->raw(), sql, params, params_per_row, text_params);
        const std::string name = prepared_name(sql);
        for (std::size_t row = 0; row < rows; ++row) {
            text_params.assign(params.subspan(row * params_per_row, params_per_row));
            total += exec_prepared(name).affected_rows();
        }
    } catch (...) {
        fail(sql);
    }
    return total;
}

pqxx::result PgHandle::run_simple(std::string_view sql) {
    check_usable(sql);
    try {
        return tx->exec(std::string(sql));
    } catch (...) {
        fail(sql);
    }
}

}  // namespace cormorant::driver::postgres
