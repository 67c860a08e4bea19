// Interrupting a statement that waits on the server. The embedding program
// installs one check (the Python bindings ask whether Ctrl-C was pressed);
// a driver calls it while it waits for an answer, and cancels the statement
// on the server when it says so.
#pragma once

namespace cormorant::driver {

// Returns true when the statement being waited for should be cancelled.
// Called from the waiting thread, at most every kInterruptPollMs and when a
// signal interrupts the wait; must be cheap and must not throw.
using InterruptCheck = bool (*)() noexcept;

inline constexpr int kInterruptPollMs = 100;

// Installs `check` for every thread (nullptr: waits are never interrupted).
void set_interrupt_check(InterruptCheck check) noexcept;

// The installed check's answer; false when none is installed.
bool interrupt_requested() noexcept;

}  // namespace cormorant::driver
