// Identifier and string quoting; the reserved words of SQLite and PostgreSQL.
#include "cormorant/sql/quote.hpp"

#include <algorithm>
#include <iterator>

namespace cormorant::sql {
namespace {

// Union of SQLite's keywords and PostgreSQL's reserved (incl. type/function
// name) keywords, sorted for binary search.
constexpr std::string_view kReserved[] = {
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "attach",
    "authorization",
    "autoincrement",
    "before",
    "begin",
    "between",
    "binary",
    "both",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "commit",
    "concurrently",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "false",
    "fetch",
    "filter",
    "first",
    "following",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "generated",
    "glob",
    "grant",
    "group",
    "groups",
    "having",
    "if",
    "ignore",
    "ilike",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "last",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "overlaps",
    "partition",
    "placing",
    "plan",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "table",
    "tablesample",
    "temp",
    "temporary",
    "then",
    "ties",
    "to",
    "trailing",
    "transaction",
    "trigger",
    "true",
    "unbounded",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "vacuum",
    "values",
    "variadic",
    "verbose",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
};

bool in_sorted(const auto& words, std::string_view w) {
    return std::binary_search(std::begin(words), std::end(words), w);
}

bool is_lower_start(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool is_lower_rest(char c) { return is_lower_start(c) || (c >= '0' && c <= '9') || c == '$'; }

}  // namespace

bool is_reserved_word(std::string_view word) noexcept { return in_sorted(kReserved, word); }

bool needs_quoting(std::string_view ident) noexcept {
    if (ident.empty() || !is_lower_start(ident.front())) return true;
    if (!std::all_of(ident.begin() + 1, ident.end(), is_lower_rest)) return true;
    return is_reserved_word(ident);
}

void append_identifier(std::string& out, std::string_view ident) {
    if (!needs_quoting(ident)) {
        out += ident;
        return;
    }
    out += '"';
    for (char c : ident) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string quote_identifier(std::string_view ident) {
    std::string out;
    append_identifier(out, ident);
    return out;
}

std::string quote_string(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

}  // namespace cormorant::sql
