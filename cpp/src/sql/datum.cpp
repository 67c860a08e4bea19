// Datum descriptions for error messages.
#include "cormorant/sql/datum.hpp"

namespace cormorant::sql {

std::string Datum::describe() const {
    if (is_null()) return "None";
    if (is_bool()) return as_bool() ? "True" : "False";
    if (is_int()) return std::to_string(as_int());
    if (is_double()) return std::to_string(as_double());
    if (is_string()) return "'" + as_string() + "'";
    const List& items = as_list();
    if (items.empty()) return "()";
    std::string head = items.front().is_string() ? items.front().describe() : "...";
    return "(" + head + (items.size() > 1 ? ", ...)" : ",)");
}

}  // namespace cormorant::sql
