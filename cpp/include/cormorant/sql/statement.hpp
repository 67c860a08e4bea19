// Generative statement builders (Select, Insert, Update, Delete, Compound) and
// the savepoint statements.
// Each method returns a new builder; the wrapped node is immutable. A builder
// converts to NodePtr and to const Node&, so it can be passed to compile().
//
//   auto stmt = sql::select({sql::column("users", "id")})
//                   .from(sql::table("users"))
//                   .where(sql::eq(sql::column("users", "id"), sql::bind("id")));
//   sql::Compiled c = sql::compile(stmt, sql::Dialect::SQLite);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cormorant/sql/node.hpp"

namespace cormorant::sql {

// Shared plumbing: holds the node and hands it out.
class StatementBuilder {
  public:
    explicit StatementBuilder(NodePtr node) : node_(std::move(node)) {}
    const NodePtr& node() const noexcept { return node_; }
    operator const NodePtr&() const noexcept { return node_; }
    operator const Node&() const noexcept { return *node_; }

  protected:
    // A copy of the node with child `slot` replaced (the tree stays immutable).
    NodePtr with_child(std::size_t slot, NodePtr value) const;
    // A copy of the node with `items` appended to the List child at `slot`.
    NodePtr with_appended(std::size_t slot, const std::vector<NodePtr>& items) const;
    // A copy of the node with `cond` ANDed into the optional child at `slot`.
    NodePtr with_and(std::size_t slot, NodePtr cond) const;

    NodePtr node_;
};

struct ForUpdateOptions {
    bool nowait = false;
    bool skip_locked = false;
    bool read = false;  // FOR SHARE
    std::vector<std::string> of;
};

class Select : public StatementBuilder {
  public:
    using StatementBuilder::StatementBuilder;
    Select columns(const std::vector<NodePtr>& cols) const;  // appends
    Select from(NodePtr from_item) const;                    // appends
    Select where(NodePtr cond) const;                        // ANDs with earlier criteria
    Select group_by(const std::vector<NodePtr>& exprs) const;
    Select having(NodePtr cond) const;
    Select order_by(const std::vector<NodePtr>& exprs) const;
    Select limit(NodePtr n) const;
    Select offset(NodePtr n) const;
    Select distinct(bool on = true) const;
    Select for_update(ForUpdateOptions options = {}) const;
};

class Insert : public StatementBuilder {
  public:
    using StatementBuilder::StatementBuilder;
    Insert values(const std::vector<NodePtr>& row) const;  // one row; call again for more
    Insert returning(const std::vector<NodePtr>& exprs) const;
    Insert on_conflict_do_nothing(std::vector<std::string> index_columns = {}) const;
    Insert on_conflict_do_update(std::vector<std::string> index_columns,
                                 std::vector<std::pair<std::string, NodePtr>> set,
                                 NodePtr where = nullptr) const;
};

class Update : public StatementBuilder {
  public:
    using StatementBuilder::StatementBuilder;
    Update set(std::string column, NodePtr value) const;
    Update where(NodePtr cond) const;
    Update returning(const std::vector<NodePtr>& exprs) const;
};

class Delete : public StatementBuilder {
  public:
    using StatementBuilder::StatementBuilder;
    Delete where(NodePtr cond) const;
    Delete returning(const std::vector<NodePtr>& exprs) const;
};

class Compound : public StatementBuilder {
  public:
    using StatementBuilder::StatementBuilder;
    Compound order_by(const std::vector<NodePtr>& exprs) const;
    Compound limit(NodePtr n) const;
    Compound offset(NodePtr n) const;
};

Select select(std::vector<NodePtr> columns);
Insert insert(std::string table, std::vector<std::string> columns = {});
Update update(std::string table);
Delete delete_(std::string table);
// op is UNION, UNION ALL, INTERSECT or EXCEPT.
// UNION, UNION ALL, INTERSECT, INTERSECT ALL, EXCEPT, EXCEPT ALL
bool is_compound_operator(std::string_view op);
Compound compound(std::string op, std::vector<NodePtr> selects);
Compound union_(std::vector<NodePtr> selects);
Compound union_all(std::vector<NodePtr> selects);
Compound intersect(std::vector<NodePtr> selects);
Compound intersect_all(std::vector<NodePtr> selects);
Compound except_(std::vector<NodePtr> selects);
Compound except_all(std::vector<NodePtr> selects);

// A common table expression for with_(): name AS (body); `columns` are listed
// after the name (as WITH RECURSIVE needs) when given.
NodePtr cte(std::string name, NodePtr body, std::vector<std::string> columns = {});
// WITH [RECURSIVE] cte, ... statement
NodePtr with_(std::vector<NodePtr> ctes, NodePtr statement, bool recursive = false);

// SAVEPOINT name / RELEASE SAVEPOINT name / ROLLBACK TO SAVEPOINT name (both dialects);
// an empty name throws cormorant::Error (Interface).
NodePtr savepoint(std::string name);
NodePtr release_savepoint(std::string name);
NodePtr rollback_to_savepoint(std::string name);

}  // namespace cormorant::sql
