// SqliteConnection: opening (with the SQL functions SQLAlchemy's SQLite
// dialect adds), execute/execute_many through the statement cache, and
// transaction control.
#include "cormorant/driver/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sqlite_cursor.hpp"
#include "sqlite_error.hpp"
#include "sqlite_handle.hpp"

namespace cormorant::driver::sqlite {

namespace {

constexpr int kOpenFlags =
    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI;

// floor(x) as SQLAlchemy's pysqlite dialect defines it on every connection
// (Python's math.floor): an integer, where SQLite's own floor() returns a
// real. NULL stays NULL (math.floor would raise), and a value beyond 64 bits
// stays a real.
void integer_floor(sqlite3_context* context, int, sqlite3_value** args) {
    sqlite3_value* x = args[0];
    switch (sqlite3_value_numeric_type(x)) {
        case SQLITE_NULL:
            return sqlite3_result_null(context);
        case SQLITE_INTEGER:
            return sqlite3_result_int64(context, sqlite3_value_int64(x));
        default: {
            const double floored = std::floor(sqlite3_value_double(x));
            if (floored >= -9.2e18 && floored <= 9.2e18)
                return sqlite3_result_int64(context, static_cast<sqlite3_int64>(floored));
            return sqlite3_result_double(context, floored);
        }
    }
}

// A leading "(?flags)" of a pattern as std::regex options: i (ignore case)
// is the one ECMAScript grammar can honour; any other flag is refused.
std::regex::flag_type regexp_flags(std::string_view& pattern) {
    auto flags = std::regex::ECMAScript;
    if (!pattern.starts_with("(?")) return flags;
    std::size_t close = pattern.find(')');
    if (close == std::string_view::npos || close == 2) return flags;
    std::string_view letters = pattern.substr(2, close - 2);
    // (?:...), (?=...) and (?!...) are groups, not flags
    if (!std::all_of(letters.begin(), letters.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
        return flags;
    for (char c : letters) {
        if (c != 'i') throw std::invalid_argument(std::string("unsupported flag '") + c + "'");
        flags |= std::regex::icase;
    }
    pattern.remove_prefix(close + 1);
    return flags;
}

// regexp(pattern, text), what `text REGEXP pattern` calls: true when the
// pattern matches anywhere in the text, as SQLAlchemy's pysqlite dialect
// defines it on every connection (re.search); NULL text gives NULL.
void regexp_search(sqlite3_context* context, int, sqlite3_value** args) {
    if (sqlite3_value_type(args[0]) == SQLITE_NULL || sqlite3_value_type(args[1]) == SQLITE_NULL)
        return sqlite3_result_null(context);
    const auto* raw_pattern = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
    const auto* raw_text = reinterpret_cast<const char*>(sqlite3_value_text(args[1]));
    std::string_view pattern(raw_pattern, static_cast<std::size_t>(sqlite3_value_bytes(args[0])));
    std::string_view text(raw_text, static_cast<std::size_t>(sqlite3_value_bytes(args[1])));
    // The compiled pattern is kept with the statement while the pattern stays the same.
    auto* re = static_cast<std::regex*>(sqlite3_get_auxdata(context, 0));
    try {
        if (re == nullptr) {
            auto flags = regexp_flags(pattern);
            re = new std::regex(pattern.begin(), pattern.end(), flags);
            sqlite3_set_auxdata(context, 0, re,
                                [](void* p) { delete static_cast<std::regex*>(p); });
            re = static_cast<std::regex*>(sqlite3_get_auxdata(context, 0));
            if (re == nullptr) return sqlite3_result_error_nomem(context);
        }
        sqlite3_result_int(context, std::regex_search(text.begin(), text.end(), *re) ? 1 : 0);
    } catch (const std::exception& e) {
        std::string message =
            "invalid regular expression '" + std::string(raw_pattern) + "': " + e.what();
        sqlite3_result_error(context, message.c_str(), -1);
    }
}

sqlite3* open_database(const Options& options) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(options.path.c_str(), &db, kOpenFlags, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        throw Error(ErrorKind::Operational,
                    "unable to open SQLite database '" + options.path + "': " + detail, {}, rc);
    }
    sqlite3_extended_result_codes(db, 1);
    const double ms = std::round(options.busy_timeout_seconds * 1000.0);
    sqlite3_busy_timeout(db, ms <= 0 ? 0 : ms >= INT_MAX ? INT_MAX : static_cast<int>(ms));
    sqlite3_create_function_v2(db, "floor", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               integer_floor, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                               regexp_search, nullptr, nullptr, nullptr);
    return db;
}

}  // namespace

SqliteConnection::SqliteConnection(const Options& options)
    : handle_(
          std::make_shared<SqliteHandle>(open_database(options), options.statement_cache_size)) {
    if (!options.scheduler) return;
    handle_->cooperation =
        std::make_unique<Cooperation>(options.scheduler, options.busy_timeout_seconds);
    handle_->cooperation->install(handle_->db);
}

StatementLease SqliteConnection::acquire(std::string_view sql) {
    if (handle_->cooperation) handle_->cooperation->enter();
    return handle_->acquire(sql);
}

SqliteConnection::~SqliteConnection() { close(); }

std::unique_ptr<Cursor> SqliteConnection::execute(std::string_view sql,
                                                  std::span<const Param> params) {
    return std::make_unique<SqliteCursor>(acquire(sql), params);
}

std::int64_t SqliteConnection::execute_many(std::string_view sql, std::span<const Param> params,
                                            std::size_t params_per_row) {
    StatementLease lease = acquire(sql);
    const std::size_t rows = param_rows(params, params_per_row, sql);
    sqlite3* db = handle_->db;
    sqlite3_stmt* stmt = lease.stmt();
    std::int64_t total = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        bind_params(lease, params.subspan(row * params_per_row, params_per_row), /*copy=*/false);
        const std::int64_t before = sqlite3_total_changes64(db);
        while (step(lease)) {
        }
        if (sqlite3_total_changes64(db) != before) total += sqlite3_changes64(db);
        sqlite3_reset(stmt);
    }
    return total;
}

void SqliteConnection::run_simple(const char* sql) {
    StatementLease lease = acquire(sql);
    while (step(lease)) {
    }
}

void SqliteConnection::begin() { run_simple("BEGIN"); }

void SqliteConnection::commit() {
    if (in_transaction()) run_simple("COMMIT");
}

void SqliteConnection::rollback() {
    if (in_transaction()) run_simple("ROLLBACK");
}

bool SqliteConnection::in_transaction() const {
    return !handle_->closed() && sqlite3_get_autocommit(handle_->db) == 0;
}

bool SqliteConnection::ping() {
    if (handle_->closed()) return false;
    try {
        run_simple("SELECT 1");
        return true;
    } catch (...) {
        return false;
    }
}

void SqliteConnection::close() { handle_->close(); }

bool SqliteConnection::closed() const { return handle_->closed(); }

Scheduler* SqliteConnection::scheduler() const {
    return handle_->cooperation ? handle_->cooperation->scheduler() : nullptr;
}

std::uint64_t SqliteConnection::statements_prepared() const { return handle_->cache.prepared(); }

std::uint64_t SqliteConnection::cache_hits() const { return handle_->cache.hits(); }

std::size_t SqliteConnection::cached_statements() const { return handle_->cache.idle(); }

std::unique_ptr<Connection> connect(const Options& options) {
    return std::make_unique<SqliteConnection>(options);
}

}  // namespace cormorant::driver::sqlite
