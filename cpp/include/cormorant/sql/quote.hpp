// Identifier quoting shared by both dialects: an identifier is double-quoted
// only when it must be (reserved word, uppercase, unusual characters).
#pragma once

#include <string>
#include <string_view>

namespace cormorant::sql {

// True for words reserved by SQLite or PostgreSQL (lowercase spelling).
bool is_reserved_word(std::string_view word) noexcept;
bool needs_quoting(std::string_view ident) noexcept;
// `ident` as-is, or "ident" with embedded quotes doubled.
std::string quote_identifier(std::string_view ident);
void append_identifier(std::string& out, std::string_view ident);
// 'text' with embedded single quotes doubled.
std::string quote_string(std::string_view text);

}  // namespace cormorant::sql
