// Prepared-statement LRU cache: acquire/release splice list nodes between the
// idle and held lists, so a cache hit allocates nothing.
#include "prepared_statements.hpp"

#include <sqlite3.h>

#include <climits>
#include <string>

#include "sqlite_error.hpp"

namespace cormorant::driver::sqlite {

namespace {

[[noreturn]] void programming_error(std::string message, std::string_view sql) {
    Error err(ErrorKind::Programming, std::move(message));
    err.set_statement(std::string(sql));
    throw err;
}

// True when `tail` holds another statement (not just whitespace/comments).
bool has_more_sql(sqlite3* db, const char* tail, const char* end) {
    while (tail < end) {
        sqlite3_stmt* next = nullptr;
        const char* rest = nullptr;
        int rc = sqlite3_prepare_v2(db, tail, static_cast<int>(end - tail), &next, &rest);
        if (next != nullptr) {
            sqlite3_finalize(next);
            return true;
        }
        if (rc != SQLITE_OK || rest == nullptr || rest == tail) return rc != SQLITE_OK;
        tail = rest;
    }
    return false;
}

}  // namespace

PreparedStatementCache::~PreparedStatementCache() {
    clear();
    for (Entry& e : held_) sqlite3_finalize(e.stmt);
}

sqlite3_stmt* PreparedStatementCache::prepare(sqlite3* db, std::string_view sql) {
    if (sql.size() >= static_cast<std::size_t>(INT_MAX)) {
        programming_error("SQL text of " + std::to_string(sql.size()) + " bytes is too long", sql);
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        throw_error(db, rc, sql);
    }
    if (stmt == nullptr) programming_error("no SQL statement to execute", sql);
    if (has_more_sql(db, tail, sql.data() + sql.size())) {
        sqlite3_finalize(stmt);
        programming_error("You can only execute one statement at a time.", sql);
    }
    ++prepared_;
    return stmt;
}

PreparedStatementCache::Slot PreparedStatementCache::acquire(sqlite3* db, std::string_view sql) {
    auto found = index_.find(sql);
    if (found != index_.end() && !found->second->held) {
        Slot h = found->second;
        held_.splice(held_.end(), idle_, h);
        h->held = true;
        ++hits_;
        return h;
    }
    sqlite3_stmt* stmt = prepare(db, sql);
    const bool index_it = found == index_.end();
    Slot h = held_.insert(held_.end(), Entry{std::string(sql), stmt, index_it, true});
    if (index_it) index_.emplace(std::string_view(h->sql), h);
    return h;
}

void PreparedStatementCache::release(Slot h) {
    h->held = false;
    if (!h->indexed) {
        if (capacity_ == 0 || index_.contains(h->sql)) {
            drop(held_, h);  // a duplicate of a statement that is still cached
            return;
        }
        h->indexed = true;
        index_.emplace(std::string_view(h->sql), h);
    }
    if (capacity_ == 0) {
        index_.erase(h->sql);
        drop(held_, h);
        return;
    }
    sqlite3_reset(h->stmt);
    sqlite3_clear_bindings(h->stmt);
    idle_.splice(idle_.begin(), held_, h);
    evict_overflow();
}

void PreparedStatementCache::discard(Slot h) {
    if (h->indexed) index_.erase(h->sql);
    drop(held_, h);
}

void PreparedStatementCache::clear() {
    for (Entry& e : idle_) {
        index_.erase(e.sql);
        sqlite3_finalize(e.stmt);
    }
    idle_.clear();
}

void PreparedStatementCache::evict_overflow() {
    while (idle_.size() > capacity_) {
        Slot last = std::prev(idle_.end());
        index_.erase(last->sql);
        drop(idle_, last);
    }
}

void PreparedStatementCache::drop(std::list<Entry>& from, Slot h) {
    sqlite3_finalize(h->stmt);
    from.erase(h);
}

}  // namespace cormorant::driver::sqlite
