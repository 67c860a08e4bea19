// Connection pools: QueuePool (bounded, with overflow and timeout),
// StaticPool (one shared connection) and NullPool (no pooling), with
// recycle and pre-ping at checkout. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

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
    bool lifo = false;  // QueuePool: hand out the most recently returned idle connection first
};

struct PoolState;  // shared by a pool and its leases (pool_state.hpp)
struct ConnectionRecord;

// A lease claimed by one thread for one call (PooledConnection::claim());
// released when it goes out of scope.
class ConnectionClaim {
  public:
    ConnectionClaim() = default;  // claims nothing
    explicit ConnectionClaim(std::atomic<std::thread::id>* user) noexcept : user_(user) {}
    ~ConnectionClaim();
    ConnectionClaim(ConnectionClaim&& other) noexcept
        : user_(std::exchange(other.user_, nullptr)) {}
    ConnectionClaim& operator=(ConnectionClaim&&) = delete;
    ConnectionClaim(const ConnectionClaim&) = delete;
    ConnectionClaim& operator=(const ConnectionClaim&) = delete;

  private:
    std::atomic<std::thread::id>* user_ = nullptr;
};

// Exclusive use of a driver connection for one call; StaticPool's leases
// share one connection, and take turns through it.
using ConnectionTurn = std::unique_lock<std::recursive_mutex>;

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
    // Claims this lease for a call from this thread: Error(InvalidRequest)
    // while another thread's call holds it (one Session or Connection used by
    // two threads at once). A nested claim from the same thread, or one on a
    // returned lease, claims nothing.
    [[nodiscard]] ConnectionClaim claim();
    // Waits until no other lease's call runs on the driver connection (only
    // StaticPool shares one), and holds it for this call. A caller holding a
    // lock that the current holder may need (the GIL) must release it first.
    [[nodiscard]] ConnectionTurn take_turn() const;
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
    std::atomic<std::thread::id> user_{};  // the thread whose call holds this lease
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
    // After a lost connection this is SQLAlchemy's pool-wide invalidation:
    // every connection opened before the outage goes, so it costs one error.
    void dispose();

    std::size_t checked_out() const;
    std::size_t idle() const;
    std::size_t overflow() const;
    const Options& options() const noexcept;

  private:
    std::shared_ptr<PoolState> state_;
};

}  // namespace cormorant::pool
