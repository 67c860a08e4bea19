// sql::compile: statement tree -> SQL text plus the bind keys in placeholder
// order, for one dialect.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cormorant/sql/dialect.hpp"
#include "cormorant/sql/node.hpp"
#include "cormorant/sql/values_template.hpp"

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
    // The root node's kind name: "select", "insert", "text", "create_table", ...
    std::string_view kind;
    // A one-row INSERT whose binds all sit in its VALUES group: the same
    // statement for many rows. Empty for every other statement.
    std::optional<ValuesTemplate> many_values;
};

// Compiles a statement, a FROM item or an expression. Throws cormorant::Error
// (Programming) on a malformed tree.
Compiled compile(const Node& node, Dialect dialect);

// How a placeholder is written when a statement is shown rather than executed.
enum class Placeholder {
    Native,    // ? on SQLite, $n on PostgreSQL: what the drivers execute
    Named,     // :key (SQLAlchemy's default string form)
    Pyformat,  // %(key)s
    Qmark,     // ?
};

// A statement rendered for reading (str(stmt), stmt.compile()): SQLAlchemy's
// line breaks before FROM / WHERE / GROUP BY / HAVING / ORDER BY / LIMIT,
// `col=value` in SET, the chosen placeholders, and the binds listed in
// `literals` written inline as the SQL text given for them.
struct RenderOptions {
    Placeholder placeholder = Placeholder::Named;
    std::unordered_map<std::string, std::string> literals;
};
Compiled render(const Node& node, Dialect dialect, const RenderOptions& options);

// Whether SQL text (a driver-level statement) begins with SELECT, so it only reads.
bool starts_with_select(std::string_view sql);

// Renders an expression for DDL (defaults, CHECK); bind parameters are an error.
std::string compile_ddl_expression(const Node& expr, Dialect dialect);

}  // namespace cormorant::sql
