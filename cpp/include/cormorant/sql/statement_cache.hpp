// StatementCache: a thread-safe LRU of (CacheKey, Dialect) -> compiled SQL.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "cormorant/sql/cache_key.hpp"
#include "cormorant/sql/compiler.hpp"

namespace cormorant::sql {

class StatementCache {
  public:
    explicit StatementCache(std::size_t capacity);

    // The cached compilation of `node` for `dialect`, compiling on a miss.
    std::shared_ptr<const Compiled> get_or_compile(const Node& node, Dialect dialect);

    std::size_t size() const;
    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t hits() const;
    std::size_t misses() const;
    void clear();

  private:
    using Key = std::pair<CacheKey, Dialect>;
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept {
            return k.first.hash() * 31u + static_cast<std::size_t>(k.second);
        }
    };
    using Entry = std::pair<Key, std::shared_ptr<const Compiled>>;

    std::shared_ptr<const Compiled> lookup(const Key& key);       // caller holds mu_
    void insert(Key key, std::shared_ptr<const Compiled> value);  // caller holds mu_

    std::size_t capacity_;
    mutable std::mutex mu_;
    std::list<Entry> lru_;  // most recently used first
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
    std::size_t hits_ = 0;
    std::size_t misses_ = 0;
};

}  // namespace cormorant::sql
