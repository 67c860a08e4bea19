// Statement execution on a PgHandle: classification, the prepared
// statement cache, and parameters, each command sent with libpq and awaited
// through an Exchange.
#include "pg_handle.hpp"

#include <cctype>
#include <cstdlib>

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
bool is_stale_plan(const Error& e) {
    return e.sqlstate() == "0A000" &&
           std::string_view(e.what()).find("cached plan must not change result type") !=
               std::string_view::npos;
}

// NOTICEs and WARNINGs are not errors; libpq would print them to stderr.
void ignore_notice(void*, const char*) {}

// The answer to the command just sent (`sent`: whether libpq took it), read by
// `read`. A failure is noted on `handle`: a lost connection, or a wait the
// event loop abandoned (which dropped the socket), marks it dead.
template <class Read>
ResultPtr awaited(PgHandle& handle, bool sent, std::string_view sql, Read read) {
    try {
        if (!sent) throw_send_failure(handle.pg(), sql);
        Exchange exchange(handle.pg(), handle.scheduler.get());
        return read(exchange);
    } catch (const Error& e) {
        handle.note_failure(e);
        throw;
    } catch (...) {
        handle.dead = true;
        throw;
    }
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
    : prepared(options.statement_cache_size), scheduler(options.scheduler) {
    conn = std::make_unique<RawConnection>(conninfo);
    PQsetNoticeProcessor(pg(), ignore_notice, nullptr);
}

void PgHandle::close() noexcept {
    if (closed) return;
    closed = true;
    if (reader) reader->lose_wire();
    reader = nullptr;
    if (conn) conn->disconnect();
    conn.reset();
}

void PgHandle::free_wire() noexcept {
    if (reader) reader->release_wire();
    reader = nullptr;
}

bool PgHandle::idle() const noexcept {
    return usable() && reader == nullptr && PQtransactionStatus(pg()) == PQTRANS_IDLE;
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

ResultPtr PgHandle::finish(bool sent, std::string_view sql) {
    return awaited(*this, sent, sql, [&](Exchange& exchange) { return exchange.finish(sql); });
}

ResultPtr PgHandle::first_result(bool sent, std::string_view sql) {
    return awaited(*this, sent, sql, [&](Exchange& exchange) {
        ResultPtr first = exchange.next();
        if (first && !failed(first.get())) return first;
        while (exchange.next()) {
        }
        throw command_error(pg(), first.get(), sql);
    });
}

const std::string& PgHandle::prepared_name(std::string_view sql) {
    if (auto name = prepared.find(sql)) {
        ++cache_hits;
        last_name_ = std::move(*name);
        return last_name_;
    }
    if (auto victim = prepared.victim()) {
        run_simple("DEALLOCATE " + *victim);
        prepared.remove(*victim);
    }
    last_name_ = prepared.next_name();
    const std::string text(sql);
    finish(PQsendPrepare(pg(), last_name_.c_str(), text.c_str(), 0, nullptr) == 1, sql);
    prepared.add(sql, last_name_);
    ++statements_prepared;
    return last_name_;
}

ResultPtr PgHandle::exec_prepared(const std::string& name, std::string_view sql, bool single_rows) {
    const auto& values = text_params.values();
    const bool sent = PQsendQueryPrepared(pg(), name.c_str(), static_cast<int>(values.size()),
                                          values.data(), nullptr, nullptr, 0) == 1;
    if (!single_rows) return finish(sent, sql);
    // Should libpq refuse single-row mode, the one result holding every row
    // reads the same way.
    if (sent) PQsetSingleRowMode(pg());
    return first_result(sent, sql);
}

void PgHandle::assign_params(std::span<const Param> params, std::string_view sql) {
    try {
        text_params.assign(params);
    } catch (Error& e) {
        e.set_statement(std::string(sql));
        throw;
    }
}

ResultPtr PgHandle::run(std::string_view sql, std::span<const Param> params, StatementKind kind) {
    free_wire();
    check_usable(sql);
    assign_params(params, sql);
    if (kind != StatementKind::Other) return run_prepared(sql);
    if (params.empty()) return run_simple(sql);
    const std::string text(sql);
    const auto& values = text_params.values();
    return finish(PQsendQueryParams(pg(), text.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, 0) == 1,
                  sql);
}

ResultPtr PgHandle::run_prepared(std::string_view sql, bool single_rows) {
    const std::string name = prepared_name(sql);
    try {
        return exec_prepared(name, sql, single_rows);
    } catch (const Error& e) {
        if (!is_stale_plan(e)) throw;
        prepared.remove(name);  // left on the server: DEALLOCATE fails in an aborted transaction
        if (in_transaction) throw;
        return exec_prepared(prepared_name(sql), sql, single_rows);
    }
}

ResultPtr PgHandle::start_stream(std::string_view sql, std::span<const Param> params) {
    free_wire();
    check_usable(sql);
    assign_params(params, sql);
    return run_prepared(sql, /*single_rows=*/true);
}

std::int64_t PgHandle::run_many(std::string_view sql, std::span<const Param> params,
                                std::size_t params_per_row) {
    free_wire();
    check_usable(sql);
    const std::size_t rows = param_rows(params, params_per_row, sql);
    if (rows > 1) {
        try {
            return run_pipelined(pg(), scheduler.get(), sql, params, params_per_row, text_params);
        } catch (Error& e) {
            if (e.connection_dead()) dead = true;
            if (e.statement().empty()) e.set_statement(std::string(sql));
            throw;
        } catch (...) {
            dead = true;
            throw;
        }
    }
    std::int64_t total = 0;
    const std::string name = prepared_name(sql);
    for (std::size_t row = 0; row < rows; ++row) {
        assign_params(params.subspan(row * params_per_row, params_per_row), sql);
        ResultPtr result = exec_prepared(name, sql);
        const char* count = PQcmdTuples(result.get());
        total += *count ? std::atoll(count) : 0;
    }
    return total;
}

ResultPtr PgHandle::run_simple(std::string_view sql) {
    free_wire();
    check_usable(sql);
    const std::string text(sql);
    return finish(PQsendQuery(pg(), text.c_str()) == 1, sql);
}

}  // namespace cormorant::driver::postgres
