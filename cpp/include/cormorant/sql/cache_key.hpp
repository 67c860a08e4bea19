// The structural cache key of a statement tree: equal for trees of the same
// shape (binds carry keys, never values), different when any structure, name,
// operator, flag or literal differs.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "cormorant/sql/node.hpp"

namespace cormorant::sql {

class CacheKey {
  public:
    CacheKey() = default;
    explicit CacheKey(std::string bytes);

    std::size_t hash() const noexcept { return hash_; }
    const std::string& bytes() const noexcept { return bytes_; }
    friend bool operator==(const CacheKey& a, const CacheKey& b) noexcept {
        return a.hash_ == b.hash_ && a.bytes_ == b.bytes_;
    }

  private:
    std::string bytes_;  // a compact, unambiguous serialisation of the tree
    std::size_t hash_ = 0;
};

CacheKey cache_key(const Node& node);

}  // namespace cormorant::sql

template <>
struct std::hash<cormorant::sql::CacheKey> {
    std::size_t operator()(const cormorant::sql::CacheKey& k) const noexcept { return k.hash(); }
};
