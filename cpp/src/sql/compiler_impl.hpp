// Private to the compiler: the Compiler class that walks a tree and appends
// SQL. Expressions live in compile_expression.cpp, statements and FROM items
// in compile_statement.cpp, the entry points and placeholders in compiler.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cormorant/sql/compiler.hpp"
#include "cormorant/sql/node.hpp"

namespace cormorant::sql::detail {

class Compiler {
  public:
    Compiler(Dialect dialect, bool allow_binds) : dialect_(dialect), allow_binds_(allow_binds) {}
    // A compiler for reading: see RenderOptions.
    Compiler(Dialect dialect, const RenderOptions* display)
        : dialect_(dialect), allow_binds_(true), display_(display) {}

    void root(const Node& node);
    Compiled finish() &&;
    std::string take_sql() && { return std::move(sql_); }

    // --- expressions (compile_expression.cpp)
    void expr(const Node& n);

  private:
    void operand(const Node& child, const Node& parent, bool right = false);
    // ? on SQLite; $n on PostgreSQL, as $n::TYPE when `cast` is given.
    void placeholder(const std::string& key, const schema::Type* cast = nullptr);
    void text(const Node& n);
    void binop(const Node& n);
    void escape_clause(const Node& n);  // LIKE ... ESCAPE 'c'
    void conjunction(const Node& n, std::string_view sep);
    void in(const Node& n);
    void between(const Node& n);
    void func(const Node& n);
    void suffixed(const Node& n, std::string_view suffix);
    void case_(const Node& n);
    void list(const Node& list_node, std::string_view sep = ", ");
    void over(const Node& n);
    void window_frame(const Node& n);
    void frame_bound(const std::string& kind, const Node* offset);
    void within_group(const Node& n);
    void extract(const Node& n);
    void custom_op(const Node& n);
    void table_valued(const Node& n);

    // --- statements (compile_statement.cpp)
    void selectable(const Node& n);
    void parenthesised_selectable(const Node& n);
    void select(const Node& n);
    void compound(const Node& n);
    void compound_member(const Node& n);
    void labelled_columns(const Node& list_node);
    void order_limit_offset(const Node* order_by, const Node* limit, const Node* offset);
    void for_update(const Node& n);
    void from_item(const Node& n);
    void insert(const Node& n);
    void insert_values(const Node& n);
    void on_conflict(const Node& n);
    void assignments(const Node& list_node);
    void update(const Node& n);
    void delete_(const Node& n);
    void returning(const Node* list_node);
    void where(const Node* cond);
    void ddl(const Node& n);
    void savepoint(const Node& n);
    void with_(const Node& n);
    void values(const Node& n);
    void values_rows(const Node& n);
    void tablesample(const Node& n);

    void affixed(const Node& n);
    void write_prefixes();  // the pending prefix_with() text, after a statement's keyword
    void insert_select(const Node& n, const Node& select);
    void extra_froms(const Node* froms, const char* keyword);
    void subscript(const Node& array, const Node& index, const Node& n);

    void out(std::string_view s) { sql_ += s; }
    // " KEYWORD ", after a line break when the statement is rendered for reading.
    void clause(std::string_view keyword);
    bool write_placeholder(const std::string& key, std::size_t number);
    void ident(std::string_view name);
    void identifiers(const std::vector<std::string>& names);      // a, b
    void identifier_list(const std::vector<std::string>& names);  // (a, b)
    const Node& need(const Node* n, std::string_view what) const;

    // Where the one-row INSERT's VALUES group and its placeholders were written.
    struct ValuesGroup {
        std::size_t begin = 0, end = 0;
        std::vector<std::size_t> spans;    // sql_ offsets: start, end of each placeholder
        std::vector<std::size_t> numbers;  // the $n of each placeholder
        bool open = false, written = false;
    };
    void open_values_group();
    void close_values_group();
    std::optional<ValuesTemplate> values_template() const;

    Dialect dialect_;
    bool allow_binds_;
    const RenderOptions* display_ = nullptr;
    std::string prefixes_;  // set by an Affixed node, written by the statement it wraps
    std::string sql_;
    std::vector<std::string> keys_;
    std::unordered_map<std::string, std::size_t> numbers_;  // PostgreSQL key -> $n
    ValuesGroup values_;
    std::size_t binds_outside_values_ = 0;
};

}  // namespace cormorant::sql::detail
