// Connection pools: QueuePool (bounded, with overflow and timeout),
// StaticPool (one shared connection) and NullPool (no pooling), with
// recycle and pre-ping at checkout. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "cormorant/driver/connection.hpp"

namespace cormorant::pool {

using ConnectionFactory = std::function<std::unique_ptr<driver::Connection>()>;

enum class PoolKind { Queue, Static, Null };

struct Options {
    PoolKind kind = PoolKind::Queue;
    std::size_t pool_size = 5;
    int max_overflow = 10;  // -1 = unlimited
    double timeout_seconds = 30;
    double recycle_seconds = -1;  // < 0 = never
    bool pre_ping = false;
};

struct PoolState;  // shared by a pool and its leases (pool_state.hpp)
struct ConnectionRecord;

// One checkout (a lease). Dropping the last reference without checkin()
// returns it to the pool all the same.
class PooledConnection {
  public:
    PooledConnection(std::weak_ptr<PoolState> pool, std::shared_ptr<ConnectionRecord> record,
                     bool fresh);
    ~PooledConnection();
    PooledConnection(const PooledConnection&) = delete;
    PooledConnection& operator=(const PooledConnection&) = delete;

    // Throws Error(Interface) once the lease has been checked in.
    driver::Connection& connection();
    // This checkout opened a new driver connection (the "connect" event).
    bool fresh() const noexcept { return fresh_; }
    // Stable id of the underlying connection record (for events).
    std::uint64_t id() const noexcept;
    // Dead: closed now, its pool slot freed, never reused.
    void invalidate();
    bool invalidated() const noexcept;
    bool returned() const noexcept { return record_ == nullptr; }

  private:
    friend struct PoolState;
    std::weak_ptr<PoolState> pool_;
    std::shared_ptr<ConnectionRecord> record_;
    std::uint64_t id_;
    bool fresh_;
    bool invalidated_ = false;
};

class Pool {
  public:
    Pool(ConnectionFactory factory, Options options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Blocks up to timeout_seconds; throws Error(PoolTimeout).
    std::shared_ptr<PooledConnection> checkout();
    // Rolls back an open transaction (discarding the connection if that
    // fails) and returns it to idle; NullPool closes it. Idempotent.
    void checkin(std::shared_ptr<PooledConnection> lease);
    // Closes idle connections; checked-out ones are discarded at checkin.
    void dispose();

    std::size_t checked_out() const;
    std::size_t idle() const;
    std::size_t overflow() const;
    const Options& options() const noexcept;

  private:
    std::shared_ptr<PoolState> state_;
};

}  // namespace cormorant::pool
