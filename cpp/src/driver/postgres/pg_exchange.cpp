// Awaiting libpq results with an interruptible socket wait.
#include "pg_exchange.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "cormorant/driver/interrupt.hpp"
#include "cormorant/error.hpp"
#include "pg_error.hpp"

namespace cormorant::driver::postgres {

bool failed(const PGresult* result) {
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
           status == PGRES_NONFATAL_ERROR;
}

bool Exchange::await_input() {
    if (scheduler_ != nullptr) return await_input_scheduled();
    while (PQisBusy(conn_) != 0) {
        pollfd readable{PQsocket(conn_), POLLIN, 0};
        if (readable.fd < 0) return false;
        const int ready = ::poll(&readable, 1, kInterruptPollMs);
        if (ready < 0 && errno != EINTR) return false;
        if (ready <= 0 && interrupt_requested()) cancel_once();
        if (ready > 0 && PQconsumeInput(conn_) == 0) return false;
    }
    return true;
}

bool Exchange::await_input_scheduled() {
    while (PQisBusy(conn_) != 0) {
        const int fd = PQsocket(conn_);
        if (fd < 0) return false;
        try {
            scheduler_->wait_socket(fd, false);
        } catch (...) {
            cancel_once();
            ::shutdown(fd, SHUT_RDWR);  // libpq now reports CONNECTION_BAD; the pool drops it
            throw;
        }
        if (PQconsumeInput(conn_) == 0) return false;
    }
    return true;
}

void Exchange::cancel_once() noexcept {
    if (cancelled_) return;
    cancelled_ = true;
    if (PGcancel* cancel = PQgetCancel(conn_)) {
        char reason[256];
        PQcancel(cancel, reason, sizeof reason);  // a failed request leaves the wait as it was
        PQfreeCancel(cancel);
    }
}

ResultPtr Exchange::next() {
    if (!await_input()) return nullptr;
    return ResultPtr(PQgetResult(conn_));
}

ResultPtr Exchange::finish(std::string_view sql) {
    ResultPtr last;
    ResultPtr error;
    while (ResultPtr result = next()) {
        if (failed(result.get())) {
            if (!error) error = std::move(result);
        } else {
            last = std::move(result);
        }
    }
    if (error || PQstatus(conn_) == CONNECTION_BAD) throw command_error(conn_, error.get(), sql);
    if (cancelled_) {
        Error interrupted(ErrorKind::Operational, "the statement was interrupted", "57014");
        interrupted.set_statement(std::string(sql));
        throw interrupted;
    }
    return last;
}

void throw_send_failure(PGconn* conn, std::string_view sql) {
    throw command_error(conn, nullptr, sql);
}

}  // namespace cormorant::driver::postgres
