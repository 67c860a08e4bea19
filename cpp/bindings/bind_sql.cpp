// Python bindings of the SQL layer: the tuple form -> sql::Datum conversion,
// _native.compile(datum, dialect), _native.render_type(...) and _native.sort_tables(...).
#include "bind_sql.hpp"

#include <pybind11/stl.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cormorant/schema/sort_tables.hpp"
#include "cormorant/schema/type.hpp"
#include "cormorant/sql/compiler.hpp"
#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/datum_form.hpp"
#include "cormorant/sql/decode.hpp"
#include "cormorant/sql/quote.hpp"
#include "cormorant/sql/values_template.hpp"

namespace py = pybind11;

namespace cormorant::bindings {
namespace {

sql::Datum int_datum(py::handle h) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    if (overflow)
        throw py::value_error("integer " + std::string(py::repr(h)) + " does not fit in 64 bits");
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return sql::Datum(static_cast<std::int64_t>(v));
}

// None / bool / int / float / str / tuple / list, recursively. bool is tested
// before int because Python's bool is an int subclass.
sql::Datum to_datum(py::handle h) {
    if (h.is_none()) return {};
    if (py::isinstance<py::bool_>(h)) return sql::Datum(h.ptr() == Py_True);
    if (py::isinstance<py::int_>(h)) return int_datum(h);
    if (py::isinstance<py::float_>(h)) return sql::Datum(h.cast<double>());
    if (py::isinstance<py::str>(h)) return sql::Datum(h.cast<std::string>());
    if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
        sql::Datum::List items;
        items.reserve(py::len(h));
        for (py::handle item : h) items.push_back(to_datum(item));
        return sql::Datum(std::move(items));
    }
    throw py::type_error("cannot compile a " +
                         std::string(py::str(py::type::handle_of(h).attr("__name__"))) +
                         " value inside a statement: " + std::string(py::repr(h)));
}

sql::Dialect dialect_from(const std::string& name) {
    if (name == "sqlite") return sql::Dialect::SQLite;
    if (name == "postgresql") return sql::Dialect::PostgreSQL;
    throw py::value_error("unknown dialect '" + name + "' (expected 'sqlite' or 'postgresql')");
}

py::tuple compile(py::handle datum, const std::string& dialect) {
    sql::Dialect d = dialect_from(dialect);
    sql::Compiled c = sql::compile(*sql::decode(to_datum(datum)), d);
    py::object many_values = py::none();
    if (c.many_values) many_values = py::cast(std::move(*c.many_values));
    return py::make_tuple(std::move(c.sql), std::move(c.param_keys), std::string(c.kind),
                          c.locks_rows, c.reads_only, std::move(many_values));
}

sql::Placeholder placeholder_from(const std::string& style) {
    if (style == "named") return sql::Placeholder::Named;
    if (style == "pyformat") return sql::Placeholder::Pyformat;
    if (style == "qmark") return sql::Placeholder::Qmark;
    if (style == "native") return sql::Placeholder::Native;
    throw py::value_error("unknown placeholder style '" + style +
                          "' (expected 'named', 'pyformat', 'qmark' or 'native')");
}

py::tuple render(py::handle datum, const std::string& dialect, const std::string& placeholder,
                 std::unordered_map<std::string, std::string> literals) {
    sql::RenderOptions options{placeholder_from(placeholder), std::move(literals)};
    sql::Compiled c = sql::render(*sql::decode(to_datum(datum)), dialect_from(dialect), options);
    return py::make_tuple(std::move(c.sql), std::move(c.param_keys));
}

std::string render_type(py::handle type_datum, const std::string& dialect) {
    return schema::render_type(sql::decode_type(to_datum(type_datum)), dialect_from(dialect));
}

py::list forms() {
    py::list out;
    for (const auto& f : sql::datum_forms()) {
        py::list slots;
        for (auto slot : f.slots) slots.append(py::str(slot.data(), slot.size()));
        out.append(py::make_tuple(py::str(f.role.data(), f.role.size()),
                                  py::str(f.tag.data(), f.tag.size()), py::tuple(slots), f.optional,
                                  f.repeats));
    }
    return out;
}

}  // namespace

void register_sql(py::module_& m) {
    py::class_<sql::ValuesTemplate>(m, "ValuesTemplate",
                                    "A one-row INSERT that can be written for many rows.")
        .def("render", &sql::ValuesTemplate::render, py::arg("rows"),
             "The INSERT with `rows` VALUES groups, placeholders numbered row after row.")
        .def_property_readonly("binds", &sql::ValuesTemplate::binds);
    m.def("compile", &compile, py::arg("datum"), py::arg("dialect"),
          "Compile a statement in tuple form; returns (sql, param_keys, kind, locks_rows, "
          "reads_only, many_values), many_values a ValuesTemplate or None.");
    m.def("render", &render, py::arg("datum"), py::arg("dialect"), py::arg("placeholder"),
          py::arg("literals"),
          "Render a statement in tuple form for reading (SQLAlchemy's line breaks, the given "
          "placeholder style, `literals` binds inline); returns (sql, param_keys).");
    m.def("reads_only", &sql::starts_with_select, py::arg("sql"),
          "Whether SQL text begins with SELECT (SQLite may then defer BEGIN).");
    m.def("datum_forms", &forms,
          "Every statement tuple form the engine reads: (role, tag, slot names, optional "
          "trailing slots, last slot repeats).");
    m.def("sort_tables", &schema::sort_tables, py::arg("tables"),
          "Order [(table, [referenced tables])] so referenced tables come first.");
    m.def("render_type", &render_type, py::arg("type"), py::arg("dialect"),
          "The DDL spelling of a type in tuple form, e.g. VARCHAR(20).");
    m.def("quote_identifier", &sql::quote_identifier, py::arg("name"),
          "An identifier as SQL writes it: quoted when it is reserved, mixed-case or unusual.");
}

}  // namespace cormorant::bindings
