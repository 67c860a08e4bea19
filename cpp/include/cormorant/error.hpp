// The engine's one exception type. Every engine failure carries a category
// (mapped 1:1 to a cormorant.exc class by the bindings), the SQLSTATE or the
// SQLite result code, the statement, and whether the connection is now dead.
#pragma once

#include <stdexcept>
#include <string>

namespace cormorant {

enum class ErrorKind {
    Interface,    // misuse of the API (closed connection, bad argument)
    Operational,  // locked database, lost connection, cannot connect
    Integrity,    // constraint violation
    Programming,  // bad SQL, missing table or column
    Data,         // value out of range, bad encoding
    NotSupported,
    Internal,
    PoolTimeout,     // no connection became free within pool_timeout
    InvalidRequest,  // a valid call at the wrong time (a connection used by two threads at once)
    Database,        // a database error of no more specific kind (a corrupt SQLite file)
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string message, std::string sqlstate = {}, int native_code = 0,
          bool connection_dead = false)
        : std::runtime_error(std::move(message)),
          kind_(kind),
          sqlstate_(std::move(sqlstate)),
          native_code_(native_code),
          connection_dead_(connection_dead) {}

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    int native_code() const noexcept { return native_code_; }
    bool connection_dead() const noexcept { return connection_dead_; }
    const std::string& statement() const noexcept { return statement_; }
    void set_statement(std::string sql) { statement_ = std::move(sql); }

  private:
    ErrorKind kind_;
    std::string sqlstate_;
    int native_code_;
    bool connection_dead_;
    std::string statement_;
};

}  // namespace cormorant
