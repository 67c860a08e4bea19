// The backend-neutral driver interface: a Connection runs SQL and hands back a
// Cursor that fills RowBatches. SQLite and PostgreSQL implement it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cormorant/driver/scheduler.hpp"
#include "cormorant/driver/value.hpp"
#include "cormorant/result/row_batch.hpp"

namespace cormorant::driver {

class Cursor {
  public:
    virtual ~Cursor() = default;
    virtual const std::vector<std::string>& column_names() const = 0;
    // Appends up to max_rows rows to `out` (reset to column_names().size()
    // columns first if it is empty with another width); returns how many were
    // appended, 0 once the result is exhausted. Byte cells may borrow the
    // cursor's memory: read them while the cursor lives, or make_owned().
    virtual std::size_t fetch(result::RowBatch& out, std::size_t max_rows) = 0;
    // Rows changed by INSERT/UPDATE/DELETE; -1 for a SELECT.
    virtual std::int64_t rowcount() const = 0;
    virtual std::int64_t last_insert_id() const = 0;
};

// How many rows `params` holds at `params_per_row` each; Error(Programming)
// naming `sql` when they do not split evenly.
std::size_t param_rows(std::span<const Param> params, std::size_t params_per_row,
                       std::string_view sql);

class Connection {
  public:
    virtual ~Connection() = default;
    // Runs the first step now, so DML happens and errors throw here.
    virtual std::unique_ptr<Cursor> execute(std::string_view sql,
                                            std::span<const Param> params) = 0;
    // Like execute(), but a query's rows are read from the server as fetch()
    // asks for them, so memory stays flat however many rows there are; errors
    // may then surface from fetch(). Until such a cursor has read its last row
    // or is destroyed, its connection is busy with it: another statement on
    // the connection first has the cursor read the rest of its rows into
    // memory (both stay correct), and destroying it early discards the rest.
    // Destroy it before the connection is checked in or closed. The default
    // is execute(), whose cursor already reads rows as it steps (SQLite).
    virtual std::unique_ptr<Cursor> execute_streaming(std::string_view sql,
                                                      std::span<const Param> params) {
        return execute(sql, params);
    }
    // One prepared statement, bind/step/reset per row of params_per_row
    // parameters; returns the total rowcount.
    virtual std::int64_t execute_many(std::string_view sql, std::span<const Param> params,
                                      std::size_t params_per_row) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual bool in_transaction() const = 0;
    // Cheap liveness check: false when the connection is dead. Never throws.
    virtual bool ping() = 0;
    // Idempotent.
    virtual void close() = 0;
    virtual bool closed() const = 0;
    virtual std::string_view dialect() const = 0;
    // The event loop's scheduler this connection waits through; nullptr when
    // it blocks its thread (driver/scheduler.hpp).
    virtual Scheduler* scheduler() const { return nullptr; }
};

}  // namespace cormorant::driver
