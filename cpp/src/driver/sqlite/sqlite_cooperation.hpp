// Cooperation: how a SQLite connection driven by an event loop shares its
// thread. SQLite has no socket to wait on, so statements run inline; a
// progress handler gives the loop a turn once a statement has held the
// thread for a time slice, and a busy handler waits for a locked database
// file through the loop instead of sleeping the thread.
#pragma once

#include <chrono>
#include <exception>
#include <memory>
#include <thread>

#include "cormorant/driver/scheduler.hpp"

struct sqlite3;

namespace cormorant::driver::sqlite {

class Cooperation {
  public:
    Cooperation(std::shared_ptr<Scheduler> scheduler, double busy_timeout_seconds);

    // Installs the handlers on `db`, which must not outlive this.
    void install(sqlite3* db);
    // Called before each statement: the loop's turns are given on this thread only.
    void enter() noexcept { caller_ = std::this_thread::get_id(); }
    // Rethrows what ended a wait the loop abandoned (a cancelled task), once.
    void rethrow_abandoned();
    Scheduler* scheduler() const noexcept { return scheduler_.get(); }

  private:
    static int on_progress(void* self) noexcept;
    static int on_busy(void* self, int attempt) noexcept;
    // Runs `wait`; false (and the exception kept) when it threw.
    template <class Wait>
    bool keep_failure(Wait wait) noexcept;

    std::shared_ptr<Scheduler> scheduler_;
    std::chrono::steady_clock::duration busy_timeout_;
    std::chrono::steady_clock::time_point busy_since_;
    std::thread::id caller_;
    std::exception_ptr abandoned_;
};

}  // namespace cormorant::driver::sqlite
