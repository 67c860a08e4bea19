// PostgreSQL error classification and translation of libpqxx exceptions.
#include "pg_error.hpp"

#include <exception>
#include <pqxx/except>
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

[[noreturn]] void raise(ErrorKind kind, std::string_view what, std::string sqlstate, bool dead,
                        std::string_view sql) {
    Error err(kind, clean_message(what), std::move(sqlstate), 0, dead);
    if (!sql.empty()) err.set_statement(std::string(sql));
    throw err;
}

}  // namespace

ErrorKind error_kind_for(std::string_view sqlstate) noexcept {
    if (sqlstate.size() != 5) return ErrorKind::Operational;
    const std::string_view cls = sqlstate.substr(0, 2);
    if (cls == "23") return ErrorKind::Integrity;
    if (cls == "22" || cls == "21" || cls == "02") return ErrorKind::Data;
    if (cls == "42" || cls == "44" || cls == "26" || cls == "2F" || cls == "34" || cls == "3D" ||
        cls == "3F")
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

void rethrow_as_error(std::string_view sql, bool connection_open) {
    try {
        throw;
    } catch (const Error& e) {
        if (!e.statement().empty() || sql.empty()) throw;
        Error with_statement = e;
        with_statement.set_statement(std::string(sql));
        throw with_statement;
    } catch (const pqxx::broken_connection& e) {
        // libpqxx often reports only a symptom ("Could not obtain client
        // encoding: not connected"); say what it means.
        raise(ErrorKind::Operational,
              std::string("the server closed the connection (the backend was terminated or the "
                          "server restarted): ") +
                  e.what(),
              "08006", true, sql);
    } catch (const pqxx::sql_error& e) {
        const std::string state = e.sqlstate();
        const bool dead = !connection_open || ends_connection(state);
        raise(dead ? ErrorKind::Operational : error_kind_for(state), e.what(), state, dead, sql);
    } catch (const pqxx::in_doubt_error& e) {
        raise(ErrorKind::Operational, e.what(), {}, !connection_open, sql);
    } catch (const pqxx::usage_error& e) {
        raise(ErrorKind::Interface, e.what(), {}, !connection_open, sql);
    } catch (const pqxx::conversion_error& e) {
        raise(ErrorKind::Data, e.what(), {}, !connection_open, sql);
    } catch (const pqxx::failure& e) {
        raise(ErrorKind::Operational, e.what(), {}, !connection_open, sql);
    } catch (const std::exception& e) {
        raise(ErrorKind::Internal, e.what(), {}, !connection_open, sql);
    }
}

}  // namespace cormorant::driver::postgres
