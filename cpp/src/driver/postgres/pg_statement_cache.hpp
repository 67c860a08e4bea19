// The per-connection LRU of prepared statements: SQL text → server-side name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cormorant::driver::postgres {

class PreparedStatements {
  public:
    explicit PreparedStatements(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    // The name `sql` is prepared under, marking it most recently used.
    std::optional<std::string> find(std::string_view sql);
    // A fresh name for `sql`, to be registered with add() once prepared.
    std::string next_name() { return "cormorant_" + std::to_string(++counter_); }
    void add(std::string_view sql, std::string name);
    // The least recently used entry's name when the cache is full (the
    // caller deallocates it, then calls remove()).
    std::optional<std::string> victim() const;
    void remove(const std::string& name);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::string sql;
        std::string name;
    };
    std::size_t capacity_;
    std::uint64_t counter_ = 0;
    std::list<Entry> entries_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> by_sql_;
};

}  // namespace cormorant::driver::postgres
