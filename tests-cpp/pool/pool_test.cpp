// Pools over a fake connection: limits, timeout, overflow, recycle,
// pre-ping, invalidation, Null/Static behaviour and concurrent use.
#include "cormorant/pool/pool.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_connection.hpp"

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::pool::Options;
using cormorant::pool::Pool;
using cormorant::pool::PoolKind;
using test_support::fake;
using test_support::FakeConnection;
using test_support::FakeStats;

namespace {

struct Fixture {
    std::shared_ptr<FakeStats> stats = std::make_shared<FakeStats>();
    cormorant::pool::ConnectionFactory factory() {
        auto s = stats;
        return [s] { return std::make_unique<FakeConnection>(s); };
    }
};

Options queue(std::size_t size, int overflow, double timeout = 30) {
    Options o;
    o.pool_size = size;
    o.max_overflow = overflow;
    o.timeout_seconds = timeout;
    return o;
}

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("QueuePool reuses returned connections", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(2, 0));
    auto a = pool.checkout();
    CHECK(a->fresh());
    const auto id = a->id();
    CHECK(pool.checked_out() == 1);
    pool.checkin(a);
    CHECK(pool.checked_out() == 0);
    CHECK(pool.idle() == 1);
    auto b = pool.checkout();
    CHECK_FALSE(b->fresh());
    CHECK(b->id() == id);
    CHECK(f.stats->opened == 1);
    pool.checkin(b);
    pool.checkin(b);  // idempotent
    CHECK(pool.checked_out() == 0);
    CHECK_THROWS_AS(b->connection(), Error);
}

TEST_CASE("QueuePool hands out idle connections FIFO, or LIFO when asked", "[pool]") {
    for (const bool lifo : {false, true}) {
        Fixture f;
        Options o = queue(2, 0);
        o.lifo = lifo;
        Pool pool(f.factory(), o);
        auto a = pool.checkout();
        auto b = pool.checkout();
        const auto first = a->id();
        const auto last = b->id();
        pool.checkin(a);
        pool.checkin(b);  // b is the most recently returned
        auto next = pool.checkout();
        CHECK(next->id() == (lifo ? last : first));
        pool.checkin(next);
    }
}

TEST_CASE("QueuePool overflow and timeout", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(2, 1, 0.2));
    auto a = pool.checkout();
    auto b = pool.checkout();
    auto c = pool.checkout();
    CHECK(pool.overflow() == 1);
    CHECK(pool.checked_out() == 3);

    const auto start = std::chrono::steady_clock::now();
    try {
        pool.checkout();
        FAIL("expected a timeout");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::PoolTimeout);
        CHECK(std::string(e.what()) ==
              "QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.20");
    }
    const double waited = since(start);
    CHECK(waited >= 0.18);
    CHECK(waited < 1.5);

    pool.checkin(a);
    pool.checkin(b);
    pool.checkin(c);  // beyond pool_size: closed
    CHECK(pool.idle() == 2);
    CHECK(pool.overflow() == 0);
    CHECK(f.stats->closed == 1);
}

TEST_CASE("QueuePool with unlimited overflow never waits", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(1, -1, 0));
    std::vector<std::shared_ptr<cormorant::pool::PooledConnection>> leases;
    for (int i = 0; i < 20; ++i) leases.push_back(pool.checkout());
    CHECK(pool.overflow() == 19);
    leases.clear();  // dropped leases return themselves
    CHECK(pool.checked_out() == 0);
    CHECK(pool.idle() == 1);
    CHECK(f.stats->live == 1);
}

TEST_CASE("a waiter wakes when a connection is checked in or invalidated", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(1, 0, 5));
    for (bool invalidate : {false, true}) {
        auto held = pool.checkout();
        std::shared_ptr<cormorant::pool::PooledConnection> got;
        std::thread waiter([&] { got = pool.checkout(); });
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        CHECK(got == nullptr);
        const auto start = std::chrono::steady_clock::now();
        if (invalidate) {
            held->invalidate();
        } else {
            pool.checkin(held);
        }
        waiter.join();
        CHECK(since(start) < 1.0);
        REQUIRE(got != nullptr);
        CHECK(got->fresh() == invalidate);
        pool.checkin(held);
        pool.checkin(got);
    }
}

TEST_CASE("recycle replaces connections older than recycle_seconds", "[pool]") {
    Fixture f;
    Options o = queue(1, 0);
    o.recycle_seconds = 0.05;
    Pool pool(f.factory(), o);
    auto a = pool.checkout();
    const auto first = a->id();
    pool.checkin(a);
    auto b = pool.checkout();  // young: reused
    CHECK(b->id() == first);
    pool.checkin(b);
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    auto c = pool.checkout();
    CHECK(c->fresh());
    CHECK(c->id() != first);
    CHECK(f.stats->closed == 1);
}

TEST_CASE("pre_ping replaces a dead connection", "[pool]") {
    Fixture f;
    Options o = queue(2, 0);
    o.pre_ping = true;
    Pool pool(f.factory(), o);
    auto a = pool.checkout();
    const auto first = a->id();
    pool.checkin(a);
    auto b = pool.checkout();
    CHECK_FALSE(b->fresh());
    fake(b->connection()).alive = false;
    pool.checkin(b);
    auto c = pool.checkout();
    CHECK(c->fresh());
    CHECK(c->id() != first);
    CHECK(f.stats->closed == 1);
    CHECK(pool.checked_out() == 1);
}

TEST_CASE("invalidate closes now, frees the slot and is never reused", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(1, 0, 0.1));
    auto a = pool.checkout();
    a->invalidate();
    CHECK(a->invalidated());
    CHECK(a->connection().closed());
    auto b = pool.checkout();  // the slot is free already
    CHECK(b->fresh());
    pool.checkin(a);
    CHECK(a->invalidated());
    CHECK(pool.checked_out() == 1);
    pool.checkin(b);
    CHECK(pool.idle() == 1);
    CHECK_FALSE(pool.checkout()->fresh());
}

TEST_CASE("checkin rolls back; a failed rollback discards the connection", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(2, 0));
    auto a = pool.checkout();
    fake(a->connection()).begin();
    pool.checkin(a);
    CHECK(f.stats->rollbacks == 1);
    CHECK(pool.idle() == 1);

    auto b = pool.checkout();
    CHECK_FALSE(b->connection().in_transaction());
    fake(b->connection()).begin();
    fake(b->connection()).fail_rollback = true;
    pool.checkin(b);
    CHECK(pool.idle() == 0);
    CHECK(f.stats->closed == 1);
}

TEST_CASE("a failing factory releases its slot", "[pool]") {
    auto stats = std::make_shared<FakeStats>();
    bool fail = true;
    Pool pool(
        [&]() -> std::unique_ptr<cormorant::driver::Connection> {
            if (fail) throw Error(ErrorKind::Operational, "cannot connect");
            return std::make_unique<FakeConnection>(stats);
        },
        queue(1, 0, 0.1));
    CHECK_THROWS_AS(pool.checkout(), Error);
    CHECK(pool.checked_out() == 0);
    fail = false;
    CHECK(pool.checkout()->fresh());
}

TEST_CASE("dispose closes idle connections; checked-out ones close at checkin", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(3, 0));
    auto a = pool.checkout();
    auto b = pool.checkout();
    pool.checkin(b);
    pool.dispose();
    CHECK(pool.idle() == 0);
    CHECK(f.stats->closed == 1);
    pool.checkin(a);
    CHECK(pool.idle() == 0);
    CHECK(f.stats->closed == 2);
    CHECK(pool.checkout()->fresh());
}

TEST_CASE("NullPool opens per checkout and closes at checkin", "[pool]") {
    Fixture f;
    Options o;
    o.kind = PoolKind::Null;
    Pool pool(f.factory(), o);
    auto a = pool.checkout();
    auto b = pool.checkout();
    CHECK(a->fresh());
    CHECK(b->fresh());
    CHECK(a->id() != b->id());
    pool.checkin(a);
    pool.checkin(b);
    CHECK(pool.idle() == 0);
    CHECK(f.stats->opened == 2);
    CHECK(f.stats->closed == 2);
    CHECK(pool.checkout()->fresh());
}

TEST_CASE("StaticPool shares one lazily opened connection", "[pool]") {
    Fixture f;
    Options o;
    o.kind = PoolKind::Static;
    o.pool_size = 1;
    o.max_overflow = 0;
    o.timeout_seconds = 0;
    Pool pool(f.factory(), o);
    CHECK(f.stats->opened == 0);
    auto a = pool.checkout();
    auto b = pool.checkout();  // never times out
    CHECK(a->fresh());
    CHECK_FALSE(b->fresh());
    CHECK(&a->connection() == &b->connection());
    CHECK(pool.checked_out() == 2);
    pool.checkin(a);
    pool.checkin(b);
    CHECK(pool.idle() == 1);
    CHECK(f.stats->closed == 0);

    auto c = pool.checkout();
    CHECK_FALSE(c->fresh());
    c->invalidate();
    pool.checkin(c);
    auto d = pool.checkout();
    CHECK(d->fresh());
    CHECK(f.stats->opened == 2);
}

TEST_CASE("many threads check out and in concurrently", "[pool]") {
    Fixture f;
    Pool pool(f.factory(), queue(3, 2, 10));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                try {
                    auto lease = pool.checkout();
                    if ((i + t) % 50 == 0) lease->invalidate();
                    if (i % 7 == 0) std::this_thread::yield();
                    pool.checkin(lease);
                } catch (...) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(pool.checked_out() == 0);
    CHECK(f.stats->max_live <= 5);
    CHECK(static_cast<std::size_t>(f.stats->live.load()) == pool.idle());
    CHECK(pool.idle() <= 3);
}
