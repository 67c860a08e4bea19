// Compiling expressions: operators with precedence-driven parentheses,
// functions, CASE, CAST, IN, BETWEEN, text() with :name binds.
#include <string>
#include <unordered_map>

#include "compiler_impl.hpp"
#include "cormorant/error.hpp"
#include "cormorant/sql/quote.hpp"
#include "cormorant/sql/text_params.hpp"

namespace cormorant::sql::detail {
namespace {

// Binding strength (higher binds tighter), after SQLAlchemy's operator table.
constexpr int kOr = 2, kAnd = 3, kModifier = 3, kCollate = 4, kComparison = 5, kNot = 5,
              kConcat = 5, kAdditive = 7, kMultiplicative = 8, kNeg = 8, kAtom = 100;

bool is_additive(std::string_view op) { return op == "+" || op == "-"; }
bool is_multiplicative(std::string_view op) { return op == "*" || op == "/" || op == "%"; }
bool is_arithmetic(std::string_view op) { return is_additive(op) || is_multiplicative(op); }
bool is_associative(std::string_view op) { return op == "+" || op == "*" || op == "||"; }

int binop_precedence(std::string_view op) {
    if (is_multiplicative(op)) return kMultiplicative;
    if (is_additive(op)) return kAdditive;
    if (op == "||") return kConcat;
    return kComparison;
}

const Node& unlabel(const Node& n) {
    return n.kind == Kind::Label && n.child(0) ? unlabel(*n.child(0)) : n;
}

int precedence(const Node& node) {
    const Node& n = unlabel(node);
    switch (n.kind) {
        case Kind::BinOp:
            return binop_precedence(n.name);
        case Kind::And:
        case Kind::Or:
            if (n.children.size() == 1 && n.child(0)) return precedence(*n.child(0));
            return n.kind == Kind::And ? kAnd : kOr;
        case Kind::Not:
            return kNot;
        case Kind::Neg:
            return kNeg;
        case Kind::In:
        case Kind::Between:
        case Kind::Distinct:
            return kComparison;
        case Kind::Asc:
        case Kind::Desc:
        case Kind::NullsFirst:
        case Kind::NullsLast:
            return kModifier;
        case Kind::UnaryOp:
            return kNeg;
        case Kind::CustomOp:
            return static_cast<int>(n.flags);
        case Kind::Collate:
            return kCollate;
        case Kind::Literal:  // a negative number must not glue onto a minus sign
            return !n.has(flag::string_literal) && n.name.starts_with('-') ? kNeg : kAtom;
        default:
            return kAtom;
    }
}

bool is_logical(Kind k) { return k == Kind::And || k == Kind::Or || k == Kind::Not; }

// Whether `child`, rendered as an operand of `parent`, needs parentheses.
bool needs_parens(const Node& child_node, const Node& parent, bool right) {
    const Node& child = unlabel(child_node);
    // Verbatim SQL may hold any operator: group it under AND / OR / NOT.
    if (child.kind == Kind::Text) return is_logical(parent.kind);
    if (child.kind == parent.kind && (child.kind == Kind::And || child.kind == Kind::Or))
        return false;
    // x ASC NULLS FIRST: NULLS FIRST / LAST follow the direction, never "(x ASC) NULLS FIRST"
    if ((parent.kind == Kind::NullsFirst || parent.kind == Kind::NullsLast) &&
        (child.kind == Kind::Asc || child.kind == Kind::Desc))
        return false;
    int cp = precedence(child), pp = precedence(parent);
    if (child.kind == Kind::BinOp && parent.kind == Kind::BinOp) {
        if (child.name == parent.name && is_associative(child.name)) return false;
        // SQLite binds || tighter than arithmetic, PostgreSQL looser: always group.
        if (parent.name == "||" && is_arithmetic(child.name)) return true;
        if (!right && cp == pp && is_arithmetic(parent.name)) return false;  // left-associative
    }
    return cp <= pp;
}

bool is_select_like(const Node& n) {
    return n.kind == Kind::Select || n.kind == Kind::Compound || n.kind == Kind::With;
}

}  // namespace

void Compiler::operand(const Node& child, const Node& parent, bool right) {
    if (!needs_parens(child, parent, right)) return expr(child);
    out("(");
    expr(child);
    out(")");
}

void Compiler::expr(const Node& n) {
    switch (n.kind) {
        case Kind::Column:
            if (!n.qualifier.empty()) {
                ident(n.qualifier);
                out(".");
            }
            return ident(n.name);
        case Kind::Bind:
            return placeholder(n.name, n.type ? &*n.type : nullptr);
        case Kind::Null:
            return out("NULL");
        case Kind::True:
            return out(dialect_ == Dialect::SQLite ? "1" : "true");
        case Kind::False:
            return out(dialect_ == Dialect::SQLite ? "0" : "false");
        case Kind::Star:
            return out("*");
        case Kind::Text:
            return text(n);
        case Kind::Literal:
            return out(n.has(flag::string_literal) ? quote_string(n.name) : n.name);
        case Kind::BinOp:
            return binop(n);
        case Kind::And:
            return conjunction(n, " AND ");
        case Kind::Or:
            return conjunction(n, " OR ");
        case Kind::Not:
            out("NOT ");
            return operand(need(n.child(0), "NOT operand"), n);
        case Kind::Neg:
            out("-");
            return operand(need(n.child(0), "negation operand"), n);
        case Kind::In:
            return in(n);
        case Kind::Between:
            return between(n);
        case Kind::Func:
            return func(n);
        case Kind::Label:
            return expr(need(n.child(0), "labelled expression"));
        case Kind::LabelRef:
            return ident(n.name);
        case Kind::Asc:
            return suffixed(n, " ASC");
        case Kind::Desc:
            return suffixed(n, " DESC");
        case Kind::NullsFirst:
            return suffixed(n, " NULLS FIRST");
        case Kind::NullsLast:
            return suffixed(n, " NULLS LAST");
        case Kind::Cast:
            out("CAST(");
            expr(need(n.child(0), "CAST operand"));
            out(" AS ");
            out(schema::render_type(n.type.value_or(schema::Type{}), dialect_));
            return out(")");
        case Kind::Case:
            return case_(n);
        case Kind::Distinct:
            out("DISTINCT ");
            return expr(need(n.child(0), "DISTINCT operand"));
        case Kind::Grouping:
            out("(");
            expr(need(n.child(0), "grouped expression"));
            return out(")");
        case Kind::ScalarSubquery:
            return parenthesised_selectable(need(n.child(0), "scalar subquery"));
        case Kind::Exists:
            out("EXISTS ");
            return parenthesised_selectable(need(n.child(0), "EXISTS subquery"));
        case Kind::Excluded:
            out("excluded.");
            return ident(n.name);
        case Kind::Select:
        case Kind::Compound:
            return parenthesised_selectable(n);
        case Kind::Values:  // scalar_values()
            out("(");
            values_rows(n);
            return out(")");
        case Kind::Over:
            return over(n);
        case Kind::WithinGroup:
            return within_group(n);
        case Kind::FunctionFilter:
            expr(need(n.child(0), "filtered function"));
            out(" FILTER (WHERE ");
            expr(need(n.child(1), "FILTER criterion"));
            return out(")");
        case Kind::Tuple:
            out("(");
            list(n);
            return out(")");
        case Kind::Collate:  // COLLATE binds tighter than any operator: group those
            if (const Node& target = need(n.child(0), "COLLATE operand");
                precedence(target) < kAtom) {
                out("(");
                expr(target);
                out(")");
            } else {
                expr(target);
            }
            out(" COLLATE ");
            return ident(n.name);
        case Kind::Extract:
            return extract(n);
        case Kind::AnsiFunc:
            return out(n.name);
        case Kind::UnaryOp:
            out(n.name);
            return operand(need(n.child(0), "unary operand"), n);
        case Kind::CustomOp:
            return custom_op(n);
        case Kind::FieldOf:
            out("(");
            expr(need(n.child(0), "composite value"));
            out(").");
            return ident(n.name);
        default:
            throw Error(ErrorKind::Programming,
                        "'" + std::string(kind_name(n.kind)) + "' is not an expression");
    }
}

void Compiler::text(const Node& n) {
    for (const auto& piece : split_text_params(n.name)) {
        if (!piece.is_bind) {
            out(piece.text);
            continue;
        }
        const schema::Type* cast = nullptr;
        for (const NodePtr& bind : n.children) {
            if (bind && bind->name == piece.text && bind->type) cast = &*bind->type;
        }
        placeholder(piece.text, cast);
    }
}

void Compiler::binop(const Node& n) {
    const Node& l = need(n.child(0), "binop left operand");
    const Node& r = need(n.child(1), "binop right operand");
    if (n.name == "[]") return subscript(l, r, n);
    bool sqlite_ilike = dialect_ == Dialect::SQLite && (n.name == "ILIKE" || n.name == "NOT ILIKE");
    if (sqlite_ilike) {  // lower(L) [NOT] LIKE lower(R)
        out("lower(");
        expr(l);
        out(n.name == "ILIKE" ? ") LIKE lower(" : ") NOT LIKE lower(");
        expr(r);
        out(")");
        return escape_clause(n);
    }
    operand(l, n);
    out(" ");
    out(n.name);
    out(" ");
    operand(r, n, true);
    escape_clause(n);
}

// ("binop", "[]", array, index): PostgreSQL's array subscript, array[index].
void Compiler::subscript(const Node& array, const Node& index, const Node& n) {
    if (dialect_ == Dialect::SQLite)
        throw Error(ErrorKind::NotSupported, "SQLite has no ARRAY type to index ([])");
    operand(array, n);
    out("[");
    expr(index);
    out("]");
}

void Compiler::escape_clause(const Node& n) {
    if (n.qualifier.empty()) return;
    out(" ESCAPE ");
    out(quote_string(n.qualifier));
}

void Compiler::conjunction(const Node& n, std::string_view sep) {
    if (n.children.empty()) throw Error(ErrorKind::Programming, "and/or without operands");
    if (n.children.size() == 1) return expr(need(n.child(0), "and/or operand"));
    bool first = true;
    for (const auto& c : n.children) {
        if (!first) out(sep);
        first = false;
        operand(need(c.get(), "and/or operand"), n);
    }
}

void Compiler::in(const Node& n) {
    const Node& items = need(n.child(1), "IN list");
    bool negate = n.has(flag::negate);
    if (items.children.empty()) {
        // IN () is false and NOT IN () true whatever the operand; the operand
        // is still compiled, so a bad one fails here as it does in SQLAlchemy.
        out("(");
        operand(need(n.child(0), "IN operand"), n);
        return out(negate ? " IS NULL OR 1 = 1)" : " IS NULL AND 1 != 1)");
    }
    operand(need(n.child(0), "IN operand"), n);
    out(negate ? " NOT IN " : " IN ");
    const Node* only = items.children.size() == 1 ? items.child(0) : nullptr;
    if (only && only->kind == Kind::ScalarSubquery) only = only->child(0);
    if (only && is_select_like(*only)) return parenthesised_selectable(*only);
    if (only && only->kind == Kind::Values) return expr(*only);
    out("(");
    list(items);
    out(")");
}

void Compiler::between(const Node& n) {
    operand(need(n.child(0), "BETWEEN operand"), n);
    out(n.has(flag::negate) ? " NOT BETWEEN " : " BETWEEN ");
    operand(need(n.child(1), "BETWEEN low"), n, true);
    out(" AND ");
    operand(need(n.child(2), "BETWEEN high"), n, true);
}

void Compiler::func(const Node& n) {
    bool no_args = n.children.empty();
    if (n.name == "now" && no_args && dialect_ == Dialect::SQLite) return out("CURRENT_TIMESTAMP");
    if (no_args &&
        (n.name == "current_timestamp" || n.name == "current_date" || n.name == "current_time")) {
        for (char c : n.name) sql_ += static_cast<char>(c == '_' ? c : c - 'a' + 'A');
        return;
    }
    out(n.name);
    out("(");
    if (no_args && n.name == "count")
        out("*");
    else
        list(n);
    out(")");
}

void Compiler::suffixed(const Node& n, std::string_view suffix) {
    operand(need(n.child(0), "ORDER BY expression"), n);
    out(suffix);
}

void Compiler::case_(const Node& n) {
    if (n.children.size() < 2) throw Error(ErrorKind::Programming, "CASE without WHEN clauses");
    out("CASE");
    for (std::size_t i = 1; i < n.children.size(); ++i) {
        const Node& when = need(n.child(i), "CASE WHEN");
        out(" WHEN ");
        expr(need(when.child(0), "CASE condition"));
        out(" THEN ");
        expr(need(when.child(1), "CASE result"));
    }
    if (const Node* else_ = n.child(0)) {
        out(" ELSE ");
        expr(*else_);
    }
    out(" END");
}

// f(...) OVER (PARTITION BY ... ORDER BY ... frame), each part only when given.
void Compiler::over(const Node& n) {
    expr(need(n.child(0), "window function"));
    out(" OVER (");
    const char* sep = "";
    if (const Node* partition = n.child(1); partition && !partition->children.empty()) {
        out("PARTITION BY ");
        list(*partition);
        sep = " ";
    }
    if (const Node* order = n.child(2); order && !order->children.empty()) {
        out(sep);
        out("ORDER BY ");
        list(*order);
        sep = " ";
    }
    if (const Node* frame = n.child(3)) {
        out(sep);
        window_frame(*frame);
    }
    out(")");
}

void Compiler::window_frame(const Node& n) {
    if (n.names.size() != 2) throw Error(ErrorKind::Programming, "a window frame needs two bounds");
    out(n.name);
    out(" BETWEEN ");
    frame_bound(n.names[0], n.child(0));
    out(" AND ");
    frame_bound(n.names[1], n.child(1));
}

void Compiler::frame_bound(const std::string& kind, const Node* offset) {
    if (offset) {
        expr(*offset);
        out(" ");
    }
    out(kind);
}

void Compiler::within_group(const Node& n) {
    expr(need(n.child(0), "ordered-set aggregate"));
    out(" WITHIN GROUP (ORDER BY ");
    list(need(n.child(1), "WITHIN GROUP order"));
    out(")");
}

// PostgreSQL's EXTRACT(field FROM x); on SQLite the strftime() code of the
// field, read as an integer, as SQLAlchemy's SQLite dialect renders it.
void Compiler::extract(const Node& n) {
    const Node& operand_node = need(n.child(0), "EXTRACT operand");
    if (dialect_ == Dialect::PostgreSQL) {
        out("EXTRACT(");
        out(n.name);
        out(" FROM ");
        expr(operand_node);
        return out(")");
    }
    static const std::unordered_map<std::string, std::string> codes = {
        {"month", "%m"}, {"day", "%d"},    {"year", "%Y"},  {"second", "%S"}, {"hour", "%H"},
        {"doy", "%j"},   {"minute", "%M"}, {"epoch", "%s"}, {"dow", "%w"},    {"week", "%W"},
    };
    auto code = codes.find(n.name);
    if (code == codes.end())
        throw Error(ErrorKind::Programming, n.name + " is not a valid extract argument.");
    out("CAST(STRFTIME(");
    out(quote_string(code->second));
    out(", ");
    expr(operand_node);
    out(") AS INTEGER)");
}

void Compiler::custom_op(const Node& n) {
    operand(need(n.child(0), "operator left operand"), n);
    out(" ");
    out(n.name);
    out(" ");
    operand(need(n.child(1), "operator right operand"), n, true);
}

}  // namespace cormorant::sql::detail
