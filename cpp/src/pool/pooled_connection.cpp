// PooledConnection: one checkout; returns itself to the pool when dropped, and
// is claimed by one thread at a time.
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

ConnectionClaim PooledConnection::claim() {
    if (!record_) return {};
    const std::thread::id me = std::this_thread::get_id();
    std::thread::id nobody{};
    if (user_.compare_exchange_strong(nobody, me)) return ConnectionClaim(&user_);
    if (nobody == me) return {};
    throw Error(ErrorKind::InvalidRequest,
                "connection " + std::to_string(id_) +
                    " is in use by another thread; a Connection or Session must not be used by "
                    "two threads at once (give each thread its own Session, or use a lock)");
}

ConnectionTurn PooledConnection::take_turn() const {
    if (!record_) return {};
    return ConnectionTurn(record_->turn);
}

ConnectionClaim::~ConnectionClaim() {
    if (user_) user_->store(std::thread::id{});
}

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
