// Entry points of the compiler, and the pieces shared by expressions and statements.
#include "cormorant/sql/compiler.hpp"

#include <cctype>

#include "compiler_impl.hpp"
#include "cormorant/error.hpp"
#include "cormorant/schema/type.hpp"
#include "cormorant/sql/quote.hpp"

namespace cormorant::sql {

namespace {

bool starts_with_select(const std::string& sql) {
    std::size_t i = sql.find_first_not_of(" \t\r\n");
    if (i == std::string::npos || sql.size() - i < 6) return false;
    static const char kSelect[] = "SELECT";
    for (std::size_t k = 0; k < 6; ++k)
        if (std::toupper(static_cast<unsigned char>(sql[i + k])) != kSelect[k]) return false;
    return true;
}

}  // namespace

Compiled compile(const Node& node, Dialect dialect) {
    detail::Compiler c(dialect, true);
    c.root(node);
    Compiled out = std::move(c).finish();
    bool select = node.kind == Kind::Select;
    out.locks_rows = select && node.children.size() > kForUpdate && node.children[kForUpdate];
    out.reads_only = select || starts_with_select(out.sql);
    return out;
}

std::string compile_ddl_expression(const Node& expr, Dialect dialect) {
    detail::Compiler c(dialect, false);
    c.expr(expr);
    return std::move(c).take_sql();
}

namespace detail {

void Compiler::root(const Node& node) {
    switch (node.kind) {
        case Kind::Select:
        case Kind::Compound:
            return selectable(node);
        case Kind::Insert:
            return insert(node);
        case Kind::Update:
            return update(node);
        case Kind::Delete:
            return delete_(node);
        case Kind::Table:
        case Kind::Join:
        case Kind::Subquery:
            return from_item(node);
        case Kind::CreateTable:
        case Kind::DropTable:
        case Kind::CreateIndex:
        case Kind::DropIndex:
        case Kind::CreateEnum:
        case Kind::DropEnum:
            return ddl(node);
        case Kind::Savepoint:
        case Kind::ReleaseSavepoint:
        case Kind::RollbackToSavepoint:
            return savepoint(node);
        default:
            return expr(node);
    }
}

// PostgreSQL numbers each distinct key once ($1 for every use of the first
// key); a typed bind adds its cast at each use.
void Compiler::placeholder(const std::string& key, const schema::Type* cast) {
    if (!allow_binds_)
        throw Error(ErrorKind::Programming,
                    "bind parameter '" + key + "' is not allowed in DDL (defaults, CHECK)");
    if (dialect_ == Dialect::SQLite) {
        keys_.push_back(key);
        out("?");
        return;
    }
    auto [it, inserted] = numbers_.try_emplace(key, keys_.size() + 1);
    if (inserted) keys_.push_back(key);
    out("$");
    out(std::to_string(it->second));
    if (cast) {
        out("::");
        out(schema::bind_cast_type(*cast));
    }
}

void Compiler::ident(std::string_view name) { append_identifier(sql_, name); }

const Node& Compiler::need(const Node* n, std::string_view what) const {
    if (!n)
        throw Error(ErrorKind::Programming, "malformed statement: missing " + std::string(what));
    return *n;
}

void Compiler::list(const Node& list_node, std::string_view sep) {
    bool first = true;
    for (const auto& item : list_node.children) {
        if (!first) out(sep);
        first = false;
        expr(need(item.get(), "list item"));
    }
}

}  // namespace detail
}  // namespace cormorant::sql
