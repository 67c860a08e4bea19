// The SQL dialects the compiler targets, and their names as the Python layer
// spells them ("sqlite", "postgresql").
#pragma once

#include <string_view>

namespace cormorant::sql {

enum class Dialect { SQLite, PostgreSQL };

// "sqlite" / "postgresql"; throws cormorant::Error (Interface) naming an unknown name.
Dialect parse_dialect(std::string_view name);
std::string_view dialect_name(Dialect d) noexcept;

}  // namespace cormorant::sql
