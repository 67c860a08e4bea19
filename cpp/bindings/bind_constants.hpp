// The constants Python shares with the engine: instance state codes and the
// state attribute's name, result converter codes, and error kinds.
#pragma once

#include <pybind11/pybind11.h>

namespace cormorant::bindings {

void register_constants(pybind11::module_& m);

}  // namespace cormorant::bindings
