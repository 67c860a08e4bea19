// Entry points of the compiler, and the pieces shared by expressions and statements.
#include "cormorant/sql/compiler.hpp"

#include <cctype>

#include "compiler_impl.hpp"
#include "cormorant/error.hpp"
#include "cormorant/schema/type.hpp"
#include "cormorant/sql/quote.hpp"

namespace cormorant::sql {

bool starts_with_select(std::string_view sql) {
    std::size_t i = sql.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos || sql.size() - i < 6) return false;
    static const char kSelect[] = "SELECT";
    for (std::size_t k = 0; k < 6; ++k)
        if (std::toupper(static_cast<unsigned char>(sql[i + k])) != kSelect[k]) return false;
    return true;
}

namespace {

// The statement a WITH or prefix_with() wrapper holds.
const Node& wrapped_statement(const Node& node) {
    if (node.kind == Kind::With && node.child(1)) return wrapped_statement(*node.child(1));
    if (node.kind == Kind::Affixed && node.child(0)) return wrapped_statement(*node.child(0));
    return node;
}

}  // namespace

Compiled compile(const Node& node, Dialect dialect) {
    detail::Compiler c(dialect, true);
    c.root(node);
    Compiled out = std::move(c).finish();
    const Node& statement = wrapped_statement(node);
    out.kind = kind_name(statement.kind);
    bool select = statement.kind == Kind::Select;
    out.locks_rows =
        select && statement.children.size() > kForUpdate && statement.children[kForUpdate];
    out.reads_only = select || statement.kind == Kind::Compound || starts_with_select(out.sql);
    return out;
}

Compiled render(const Node& node, Dialect dialect, const RenderOptions& options) {
    detail::Compiler c(dialect, &options);
    c.root(node);
    Compiled out = std::move(c).finish();
    out.kind = kind_name(node.kind);
    out.many_values.reset();
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
        case Kind::With:
            return selectable(node);
        case Kind::Affixed:
            return affixed(node);
        case Kind::Insert:
            return insert(node);
        case Kind::Update:
            return update(node);
        case Kind::Delete:
            return delete_(node);
        case Kind::Table:
        case Kind::Join:
        case Kind::Subquery:
        case Kind::TableSample:
        case Kind::TableValued:
            return from_item(node);
        case Kind::CreateTable:
        case Kind::CreateColumn:
        case Kind::DropTable:
        case Kind::CreateIndex:
        case Kind::DropIndex:
        case Kind::CreateEnum:
        case Kind::DropEnum:
        case Kind::AddConstraint:
        case Kind::DropConstraint:
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
    std::size_t start = sql_.size();
    std::size_t number = keys_.size() + 1;
    if (dialect_ == Dialect::SQLite) {
        keys_.push_back(key);
    } else {
        auto [it, inserted] = numbers_.try_emplace(key, number);
        if (inserted) keys_.push_back(key);
        number = it->second;
    }
    bool inline_literal = write_placeholder(key, number);
    if (values_.open) {
        values_.spans.insert(values_.spans.end(), {start, sql_.size()});
        values_.numbers.push_back(number);
    } else {
        ++binds_outside_values_;
    }
    if (cast && dialect_ == Dialect::PostgreSQL && !inline_literal) {
        out("::");
        out(schema::bind_cast_type(*cast));
    }
}

// Writes the placeholder of `key`, or its inline literal; true for a literal.
bool Compiler::write_placeholder(const std::string& key, std::size_t number) {
    Placeholder style = display_ ? display_->placeholder : Placeholder::Native;
    if (display_) {
        auto literal = display_->literals.find(key);
        if (literal != display_->literals.end()) {
            out(literal->second);
            return true;
        }
    }
    switch (style) {
        case Placeholder::Named:
            out(":");
            out(key);
            break;
        case Placeholder::Pyformat:
            out("%(");
            out(key);
            out(")s");
            break;
        case Placeholder::Qmark:
            out("?");
            break;
        case Placeholder::Native:
            if (dialect_ == Dialect::SQLite) {
                out("?");
            } else {
                out("$");
                out(std::to_string(number));
            }
    }
    return false;
}

void Compiler::clause(std::string_view keyword) {
    out(display_ ? " \n" : " ");
    out(keyword);
    out(" ");
}

void Compiler::open_values_group() {
    values_ = ValuesGroup{};
    values_.begin = sql_.size();
    values_.open = true;
}

void Compiler::close_values_group() {
    values_.end = sql_.size();
    values_.open = false;
    values_.written = true;
}

// Only when every placeholder sits in the group can later rows number theirs
// on from it; a bind in ON CONFLICT ... WHERE, say, would be shared by all rows.
std::optional<ValuesTemplate> Compiler::values_template() const {
    if (!values_.written || binds_outside_values_ || values_.numbers.empty()) return std::nullopt;
    std::vector<std::string> pieces;
    std::size_t at = values_.begin;
    for (std::size_t i = 0; i < values_.spans.size(); i += 2) {
        pieces.emplace_back(sql_, at, values_.spans[i] - at);
        at = values_.spans[i + 1];
    }
    pieces.emplace_back(sql_, at, values_.end - at);
    return ValuesTemplate(dialect_, sql_.substr(0, values_.begin), std::move(pieces),
                          values_.numbers, sql_.substr(values_.end), keys_.size());
}

Compiled Compiler::finish() && {
    Compiled out;
    out.many_values = values_template();
    out.sql = std::move(sql_);
    out.param_keys = std::move(keys_);
    return out;
}

void Compiler::ident(std::string_view name) { append_identifier(sql_, name); }

void Compiler::identifiers(const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out(", ");
        ident(names[i]);
    }
}

void Compiler::identifier_list(const std::vector<std::string>& names) {
    out("(");
    identifiers(names);
    out(")");
}

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
