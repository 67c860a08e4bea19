// Maps SQLite result codes to cormorant ErrorKinds (as pysqlite does) and
// throws cormorant::Error carrying the code, message and statement.
#pragma once

#include <string_view>

#include "cormorant/error.hpp"

struct sqlite3;

namespace cormorant::driver::sqlite {

ErrorKind error_kind_for(int result_code) noexcept;

// Throws Error(kind, sqlite3_errmsg(db) or sqlite3_errstr(rc)) with native_code
// = rc and the statement set (when non-empty).
[[noreturn]] void throw_error(sqlite3* db, int result_code, std::string_view sql);

// The error for any use of a closed connection.
[[noreturn]] void throw_closed(std::string_view sql = {});

}  // namespace cormorant::driver::sqlite
