// Per-connection LRU cache of prepared sqlite3_stmt keyed by SQL text. A
// statement is either idle (cached, reusable) or held by one user; holding
// SQL whose statement is already held prepares a second, uncached one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace cormorant::driver::sqlite {

class PreparedStatementCache {
  public:
    struct Entry {
        std::string sql;
        sqlite3_stmt* stmt = nullptr;
        bool indexed = false;  // the one statement the index maps this SQL to
        bool held = false;
    };
    using Slot = std::list<Entry>::iterator;  // one statement's place in the cache

    explicit PreparedStatementCache(std::size_t capacity) : capacity_(capacity) {}
    ~PreparedStatementCache();
    PreparedStatementCache(const PreparedStatementCache&) = delete;
    PreparedStatementCache& operator=(const PreparedStatementCache&) = delete;

    // Takes the idle statement for `sql`, or prepares one; throws Error.
    Slot acquire(sqlite3* db, std::string_view sql);
    // Resets the statement and makes it idle again (or finalizes a duplicate).
    void release(Slot slot);
    // Finalizes a held statement without caching it (connection closed).
    void discard(Slot slot);
    // Finalizes every idle statement.
    void clear();

    std::uint64_t prepared() const noexcept { return prepared_; }
    std::uint64_t hits() const noexcept { return hits_; }
    std::size_t idle() const noexcept { return idle_.size(); }

  private:
    sqlite3_stmt* prepare(sqlite3* db, std::string_view sql);
    void evict_overflow();
    void drop(std::list<Entry>& from, Slot slot);

    std::size_t capacity_;
    std::list<Entry> idle_;  // most recently used first
    std::list<Entry> held_;
    std::unordered_map<std::string_view, Slot> index_;  // keys view Entry::sql
    std::uint64_t prepared_ = 0;
    std::uint64_t hits_ = 0;
};

}  // namespace cormorant::driver::sqlite
