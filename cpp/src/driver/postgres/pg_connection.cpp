// PgConnection: connecting (with a bounded timeout and a message naming the
// server), execution through its PgHandle, and transaction control.
#include "cormorant/driver/postgres/pg_connection.hpp"

#include <cmath>

#include "cormorant/error.hpp"
#include "pg_cursor.hpp"
#include "pg_handle.hpp"
#include "pg_stream_cursor.hpp"

namespace cormorant::driver::postgres {

namespace {

// Server settings (per connection) the decoders rely on, merged into libpq's "options".
constexpr char kRequiredOptions[] = "-c DateStyle=ISO,YMD -c IntervalStyle=postgres";

void append_keyword(std::string& out, std::string_view key, std::string_view value) {
    if (!out.empty()) out.push_back(' ');
    out.append(key).append("='");
    for (char c : value) {
        if (c == '\\' || c == '\'') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('\'');
}

std::string describe(const Options& o) {
    std::string where = "PostgreSQL server at " + o.host + ":" + std::to_string(o.port);
    if (!o.dbname.empty()) where += ", database '" + o.dbname + "'";
    if (!o.user.empty()) where += ", user '" + o.user + "'";
    return where;
}

std::unique_ptr<PgHandle> open_handle(const Options& options) {
    try {
        return std::make_unique<PgHandle>(options, conninfo(options));
    } catch (const std::exception& e) {
        std::string detail = e.what();
        while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
            detail.pop_back();
        throw Error(ErrorKind::Operational,
                    "could not connect to the " + describe(options) + ": " + detail, "08001");
    }
}

}  // namespace

std::string conninfo(const Options& o) {
    std::string out;
    append_keyword(out, "host", o.host);
    append_keyword(out, "port", std::to_string(o.port));
    if (!o.user.empty()) append_keyword(out, "user", o.user);
    if (!o.password.empty()) append_keyword(out, "password", o.password);
    if (!o.dbname.empty()) append_keyword(out, "dbname", o.dbname);
    // libpq takes whole seconds and treats anything below 2 as 2.
    const double timeout = std::max(2.0, std::ceil(o.connect_timeout_seconds));
    append_keyword(out, "connect_timeout", std::to_string(static_cast<long>(timeout)));
    append_keyword(out, "client_encoding", "UTF8");
    std::string options = kRequiredOptions;
    for (const auto& [key, value] : o.parameters) {
        if (key == "options") {
            options = value + " " + options;
        } else if (key != "client_encoding") {
            append_keyword(out, key, value);
        }
    }
    append_keyword(out, "options", options);
    return out;
}

PgConnection::PgConnection(const Options& options) : handle_(open_handle(options)) {}

PgConnection::~PgConnection() { close(); }

std::unique_ptr<Cursor> PgConnection::execute(std::string_view sql, std::span<const Param> params) {
    const StatementKind kind = classify(sql);
    ResultPtr result = handle_->run(sql, params, kind);
    return std::make_unique<PgCursor>(std::move(result), kind == StatementKind::Query);
}

std::unique_ptr<Cursor> PgConnection::execute_streaming(std::string_view sql,
                                                        std::span<const Param> params) {
    if (classify(sql) != StatementKind::Query) return execute(sql, params);
    return std::make_unique<PgStreamCursor>(*handle_, sql, params);
}

std::int64_t PgConnection::execute_many(std::string_view sql, std::span<const Param> params,
                                        std::size_t params_per_row) {
    return handle_->run_many(sql, params, params_per_row);
}

void PgConnection::begin() {
    handle_->run_simple("BEGIN");
    handle_->in_transaction = true;
}

void PgConnection::commit() {
    handle_->in_transaction = false;  // a failed COMMIT still ends the transaction
    handle_->run_simple("COMMIT");
}

void PgConnection::rollback() {
    handle_->in_transaction = false;
    handle_->run_simple("ROLLBACK");
}

bool PgConnection::in_transaction() const { return handle_->in_transaction; }

bool PgConnection::ping() {
    if (!handle_->usable()) return false;
    try {
        handle_->run_simple("SELECT 1");
        return true;
    } catch (const Error&) {
        return handle_->usable();
    }
}

void PgConnection::close() { handle_->close(); }

bool PgConnection::closed() const { return !handle_->usable(); }

Scheduler* PgConnection::scheduler() const { return handle_->scheduler.get(); }

int PgConnection::backend_pid() const {
    return handle_->closed ? 0 : PQbackendPID(handle_->conn->raw());
}

std::uint64_t PgConnection::statements_prepared() const { return handle_->statements_prepared; }

std::uint64_t PgConnection::cache_hits() const { return handle_->cache_hits; }

std::unique_ptr<Connection> connect(const Options& options) {
    return std::make_unique<PgConnection>(options);
}

}  // namespace cormorant::driver::postgres
