// Names of driver value types, used in error messages.
#include "cormorant/driver/value.hpp"

namespace cormorant::driver {

std::string_view type_name(ValueType type) noexcept {
    switch (type) {
        case ValueType::Null: return "null";
        case ValueType::Integer: return "integer";
        case ValueType::Real: return "real";
        case ValueType::Text: return "text";
        case ValueType::Blob: return "blob";
    }
    return "unknown";
}

}  // namespace cormorant::driver
