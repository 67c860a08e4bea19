// Running a statement on a checked-out connection: Python parameters are
// converted in one pass with the GIL held, then the engine call runs with the
// GIL released, on the connection claimed for this thread (another thread's
// concurrent call raises InvalidRequestError instead of sharing the wire).
#pragma once

#include <pybind11/pybind11.h>

#include <cormorant/driver/connection.hpp>
#include <cormorant/pool/pool.hpp>
#include <memory>
#include <string>

namespace cormorant::bindings {

using Lease = std::shared_ptr<pool::PooledConnection>;

// A live cursor; it keeps its connection lease alive.
struct CursorHandle {
    std::unique_ptr<driver::Cursor> cursor;
    Lease lease;

    CursorHandle() = default;
    CursorHandle(const CursorHandle&) = delete;
    CursorHandle& operator=(const CursorHandle&) = delete;
    ~CursorHandle();

    driver::Cursor& get();  // throws Error(Interface) once closed
    // Destroys the cursor on the connection's turn, without the GIL: a
    // streaming cursor reads (or cancels) the rest of its rows off the wire.
    void close();
};

// `params` is a sequence of values in placeholder order.
std::shared_ptr<CursorHandle> execute(const Lease& lease, const std::string& sql,
                                      pybind11::handle params);
// The same, with the rows read off the wire as they are fetched
// (driver::Connection::execute_streaming).
std::shared_ptr<CursorHandle> execute_streaming(const Lease& lease, const std::string& sql,
                                                pybind11::handle params);
// `rows` is a sequence of dicts, each read in `keys` order; returns the total rowcount.
std::int64_t execute_many(const Lease& lease, const std::string& sql, pybind11::handle keys,
                          pybind11::handle rows);

// Transaction control and liveness on a lease, each a claimed engine call.
void begin(const Lease& lease);
void commit(const Lease& lease);
void rollback(const Lease& lease);
bool ping(const Lease& lease);

}  // namespace cormorant::bindings
