// Generative statement builders and the savepoint statements.
#include "cormorant/sql/statement.hpp"

#include "cormorant/error.hpp"
#include "cormorant/sql/builder.hpp"

namespace cormorant::sql {

// --- StatementBuilder -------------------------------------------------------------
NodePtr StatementBuilder::with_child(std::size_t slot, NodePtr value) const {
    auto copy = std::make_shared<Node>(*node_);
    copy->children.at(slot) = std::move(value);
    return copy;
}

NodePtr StatementBuilder::with_appended(std::size_t slot, const std::vector<NodePtr>& items) const {
    std::vector<NodePtr> merged = node_->children.at(slot)->children;
    merged.insert(merged.end(), items.begin(), items.end());
    return with_child(slot, make_list(std::move(merged)));
}

NodePtr StatementBuilder::with_and(std::size_t slot, NodePtr cond) const {
    const NodePtr& old = node_->children.at(slot);
    return with_child(slot, old ? and_({old, std::move(cond)}) : std::move(cond));
}

// --- Select ------------------------------------------------------------------------------
Select select(std::vector<NodePtr> columns) {
    std::vector<NodePtr> slots(kSelectSlots);
    slots[kColumns] = make_list(std::move(columns));
    slots[kFroms] = make_list({});
    slots[kGroupBy] = make_list({});
    slots[kOrderBy] = make_list({});
    return Select(make_node(Kind::Select, {}, std::move(slots)));
}

Select Select::columns(const std::vector<NodePtr>& cols) const {
    return Select(with_appended(kColumns, cols));
}
Select Select::from(NodePtr from_item) const { return Select(with_appended(kFroms, {from_item})); }
Select Select::where(NodePtr cond) const { return Select(with_and(kWhere, std::move(cond))); }
Select Select::group_by(const std::vector<NodePtr>& exprs) const {
    return Select(with_appended(kGroupBy, exprs));
}
Select Select::having(NodePtr cond) const { return Select(with_and(kHaving, std::move(cond))); }
Select Select::order_by(const std::vector<NodePtr>& exprs) const {
    return Select(with_appended(kOrderBy, exprs));
}
Select Select::limit(NodePtr n) const { return Select(with_child(kLimit, std::move(n))); }
Select Select::offset(NodePtr n) const { return Select(with_child(kOffset, std::move(n))); }
Select Select::distinct(bool on) const {
    auto copy = std::make_shared<Node>(*node_);
    copy->flags = on ? (copy->flags | flag::distinct) : (copy->flags & ~flag::distinct);
    return Select(std::move(copy));
}
Select Select::for_update(ForUpdateOptions options) const {
    auto fu = std::make_shared<Node>();
    fu->kind = Kind::ForUpdate;
    fu->names = std::move(options.of);
    fu->flags = (options.nowait ? flag::nowait : 0) |
                (options.skip_locked ? flag::skip_locked : 0) | (options.read ? flag::read : 0);
    return Select(with_child(kForUpdate, std::move(fu)));
}

// --- Insert ------------------------------------------------------------------------------
// children: {rows, returning, on_conflict}
Insert insert(std::string table, std::vector<std::string> columns) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::Insert;
    n->name = std::move(table);
    n->names = std::move(columns);
    n->children = {make_list({}), make_list({}), nullptr};
    return Insert(std::move(n));
}

Insert Insert::values(const std::vector<NodePtr>& row) const {
    if (row.size() != node_->names.size())
        throw Error(ErrorKind::Interface, "insert: VALUES row has " + std::to_string(row.size()) +
                                              " items for " + std::to_string(node_->names.size()) +
                                              " columns");
    return Insert(with_appended(0, {make_list(row)}));
}
Insert Insert::returning(const std::vector<NodePtr>& exprs) const {
    return Insert(with_appended(1, exprs));
}
Insert Insert::on_conflict_do_nothing(std::vector<std::string> index_columns) const {
    auto oc = std::make_shared<Node>();
    oc->kind = Kind::OnConflict;
    oc->names = std::move(index_columns);
    oc->children = {make_list({}), nullptr};
    return Insert(with_child(2, std::move(oc)));
}
Insert Insert::on_conflict_do_update(std::vector<std::string> index_columns,
                                     std::vector<std::pair<std::string, NodePtr>> set,
                                     NodePtr where) const {
    std::vector<NodePtr> assigns;
    for (auto& [col, value] : set)
        assigns.push_back(make_node(Kind::Assign, col, {std::move(value)}));
    auto oc = std::make_shared<Node>();
    oc->kind = Kind::OnConflict;
    oc->flags = flag::do_update;
    oc->names = std::move(index_columns);
    oc->children = {make_list(std::move(assigns)), std::move(where)};
    return Insert(with_child(2, std::move(oc)));
}

// --- Update / Delete ------------------------------------------------------------------------
// Update children: {assignments, where, returning}
Update update(std::string table) {
    return Update(
        make_node(Kind::Update, std::move(table), {make_list({}), nullptr, make_list({})}));
}
Update Update::set(std::string column, NodePtr value) const {
    return Update(
        with_appended(0, {make_node(Kind::Assign, std::move(column), {std::move(value)})}));
}
Update Update::where(NodePtr cond) const { return Update(with_and(1, std::move(cond))); }
Update Update::returning(const std::vector<NodePtr>& exprs) const {
    return Update(with_appended(2, exprs));
}

// Delete children: {where, returning}
Delete delete_(std::string table) {
    return Delete(make_node(Kind::Delete, std::move(table), {nullptr, make_list({})}));
}
Delete Delete::where(NodePtr cond) const { return Delete(with_and(0, std::move(cond))); }
Delete Delete::returning(const std::vector<NodePtr>& exprs) const {
    return Delete(with_appended(1, exprs));
}

// --- Compound --------------------------------------------------------------------------------
// children: {selects, order_by, limit, offset}
bool is_compound_operator(std::string_view op) {
    return op == "UNION" || op == "UNION ALL" || op == "INTERSECT" || op == "INTERSECT ALL" ||
           op == "EXCEPT" || op == "EXCEPT ALL";
}

Compound compound(std::string op, std::vector<NodePtr> selects) {
    if (!is_compound_operator(op))
        throw Error(ErrorKind::Interface, "compound: unknown operator '" + op + "'");
    return Compound(make_node(Kind::Compound, std::move(op),
                              {make_list(std::move(selects)), make_list({}), nullptr, nullptr}));
}
Compound union_(std::vector<NodePtr> selects) { return compound("UNION", std::move(selects)); }
Compound union_all(std::vector<NodePtr> selects) {
    return compound("UNION ALL", std::move(selects));
}
Compound intersect(std::vector<NodePtr> selects) {
    return compound("INTERSECT", std::move(selects));
}
Compound intersect_all(std::vector<NodePtr> selects) {
    return compound("INTERSECT ALL", std::move(selects));
}
Compound except_(std::vector<NodePtr> selects) { return compound("EXCEPT", std::move(selects)); }
Compound except_all(std::vector<NodePtr> selects) {
    return compound("EXCEPT ALL", std::move(selects));
}
Compound Compound::order_by(const std::vector<NodePtr>& exprs) const {
    return Compound(with_appended(1, exprs));
}
Compound Compound::limit(NodePtr n) const { return Compound(with_child(2, std::move(n))); }
Compound Compound::offset(NodePtr n) const { return Compound(with_child(3, std::move(n))); }

// --- WITH -------------------------------------------------------------------------------------
NodePtr cte(std::string name, NodePtr body, std::vector<std::string> columns) {
    if (name.empty()) throw Error(ErrorKind::Interface, "cte: name must not be empty");
    if (!body || !is_selectable(body->kind))
        throw Error(ErrorKind::Interface, "cte: the body must be a select");
    auto n = std::make_shared<Node>(*make_node(Kind::Cte, std::move(name), {std::move(body)}));
    n->names = std::move(columns);
    return n;
}
NodePtr with_(std::vector<NodePtr> ctes, NodePtr statement, bool recursive) {
    if (ctes.empty()) throw Error(ErrorKind::Interface, "with_: needs at least one CTE");
    if (!statement) throw Error(ErrorKind::Interface, "with_: needs a statement");
    return make_node(Kind::With, {}, {make_list(std::move(ctes)), std::move(statement)},
                     recursive ? flag::recursive : 0);
}

// --- savepoints -------------------------------------------------------------------------------
namespace {

NodePtr savepoint_node(Kind kind, std::string name) {
    if (name.empty())
        throw Error(ErrorKind::Interface,
                    std::string(kind_name(kind)) + ": name must not be empty");
    return make_node(kind, std::move(name));
}

}  // namespace

NodePtr savepoint(std::string name) { return savepoint_node(Kind::Savepoint, std::move(name)); }
NodePtr release_savepoint(std::string name) {
    return savepoint_node(Kind::ReleaseSavepoint, std::move(name));
}
NodePtr rollback_to_savepoint(std::string name) {
    return savepoint_node(Kind::RollbackToSavepoint, std::move(name));
}

}  // namespace cormorant::sql
