// SQLite result code -> ErrorKind mapping and error construction.
#include "sqlite_error.hpp"

#include <sqlite3.h>

#include <string>

namespace cormorant::driver::sqlite {

ErrorKind error_kind_for(int result_code) noexcept {
    switch (result_code & 0xff) {
        case SQLITE_CONSTRAINT:
            return ErrorKind::Integrity;
        case SQLITE_MISUSE:
            return ErrorKind::Interface;
        case SQLITE_TOOBIG:
        case SQLITE_MISMATCH:
        case SQLITE_RANGE:
            return ErrorKind::Data;
        case SQLITE_NOMEM:
        case SQLITE_INTERNAL:
        case SQLITE_NOTFOUND:
            return ErrorKind::Internal;
        case SQLITE_CORRUPT:  // DatabaseError, as pysqlite reports them
        case SQLITE_NOTADB:
            return ErrorKind::Database;
        default:
            return ErrorKind::Operational;  // ERROR, BUSY, LOCKED, IOERR, CANTOPEN, ...
    }
}

void throw_error(sqlite3* db, int result_code, std::string_view sql) {
    const char* text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
    Error err(error_kind_for(result_code), text != nullptr ? text : "unknown SQLite error", {},
              result_code);
    if (!sql.empty()) err.set_statement(std::string(sql));
    throw err;
}

void throw_closed(std::string_view sql) {
    Error err(ErrorKind::Interface, "Cannot operate on a closed database.", {}, SQLITE_MISUSE,
              /*connection_dead=*/true);
    if (!sql.empty()) err.set_statement(std::string(sql));
    throw err;
}

}  // namespace cormorant::driver::sqlite
