// The _native module entry point: it only calls each area's register function.
#include <pybind11/pybind11.h>

#include "bind_constants.hpp"
#include "bind_driver.hpp"
#include "bind_result.hpp"
#include "bind_sql.hpp"
#include "errors.hpp"
#include "row.hpp"
#include "state.hpp"

PYBIND11_MODULE(_native, m) {
    m.doc() = "cormorant's private native layer; the public API lives in the cormorant package.";
    cormorant::bindings::register_constants(m);
    cormorant::bindings::register_errors(m);
    cormorant::bindings::register_row(m);
    cormorant::bindings::register_state(m);
    cormorant::bindings::register_driver(m);
    cormorant::bindings::register_result(m);
    register_sql(m);
}
