// SqliteHandle: what a SQLite connection shares with its cursors, the sqlite3
// handle and its prepared-statement cache. Cursors keep it alive, so a cursor
// that outlives close() finalizes its statement instead of caching it.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "cormorant/driver/value.hpp"
#include "prepared_statements.hpp"
#include "sqlite_cooperation.hpp"

namespace cormorant::driver::sqlite {

struct SqliteHandle;

// One statement held by one user; returned to the cache when destroyed.
class StatementLease {
  public:
    StatementLease(std::shared_ptr<SqliteHandle> owner, PreparedStatementCache::Slot slot)
        : owner_(std::move(owner)), slot_(slot) {}
    ~StatementLease() { release(); }
    StatementLease(StatementLease&& other) noexcept
        : owner_(std::move(other.owner_)), slot_(other.slot_) {}
    StatementLease& operator=(StatementLease&&) = delete;
    StatementLease(const StatementLease&) = delete;
    StatementLease& operator=(const StatementLease&) = delete;

    sqlite3_stmt* stmt() const noexcept { return slot_->stmt; }
    std::string_view sql() const noexcept { return slot_->sql; }
    sqlite3* db() const noexcept;
    SqliteHandle& owner() const noexcept { return *owner_; }
    bool active() const noexcept { return owner_ != nullptr; }
    // Returns the statement to the cache early (idempotent).
    void release() noexcept;

  private:
    std::shared_ptr<SqliteHandle> owner_;
    PreparedStatementCache::Slot slot_;
};

struct SqliteHandle : std::enable_shared_from_this<SqliteHandle> {
    SqliteHandle(sqlite3* database, std::size_t cache_capacity)
        : db(database), cache(cache_capacity) {}
    ~SqliteHandle() { close(); }

    StatementLease acquire(std::string_view sql);  // throws when closed
    void close() noexcept;
    bool closed() const noexcept { return db == nullptr; }

    sqlite3* db;
    PreparedStatementCache cache;
    std::unique_ptr<Cooperation> cooperation;  // set when an event loop drives the connection
};

// Binds params to the statement (count checked: Error(Programming)). With
// copy=false the bytes are bound without copying (SQLITE_STATIC) and must
// outlive the next reset.
void bind_params(const StatementLease& lease, std::span<const Param> params, bool copy);

// sqlite3_step; throws Error for anything but SQLITE_ROW / SQLITE_DONE.
// Returns true for a row.
bool step(const StatementLease& lease);

}  // namespace cormorant::driver::sqlite
