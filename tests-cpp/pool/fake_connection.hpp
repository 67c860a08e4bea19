// A scriptable in-memory driver::Connection for pool tests: counts opens and
// closes, can be made dead (ping fails) or fail its rollback.
#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>

#include "cormorant/driver/connection.hpp"
#include "cormorant/error.hpp"

namespace test_support {

struct FakeStats {
    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::atomic<int> rollbacks{0};
    std::atomic<int> live{0};
    std::atomic<int> max_live{0};
};

class FakeConnection final : public cormorant::driver::Connection {
  public:
    explicit FakeConnection(std::shared_ptr<FakeStats> stats) : stats_(std::move(stats)) {
        ++stats_->opened;
        const int now = ++stats_->live;
        int seen = stats_->max_live.load();
        while (now > seen && !stats_->max_live.compare_exchange_weak(seen, now)) {
        }
    }
    ~FakeConnection() override { close(); }

    std::unique_ptr<cormorant::driver::Cursor> execute(
        std::string_view, std::span<const cormorant::driver::Param>) override {
        throw cormorant::Error(cormorant::ErrorKind::NotSupported, "fake");
    }
    std::int64_t execute_many(std::string_view, std::span<const cormorant::driver::Param>,
                              std::size_t) override {
        return 0;
    }
    void begin() override { in_tx = true; }
    void commit() override { in_tx = false; }
    void rollback() override {
        ++stats_->rollbacks;
        if (fail_rollback) throw cormorant::Error(cormorant::ErrorKind::Operational, "gone");
        in_tx = false;
    }
    bool in_transaction() const override { return in_tx; }
    bool ping() override { return alive && !closed_; }
    void close() override {
        if (closed_) return;
        closed_ = true;
        ++stats_->closed;
        --stats_->live;
    }
    bool closed() const override { return closed_; }
    std::string_view dialect() const override { return "fake"; }

    bool alive = true;
    bool in_tx = false;
    bool fail_rollback = false;

  private:
    std::shared_ptr<FakeStats> stats_;
    bool closed_ = false;
};

inline FakeConnection& fake(cormorant::driver::Connection& c) {
    return dynamic_cast<FakeConnection&>(c);
}

}  // namespace test_support
