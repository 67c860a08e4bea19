// Checkout/checkin algorithms for QueuePool, StaticPool and NullPool.
// Connections are opened, pinged, rolled back and closed outside the lock.
#include "pool_state.hpp"

#include <cstdio>
#include <string>

#include "cormorant/error.hpp"

namespace cormorant::pool {

namespace {

Clock::duration seconds(double s) {
    constexpr double kMax = 1e9;  // ~31 years: "forever" without overflowing the clock
    s = s < 0 ? 0 : s > kMax ? kMax : s;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

void close_quietly(ConnectionRecord& record) noexcept {
    try {
        if (record.connection) record.connection->close();
    } catch (...) {
    }
}

std::shared_ptr<PooledConnection> PoolState::checkout() {
    switch (options.kind) {
        case PoolKind::Static:
            return checkout_static();
        case PoolKind::Null:
            return checkout_null();
        case PoolKind::Queue:
            break;
    }
    return checkout_queue();
}

std::shared_ptr<ConnectionRecord> PoolState::open_record() {
    auto record = std::make_shared<ConnectionRecord>();
    record->connection = factory();
    if (!record->connection) throw Error(ErrorKind::Interface, "connection factory returned null");
    record->id = next_id_.fetch_add(1);
    record->created = Clock::now();
    std::lock_guard lock(mutex_);
    record->generation = generation_;
    return record;
}

std::shared_ptr<ConnectionRecord> PoolState::open_counted() {
    try {
        return open_record();
    } catch (...) {
        std::lock_guard lock(mutex_);
        --open_;
        --checked_out_;
        available_.notify_one();
        throw;
    }
}

bool PoolState::stale(const ConnectionRecord& record) {
    if (record.invalidated || record.connection->closed()) return true;
    if (options.recycle_seconds >= 0 &&
        Clock::now() - record.created > seconds(options.recycle_seconds)) {
        return true;
    }
    return options.pre_ping && !record.connection->ping();
}

bool PoolState::has_capacity() const {
    if (options.max_overflow < 0) return true;
    return open_ < options.pool_size + static_cast<std::size_t>(options.max_overflow);
}

std::shared_ptr<PooledConnection> PoolState::lease(std::shared_ptr<ConnectionRecord> record,
                                                   bool fresh) {
    return std::make_shared<PooledConnection>(weak_from_this(), std::move(record), fresh);
}

void PoolState::throw_timeout() const {
    char text[160];
    std::snprintf(text, sizeof text,
                  "QueuePool limit of size %zu overflow %d reached, connection timed out, "
                  "timeout %.2f",
                  options.pool_size, options.max_overflow, options.timeout_seconds);
    throw Error(ErrorKind::PoolTimeout, text);
}

std::shared_ptr<PooledConnection> PoolState::checkout_queue() {
    const auto deadline = Clock::now() + seconds(options.timeout_seconds);
    std::unique_lock lock(mutex_);
    const bool ready =
        available_.wait_until(lock, deadline, [this] { return !idle_.empty() || has_capacity(); });
    if (!ready) throw_timeout();
    ++checked_out_;
    if (idle_.empty()) {
        ++open_;
        lock.unlock();
        return lease(open_counted(), true);
    }
    std::shared_ptr<ConnectionRecord> record;
    if (options.lifo) {
        record = std::move(idle_.back());
        idle_.pop_back();
    } else {
        record = std::move(idle_.front());
        idle_.pop_front();
    }
    lock.unlock();
    if (!stale(*record)) return lease(std::move(record), false);
    close_quietly(*record);  // replaced in the same slot
    return lease(open_counted(), true);
}

std::shared_ptr<PooledConnection> PoolState::checkout_null() {
    {
        std::lock_guard lock(mutex_);
        ++open_;
        ++checked_out_;
    }
    return lease(open_counted(), true);
}

std::shared_ptr<PooledConnection> PoolState::checkout_static() {
    std::lock_guard opening(static_open_);
    std::unique_lock lock(mutex_);
    auto record = shared_;
    const bool unused = record && record->leases == 0;
    lock.unlock();
    if (unused && stale(*record)) {
        close_quietly(*record);
        record.reset();
    }
    const bool fresh = !record;
    if (fresh) record = open_record();
    lock.lock();
    shared_ = record;
    open_ = 1;
    ++record->leases;
    ++checked_out_;
    return lease(std::move(record), fresh);
}

bool PoolState::reusable(ConnectionRecord& record) noexcept {
    if (record.invalidated || record.connection->closed()) return false;
    try {
        if (record.connection->in_transaction()) record.connection->rollback();
        return true;
    } catch (...) {
        return false;
    }
}

void PoolState::checkin(PooledConnection& lease) noexcept {
    std::shared_ptr<ConnectionRecord> record = std::move(lease.record_);
    if (!record) return;
    if (options.kind == PoolKind::Static) return checkin_static(std::move(record));
    const bool keep = options.kind == PoolKind::Queue && reusable(*record);
    std::unique_lock lock(mutex_);
    --checked_out_;
    const bool slot_freed = record->invalidated;  // by invalidate(), which also closed it
    if (!slot_freed && keep && record->generation == generation_ &&
        idle_.size() < options.pool_size) {
        idle_.push_back(std::move(record));
    }
    if (slot_freed || !record) {
        available_.notify_one();
        return;
    }
    // Close before freeing the slot, so the pool never holds more than its limit.
    lock.unlock();
    close_quietly(*record);
    lock.lock();
    --open_;
    available_.notify_one();
}

void PoolState::checkin_static(std::shared_ptr<ConnectionRecord> record) noexcept {
    std::unique_lock lock(mutex_);
    const bool last = record->leases == 1;
    lock.unlock();
    const bool keep = !last || reusable(*record);
    lock.lock();
    --record->leases;
    --checked_out_;
    const bool discard = !keep || record->invalidated || record->generation != generation_;
    if (discard && shared_ == record) {
        shared_.reset();
        open_ = 0;
    }
    const bool close_now = discard && record->leases == 0;
    lock.unlock();
    if (close_now) close_quietly(*record);
}

void PoolState::invalidate(ConnectionRecord& record) noexcept {
    if (record.invalidated.exchange(true)) return;
    close_quietly(record);
    std::lock_guard lock(mutex_);
    if (options.kind == PoolKind::Static) {
        if (shared_.get() == &record) {
            shared_.reset();
            open_ = 0;
        }
    } else {
        --open_;
    }
    available_.notify_one();
}

void PoolState::dispose() noexcept {
    std::deque<std::shared_ptr<ConnectionRecord>> closing;
    std::shared_ptr<ConnectionRecord> shared;
    {
        std::lock_guard lock(mutex_);
        ++generation_;
        closing.swap(idle_);
        if (shared_ && shared_->leases == 0) {
            shared = std::move(shared_);
            open_ = 0;
        }
    }
    for (auto& record : closing) close_quietly(*record);
    if (shared) close_quietly(*shared);
    std::lock_guard lock(mutex_);
    if (options.kind != PoolKind::Static) open_ -= closing.size();
    available_.notify_all();
}

std::size_t PoolState::idle_count() const {
    std::lock_guard lock(mutex_);
    if (options.kind == PoolKind::Static) return shared_ && shared_->leases == 0 ? 1 : 0;
    return idle_.size();
}

std::size_t PoolState::overflow_count() const {
    std::lock_guard lock(mutex_);
    if (options.kind != PoolKind::Queue) return 0;
    return open_ > options.pool_size ? open_ - options.pool_size : 0;
}

std::size_t PoolState::checked_out_count() const {
    std::lock_guard lock(mutex_);
    return checked_out_;
}

}  // namespace cormorant::pool
