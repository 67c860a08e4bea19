// LRU bookkeeping for prepared statement names.
#include "pg_statement_cache.hpp"

namespace cormorant::driver::postgres {

std::optional<std::string> PreparedStatements::find(std::string_view sql) {
    auto it = by_sql_.find(sql);
    if (it == by_sql_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->name;
}

void PreparedStatements::add(std::string_view sql, std::string name) {
    entries_.push_front(Entry{std::string(sql), std::move(name)});
    by_sql_[entries_.front().sql] = entries_.begin();
}

std::optional<std::string> PreparedStatements::victim() const {
    if (entries_.size() < capacity_) return std::nullopt;
    return entries_.back().name;
}

void PreparedStatements::remove(const std::string& name) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->name == name) {
            by_sql_.erase(it->sql);
            entries_.erase(it);
            return;
        }
    }
}

}  // namespace cormorant::driver::postgres
