// Calling the Python event loop from the engine's waits.
#include "scheduler.hpp"

#include <chrono>

namespace py = pybind11;

namespace cormorant::bindings {
namespace {

using Clock = std::chrono::steady_clock;

// pybind11 keeps a thread-local stack of argument-conversion frames, one per
// bound call in progress, and each call checks on return that its frame is on
// top. Calls suspended in different greenlets of one thread would interleave
// that stack, so a wait hands the event loop an empty one and takes its own
// back when it resumes. The slot is private to pybind11; an explicit template
// instantiation may name it (C++ waives access checks there).
static_assert(PYBIND11_VERSION_MAJOR == 3 && PYBIND11_VERSION_MINOR <= 1,
              "loader_life_support's frame slot is checked for pybind11 3.0 and 3.1 only");
using FrameSlot = py::detail::loader_life_support*& (*)();
FrameSlot frame_slot();

template <FrameSlot Slot>
struct FrameSlotAccess {
    friend FrameSlot frame_slot() { return Slot; }
};
template struct FrameSlotAccess<&py::detail::loader_life_support::tls_current_frame>;

class SuspendedFrames {
  public:
    SuspendedFrames() : slot_(frame_slot()()), saved_(slot_) { slot_ = nullptr; }
    ~SuspendedFrames() { slot_ = saved_; }
    SuspendedFrames(const SuspendedFrames&) = delete;
    SuspendedFrames& operator=(const SuspendedFrames&) = delete;

  private:
    py::detail::loader_life_support*& slot_;
    py::detail::loader_life_support* saved_;
};

// How long a task may hold the thread before share_time() gives the loop a turn.
constexpr auto kTimeSlice = std::chrono::milliseconds(1);

// When this thread last gave its event loop a turn.
thread_local Clock::time_point last_turn;

// Calls `hook` (which suspends this greenlet until the loop resumes it) with
// the GIL and an empty frame stack, and notes the turn the loop was given.
template <class... Args>
void yield_to_loop(const py::object& hook, Args... args) {
    {
        py::gil_scoped_acquire gil;
        const SuspendedFrames suspended;
        hook(args...);
    }
    last_turn = Clock::now();
}

}  // namespace

LoopScheduler::LoopScheduler(py::object wait_socket, py::object pause)
    : wait_socket_(std::move(wait_socket)), pause_(std::move(pause)) {}

LoopScheduler::~LoopScheduler() {
    py::gil_scoped_acquire gil;
    wait_socket_ = py::object();
    pause_ = py::object();
}

void LoopScheduler::wait_socket(int fd, bool write) { yield_to_loop(wait_socket_, fd, write); }

void LoopScheduler::pause(double seconds) { yield_to_loop(pause_, seconds); }

void LoopScheduler::share_time() {
    if (Clock::now() - last_turn >= kTimeSlice) pause(0);
}

}  // namespace cormorant::bindings
