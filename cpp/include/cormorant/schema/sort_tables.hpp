// Foreign-key ordering of tables for CREATE (referenced tables first).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cormorant::schema {

// (table, tables it references). Returns every table once, referenced tables
// before referencing ones; otherwise input order is kept. Self-references and
// unknown names are ignored; a cycle is broken at the earliest remaining table
// in input order (never throws).
using TableDependencies = std::vector<std::pair<std::string, std::vector<std::string>>>;
std::vector<std::string> sort_tables(const TableDependencies& tables);

}  // namespace cormorant::schema
