// Column types (schema::Type) and their spelling per dialect, used by DDL, CAST
// and PostgreSQL's typed bind placeholders ($n::TYPE).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cormorant/sql/dialect.hpp"

namespace cormorant::schema {

enum class TypeKind : std::uint8_t {
    Integer,
    BigInteger,
    SmallInteger,
    String,
    Text,
    Boolean,
    Float,
    Numeric,
    Date,
    DateTime,
    Time,
    Binary,
    Json,
    Jsonb,
    Uuid,
    Enum,
    Custom,    // spec: the SQL spelling a user-defined type gives (get_col_spec())
    Interval,  // PostgreSQL INTERVAL
    Inet,      // PostgreSQL INET
    Cidr,      // PostgreSQL CIDR
    TsVector,  // PostgreSQL TSVECTOR
    Array,     // PostgreSQL ARRAY: element[0] is the item type
};

struct Type {
    TypeKind kind = TypeKind::Integer;
    std::optional<std::int64_t> length;     // String; Binary (kept, never rendered)
    std::optional<std::int64_t> precision;  // Numeric
    std::optional<std::int64_t> scale;      // Numeric
    bool timezone = false;                  // DateTime
    std::vector<std::string> enum_values;   // Enum
    std::string enum_name;                  // Enum: the native type's name on PostgreSQL
    std::string spec;                       // Custom
    std::vector<Type> element;              // Array: one item, the element type

    bool is_integer() const noexcept {
        return kind == TypeKind::Integer || kind == TypeKind::BigInteger ||
               kind == TypeKind::SmallInteger;
    }
};

// Convenience constructors: schema::types::string(50), types::numeric(10, 2), ...
namespace types {
inline Type of(TypeKind k) {
    Type t;
    t.kind = k;
    return t;
}
inline Type integer() { return of(TypeKind::Integer); }
inline Type big_integer() { return of(TypeKind::BigInteger); }
inline Type small_integer() { return of(TypeKind::SmallInteger); }
inline Type string(std::optional<std::int64_t> length = std::nullopt) {
    Type t = of(TypeKind::String);
    t.length = length;
    return t;
}
inline Type text() { return of(TypeKind::Text); }
inline Type boolean() { return of(TypeKind::Boolean); }
inline Type float_() { return of(TypeKind::Float); }
inline Type numeric(std::optional<std::int64_t> p = std::nullopt,
                    std::optional<std::int64_t> s = std::nullopt) {
    Type t = of(TypeKind::Numeric);
    t.precision = p;
    t.scale = s;
    return t;
}
inline Type date() { return of(TypeKind::Date); }
inline Type datetime(bool timezone = false) {
    Type t = of(TypeKind::DateTime);
    t.timezone = timezone;
    return t;
}
inline Type time() { return of(TypeKind::Time); }
inline Type binary(std::optional<std::int64_t> length = std::nullopt) {
    Type t = of(TypeKind::Binary);
    t.length = length;
    return t;
}
inline Type json() { return of(TypeKind::Json); }
inline Type jsonb() { return of(TypeKind::Jsonb); }
inline Type uuid() { return of(TypeKind::Uuid); }
// With a name, PostgreSQL uses the native type of that name (CREATE TYPE ... AS
// ENUM); without one, and on SQLite, a VARCHAR wide enough for the values.
inline Type enum_(std::vector<std::string> values, std::string name = {}) {
    Type t = of(TypeKind::Enum);
    t.enum_values = std::move(values);
    t.enum_name = std::move(name);
    return t;
}
inline Type custom(std::string spec) {
    Type t = of(TypeKind::Custom);
    t.spec = std::move(spec);
    return t;
}
inline Type array(Type item) {
    Type t = of(TypeKind::Array);
    t.element.push_back(std::move(item));
    return t;
}
}  // namespace types

// The type's DDL spelling, e.g. VARCHAR(50), NUMERIC(10, 2), TIMESTAMP WITH TIME ZONE.
std::string render_type(const Type& type, sql::Dialect dialect);

// The PostgreSQL name a typed bind is cast to ($n::TYPE): the base type without
// length, precision or scale, e.g. VARCHAR, NUMERIC, TIMESTAMP WITH TIME ZONE
// (the DDL name of the bare type).
std::string bind_cast_type(const Type& type);

}  // namespace cormorant::schema
