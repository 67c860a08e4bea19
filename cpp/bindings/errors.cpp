// Translates cormorant::Error into _native.Error with its attributes set.
#include "errors.hpp"

#include <cormorant/error.hpp>

#include "interrupt.hpp"

namespace py = pybind11;

namespace cormorant::bindings {

const char* kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Interface:
            return "interface";
        case ErrorKind::Operational:
            return "operational";
        case ErrorKind::Integrity:
            return "integrity";
        case ErrorKind::Programming:
            return "programming";
        case ErrorKind::Data:
            return "data";
        case ErrorKind::NotSupported:
            return "not_supported";
        case ErrorKind::Internal:
            return "internal";
        case ErrorKind::PoolTimeout:
            return "pool_timeout";
        case ErrorKind::InvalidRequest:
            return "invalid_request";
        case ErrorKind::Database:
            return "database";
    }
    return "internal";
}

namespace {

PyObject* error_class = nullptr;

py::object optional_str(const std::string& s) {
    return s.empty() ? py::object(py::none()) : py::object(py::str(s));
}

void raise_engine_error(const Error& e) {
    py::object exc =
        py::reinterpret_steal<py::object>(PyObject_CallFunction(error_class, "s", e.what()));
    if (!exc) return;  // the call set a Python error already
    exc.attr("kind") = kind_name(e.kind());
    exc.attr("sqlstate") = optional_str(e.sqlstate());
    exc.attr("code") = e.native_code();
    exc.attr("statement") = optional_str(e.statement());
    exc.attr("connection_dead") = e.connection_dead();
    PyErr_SetObject(error_class, exc.ptr());
}

}  // namespace

void register_errors(py::module_& m) {
    error_class = PyErr_NewExceptionWithDoc("cormorant._native.Error",
                                            "An error raised by the cormorant engine.",
                                            PyExc_Exception, nullptr);
    m.attr("Error") = py::handle(error_class);
    register_interrupts();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            // A statement cancelled by Ctrl-C ends with the KeyboardInterrupt.
            if (!restore_interrupt()) raise_engine_error(e);
        }
    });
}

}  // namespace cormorant::bindings
