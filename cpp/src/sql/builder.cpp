// Builder functions for expressions and FROM items.
#include "cormorant/sql/builder.hpp"

#include <array>
#include <cstdio>

#include "cormorant/error.hpp"

namespace cormorant::sql {
namespace {

NodePtr unary(Kind kind, NodePtr operand) { return make_node(kind, {}, {std::move(operand)}); }

NodePtr named(Kind kind, std::string name, std::string qualifier = {}) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->name = std::move(name);
    n->qualifier = std::move(qualifier);
    return n;
}

constexpr std::array<std::string_view, 17> kOperators = {
    "=", "!=", "<",  "<=",   ">",        ">=",    "+",         "-",  "*",
    "/", "%",  "||", "LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE", "IS",
};

bool known_operator(std::string_view op) {
    if (op == "IS NOT") return true;
    if (op == "[]" || op == "@>") return true;  // PostgreSQL ARRAY: subscript, containment
    for (auto k : kOperators)
        if (k == op) return true;
    return false;
}

void require(const NodePtr& n, const char* what) {
    if (!n) throw Error(ErrorKind::Interface, std::string(what) + ": operand is null");
}

}  // namespace

NodePtr column(std::string table, std::string name) {
    return named(Kind::Column, std::move(name), std::move(table));
}
NodePtr column(std::string name) { return named(Kind::Column, std::move(name)); }
NodePtr bind(std::string key) { return named(Kind::Bind, std::move(key)); }
NodePtr bind(std::string key, schema::Type type) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::Bind;
    n->name = std::move(key);
    n->type = std::move(type);
    return n;
}
NodePtr null() { return make_node(Kind::Null); }
NodePtr true_() { return make_node(Kind::True); }
NodePtr false_() { return make_node(Kind::False); }
NodePtr star() { return make_node(Kind::Star); }
NodePtr text(std::string sql) { return named(Kind::Text, std::move(sql)); }
NodePtr literal(std::int64_t value) { return named(Kind::Literal, std::to_string(value)); }
NodePtr literal(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    return named(Kind::Literal, buf);
}
NodePtr literal_string(std::string value) {
    return make_node(Kind::Literal, std::move(value), {}, flag::string_literal);
}
NodePtr excluded(std::string name) { return named(Kind::Excluded, std::move(name)); }
NodePtr labelref(std::string name) { return named(Kind::LabelRef, std::move(name)); }

NodePtr binop(std::string op, NodePtr left, NodePtr right) {
    if (!known_operator(op))
        throw Error(ErrorKind::Programming, "binop: unknown operator '" + op + "'");
    require(left, "binop");
    require(right, "binop");
    return make_node(Kind::BinOp, std::move(op), {std::move(left), std::move(right)});
}
NodePtr eq(NodePtr l, NodePtr r) { return binop("=", std::move(l), std::move(r)); }
NodePtr ne(NodePtr l, NodePtr r) { return binop("!=", std::move(l), std::move(r)); }
NodePtr lt(NodePtr l, NodePtr r) { return binop("<", std::move(l), std::move(r)); }
NodePtr le(NodePtr l, NodePtr r) { return binop("<=", std::move(l), std::move(r)); }
NodePtr gt(NodePtr l, NodePtr r) { return binop(">", std::move(l), std::move(r)); }
NodePtr ge(NodePtr l, NodePtr r) { return binop(">=", std::move(l), std::move(r)); }
NodePtr add(NodePtr l, NodePtr r) { return binop("+", std::move(l), std::move(r)); }
NodePtr sub(NodePtr l, NodePtr r) { return binop("-", std::move(l), std::move(r)); }
NodePtr mul(NodePtr l, NodePtr r) { return binop("*", std::move(l), std::move(r)); }
NodePtr div(NodePtr l, NodePtr r) { return binop("/", std::move(l), std::move(r)); }
NodePtr mod(NodePtr l, NodePtr r) { return binop("%", std::move(l), std::move(r)); }
NodePtr concat(NodePtr l, NodePtr r) { return binop("||", std::move(l), std::move(r)); }
NodePtr like(NodePtr l, NodePtr r) { return binop("LIKE", std::move(l), std::move(r)); }
NodePtr ilike(NodePtr l, NodePtr r) { return binop("ILIKE", std::move(l), std::move(r)); }
NodePtr is_(NodePtr l, NodePtr r) { return binop("IS", std::move(l), std::move(r)); }
NodePtr is_not(NodePtr l, NodePtr r) { return binop("IS NOT", std::move(l), std::move(r)); }

NodePtr and_(std::vector<NodePtr> operands) {
    if (operands.empty()) throw Error(ErrorKind::Interface, "and_: needs at least one operand");
    return make_node(Kind::And, {}, std::move(operands));
}
NodePtr or_(std::vector<NodePtr> operands) {
    if (operands.empty()) throw Error(ErrorKind::Interface, "or_: needs at least one operand");
    return make_node(Kind::Or, {}, std::move(operands));
}
NodePtr not_(NodePtr operand) { return unary(Kind::Not, std::move(operand)); }
NodePtr neg(NodePtr operand) { return unary(Kind::Neg, std::move(operand)); }

NodePtr in(NodePtr operand, std::vector<NodePtr> items, bool negate) {
    return make_node(Kind::In, {}, {std::move(operand), make_list(std::move(items))},
                     negate ? flag::negate : 0);
}
NodePtr between(NodePtr operand, NodePtr low, NodePtr high, bool negate) {
    return make_node(Kind::Between, {}, {std::move(operand), std::move(low), std::move(high)},
                     negate ? flag::negate : 0);
}

NodePtr func(std::string name, std::vector<NodePtr> args) {
    return make_node(Kind::Func, std::move(name), std::move(args));
}
NodePtr label(NodePtr expr, std::string name) {
    return make_node(Kind::Label, std::move(name), {std::move(expr)});
}
NodePtr asc(NodePtr expr) { return unary(Kind::Asc, std::move(expr)); }
NodePtr desc(NodePtr expr) { return unary(Kind::Desc, std::move(expr)); }
NodePtr nulls_first(NodePtr expr) { return unary(Kind::NullsFirst, std::move(expr)); }
NodePtr nulls_last(NodePtr expr) { return unary(Kind::NullsLast, std::move(expr)); }
NodePtr cast(NodePtr expr, schema::Type type) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::Cast;
    n->children = {std::move(expr)};
    n->type = std::move(type);
    return n;
}
NodePtr case_(std::vector<std::pair<NodePtr, NodePtr>> whens, NodePtr else_) {
    if (whens.empty()) throw Error(ErrorKind::Interface, "case_: needs at least one WHEN");
    std::vector<NodePtr> children{std::move(else_)};
    for (auto& [cond, result] : whens)
        children.push_back(make_node(Kind::When, {}, {std::move(cond), std::move(result)}));
    return make_node(Kind::Case, {}, std::move(children));
}
NodePtr distinct(NodePtr expr) { return unary(Kind::Distinct, std::move(expr)); }
NodePtr grouping(NodePtr expr) { return unary(Kind::Grouping, std::move(expr)); }
NodePtr scalar_subquery(NodePtr select) { return unary(Kind::ScalarSubquery, std::move(select)); }
NodePtr exists(NodePtr select) { return unary(Kind::Exists, std::move(select)); }

NodePtr table(std::string name, std::string alias) {
    return named(Kind::Table, std::move(name), std::move(alias));
}
NodePtr join(NodePtr left, NodePtr right, NodePtr on, JoinKind kind) {
    std::uint32_t flags = 0;
    if (kind == JoinKind::LeftOuter) flags = flag::outer;
    if (kind == JoinKind::FullOuter) flags = flag::outer | flag::full;
    return make_node(Kind::Join, {}, {std::move(left), std::move(right), std::move(on)}, flags);
}
NodePtr outerjoin(NodePtr left, NodePtr right, NodePtr on) {
    return join(std::move(left), std::move(right), std::move(on), JoinKind::LeftOuter);
}
NodePtr subquery(NodePtr select, std::string alias) {
    return make_node(Kind::Subquery, std::move(alias), {std::move(select)});
}

NodePtr window_frame(std::string mode, FrameBound lower, FrameBound upper) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::WindowFrame;
    n->name = std::move(mode);
    n->names = {std::move(lower.kind), std::move(upper.kind)};
    n->children = {std::move(lower.offset), std::move(upper.offset)};
    return n;
}
NodePtr over(NodePtr function, std::vector<NodePtr> partition_by, std::vector<NodePtr> order_by,
             NodePtr frame) {
    return make_node(Kind::Over, {},
                     {std::move(function), make_list(std::move(partition_by)),
                      make_list(std::move(order_by)), std::move(frame)});
}
NodePtr within_group(NodePtr function, std::vector<NodePtr> order_by) {
    return make_node(Kind::WithinGroup, {}, {std::move(function), make_list(std::move(order_by))});
}
NodePtr funcfilter(NodePtr function, NodePtr criterion) {
    return make_node(Kind::FunctionFilter, {}, {std::move(function), std::move(criterion)});
}
NodePtr tuple_(std::vector<NodePtr> items) { return make_node(Kind::Tuple, {}, std::move(items)); }
NodePtr collate(NodePtr expr, std::string collation) {
    return make_node(Kind::Collate, std::move(collation), {std::move(expr)});
}
NodePtr extract(std::string field, NodePtr expr) {
    return make_node(Kind::Extract, std::move(field), {std::move(expr)});
}
NodePtr ansi_func(std::string name) { return make_node(Kind::AnsiFunc, std::move(name)); }
NodePtr unary_op(std::string op, NodePtr operand) {
    return make_node(Kind::UnaryOp, std::move(op), {std::move(operand)});
}
NodePtr custom_op(std::string op, NodePtr left, NodePtr right, int precedence) {
    if (precedence < 0 || precedence > 100)
        throw Error(ErrorKind::Interface, "custom_op: precedence must be within 0..100");
    return make_node(Kind::CustomOp, std::move(op), {std::move(left), std::move(right)},
                     static_cast<std::uint32_t>(precedence));
}

NodePtr table_valued(
    NodePtr function, std::string alias,
    std::optional<std::vector<std::pair<std::string, std::optional<schema::Type>>>> derived) {
    std::vector<NodePtr> children{std::move(function)};
    if (derived) {
        for (auto& [name, type] : *derived) {
            auto col = std::make_shared<Node>(*column(std::move(name)));
            col->type = std::move(type);
            children.push_back(std::move(col));
        }
    }
    return make_node(Kind::TableValued, std::move(alias), std::move(children),
                     derived ? flag::derived : 0);
}

NodePtr field_of(NodePtr composite, std::string field) {
    return make_node(Kind::FieldOf, std::move(field), {std::move(composite)});
}

}  // namespace cormorant::sql
