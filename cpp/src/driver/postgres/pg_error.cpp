// PostgreSQL error classification, and the Error for a failed libpq command.
#include "pg_error.hpp"

#include <string>

namespace cormorant::driver::postgres {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// libpq prefixes messages with the severity ("ERROR:  ") and ends them with a
// newline; the severity is noise in an exception message.
std::string clean_message(std::string_view text) {
    for (std::string_view severity : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
        if (starts_with(text, severity)) {
            text.remove_prefix(severity.size());
            break;
        }
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    return std::string(text);
}

}  // namespace

ErrorKind error_kind_for(std::string_view sqlstate) noexcept {
    if (sqlstate.size() != 5) return ErrorKind::Operational;
    const std::string_view cls = sqlstate.substr(0, 2);
    if (cls == "23") return ErrorKind::Integrity;
    if (cls == "22" || cls == "02") return ErrorKind::Data;
    if (cls == "42" || cls == "21" || cls == "44" || cls == "26" || cls == "2F" || cls == "34" ||
        cls == "3D" || cls == "3F")
        return ErrorKind::Programming;
    if (cls == "0A") return ErrorKind::NotSupported;
    if (cls == "25" || cls == "2B" || cls == "2D" || cls == "XX" || cls == "P0" || cls == "F0" ||
        cls == "HV" || cls == "39" || cls == "38" || cls == "27" || cls == "24")
        return ErrorKind::Internal;
    // 08 connection, 28 authorization, 40 rollback (40001 serialization,
    // 40P01 deadlock), 53 resources, 54 limits, 55 object state, 57 operator
    // intervention (cancel, shutdown), 58 system errors.
    return ErrorKind::Operational;
}

bool ends_connection(std::string_view sqlstate) noexcept {
    return starts_with(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
           sqlstate == "57P03";
}

Error command_error(PGconn* conn, const PGresult* result, std::string_view sql) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    const bool lost = PQstatus(conn) == CONNECTION_BAD;
    const bool dead = lost || ends_connection(sqlstate);
    const char* message = result ? PQresultErrorMessage(result) : "";
    if (*message == '\0') message = PQerrorMessage(conn);
    std::string text = clean_message(message);
    if (text.empty()) text = "the PostgreSQL server closed the connection";
    if (lost && sqlstate.empty()) sqlstate = "08006";
    ErrorKind kind = dead ? ErrorKind::Operational : error_kind_for(sqlstate);
    Error err(kind, std::move(text), std::move(sqlstate), 0, dead);
    if (!sql.empty()) err.set_statement(std::string(sql));
    return err;
}

}  // namespace cormorant::driver::postgres
