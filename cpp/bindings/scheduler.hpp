// LoopScheduler: the engine's Scheduler (driver/scheduler.hpp) for a Python
// event loop. Each wait calls a Python function that suspends the calling
// greenlet until asyncio says the socket is ready (cormorant.util.concurrency);
// what that function raises (a cancelled task) propagates out of the engine call.
#pragma once

#include <pybind11/pybind11.h>

#include <cormorant/driver/scheduler.hpp>

namespace cormorant::bindings {

class LoopScheduler final : public driver::Scheduler {
  public:
    // wait_socket(fd: int, write: bool) and pause(seconds: float), both blocking the greenlet.
    LoopScheduler(pybind11::object wait_socket, pybind11::object pause);
    ~LoopScheduler() override;
    LoopScheduler(const LoopScheduler&) = delete;
    LoopScheduler& operator=(const LoopScheduler&) = delete;

    void wait_socket(int fd, bool write) override;
    void pause(double seconds) override;
    void share_time() override;

  private:
    pybind11::object wait_socket_;
    pybind11::object pause_;
};

}  // namespace cormorant::bindings
