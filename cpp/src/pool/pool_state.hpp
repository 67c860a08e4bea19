// The state behind a Pool, shared with its leases so a lease can return or
// invalidate its connection: idle queue, counters, and the checkout/checkin
// algorithms for each PoolKind.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "cormorant/pool/pool.hpp"

namespace cormorant::pool {

using Clock = std::chrono::steady_clock;

// One driver connection and its bookkeeping.
struct ConnectionRecord {
    std::unique_ptr<driver::Connection> connection;
    std::uint64_t id = 0;
    std::uint64_t generation = 0;  // the pool's generation when opened (dispose bumps it)
    Clock::time_point created;
    std::atomic<bool> invalidated{false};
    std::recursive_mutex turn;  // held by the lease whose call runs on the connection
    std::size_t leases = 0;     // StaticPool sharing; guarded by PoolState::mutex
};

struct PoolState : std::enable_shared_from_this<PoolState> {
    PoolState(ConnectionFactory f, Options o) : factory(std::move(f)), options(o) {}

    std::shared_ptr<PooledConnection> checkout();
    void checkin(PooledConnection& lease) noexcept;
    void invalidate(ConnectionRecord& record) noexcept;
    void dispose() noexcept;

    std::size_t idle_count() const;
    std::size_t overflow_count() const;
    std::size_t checked_out_count() const;

    ConnectionFactory factory;
    Options options;

  private:
    std::shared_ptr<PooledConnection> checkout_queue();
    std::shared_ptr<PooledConnection> checkout_static();
    std::shared_ptr<PooledConnection> checkout_null();
    void checkin_static(std::shared_ptr<ConnectionRecord> record) noexcept;

    std::shared_ptr<ConnectionRecord> open_record();   // outside the lock
    std::shared_ptr<ConnectionRecord> open_counted();  // a slot is reserved; undone on failure
    bool stale(const ConnectionRecord& record);        // recycle / pre-ping; outside the lock
    bool has_capacity() const;                         // mutex held
    bool reusable(ConnectionRecord& record) noexcept;  // rollback on return
    std::shared_ptr<PooledConnection> lease(std::shared_ptr<ConnectionRecord> record, bool fresh);
    [[noreturn]] void throw_timeout() const;

    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::mutex static_open_;  // serializes StaticPool checkouts that may open
    std::deque<std::shared_ptr<ConnectionRecord>> idle_;
    std::shared_ptr<ConnectionRecord> shared_;  // StaticPool's connection
    std::size_t open_ = 0;                      // live connections counted against the limit
    std::size_t checked_out_ = 0;
    std::atomic<std::uint64_t> next_id_{1};
    std::uint64_t generation_ = 0;
};

void close_quietly(ConnectionRecord& record) noexcept;

}  // namespace cormorant::pool
