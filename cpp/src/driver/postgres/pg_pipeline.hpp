// executemany in libpq's pipeline mode: the parameter rows go to the server in
// batches without waiting for each answer, so N rows cost N / batch round
// trips instead of N.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "cormorant/driver/scheduler.hpp"
#include "cormorant/driver/value.hpp"
#include "pg_params.hpp"

namespace cormorant::driver::postgres {

// Runs `sql` once per row of `params_per_row` parameters, as one unnamed
// prepared statement; returns the total rowcount. A statement error throws
// Error (with its SQLSTATE) after the rows sent before it were answered, as
// does a lost connection. Either way the connection has left pipeline mode.
std::int64_t run_pipelined(PGconn* conn, Scheduler* scheduler, std::string_view sql,
                           std::span<const Param> params, std::size_t params_per_row,
                           TextParams& text);

}  // namespace cormorant::driver::postgres
