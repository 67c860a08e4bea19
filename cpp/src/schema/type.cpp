// Type spelling per dialect.
#include "cormorant/schema/type.hpp"

#include <algorithm>

#include "cormorant/sql/quote.hpp"

namespace cormorant::schema {
namespace {

std::string with_length(const char* base, std::optional<std::int64_t> n) {
    return n ? std::string(base) + "(" + std::to_string(*n) + ")" : std::string(base);
}

std::string numeric(const Type& t) {
    if (!t.precision) return "NUMERIC";
    std::string out = "NUMERIC(" + std::to_string(*t.precision);
    if (t.scale) out += ", " + std::to_string(*t.scale);
    return out + ")";
}

// Non-native enum: VARCHAR wide enough for the longest value (plain VARCHAR when
// there are no non-empty values: PostgreSQL rejects VARCHAR(0)).
std::string enum_varchar(const Type& t) {
    std::size_t longest = 0;
    for (const auto& v : t.enum_values) longest = std::max(longest, v.size());
    return longest ? "VARCHAR(" + std::to_string(longest) + ")" : std::string("VARCHAR");
}

}  // namespace

std::string render_type(const Type& t, sql::Dialect dialect) {
    bool pg = dialect == sql::Dialect::PostgreSQL;
    switch (t.kind) {
        case TypeKind::Integer:
            return "INTEGER";
        case TypeKind::BigInteger:
            return "BIGINT";
        case TypeKind::SmallInteger:
            return "SMALLINT";
        case TypeKind::String:
            return with_length("VARCHAR", t.length);
        case TypeKind::Text:
            return "TEXT";
        case TypeKind::Boolean:
            return "BOOLEAN";
        case TypeKind::Float:
            return "FLOAT";
        case TypeKind::Numeric:
            return numeric(t);
        case TypeKind::Date:
            return "DATE";
        case TypeKind::DateTime:
            if (!pg) return "DATETIME";
            return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
        case TypeKind::Time:
            return "TIME";
        case TypeKind::Binary:
            return pg ? "BYTEA" : "BLOB";
        case TypeKind::Json:
            return "JSON";
        case TypeKind::Jsonb:
            return pg ? "JSONB" : "JSON";
        case TypeKind::Uuid:
            return pg ? "UUID" : "CHAR(32)";
        case TypeKind::Enum:
            if (pg && !t.enum_name.empty()) return sql::quote_identifier(t.enum_name);
            return enum_varchar(t);
        case TypeKind::Custom:
            return t.spec;
        case TypeKind::Interval:
            return "INTERVAL";
        case TypeKind::Inet:
            return "INET";
        case TypeKind::Cidr:
            return "CIDR";
        case TypeKind::TsVector:
            return "TSVECTOR";
        case TypeKind::Array:
            return (t.element.empty() ? std::string("TEXT") : render_type(t.element[0], dialect)) +
                   "[]";
    }
    return "?";
}

std::string bind_cast_type(const Type& t) {
    Type bare;  // the same type without length, precision, scale or enum values
    bare.kind = t.kind;
    bare.timezone = t.timezone;
    bare.enum_name = t.enum_name;
    bare.spec = t.spec;
    if (!t.element.empty()) bare.element.push_back(t.element[0]);
    return render_type(bare, sql::Dialect::PostgreSQL);
}

}  // namespace cormorant::schema
