// pybind11 declarations for hydration plans and the fetch loops.
#include "bind_result.hpp"

#include <pybind11/stl.h>

#include "hydrate.hpp"

namespace py = pybind11;

namespace cormorant::bindings {

void register_result(py::module_& m) {
    py::class_<EntityPlan>(m, "EntityPlan")
        .def(py::init<py::object, py::object, py::list, std::vector<std::size_t>,
                      std::vector<std::size_t>, py::list, py::object>(),
             py::arg("cls"), py::arg("identity_class"), py::arg("attributes"), py::arg("columns"),
             py::arg("primary_key"), py::arg("eager") = py::list(),
             py::arg("polymorphic") = py::none());
    py::class_<ResultPlan>(m, "ResultPlan")
        .def(py::init<py::list, py::list, py::object>(), py::arg("converters"), py::arg("outputs"),
             py::arg("keys"));
    m.def("fetch_all", &fetch_all, py::arg("cursor"), py::arg("plan"), py::arg("identity_map"),
          py::arg("session"), py::arg("populate_existing") = false);
    m.def("fetch_many", &fetch_many, py::arg("cursor"), py::arg("plan"), py::arg("max_rows"),
          py::arg("identity_map"), py::arg("session"), py::arg("populate_existing") = false);
    m.def("fill_collections", &fill_collections, py::arg("rows"), py::arg("key_width"),
          py::arg("parents"), py::arg("attribute"), py::arg("make_collection"));
}

}  // namespace cormorant::bindings
