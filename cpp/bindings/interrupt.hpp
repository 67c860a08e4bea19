// Ctrl-C during a statement that waits on the server. The engine's interrupt
// check (driver/interrupt.hpp) runs Python's signal handlers; a
// KeyboardInterrupt they raise is kept for the waiting thread while the engine
// cancels the statement, and is raised in place of whatever that call ends with.
#pragma once

namespace cormorant::bindings {

// Installs the check (once, at import).
void register_interrupts();

// Raises the kept KeyboardInterrupt (or other exception a signal handler
// raised), if this thread has one: sets it as the Python error and returns
// true. Call with the GIL held.
bool restore_interrupt();

}  // namespace cormorant::bindings
