// DDL compilation: CREATE/DROP TABLE and INDEX per dialect, and the DDL nodes.
#include "cormorant/schema/ddl.hpp"

#include <algorithm>
#include <cctype>

#include "cormorant/error.hpp"
#include "cormorant/sql/compiler.hpp"
#include "cormorant/sql/quote.hpp"

namespace cormorant::schema {
namespace {

using sql::Dialect;
using sql::Kind;

std::string identifier_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += ", ";
        sql::append_identifier(out, names[i]);
    }
    return out;
}

// The type, or the database-generated integer key: a rowid alias on SQLite,
// SERIAL / BIGSERIAL / SMALLSERIAL on PostgreSQL.
std::string column_type(const Column& c, Dialect d) {
    if (!c.autoincrement || !c.type.is_integer()) return render_type(c.type, d);
    if (d == Dialect::SQLite) return "INTEGER";
    if (c.type.kind == TypeKind::BigInteger) return "BIGSERIAL";
    return c.type.kind == TypeKind::SmallInteger ? "SMALLSERIAL" : "SERIAL";
}

bool is_plain_default(const sql::Node& n, Dialect d) {
    switch (n.kind) {
        case Kind::Literal:
        case Kind::Null:
        case Kind::True:
        case Kind::False:
            return true;
        case Kind::Func:
            return d == Dialect::PostgreSQL;
        default:
            return false;
    }
}

// DEFAULT 'value' for a string, the SQL of a text() default, DEFAULT (expr)
// otherwise (SQLite needs the parentheses around anything but a literal).
std::string default_clause(const sql::Node& n, Dialect d) {
    // text(): SQL as the user wrote it; SQLite takes an expression only in parentheses.
    if (n.kind == Kind::Text)
        return d == Dialect::SQLite ? " DEFAULT (" + n.name + ")" : " DEFAULT " + n.name;
    std::string rendered = sql::compile_ddl_expression(n, d);
    return is_plain_default(n, d) ? " DEFAULT " + rendered : " DEFAULT (" + rendered + ")";
}

std::string column_spec(const Column& c, Dialect d) {
    std::string out = sql::quote_identifier(c.name) + " " + column_type(c, d);
    if (c.server_default) out += default_clause(*c.server_default, d);
    if (!c.nullable) out += " NOT NULL";
    return out;
}

std::string constraint_prefix(const std::string& name) {
    return name.empty() ? std::string() : "CONSTRAINT " + sql::quote_identifier(name) + " ";
}

std::string referential_action(const std::string& action, const char* clause) {
    if (action.empty()) return {};
    std::string upper = action;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    static const char* allowed[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"};
    if (std::none_of(std::begin(allowed), std::end(allowed),
                     [&](const char* a) { return upper == a; }))
        throw Error(ErrorKind::Interface, std::string("invalid ") + clause + " action '" + action +
                                              "' (expected CASCADE, SET NULL, SET DEFAULT, "
                                              "RESTRICT or NO ACTION)");
    return std::string(" ") + clause + " " + upper;
}

struct ConstraintRenderer {
    Dialect dialect;

    std::string operator()(const PrimaryKey& k) const {
        return constraint_prefix(k.name) + "PRIMARY KEY (" + identifier_list(k.columns) + ")";
    }
    std::string operator()(const UniqueConstraint& k) const {
        return constraint_prefix(k.name) + "UNIQUE (" + identifier_list(k.columns) + ")";
    }
    std::string operator()(const ForeignKey& k) const {
        return constraint_prefix(k.name) + "FOREIGN KEY(" + identifier_list(k.columns) +
               ") REFERENCES " + sql::quote_identifier(k.ref_table) + " (" +
               identifier_list(k.ref_columns) + ")" + referential_action(k.ondelete, "ON DELETE") +
               referential_action(k.onupdate, "ON UPDATE");
    }
    std::string operator()(const CheckConstraint& k) const {
        if (!k.expr) throw Error(ErrorKind::Interface, "CHECK constraint without an expression");
        return constraint_prefix(k.name) + "CHECK (" +
               sql::compile_ddl_expression(*k.expr, dialect) + ")";
    }
};

}  // namespace

std::string create_table_sql(const Table& table, Dialect dialect, bool if_not_exists) {
    if (table.columns.empty())
        throw Error(ErrorKind::Interface, "table '" + table.name + "' has no columns");
    std::string out = if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
    out += sql::quote_identifier(table.name) + " (";
    bool first = true;
    auto item = [&](const std::string& s) {
        if (!first) out += ", ";
        first = false;
        out += s;
    };
    for (const auto& c : table.columns) item(column_spec(c, dialect));
    for (const auto& c : table.constraints) item(std::visit(ConstraintRenderer{dialect}, c));
    return out + ")";
}

std::string drop_table_sql(std::string_view name, bool if_exists) {
    return (if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ") + sql::quote_identifier(name);
}

std::string create_index_sql(const Index& index, bool if_not_exists) {
    std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    if (if_not_exists) out += "IF NOT EXISTS ";
    return out + sql::quote_identifier(index.name) + " ON " + sql::quote_identifier(index.table) +
           " (" + identifier_list(index.columns) + ")";
}

std::string drop_index_sql(std::string_view name, bool if_exists) {
    return (if_exists ? "DROP INDEX IF EXISTS " : "DROP INDEX ") + sql::quote_identifier(name);
}

// --- nodes -----------------------------------------------------------------------------------
sql::NodePtr create_table(std::shared_ptr<const Table> table, bool if_not_exists) {
    auto n = std::make_shared<sql::Node>();
    n->kind = Kind::CreateTable;
    n->name = table ? table->name : std::string();
    n->table_def = std::move(table);
    n->flags = if_not_exists ? sql::flag::if_exists : 0;
    return n;
}

sql::NodePtr drop_table(std::string name, bool if_exists) {
    return sql::make_node(Kind::DropTable, std::move(name), {},
                          if_exists ? sql::flag::if_exists : 0);
}

sql::NodePtr create_index(const Index& index, bool if_not_exists) {
    auto n = std::make_shared<sql::Node>();
    n->kind = Kind::CreateIndex;
    n->name = index.name;
    n->qualifier = index.table;
    n->names = index.columns;
    n->flags = (if_not_exists ? sql::flag::if_exists : 0) | (index.unique ? sql::flag::unique : 0);
    return n;
}

sql::NodePtr drop_index(std::string name, bool if_exists) {
    return sql::make_node(Kind::DropIndex, std::move(name), {},
                          if_exists ? sql::flag::if_exists : 0);
}

std::string create_enum_sql(std::string_view name, const std::vector<std::string>& values,
                            bool if_not_exists) {
    std::string sql = "CREATE TYPE " + sql::quote_identifier(name) + " AS ENUM (";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) sql += ", ";
        sql += sql::quote_string(values[i]);
    }
    sql += ")";
    if (!if_not_exists) return sql;
    return "DO $$ BEGIN " + sql + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$";
}

std::string add_constraint_sql(std::string_view table, const Constraint& constraint,
                               Dialect dialect, bool if_not_exists) {
    std::string sql = "ALTER TABLE " + sql::quote_identifier(table) + " ADD " +
                      std::visit(ConstraintRenderer{dialect}, constraint);
    if (!if_not_exists) return sql;
    return "DO $$ BEGIN " + sql + "; EXCEPTION WHEN duplicate_object THEN NULL; END $$";
}

std::string drop_constraint_sql(std::string_view table, std::string_view name, bool if_exists) {
    const char* guard = if_exists ? "IF EXISTS " : "";
    return std::string("ALTER TABLE ") + guard + sql::quote_identifier(table) +
           " DROP CONSTRAINT " + guard + sql::quote_identifier(name);
}

sql::NodePtr add_constraint(std::string table, Constraint constraint, bool if_not_exists) {
    auto def = std::make_shared<Table>();
    def->name = std::move(table);
    def->constraints.push_back(std::move(constraint));
    auto n = std::make_shared<sql::Node>();
    n->kind = Kind::AddConstraint;
    n->name = def->name;
    n->table_def = std::move(def);
    n->flags = if_not_exists ? sql::flag::if_exists : 0;
    return n;
}

sql::NodePtr drop_constraint(std::string table, std::string name, bool if_exists) {
    auto n = std::make_shared<sql::Node>();
    n->kind = Kind::DropConstraint;
    n->name = std::move(name);
    n->qualifier = std::move(table);
    n->flags = if_exists ? sql::flag::if_exists : 0;
    return n;
}

std::string drop_enum_sql(std::string_view name, bool if_exists) {
    return std::string("DROP TYPE ") + (if_exists ? "IF EXISTS " : "") +
           sql::quote_identifier(name);
}

}  // namespace cormorant::schema
