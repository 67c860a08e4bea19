// SQLSTATE → ErrorKind, in one place, and the cormorant::Error for a failed
// libpq command or a lost connection, carrying the server's own message.
#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "cormorant/error.hpp"

namespace cormorant::driver::postgres {

// The category of a five-character SQLSTATE, as psycopg classifies it.
ErrorKind error_kind_for(std::string_view sqlstate) noexcept;

// Whether a SQLSTATE means the server has ended the session (class 08,
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
bool ends_connection(std::string_view sqlstate) noexcept;

// The error a failed command's `result` reports (its SQLSTATE and message),
// or, when there is no result, libpq's message for `conn`. The error says the
// connection is dead when libpq has lost it or the SQLSTATE ends the session.
Error command_error(PGconn* conn, const PGresult* result, std::string_view sql);

}  // namespace cormorant::driver::postgres
