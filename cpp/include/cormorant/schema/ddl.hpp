// DDL compilation per dialect (CREATE/DROP TABLE, CREATE/DROP INDEX), and the
// statement-tree nodes that carry DDL through sql::compile.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cormorant/schema/table.hpp"
#include "cormorant/sql/dialect.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::schema {

// Display writes SQLAlchemy's layout for reading: an item per line, tab-indented.
enum class Layout { OneLine, Display };
std::string create_table_sql(const Table& table, sql::Dialect dialect, bool if_not_exists = false,
                             Layout layout = Layout::OneLine);
std::string drop_table_sql(std::string_view name, bool if_exists = false);
// One column as CREATE TABLE writes it: name, type, DEFAULT, GENERATED, NOT NULL.
std::string column_sql(const Column& column, sql::Dialect dialect);
// PostgreSQL: CREATE TYPE name AS ENUM (...); with if_not_exists, inside a DO
// block that ignores duplicate_object (PostgreSQL has no IF NOT EXISTS here).
std::string create_enum_sql(std::string_view name, const std::vector<std::string>& values,
                            bool if_not_exists = false);
std::string drop_enum_sql(std::string_view name, bool if_exists = false);
std::string create_index_sql(const Index& index, bool if_not_exists = false);
std::string drop_index_sql(std::string_view name, bool if_exists = false);
// ALTER TABLE ... ADD CONSTRAINT (PostgreSQL); with if_not_exists, inside a DO
// block that ignores duplicate_object, as for enums.
std::string add_constraint_sql(std::string_view table, const Constraint& constraint,
                               sql::Dialect dialect, bool if_not_exists = false);
// ALTER TABLE [IF EXISTS] t DROP CONSTRAINT [IF EXISTS] name.
std::string drop_constraint_sql(std::string_view table, std::string_view name,
                                bool if_exists = false);

// Nodes for sql::compile (and the statement cache).
sql::NodePtr create_table(std::shared_ptr<const Table> table, bool if_not_exists = false);
sql::NodePtr drop_table(std::string name, bool if_exists = false);
sql::NodePtr create_column(Column column);
sql::NodePtr create_index(const Index& index, bool if_not_exists = false);
sql::NodePtr drop_index(std::string name, bool if_exists = false);
sql::NodePtr add_constraint(std::string table, Constraint constraint, bool if_not_exists = false);
sql::NodePtr drop_constraint(std::string table, std::string name, bool if_exists = false);

}  // namespace cormorant::schema
