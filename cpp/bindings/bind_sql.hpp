// Registration of the SQL compiler entry points (compile, sort_tables).
#pragma once

#include <pybind11/pybind11.h>

namespace cormorant::bindings {

void register_sql(pybind11::module_& m);

}  // namespace cormorant::bindings

using cormorant::bindings::register_sql;
