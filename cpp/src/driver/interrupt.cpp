// The process-wide interrupt check (interrupt.hpp).
#include "cormorant/driver/interrupt.hpp"

#include <atomic>

namespace cormorant::driver {
namespace {

std::atomic<InterruptCheck> installed_check{nullptr};

}  // namespace

void set_interrupt_check(InterruptCheck check) noexcept { installed_check.store(check); }

bool interrupt_requested() noexcept {
    const InterruptCheck check = installed_check.load();
    return check != nullptr && check();
}

}  // namespace cormorant::driver
