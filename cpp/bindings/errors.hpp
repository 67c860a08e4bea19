// Engine errors crossing into Python: one exception class, _native.Error,
// carrying the engine's category, SQLSTATE/code, statement and liveness.
// cormorant/engine/errors.py maps it onto cormorant.exc in one place.
#pragma once

#include <pybind11/pybind11.h>

#include "cormorant/error.hpp"

namespace cormorant::bindings {

void register_errors(pybind11::module_& m);

// The `kind` string a raised _native.Error carries for each engine ErrorKind.
const char* kind_name(cormorant::ErrorKind kind);

}  // namespace cormorant::bindings
