// Node construction helpers and Kind names.
#include "cormorant/sql/node.hpp"

#include <array>

namespace cormorant::sql {

NodePtr make_node(Kind kind, std::string name, std::vector<NodePtr> children, std::uint32_t flags) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->name = std::move(name);
    n->children = std::move(children);
    n->flags = flags;
    return n;
}

NodePtr make_list(std::vector<NodePtr> items) {
    return make_node(Kind::List, {}, std::move(items));
}

std::string_view kind_name(Kind kind) noexcept {
    static constexpr std::array<std::string_view, 71> names = {
        "col",
        "bind",
        "null",
        "true",
        "false",
        "star",
        "text",
        "literal",
        "binop",
        "and",
        "or",
        "not",
        "neg",
        "in",
        "between",
        "func",
        "label",
        "labelref",
        "asc",
        "desc",
        "nulls_first",
        "nulls_last",
        "cast",
        "case",
        "when",
        "distinct",
        "grouping",
        "scalar_subquery",
        "exists",
        "excluded",
        "table",
        "join",
        "subquery",
        "select",
        "insert",
        "update",
        "delete",
        "compound",
        "list",
        "assign",
        "for_update",
        "on_conflict",
        "create_table",
        "drop_table",
        "create_index",
        "drop_index",
        "create_enum",
        "drop_enum",
        "add_constraint",
        "drop_constraint",
        "savepoint",
        "release_savepoint",
        "rollback_to_savepoint",
        "with",
        "cte",
        "values",
        "tablesample",
        "over",
        "window_frame",
        "within_group",
        "funcfilter",
        "tuple",
        "collate",
        "extract",
        "ansi_func",
        "unary_op",
        "custom_op",
        "table_valued",
        "field_of",
        "affixed",
        "create_column",
    };
    static_assert(names.size() == static_cast<std::size_t>(Kind::CreateColumn) + 1,
                  "one name per Kind");
    auto i = static_cast<std::size_t>(kind);
    return i < names.size() ? names[i] : "?";
}

bool is_statement(Kind kind) noexcept {
    switch (kind) {
        case Kind::Select:
        case Kind::Insert:
        case Kind::Update:
        case Kind::Delete:
        case Kind::Compound:
        case Kind::CreateTable:
        case Kind::DropTable:
        case Kind::CreateIndex:
        case Kind::DropIndex:
        case Kind::CreateEnum:
        case Kind::DropEnum:
        case Kind::AddConstraint:
        case Kind::DropConstraint:
        case Kind::Savepoint:
        case Kind::ReleaseSavepoint:
        case Kind::RollbackToSavepoint:
        case Kind::With:
            return true;
        default:
            return false;
    }
}

bool is_selectable(Kind kind) noexcept {
    return kind == Kind::Select || kind == Kind::Compound || kind == Kind::Text ||
           kind == Kind::With || kind == Kind::Affixed;
}

}  // namespace cormorant::sql
