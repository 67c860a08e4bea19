// Names of driver value types, used in error messages.
#include "cormorant/driver/value.hpp"

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
    }
    return "unknown";
}

}  // namespace cormorant::driver
