// PooledConnection: one checkout; returns itself to the pool when dropped.
#include "cormorant/error.hpp"
#include "pool_state.hpp"

namespace cormorant::pool {

PooledConnection::PooledConnection(std::weak_ptr<PoolState> pool,
                                   std::shared_ptr<ConnectionRecord> record, bool fresh)
    : pool_(std::move(pool)), record_(std::move(record)), id_(record_->id), fresh_(fresh) {}

PooledConnection::~PooledConnection() {
    if (!record_) return;
    if (auto pool = pool_.lock()) pool->checkin(*this);
}

driver::Connection& PooledConnection::connection() {
    if (!record_) {
        throw Error(ErrorKind::Interface,
                    "connection " + std::to_string(id_) + " was already returned to the pool");
    }
    return *record_->connection;
}

std::uint64_t PooledConnection::id() const noexcept { return id_; }

void PooledConnection::invalidate() {
    if (!record_) return;
    invalidated_ = true;
    if (auto pool = pool_.lock()) {
        pool->invalidate(*record_);
    } else {
        record_->invalidated = true;
        close_quietly(*record_);
    }
}

bool PooledConnection::invalidated() const noexcept {
    return invalidated_ || (record_ != nullptr && record_->invalidated);
}

}  // namespace cormorant::pool
