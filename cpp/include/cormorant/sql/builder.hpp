// Builder functions for expressions and FROM items. Every function returns a
// new immutable node; nothing is ever modified in place.
//
//   auto u = sql::table("users");
//   auto cond = sql::and_({sql::eq(sql::column("users", "id"), sql::bind("id")),
//                          sql::like(sql::column("users", "name"), sql::bind("pat"))});
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cormorant/schema/type.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql {

// --- leaves -------------------------------------------------------------------
NodePtr column(std::string table, std::string name);
NodePtr column(std::string name);  // unqualified
NodePtr bind(std::string key);
// A typed bind: PostgreSQL renders $n::TYPE (see schema::bind_cast_type); SQLite a plain ?.
NodePtr bind(std::string key, schema::Type type);
NodePtr null();
NodePtr true_();
NodePtr false_();
NodePtr star();
NodePtr text(std::string sql);  // ":name" becomes a bind with key "name"
NodePtr literal(std::int64_t value);
NodePtr literal(double value);
NodePtr literal_string(std::string value);  // rendered as a quoted SQL string
NodePtr excluded(std::string name);         // excluded.name in ON CONFLICT DO UPDATE
NodePtr labelref(std::string name);

// --- operators ------------------------------------------------------------------
// op is one of = != < <= > >= + - * / % || LIKE, NOT LIKE, ILIKE, NOT ILIKE, IS, IS NOT.
NodePtr binop(std::string op, NodePtr left, NodePtr right);
NodePtr eq(NodePtr l, NodePtr r);
NodePtr ne(NodePtr l, NodePtr r);
NodePtr lt(NodePtr l, NodePtr r);
NodePtr le(NodePtr l, NodePtr r);
NodePtr gt(NodePtr l, NodePtr r);
NodePtr ge(NodePtr l, NodePtr r);
NodePtr add(NodePtr l, NodePtr r);
NodePtr sub(NodePtr l, NodePtr r);
NodePtr mul(NodePtr l, NodePtr r);
NodePtr div(NodePtr l, NodePtr r);
NodePtr mod(NodePtr l, NodePtr r);
NodePtr concat(NodePtr l, NodePtr r);
NodePtr like(NodePtr l, NodePtr r);
NodePtr ilike(NodePtr l, NodePtr r);
NodePtr is_(NodePtr l, NodePtr r);
NodePtr is_not(NodePtr l, NodePtr r);
NodePtr and_(std::vector<NodePtr> operands);
NodePtr or_(std::vector<NodePtr> operands);
NodePtr not_(NodePtr operand);
NodePtr neg(NodePtr operand);
NodePtr in(NodePtr operand, std::vector<NodePtr> items, bool negate = false);
NodePtr between(NodePtr operand, NodePtr low, NodePtr high, bool negate = false);

// --- functions and modifiers --------------------------------------------------------
NodePtr func(std::string name, std::vector<NodePtr> args = {});
NodePtr label(NodePtr expr, std::string name);
NodePtr asc(NodePtr expr);
NodePtr desc(NodePtr expr);
NodePtr nulls_first(NodePtr expr);
NodePtr nulls_last(NodePtr expr);
NodePtr cast(NodePtr expr, schema::Type type);
NodePtr case_(std::vector<std::pair<NodePtr, NodePtr>> whens, NodePtr else_ = nullptr);
NodePtr distinct(NodePtr expr);
NodePtr grouping(NodePtr expr);
NodePtr scalar_subquery(NodePtr select);
NodePtr exists(NodePtr select);

// --- FROM items -------------------------------------------------------------------------
enum class JoinKind { Inner, LeftOuter, FullOuter };
NodePtr table(std::string name, std::string alias = {});
NodePtr join(NodePtr left, NodePtr right, NodePtr on, JoinKind kind = JoinKind::Inner);
NodePtr outerjoin(NodePtr left, NodePtr right, NodePtr on);
NodePtr subquery(NodePtr select, std::string alias);

// --- window functions, ordered-set aggregates, more operators ----------------------------
// A frame bound: UNBOUNDED PRECEDING, UNBOUNDED FOLLOWING and CURRENT ROW take no offset;
// PRECEDING and FOLLOWING take one (a bind, usually).
struct FrameBound {
    std::string kind;
    NodePtr offset = nullptr;
};
NodePtr window_frame(std::string mode, FrameBound lower, FrameBound upper);  // ROWS/RANGE/GROUPS
NodePtr over(NodePtr function, std::vector<NodePtr> partition_by = {},
             std::vector<NodePtr> order_by = {}, NodePtr frame = nullptr);
NodePtr within_group(NodePtr function, std::vector<NodePtr> order_by);
NodePtr funcfilter(NodePtr function, NodePtr criterion);
NodePtr tuple_(std::vector<NodePtr> items);
NodePtr collate(NodePtr expr, std::string collation);
NodePtr extract(std::string field, NodePtr expr);
NodePtr ansi_func(std::string name);                // CURRENT_DATE, no parentheses
NodePtr unary_op(std::string op, NodePtr operand);  // ~x; "ANY " + grouping(x)
NodePtr custom_op(std::string op, NodePtr left, NodePtr right, int precedence = 0);
NodePtr field_of(NodePtr composite, std::string field);  // (composite).field
// FROM f(...) AS alias; with `derived` columns (a type each, optional), AS alias(c TYPE, ...).
NodePtr table_valued(NodePtr function, std::string alias,
                     std::optional<std::vector<std::pair<std::string, std::optional<schema::Type>>>>
                         derived = std::nullopt);

}  // namespace cormorant::sql
