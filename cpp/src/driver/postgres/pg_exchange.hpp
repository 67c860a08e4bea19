// One command's round trip over libpq. The answer is awaited by polling
// libpq's socket rather than inside a blocking libpq call, so a wait can be
// interrupted (driver/interrupt.hpp): the statement is then cancelled on the
// server, as psycopg 3 does on Ctrl-C, and the wait ends with its error.
// Under an event loop the socket is awaited through its Scheduler instead.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string_view>

#include "cormorant/driver/scheduler.hpp"

namespace cormorant::driver::postgres {

struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class Exchange {
  public:
    explicit Exchange(PGconn* conn, Scheduler* scheduler = nullptr) noexcept
        : conn_(conn), scheduler_(scheduler) {}

    // The next result of the commands sent, once it has arrived; nullptr at
    // the end of one command's results (or when the connection failed).
    ResultPtr next();
    // Reads every result of the command just sent and returns its last one;
    // throws Error (naming `sql`) for the first failed one, for a lost
    // connection, or for an interrupted command.
    ResultPtr finish(std::string_view sql);
    // Asks the server to cancel the command (at most once per Exchange).
    void cancel() noexcept { cancel_once(); }

  private:
    // Blocks until PQgetResult would not; false when the connection failed.
    bool await_input();
    // The same through the event loop's scheduler; a wait it abandons closes
    // the connection's socket, so the server drops the statement with it.
    bool await_input_scheduled();
    void cancel_once() noexcept;

    PGconn* conn_;
    Scheduler* scheduler_;
    bool cancelled_ = false;
};

// Whether `result` reports an error.
bool failed(const PGresult* result);

// Throws the Error for a command that libpq could not send.
[[noreturn]] void throw_send_failure(PGconn* conn, std::string_view sql);

}  // namespace cormorant::driver::postgres
