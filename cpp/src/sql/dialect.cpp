// Dialect names as the Python layer spells them.
#include "cormorant/sql/dialect.hpp"

#include <string>

#include "cormorant/error.hpp"

namespace cormorant::sql {

Dialect parse_dialect(std::string_view name) {
    if (name == "sqlite") return Dialect::SQLite;
    if (name == "postgresql") return Dialect::PostgreSQL;
    throw Error(ErrorKind::Interface,
                "unknown dialect '" + std::string(name) + "' (expected 'sqlite' or 'postgresql')");
}

std::string_view dialect_name(Dialect d) noexcept {
    return d == Dialect::SQLite ? "sqlite" : "postgresql";
}

}  // namespace cormorant::sql
