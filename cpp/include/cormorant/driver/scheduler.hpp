// Cooperative waiting. When an event loop drives a connection, the driver
// hands its waits to the loop's Scheduler instead of blocking the thread:
// PostgreSQL waits for its socket through it, SQLite (which has no socket)
// gives the loop a turn during long statements and while the file is locked.
#pragma once

namespace cormorant::driver {

class Scheduler {
  public:
    virtual ~Scheduler() = default;
    // Returns once `fd` is readable (or also writable, when `write` is set),
    // other tasks running meanwhile. Throws to abandon the wait (the task was
    // cancelled): the driver then drops the connection, whose protocol state
    // is unknown.
    virtual void wait_socket(int fd, bool write) = 0;
    // Lets other tasks run for about `seconds` before returning; throws as wait_socket.
    virtual void pause(double seconds) = 0;
    // Called often during long work: lets other tasks run once this one has
    // held the thread for a time slice, and returns at once otherwise.
    virtual void share_time() = 0;
};

}  // namespace cormorant::driver
