// Reading a query's rows one libpq result at a time into typed row batches.
#include "pg_stream_cursor.hpp"

#include <algorithm>
#include <utility>

#include "cormorant/error.hpp"
#include "pg_cursor.hpp"
#include "pg_error.hpp"

namespace cormorant::driver::postgres {

namespace {

PGconn* wire_of(const PgHandle& handle) { return handle.closed ? nullptr : handle.pg(); }

}  // namespace

PgStreamCursor::PgStreamCursor(PgHandle& handle, std::string_view sql,
                               std::span<const Param> params)
    : handle_(&handle), sql_(sql), exchange_(wire_of(handle), handle.scheduler.get()) {
    handle.free_wire();
    idle_ = handle.idle();
    current_ = handle.start_stream(sql, params);
    describe_columns(current_.get(), names_, decoders_);
    rows_ = PQntuples(current_.get());
    handle.reader = this;
    if (PQresultStatus(current_.get()) != PGRES_SINGLE_TUPLE) finish_wire();
}

PgStreamCursor::~PgStreamCursor() { discard_rest(); }

std::size_t PgStreamCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (out.columns() != names_.size() && out.rows() == 0) out.reset(names_.size());
    std::size_t appended = take_spilled(out, max_rows);
    while (appended < max_rows && advance()) {
        append_current(out);
        ++appended;
    }
    if (appended == 0 && error_) std::rethrow_exception(std::exchange(error_, nullptr));
    return appended;
}

std::size_t PgStreamCursor::take_spilled(result::RowBatch& out, std::size_t max_rows) {
    const std::size_t count = std::min(max_rows, spilled_.rows() - spilled_next_);
    if (count == 0) return 0;
    out.append_rows(spilled_, spilled_next_, count);
    spilled_next_ += count;
    if (spilled_next_ == spilled_.rows()) {
        spilled_ = result::RowBatch();  // gives the memory back
        spilled_next_ = 0;
    }
    return count;
}

bool PgStreamCursor::advance() {
    while (row_ >= rows_) {
        if (handle_ == nullptr) return false;
        read_result();
    }
    return true;
}

void PgStreamCursor::read_result() {
    current_ = exchange_.next();
    row_ = 0;
    rows_ = 0;
    if (!current_) return fail(nullptr);  // the answer ended without its final result
    switch (PQresultStatus(current_.get())) {
        case PGRES_SINGLE_TUPLE:
            rows_ = 1;
            return;
        case PGRES_TUPLES_OK:  // after the last row (holding them all without single-row mode)
            rows_ = PQntuples(current_.get());
            return finish_wire();
        default:
            return fail(current_.get());
    }
}

void PgStreamCursor::finish_wire() {
    while (exchange_.next()) {
    }
    if (PQstatus(handle_->pg()) == CONNECTION_BAD) return fail(nullptr);
    let_go();
}

void PgStreamCursor::fail(const PGresult* error) {
    ResultPtr kept = std::move(current_);
    rows_ = 0;
    if (error != nullptr) {
        while (exchange_.next()) {
        }
    }
    Error e = command_error(handle_->pg(), error, sql_);
    if (error == nullptr && PQstatus(handle_->pg()) != CONNECTION_BAD) {
        e = Error(ErrorKind::Operational, "the PostgreSQL server ended the result early", "08P01",
                  0, true);
        e.set_statement(sql_);
    }
    handle_->note_failure(e);
    error_ = std::make_exception_ptr(e);
    let_go();
}

void PgStreamCursor::append_current(result::RowBatch& out) {
    const std::size_t first = out.rows();
    const int row = row_++;  // a row that fails to decode is consumed, not retried
    try {
        append_pg_row(out, current_.get(), row, decoders_);
    } catch (...) {
        out.drop_partial_row();
        throw;
    }
    out.make_owned(first);
}

void PgStreamCursor::release_wire() noexcept {
    try {
        if (spilled_.columns() != names_.size()) spilled_.reset(names_.size());
        while (advance()) append_current(spilled_);
    } catch (...) {
        if (!error_) error_ = std::current_exception();
        current_.reset();
        rows_ = 0;
        discard_rest();
    }
}

void PgStreamCursor::lose_wire() noexcept {
    if (handle_ == nullptr) return;
    handle_ = nullptr;  // the handle forgets this reader itself
    current_.reset();
    rows_ = 0;
    if (error_) return;
    Error closed(ErrorKind::Interface,
                 "the PostgreSQL connection was closed before the rest of the rows were read");
    closed.set_statement(sql_);
    error_ = std::make_exception_ptr(closed);
}

void PgStreamCursor::discard_rest() noexcept {
    if (handle_ == nullptr) return;
    // Waits without the event loop's scheduler: this runs from destructors,
    // where a suspended or abandoned wait could not be reported.
    Exchange blocking(handle_->pg());
    if (idle_) blocking.cancel();
    while (blocking.next()) {
    }
    if (PQstatus(handle_->pg()) == CONNECTION_BAD) handle_->dead = true;
    let_go();
}

void PgStreamCursor::let_go() noexcept {
    if (handle_ == nullptr) return;
    if (handle_->reader == this) handle_->reader = nullptr;
    handle_ = nullptr;
}

}  // namespace cormorant::driver::postgres
