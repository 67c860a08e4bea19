// A value crossing into a driver: the storage types every backend shares and
// the bound-parameter record. Text/Blob bytes are borrowed from the caller.
#pragma once

#include <cstdint>
#include <string_view>

namespace cormorant::driver {

enum class ValueType : std::uint8_t { Null, Integer, Real, Text, Blob };

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
