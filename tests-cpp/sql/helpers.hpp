// Shared helpers for the sql/schema tests: compile for each dialect, decode datums.
#pragma once

#include <catch2/catch.hpp>

#include "cormorant/error.hpp"
#include "cormorant/sql/builder.hpp"
#include "cormorant/sql/compiler.hpp"
#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/decode.hpp"
#include "cormorant/sql/statement.hpp"

namespace test_sql {

using namespace cormorant::sql;
using cormorant::sql::tuple;

inline Compiled lite(const Node& n) { return compile(n, Dialect::SQLite); }
inline Compiled pg(const Node& n) { return compile(n, Dialect::PostgreSQL); }
inline std::string lite_sql(const Datum& d) { return lite(*decode(d)).sql; }
inline std::string pg_sql(const Datum& d) { return pg(*decode(d)).sql; }
inline std::vector<std::string> keys(std::initializer_list<const char*> k) {
    return {k.begin(), k.end()};
}

// Datum shorthands for the Python form.
inline Datum col(const char* table, const char* name) { return tuple("col", table, name); }
inline Datum col(const char* name) { return tuple("col", nullptr, name); }
inline Datum bindd(const char* key) { return tuple("bind", key); }
inline Datum op(const char* o, Datum l, Datum r) { return tuple("binop", o, l, r); }
inline Datum empty() { return Datum(Datum::List{}); }
inline Datum select_d(Datum cols, Datum froms, Datum where = nullptr, Datum order_by = empty(),
                      Datum limit = nullptr, Datum offset = nullptr) {
    return tuple("select", cols, froms, where, empty(), nullptr, order_by, limit, offset, false,
                 nullptr);
}

}  // namespace test_sql
