// StatementCache: mutex-guarded LRU; compilation on a miss runs outside the lock.
#include "cormorant/sql/statement_cache.hpp"

#include "cormorant/error.hpp"

namespace cormorant::sql {

StatementCache::StatementCache(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0)
        throw Error(ErrorKind::Interface, "StatementCache capacity must be at least 1");
}

std::shared_ptr<const Compiled> StatementCache::get_or_compile(const Node& node, Dialect dialect) {
    Key key{cache_key(node), dialect};
    {
        std::lock_guard lock(mu_);
        if (auto hit = lookup(key)) {
            ++hits_;
            return hit;
        }
        ++misses_;
    }
    auto compiled = std::make_shared<const Compiled>(compile(node, dialect));
    std::lock_guard lock(mu_);
    if (auto raced = lookup(key)) return raced;  // another thread compiled it meanwhile
    insert(std::move(key), compiled);
    return compiled;
}

std::shared_ptr<const Compiled> StatementCache::lookup(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
}

void StatementCache::insert(Key key, std::shared_ptr<const Compiled> value) {
    lru_.emplace_front(std::move(key), std::move(value));
    index_.emplace(lru_.front().first, lru_.begin());
    while (lru_.size() > capacity_) {
        index_.erase(lru_.back().first);
        lru_.pop_back();
    }
}

std::size_t StatementCache::size() const {
    std::lock_guard lock(mu_);
    return lru_.size();
}

std::size_t StatementCache::hits() const {
    std::lock_guard lock(mu_);
    return hits_;
}

std::size_t StatementCache::misses() const {
    std::lock_guard lock(mu_);
    return misses_;
}

void StatementCache::clear() {
    std::lock_guard lock(mu_);
    lru_.clear();
    index_.clear();
}

}  // namespace cormorant::sql
