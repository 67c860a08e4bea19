// Registration of the result-loading API: hydration plans (EntityPlan,
// ResultPlan) and the fetch loops that run them (hydrate.hpp).
#pragma once

#include <pybind11/pybind11.h>

namespace cormorant::bindings {

void register_result(pybind11::module_& m);

}  // namespace cormorant::bindings
