// SQLSTATE → ErrorKind, in one place, and the translation of libpqxx
// exceptions into cormorant::Error (with the statement and connection state).
#pragma once

#include <string_view>

#include "cormorant/error.hpp"

namespace cormorant::driver::postgres {

// The category of a five-character SQLSTATE, as psycopg classifies it.
ErrorKind error_kind_for(std::string_view sqlstate) noexcept;

// Whether a SQLSTATE means the server has ended the session (class 08,
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
bool ends_connection(std::string_view sqlstate) noexcept;

// Rethrows the exception being handled as cormorant::Error. Call only from a
// catch block. `connection_open` is whether libpq still has a live session.
[[noreturn]] void rethrow_as_error(std::string_view sql, bool connection_open);

}  // namespace cormorant::driver::postgres
