// Registration of the connection-side types: connectors, pools, leases, cursors.
#pragma once

#include <pybind11/pybind11.h>

namespace cormorant::bindings {

void register_driver(pybind11::module_& m);

}  // namespace cormorant::bindings
