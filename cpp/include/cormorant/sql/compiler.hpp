// sql::compile: statement tree -> SQL text plus the bind keys in placeholder
// order, for one dialect.
#pragma once

#include <string>
#include <vector>

#include "cormorant/sql/dialect.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql {

struct Compiled {
    std::string sql;
    // SQLite: the key of each `?` in order (repeats allowed).
    // PostgreSQL: each distinct key once, the key of $n at index n-1.
    std::vector<std::string> param_keys;
    // A SELECT ... FOR UPDATE/SHARE: the transaction must hold its locks.
    bool locks_rows = false;
    // Only reads (a SELECT, or text that begins with one): SQLite may defer BEGIN.
    bool reads_only = false;
};

// Compiles a statement, a FROM item or an expression. Throws cormorant::Error
// (Programming) on a malformed tree.
Compiled compile(const Node& node, Dialect dialect);

// Renders an expression for DDL (defaults, CHECK); bind parameters are an error.
std::string compile_ddl_expression(const Node& expr, Dialect dialect);

}  // namespace cormorant::sql
