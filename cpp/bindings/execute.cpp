// Parameter conversion and GIL handling around statement execution.
#include "execute.hpp"

#include <cormorant/error.hpp>
#include <optional>
#include <type_traits>

#include "interrupt.hpp"
#include "values.hpp"

namespace py = pybind11;

namespace cormorant::bindings {
namespace {

void append_or_throw(ParamBuffer& buffer, PyObject* value) {
    if (!buffer.append(value)) throw py::error_already_set();
}

PyObject* required_value(PyObject* row, PyObject* key, Py_ssize_t row_number) {
    if (!PyDict_Check(row)) {
        PyErr_Format(PyExc_TypeError, "executemany parameter set %zd is a %.200s, not a dict",
                     row_number, Py_TYPE(row)->tp_name);
        throw py::error_already_set();
    }
    PyObject* value = PyDict_GetItemWithError(row, key);
    if (!value && !PyErr_Occurred())
        PyErr_Format(PyExc_KeyError,
                     "A value is required for bind parameter %R, in parameter set %zd", key,
                     row_number);
    if (!value) throw py::error_already_set();
    return value;
}

bool keeps_offsets(const Lease& lease) { return lease->connection().dialect() == "postgresql"; }

// Runs `call(connection)` on the lease's connection, claimed for this
// thread, with the GIL released while it waits for its turn and runs. A call
// that a signal handler's exception interrupted raises that exception even
// when the call itself succeeded.
template <class Call>
auto on_connection(const Lease& lease, Call call) {
    const pool::ConnectionClaim claim = lease->claim();
    driver::Connection& connection = lease->connection();
    auto run = [&] {
        py::gil_scoped_release released;
        const pool::ConnectionTurn turn = lease->take_turn();
        return call(connection);
    };
    if constexpr (std::is_void_v<decltype(call(connection))>) {
        run();
        if (restore_interrupt()) throw py::error_already_set();
    } else {
        auto result = run();
        if (restore_interrupt()) throw py::error_already_set();
        return result;
    }
}

// Destroys `cursor` on its connection's turn, with the GIL released when
// this thread holds it.
void destroy(std::unique_ptr<driver::Cursor> cursor, const Lease& lease) {
    if (!cursor) return;
    std::optional<py::gil_scoped_release> released;
    if (PyGILState_Check()) released.emplace();
    const pool::ConnectionTurn turn = lease ? lease->take_turn() : pool::ConnectionTurn();
    cursor.reset();
}

std::shared_ptr<CursorHandle> run_execute(const Lease& lease, const std::string& sql,
                                          py::handle params, bool streaming) {
    ParamBuffer buffer(keeps_offsets(lease));
    py::object seq = py::reinterpret_steal<py::object>(
        PySequence_Fast(params.ptr(), "statement parameters must be a sequence"));
    if (!seq) throw py::error_already_set();
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    buffer.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i)
        append_or_throw(buffer, PySequence_Fast_GET_ITEM(seq.ptr(), i));

    auto handle = std::make_shared<CursorHandle>();
    handle->lease = lease;
    handle->cursor = on_connection(lease, [&](driver::Connection& c) {
        return streaming ? c.execute_streaming(sql, buffer.params())
                         : c.execute(sql, buffer.params());
    });
    return handle;
}

}  // namespace

CursorHandle::~CursorHandle() { destroy(std::move(cursor), lease); }

driver::Cursor& CursorHandle::get() {
    if (!cursor) throw Error(ErrorKind::Interface, "this result's cursor is already closed");
    return *cursor;
}

void CursorHandle::close() {
    destroy(std::move(cursor), lease);
    if (restore_interrupt()) throw py::error_already_set();
}

std::shared_ptr<CursorHandle> execute(const Lease& lease, const std::string& sql,
                                      py::handle params) {
    return run_execute(lease, sql, params, false);
}

std::shared_ptr<CursorHandle> execute_streaming(const Lease& lease, const std::string& sql,
                                                py::handle params) {
    return run_execute(lease, sql, params, true);
}

std::int64_t execute_many(const Lease& lease, const std::string& sql, py::handle keys,
                          py::handle rows) {
    py::object key_seq = py::reinterpret_steal<py::object>(
        PySequence_Fast(keys.ptr(), "parameter keys must be a sequence"));
    py::object row_seq = py::reinterpret_steal<py::object>(
        PySequence_Fast(rows.ptr(), "executemany parameters must be a sequence"));
    if (!key_seq || !row_seq) throw py::error_already_set();
    Py_ssize_t nkeys = PySequence_Fast_GET_SIZE(key_seq.ptr());
    Py_ssize_t nrows = PySequence_Fast_GET_SIZE(row_seq.ptr());

    ParamBuffer buffer(keeps_offsets(lease));
    buffer.reserve(static_cast<std::size_t>(nkeys * nrows));
    for (Py_ssize_t r = 0; r < nrows; ++r) {
        PyObject* row = PySequence_Fast_GET_ITEM(row_seq.ptr(), r);
        for (Py_ssize_t k = 0; k < nkeys; ++k)
            append_or_throw(buffer,
                            required_value(row, PySequence_Fast_GET_ITEM(key_seq.ptr(), k), r));
    }
    return on_connection(lease, [&](driver::Connection& c) {
        return c.execute_many(sql, buffer.params(), static_cast<std::size_t>(nkeys));
    });
}

void begin(const Lease& lease) {
    on_connection(lease, [](driver::Connection& c) { c.begin(); });
}

void commit(const Lease& lease) {
    on_connection(lease, [](driver::Connection& c) { c.commit(); });
}

void rollback(const Lease& lease) {
    on_connection(lease, [](driver::Connection& c) { c.rollback(); });
}

bool ping(const Lease& lease) {
    return on_connection(lease, [](driver::Connection& c) { return c.ping(); });
}

}  // namespace cormorant::bindings
