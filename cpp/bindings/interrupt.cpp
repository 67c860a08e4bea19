// Running Python's signal handlers from the engine's waits, and keeping what they raise.
#include "interrupt.hpp"

#include <Python.h>

#include <cormorant/driver/interrupt.hpp>

namespace cormorant::bindings {
namespace {

// What a signal handler raised during this thread's engine call.
struct KeptException {
    PyObject* type = nullptr;
    PyObject* value = nullptr;
    PyObject* traceback = nullptr;

    bool empty() const { return type == nullptr; }
};

thread_local KeptException kept;

// Python runs signal handlers only in the main thread, so elsewhere
// PyErr_CheckSignals() answers 0 at once.
bool signal_handler_raised() noexcept {
    if (!kept.empty()) return true;
    const PyGILState_STATE gil = PyGILState_Ensure();
    const bool raised = PyErr_CheckSignals() != 0;
    if (raised) PyErr_Fetch(&kept.type, &kept.value, &kept.traceback);
    PyGILState_Release(gil);
    return raised;
}

}  // namespace

void register_interrupts() { driver::set_interrupt_check(&signal_handler_raised); }

bool restore_interrupt() {
    if (kept.empty()) return false;
    PyErr_Restore(kept.type, kept.value, kept.traceback);
    kept = KeptException{};
    return true;
}

}  // namespace cormorant::bindings
