// A value crossing a driver boundary: the value types and the bound-parameter
// record. Parameters use the first six types; result cells may use them all,
// so a driver can decode a column straight into the type Python will get.
#pragma once

#include <cstdint>
#include <string_view>

namespace cormorant::driver {

enum class ValueType : std::uint8_t {
    Null,
    Integer,
    Real,
    Text,
    Blob,
    Boolean,     // integer 0 or 1
    Decimal,     // bytes: the exact decimal text, e.g. "-12.50" or "NaN"
    Date,        // integer: days since 1970-01-01 (proleptic Gregorian)
    Time,        // integer: microseconds since midnight
    DateTime,    // integer: microseconds since 1970-01-01 00:00, no time zone
    DateTimeTz,  // integer: microseconds since the Unix epoch, in UTC
    Uuid,        // bytes: canonical 36-character text
    Json,        // bytes: JSON text
    Interval,    // integer: microseconds (PostgreSQL interval; a month is 30 days, a year 365)
};

// Whether cells of this type keep their value as bytes (Text, Blob, Decimal,
// Uuid, Json) rather than in the integer/real slot.
constexpr bool stores_bytes(ValueType type) noexcept {
    return type == ValueType::Text || type == ValueType::Blob || type == ValueType::Decimal ||
           type == ValueType::Uuid || type == ValueType::Json;
}

// Lower-case name of a value type ("null", "integer", ...) for messages.
std::string_view type_name(ValueType type) noexcept;

// A bound parameter. Text/Blob bytes are borrowed: the caller keeps them alive
// for the duration of the execute()/execute_many() call.
struct Param {
    ValueType type = ValueType::Null;
    std::int64_t integer = 0;
    double real = 0;
    std::string_view bytes;

    static Param null() { return {}; }
    static Param from_integer(std::int64_t v) {
        Param p;
        p.type = ValueType::Integer;
        p.integer = v;
        return p;
    }
    static Param from_bool(bool v) {
        Param p;
        p.type = ValueType::Boolean;
        p.integer = v ? 1 : 0;
        return p;
    }
    static Param from_real(double v) {
        Param p;
        p.type = ValueType::Real;
        p.real = v;
        return p;
    }
    static Param text(std::string_view v) {
        Param p;
        p.type = ValueType::Text;
        p.bytes = v;
        return p;
    }
    static Param blob(std::string_view v) {
        Param p;
        p.type = ValueType::Blob;
        p.bytes = v;
        return p;
    }
};

}  // namespace cormorant::driver
