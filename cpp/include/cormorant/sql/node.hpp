// The statement tree: one immutable node type (sql::Node) tagged by Kind and
// shared as NodePtr. The per-kind layout of the generic fields is listed
// below; build nodes with the functions in builder.hpp / statement.hpp or
// decode them from the Python form (decode.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cormorant/schema/type.hpp"

namespace cormorant::schema {
struct Table;
}

namespace cormorant::sql {

enum class Kind : std::uint8_t {
    // expressions
    Column,  // name, qualifier = table or alias ("" when unqualified)
    Bind,    // name = key; type = bind cast (PostgreSQL renders $n::TYPE), absent for none
    Null,
    True,
    False,
    Star,
    Text,            // name = SQL with :name placeholders, children = typed Binds (optional)
    Literal,         // name = value; flags & flag::string_literal quotes it
    BinOp,           // name = operator, children = {left, right}; for the LIKE family,
                     // qualifier = the ESCAPE character when there is one
    And,             // children = operands
    Or,              // children = operands
    Not,             // children = {operand}
    Neg,             // children = {operand}
    In,              // children = {operand, List}; flag::negate
    Between,         // children = {operand, low, high}; flag::negate
    Func,            // name, children = arguments
    Label,           // name, children = {expression}
    LabelRef,        // name
    Asc,             // children = {expression}
    Desc,            // children = {expression}
    NullsFirst,      // children = {expression}
    NullsLast,       // children = {expression}
    Cast,            // children = {expression}, type
    Case,            // children = {else or null, When...}
    When,            // children = {condition, result}
    Distinct,        // children = {expression}
    Grouping,        // children = {expression}
    ScalarSubquery,  // children = {select}
    Exists,          // children = {select}
    Excluded,        // name
    // FROM items
    Table,     // name, qualifier = alias
    Join,      // children = {left, right, on}; flag::outer, flag::full
    Subquery,  // name = alias, children = {select}; flag::lateral
    // statements
    Select,    // children: see SelectSlot; flag::distinct
    Insert,    // name = table, names = columns, children = {rows List of List, returning List,
               // on_conflict or null, optional select (INSERT ... SELECT, rows then empty)}
    Update,    // name = table, children = {List of Assign, where or null, returning List,
               // optional List of FROM items (UPDATE ... FROM)}
    Delete,    // name = table, children = {where or null, returning List,
               // optional List of FROM items (DELETE ... USING, PostgreSQL only)}
    Compound,  // name = UNION [ALL] / INTERSECT [ALL] / EXCEPT [ALL], children = {List of selects,
               // order_by List, limit, offset}
    // statement parts
    List,        // children = items
    Assign,      // name = column, children = {value}
    ForUpdate,   // names = OF tables; flag::nowait, flag::skip_locked, flag::read
    OnConflict,  // names = index columns, children = {List of Assign, where or null};
                 // flag::do_update
    // DDL
    CreateTable,     // table_def; flag::if_exists (IF NOT EXISTS)
    DropTable,       // name; flag::if_exists
    CreateIndex,     // name, qualifier = table, names = columns; flag::unique, flag::if_exists
    DropIndex,       // name; flag::if_exists
    CreateEnum,      // name, names = values; flag::if_exists (only if absent); PostgreSQL only
    DropEnum,        // name; flag::if_exists
    AddConstraint,   // table_def = the table's name and the one constraint to add;
                     // flag::if_exists (only if absent); PostgreSQL only
    DropConstraint,  // name, qualifier = table; flag::if_exists (table and constraint)
    // transaction control
    Savepoint,            // name
    ReleaseSavepoint,     // name
    RollbackToSavepoint,  // name
    // common table expressions and further FROM items
    With,         // children = {List of Cte, statement}; flag::recursive
    Cte,          // name, names = columns (rendered when given), children = {selectable}
    Values,       // name = alias ("" as an expression), names = columns, children = rows (List)
    TableSample,  // name = alias, children = {table, sampling function, seed or null}
    // more expressions
    Over,            // children = {function, List partition_by, List order_by, WindowFrame or null}
    WindowFrame,     // name = ROWS / RANGE / GROUPS, names = {lower bound, upper bound}: each
                     // UNBOUNDED PRECEDING, UNBOUNDED FOLLOWING, CURRENT ROW, PRECEDING or
                     // FOLLOWING; children = {lower offset or null, upper offset or null}
    WithinGroup,     // children = {function, List order_by}
    FunctionFilter,  // children = {function, criterion}
    Tuple,           // children = items
    Collate,         // name = collation, children = {expression}
    Extract,         // name = field, children = {expression}
    AnsiFunc,        // name: a function written without parentheses (CURRENT_DATE)
    UnaryOp,         // name = prefix operator, children = {operand}
    CustomOp,        // name = operator, children = {left, right}; flags = precedence
    TableValued,     // FROM item: name = alias, children = {function, Column...}: the derived
                     // column list AS alias(c TYPE, ...) when flag::derived (each Column's
                     // type optional)
    FieldOf,         // name = field, children = {expression}: (expression).field
    Affixed,       // names = {prefixes, suffixes} (SQL text), children = {statement}: the prefixes
                   // follow its first keyword (SELECT, INSERT, UPDATE, DELETE), the suffixes end it
    CreateColumn,  // table_def holding the one column: its CREATE TABLE line, alone
};

namespace flag {
inline constexpr std::uint32_t negate = 1;
inline constexpr std::uint32_t outer = 1;
inline constexpr std::uint32_t full = 2;
inline constexpr std::uint32_t distinct = 1;
inline constexpr std::uint32_t nowait = 1;
inline constexpr std::uint32_t skip_locked = 2;
inline constexpr std::uint32_t read = 4;
inline constexpr std::uint32_t do_update = 1;
inline constexpr std::uint32_t if_exists = 1;  // IF EXISTS / IF NOT EXISTS
inline constexpr std::uint32_t unique = 2;
inline constexpr std::uint32_t string_literal = 1;
inline constexpr std::uint32_t lateral = 1;    // Subquery
inline constexpr std::uint32_t recursive = 1;  // With
inline constexpr std::uint32_t derived = 1;    // TableValued
}  // namespace flag

// Child positions of a Select node.
enum SelectSlot : std::size_t {
    kColumns,
    kFroms,
    kWhere,
    kGroupBy,
    kHaving,
    kOrderBy,
    kLimit,
    kOffset,
    kForUpdate,
    kSelectSlots
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
    Kind kind = Kind::Null;
    std::string name;
    std::string qualifier;
    std::vector<std::string> names;
    std::vector<NodePtr> children;  // a null pointer marks an absent optional part
    std::uint32_t flags = 0;
    std::optional<schema::Type> type;                // Cast; Bind (optional)
    std::shared_ptr<const schema::Table> table_def;  // CreateTable

    bool has(std::uint32_t f) const noexcept { return (flags & f) != 0; }
    // The i-th child, or nullptr when absent or out of range.
    const Node* child(std::size_t i) const noexcept {
        return i < children.size() ? children[i].get() : nullptr;
    }
};

// Generic constructor used by the builders and the decoder.
NodePtr make_node(Kind kind, std::string name = {}, std::vector<NodePtr> children = {},
                  std::uint32_t flags = 0);
NodePtr make_list(std::vector<NodePtr> items);

std::string_view kind_name(Kind kind) noexcept;
bool is_statement(Kind kind) noexcept;  // Select, Insert, Update, Delete, Compound, DDL, savepoints
bool is_selectable(Kind kind) noexcept;  // Select, Compound, Text, With

}  // namespace cormorant::sql
