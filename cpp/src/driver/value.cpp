// Names of driver value types (for error messages), and the parameter-row
// arithmetic every driver's execute_many shares.
#include "cormorant/driver/value.hpp"

#include <string>

#include "cormorant/driver/connection.hpp"
#include "cormorant/error.hpp"

namespace cormorant::driver {

std::string_view type_name(ValueType type) noexcept {
    switch (type) {
        case ValueType::Null:
            return "null";
        case ValueType::Integer:
            return "integer";
        case ValueType::Real:
            return "real";
        case ValueType::Text:
            return "text";
        case ValueType::Blob:
            return "blob";
        case ValueType::Boolean:
            return "boolean";
        case ValueType::Decimal:
            return "decimal";
        case ValueType::Date:
            return "date";
        case ValueType::Time:
            return "time";
        case ValueType::DateTime:
            return "datetime";
        case ValueType::DateTimeTz:
            return "datetime with time zone";
        case ValueType::Uuid:
            return "uuid";
        case ValueType::Json:
            return "json";
        case ValueType::Interval:
            return "interval";
    }
    return "unknown";
}

std::size_t param_rows(std::span<const Param> params, std::size_t params_per_row,
                       std::string_view sql) {
    if (params_per_row == 0 ? params.empty() : params.size() % params_per_row == 0)
        return params_per_row == 0 ? 0 : params.size() / params_per_row;
    Error err(ErrorKind::Programming, std::to_string(params.size()) +
                                          " parameters do not split into rows of " +
                                          std::to_string(params_per_row));
    err.set_statement(std::string(sql));
    throw err;
}

}  // namespace cormorant::driver
