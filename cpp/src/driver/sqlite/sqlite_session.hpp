// The state a SQLite connection shares with its cursors: the sqlite3 handle
// and the statement cache. Cursors keep it alive, so a cursor that outlives
// close() finalizes its statement instead of caching it.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "cormorant/driver/value.hpp"
#include "statement_cache.hpp"

namespace cormorant::driver::sqlite {

struct Session;

// One statement held by one user; returned to the cache when destroyed.
class StatementLease {
  public:
    StatementLease(std::shared_ptr<Session> session, StatementCache::Handle handle)
        : session_(std::move(session)), handle_(handle) {}
    ~StatementLease() { release(); }
    StatementLease(StatementLease&& other) noexcept
        : session_(std::move(other.session_)), handle_(other.handle_) {}
    StatementLease& operator=(StatementLease&&) = delete;
    StatementLease(const StatementLease&) = delete;
    StatementLease& operator=(const StatementLease&) = delete;

    sqlite3_stmt* stmt() const noexcept { return handle_->stmt; }
    std::string_view sql() const noexcept { return handle_->sql; }
    sqlite3* db() const noexcept;
    bool active() const noexcept { return session_ != nullptr; }
    // Returns the statement to the cache early (idempotent).
    void release() noexcept;

  private:
    std::shared_ptr<Session> session_;
    StatementCache::Handle handle_;
};

struct Session : std::enable_shared_from_this<Session> {
    Session(sqlite3* handle, std::size_t cache_capacity) : db(handle), cache(cache_capacity) {}
    ~Session() { close(); }

    StatementLease acquire(std::string_view sql);  // throws when closed
    void close() noexcept;
    bool closed() const noexcept { return db == nullptr; }

    sqlite3* db;
    StatementCache cache;
};

// Binds params to the statement (count checked: Error(Programming)). With
// copy=false the bytes are bound without copying (SQLITE_STATIC) and must
// outlive the next reset.
void bind_params(const StatementLease& lease, std::span<const Param> params, bool copy);

// sqlite3_step; throws Error for anything but SQLITE_ROW / SQLITE_DONE.
// Returns true for a row.
bool step(const StatementLease& lease);

}  // namespace cormorant::driver::sqlite
