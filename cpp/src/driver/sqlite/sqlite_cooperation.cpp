// The progress and busy handlers that hand a SQLite connection's waits to an event loop.
#include "sqlite_cooperation.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace cormorant::driver::sqlite {

namespace {

// Virtual machine instructions between two progress checks: a few
// microseconds of work, so a check costs nothing measurable.
constexpr int kProgressInstructions = 1000;

// The first lock waits are short, then they back off up to this.
constexpr double kLongestLockWait = 0.02;

}  // namespace

Cooperation::Cooperation(std::shared_ptr<Scheduler> scheduler, double busy_timeout_seconds)
    : scheduler_(std::move(scheduler)),
      busy_timeout_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(std::max(0.0, busy_timeout_seconds)))) {}

void Cooperation::install(sqlite3* db) {
    sqlite3_progress_handler(db, kProgressInstructions, &Cooperation::on_progress, this);
    sqlite3_busy_handler(db, &Cooperation::on_busy, this);
}

void Cooperation::rethrow_abandoned() {
    if (!abandoned_) return;
    std::exception_ptr failure = std::move(abandoned_);
    abandoned_ = nullptr;
    std::rethrow_exception(failure);
}

template <class Wait>
bool Cooperation::keep_failure(Wait wait) noexcept {
    try {
        wait();
        return true;
    } catch (...) {
        abandoned_ = std::current_exception();
        return false;
    }
}

// A non-zero answer interrupts the statement (SQLITE_INTERRUPT).
int Cooperation::on_progress(void* self) noexcept {
    auto& c = *static_cast<Cooperation*>(self);
    if (c.abandoned_) return 1;
    if (std::this_thread::get_id() != c.caller_) return 0;  // a prefetching thread
    return c.keep_failure([&] { c.scheduler_->share_time(); }) ? 0 : 1;
}

// A zero answer gives up (SQLITE_BUSY), as sqlite3_busy_timeout does once the timeout passed.
int Cooperation::on_busy(void* self, int attempt) noexcept {
    auto& c = *static_cast<Cooperation*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (attempt == 0) c.busy_since_ = now;
    if (now - c.busy_since_ >= c.busy_timeout_) return 0;
    if (std::this_thread::get_id() != c.caller_) return 0;
    const double wait = std::min(kLongestLockWait, 0.001 * (1 << std::min(attempt, 5)));
    return c.keep_failure([&] { c.scheduler_->pause(wait); }) ? 1 : 0;
}

}  // namespace cormorant::driver::sqlite
