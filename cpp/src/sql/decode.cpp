// Decoding the Python tuple form into the statement tree: expressions, FROM
// items, DML and savepoint statements (DDL heads are in decode_ddl.cpp).
//
// Binds: ("bind", key) or ("bind", key, type) where type is a DDL type tuple
// (see decode_type); None or ("null",) (SQLAlchemy's NullType) means untyped.
#include "cormorant/sql/decode.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "cormorant/error.hpp"
#include "cormorant/sql/builder.hpp"
#include "cormorant/sql/statement.hpp"
#include "decode_reader.hpp"

namespace cormorant::sql {
namespace detail {
namespace {

using R = DatumReader;

NodePtr with_names(NodePtr base, std::vector<std::string> names) {
    auto n = std::make_shared<Node>(*base);
    n->names = std::move(names);
    return n;
}

std::vector<NodePtr> assignments(const R& r, std::size_t i) {
    std::vector<NodePtr> out;
    for (const auto& pair : r.tuple(i, "assignments")) {
        if (!pair.is_list() || pair.as_list().size() != 2 || !pair.as_list()[0].is_string())
            r.fail("each assignment must be (column_name, expression), got " + pair.describe());
        out.push_back(
            make_node(Kind::Assign, pair.as_list()[0].as_string(), {decode(pair.as_list()[1])}));
    }
    return out;
}

// --- expressions -------------------------------------------------------------------------
NodePtr d_col(const R& r) { return column(r.opt_str(1, "table"), r.str(2, "column name")); }
bool is_null_type(const Datum& d) {
    if (d.is_null()) return true;
    if (!d.is_list() || d.as_list().size() != 1) return false;
    const Datum& head = d.as_list().front();
    return head.is_string() && head.as_string() == "null";
}
NodePtr d_bind(const R& r) {
    std::string key = r.str(1, "bind key");
    if (r.size() == 2 || is_null_type(r.at(2))) return bind(std::move(key));
    return bind(std::move(key), decode_type(r.at(2)));
}
NodePtr d_leaf(const R& r) {
    if (r.head() == "null") return null();
    if (r.head() == "true") return true_();
    if (r.head() == "false") return false_();
    return star();
}
// ("text", sql) or ("text", sql, (("bind", key, type), ...)) giving some keys a type.
NodePtr d_text(const R& r) {
    if (r.size() == 2) return text(r.str(1, "sql"));
    return make_node(Kind::Text, r.str(1, "sql"), r.nodes(2, "text() bind types"));
}
NodePtr d_literal(const R& r) {
    const Datum& v = r.at(1);
    if (v.is_null()) return null();
    if (v.is_bool()) return v.as_bool() ? true_() : false_();
    if (v.is_int()) return literal(v.as_int());
    if (v.is_double()) return literal(v.as_double());
    if (v.is_string()) return literal_string(v.as_string());
    r.fail("value must be None, bool, int, float or str, got " + v.describe());
}
NodePtr d_binop(const R& r) { return binop(r.str(1, "operator"), r.node(2), r.node(3)); }
// ("like", operator, expr, pattern, escape): the LIKE family with an ESCAPE character.
NodePtr d_like(const R& r) {
    std::string op = r.str(1, "operator");
    if (op != "LIKE" && op != "NOT LIKE" && op != "ILIKE" && op != "NOT ILIKE")
        r.fail("ESCAPE applies to LIKE, NOT LIKE, ILIKE and NOT ILIKE, not '" + op + "'");
    std::string escape = r.str(4, "escape character");
    auto starts = std::count_if(escape.begin(), escape.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    if (starts != 1) r.fail("the escape must be one character, got '" + escape + "'");
    auto n = std::make_shared<Node>(*binop(std::move(op), r.node(2), r.node(3)));
    n->qualifier = std::move(escape);
    return n;
}
NodePtr d_conjunction(const R& r) {
    std::vector<NodePtr> operands;
    for (std::size_t i = 1; i < r.size(); ++i) operands.push_back(r.node(i));
    return r.head() == "and" ? and_(std::move(operands)) : or_(std::move(operands));
}
NodePtr d_unary(const R& r) {
    static const std::unordered_map<std::string, Kind> kinds = {
        {"not", Kind::Not},
        {"neg", Kind::Neg},
        {"asc", Kind::Asc},
        {"desc", Kind::Desc},
        {"nulls_first", Kind::NullsFirst},
        {"nulls_last", Kind::NullsLast},
        {"distinct", Kind::Distinct},
        {"grouping", Kind::Grouping},
        {"scalar_subquery", Kind::ScalarSubquery},
        {"exists", Kind::Exists},
    };
    return make_node(kinds.at(r.head()), {}, {r.node(1)});
}
NodePtr d_in(const R& r) { return in(r.node(1), r.nodes(2, "IN items"), r.flag(3, "negate")); }
NodePtr d_between(const R& r) {
    return between(r.node(1), r.node(2), r.node(3), r.flag(4, "negate"));
}
NodePtr d_func(const R& r) {
    return func(r.str(1, "function name"), r.nodes(2, "function arguments"));
}
NodePtr d_label(const R& r) { return label(r.node(1), r.str(2, "label name")); }
NodePtr d_labelref(const R& r) { return labelref(r.str(1, "label name")); }
NodePtr d_cast(const R& r) { return cast(r.node(1), decode_type(r.at(2))); }
NodePtr d_case(const R& r) {
    std::vector<std::pair<NodePtr, NodePtr>> whens;
    for (const auto& w : r.tuple(1, "CASE whens")) {
        if (!w.is_list() || w.as_list().size() != 2)
            r.fail("each WHEN must be (condition, result), got " + w.describe());
        whens.emplace_back(decode(w.as_list()[0]), decode(w.as_list()[1]));
    }
    if (whens.empty()) r.fail("needs at least one (condition, result) pair");
    return case_(std::move(whens), r.opt_node(2));
}
NodePtr d_excluded(const R& r) { return excluded(r.str(1, "column name")); }

// A name written into SQL as it stands (an EXTRACT field, an ANSI function):
// letters, digits and underscores, not starting with a digit.
std::string bare_word(const R& r, std::size_t i, const char* what) {
    std::string word = r.str(i, what);
    bool ok = !word.empty() && std::isdigit(static_cast<unsigned char>(word[0])) == 0 &&
              std::all_of(word.begin(), word.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
              });
    if (!ok) r.fail(std::string(what) + " must be a plain SQL word, got '" + word + "'");
    return word;
}
// ("window_frame", ROWS|RANGE|GROUPS, lower kind, lower offset, upper kind, upper offset)
NodePtr d_window_frame(const R& r) {
    std::string mode = r.str(1, "frame mode");
    if (mode != "ROWS" && mode != "RANGE" && mode != "GROUPS")
        r.fail("the frame mode must be ROWS, RANGE or GROUPS, not '" + mode + "'");
    auto bound = [&r](std::size_t i) {
        std::string kind = r.str(i, "frame bound");
        bool offset = kind == "PRECEDING" || kind == "FOLLOWING";
        if (!offset && kind != "UNBOUNDED PRECEDING" && kind != "UNBOUNDED FOLLOWING" &&
            kind != "CURRENT ROW")
            r.fail("unknown frame bound '" + kind + "'");
        NodePtr value = r.opt_node(i + 1);
        if (offset != (value != nullptr))
            r.fail("an offset goes with PRECEDING / FOLLOWING, and only there");
        return std::pair{kind, value};
    };
    auto [lower, lower_offset] = bound(2);
    auto [upper, upper_offset] = bound(4);
    return with_names(make_node(Kind::WindowFrame, mode, {lower_offset, upper_offset}),
                      {lower, upper});
}
NodePtr d_over(const R& r) {
    NodePtr frame = r.opt_node(4);
    if (frame && frame->kind != Kind::WindowFrame)
        r.fail("frame must be None or a ('window_frame', ...) tuple");
    return make_node(Kind::Over, {},
                     {r.node(1), make_list(r.nodes(2, "partition_by")),
                      make_list(r.nodes(3, "order_by")), frame});
}
NodePtr d_within_group(const R& r) {
    return make_node(Kind::WithinGroup, {}, {r.node(1), make_list(r.nodes(2, "order_by"))});
}
NodePtr d_funcfilter(const R& r) {
    return make_node(Kind::FunctionFilter, {}, {r.node(1), r.node(2)});
}
NodePtr d_tuple(const R& r) {
    auto items = r.nodes(1, "tuple items");
    if (items.empty()) r.fail("a tuple needs at least one item");
    return make_node(Kind::Tuple, {}, std::move(items));
}
NodePtr d_collate(const R& r) {
    return make_node(Kind::Collate, r.str(2, "collation"), {r.node(1)});
}
NodePtr d_extract(const R& r) {
    return make_node(Kind::Extract, bare_word(r, 1, "EXTRACT field"), {r.node(2)});
}
NodePtr d_ansi_func(const R& r) {
    return make_node(Kind::AnsiFunc, bare_word(r, 1, "function name"));
}
NodePtr d_unary_op(const R& r) {
    return make_node(Kind::UnaryOp, r.str(1, "operator"), {r.node(2)});
}
NodePtr d_custom_op(const R& r) {
    auto precedence = r.opt_int(4, "precedence").value_or(0);
    if (precedence < 0 || precedence > 100) r.fail("precedence must be within 0..100");
    return make_node(Kind::CustomOp, r.str(1, "operator"), {r.node(2), r.node(3)},
                     static_cast<std::uint32_t>(precedence));
}

// --- FROM items ----------------------------------------------------------------------------
NodePtr d_table(const R& r) {
    return table(r.str(1, "table name"), r.size() == 3 ? r.opt_str(2, "alias") : std::string());
}
NodePtr d_join(const R& r) {
    JoinKind kind = r.flag(5, "full")      ? JoinKind::FullOuter
                    : r.flag(4, "isouter") ? JoinKind::LeftOuter
                                           : JoinKind::Inner;
    return join(r.node(1), r.node(2), r.node(3), kind);
}
NodePtr d_subquery(const R& r) { return subquery(r.node(1), r.str(2, "alias")); }

// --- statements -----------------------------------------------------------------------------
NodePtr d_for_update(const R& r) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::ForUpdate;
    n->flags = (r.flag(1, "nowait") ? flag::nowait : 0) |
               (r.flag(2, "skip_locked") ? flag::skip_locked : 0) |
               (r.flag(3, "read") ? flag::read : 0);
    n->names = r.strings(4, "OF tables");
    return n;
}
NodePtr d_select(const R& r) {
    std::vector<NodePtr> slots(kSelectSlots);
    slots[kColumns] = make_list(r.nodes(1, "columns"));
    slots[kFroms] = make_list(r.nodes(2, "froms"));
    slots[kWhere] = r.opt_node(3);
    slots[kGroupBy] = make_list(r.nodes(4, "group_by"));
    slots[kHaving] = r.opt_node(5);
    slots[kOrderBy] = make_list(r.nodes(6, "order_by"));
    slots[kLimit] = r.opt_node(7);
    slots[kOffset] = r.opt_node(8);
    slots[kForUpdate] = r.opt_node(10);
    if (slots[kForUpdate] && slots[kForUpdate]->kind != Kind::ForUpdate)
        r.fail("for_update must be None or a ('for_update', ...) tuple");
    return make_node(Kind::Select, {}, std::move(slots),
                     r.flag(9, "distinct") ? flag::distinct : 0);
}
NodePtr d_on_conflict(const R& r) {
    bool update = r.head() == "do_update";
    std::vector<NodePtr> children{make_list(update ? assignments(r, 2) : std::vector<NodePtr>{}),
                                  update ? r.opt_node(3) : nullptr};
    return with_names(
        make_node(Kind::OnConflict, {}, std::move(children), update ? flag::do_update : 0),
        r.strings(1, "conflict index columns"));
}
NodePtr d_insert(const R& r) {
    std::vector<NodePtr> rows;
    for (const auto& row : r.tuple(3, "rows")) {
        if (!row.is_list()) r.fail("each row must be a tuple, got " + row.describe());
        std::vector<NodePtr> values;
        for (const auto& v : row.as_list()) values.push_back(decode(v));
        rows.push_back(make_list(std::move(values)));
    }
    NodePtr oc = r.opt_node(5);
    if (oc && oc->kind != Kind::OnConflict)
        r.fail("on_conflict must be None, ('do_nothing', ...) or ('do_update', ...)");
    auto n = make_node(Kind::Insert, r.str(1, "table name"),
                       {make_list(std::move(rows)), make_list(r.nodes(4, "returning")), oc});
    return with_names(n, r.strings(2, "column names"));
}
NodePtr d_update(const R& r) {
    return make_node(
        Kind::Update, r.str(1, "table name"),
        {make_list(assignments(r, 2)), r.opt_node(3), make_list(r.nodes(4, "returning"))});
}
NodePtr d_delete(const R& r) {
    return make_node(Kind::Delete, r.str(1, "table name"),
                     {r.opt_node(2), make_list(r.nodes(3, "returning"))});
}
NodePtr d_compound(const R& r) {
    std::string op = r.str(1, "operator");
    if (!is_compound_operator(op)) r.fail("unknown compound operator '" + op + "'");
    return make_node(Kind::Compound, op,
                     {make_list(r.nodes(2, "selects")), make_list(r.nodes(3, "order_by")),
                      r.opt_node(4), r.opt_node(5)});
}

// --- CTEs and further FROM items -------------------------------------------------------------
NodePtr selectable_at(const R& r, std::size_t i, const char* what) {
    NodePtr n = r.node(i);
    if (!is_selectable(n->kind))
        r.fail(std::string(what) + " must be a select, got '" + std::string(kind_name(n->kind)) +
               "'");
    return n;
}
// ("cte", name, column_names, select)
NodePtr d_cte(const R& r) {
    return with_names(make_node(Kind::Cte, r.str(1, "CTE name"), {selectable_at(r, 3, "CTE body")}),
                      r.strings(2, "CTE column names"));
}
// ("with", recursive, (cte, ...), statement)
NodePtr d_with(const R& r) {
    std::vector<NodePtr> ctes = r.nodes(2, "CTEs");
    if (ctes.empty()) r.fail("WITH needs at least one CTE");
    for (const auto& c : ctes)
        if (c->kind != Kind::Cte) r.fail("each CTE must be a ('cte', ...) tuple");
    NodePtr statement = r.node(3);
    Kind k = statement->kind;
    if (!is_selectable(k) && k != Kind::Insert && k != Kind::Update && k != Kind::Delete)
        r.fail("WITH must precede a SELECT, INSERT, UPDATE or DELETE");
    return make_node(Kind::With, {}, {make_list(std::move(ctes)), std::move(statement)},
                     r.flag(1, "recursive") ? flag::recursive : 0);
}
// ("values", name or None, column_names, ((value, ...), ...))
NodePtr d_values(const R& r) {
    std::vector<std::string> columns = r.strings(2, "VALUES column names");
    std::vector<NodePtr> rows;
    for (const auto& row : r.tuple(3, "VALUES rows")) {
        if (!row.is_list() || row.as_list().size() != columns.size())
            r.fail("each VALUES row must be a tuple of " + std::to_string(columns.size()) +
                   " value(s), got " + row.describe());
        std::vector<NodePtr> values;
        for (const auto& v : row.as_list()) values.push_back(decode(v));
        rows.push_back(make_list(std::move(values)));
    }
    if (rows.empty()) r.fail("VALUES needs at least one row");
    return with_names(make_node(Kind::Values, r.opt_str(1, "VALUES name"), std::move(rows)),
                      std::move(columns));
}
// ("lateral", select, alias)
NodePtr d_lateral(const R& r) {
    return make_node(Kind::Subquery, r.str(2, "alias"), {selectable_at(r, 1, "LATERAL body")},
                     flag::lateral);
}
// ("tablesample", table, sampling_function, seed or None, alias)
NodePtr d_tablesample(const R& r) {
    NodePtr table = r.node(1);
    if (table->kind != Kind::Table) r.fail("TABLESAMPLE applies to a table");
    return make_node(Kind::TableSample, r.str(4, "alias"), {table, r.node(2), r.opt_node(3)});
}
// ("insert_from_select", table, columns, select, returning): Insert with its select in slot 3.
NodePtr d_insert_from_select(const R& r) {
    NodePtr select = r.node(3);
    if (!is_selectable(select->kind)) r.fail("the rows must come from a select");
    auto n = make_node(Kind::Insert, r.str(1, "table name"),
                       {make_list({}), make_list(r.nodes(4, "returning")), nullptr, select});
    return with_names(n, r.strings(2, "column names"));
}
// ("update_from", table, assignments, froms, where, returning): froms in slot 3.
NodePtr d_update_from(const R& r) {
    return make_node(Kind::Update, r.str(1, "table name"),
                     {make_list(assignments(r, 2)), r.opt_node(4),
                      make_list(r.nodes(5, "returning")), make_list(r.nodes(3, "froms"))});
}
// ("delete_using", table, froms, where, returning): froms in slot 2.
NodePtr d_delete_using(const R& r) {
    return make_node(
        Kind::Delete, r.str(1, "table name"),
        {r.opt_node(3), make_list(r.nodes(4, "returning")), make_list(r.nodes(2, "froms"))});
}

// --- savepoints ------------------------------------------------------------------------------
NodePtr d_savepoint(const R& r) {
    std::string name = r.str(1, "savepoint name");
    if (name.empty()) r.fail("savepoint name must not be empty");
    if (r.head() == "savepoint") return savepoint(std::move(name));
    if (r.head() == "release_savepoint") return release_savepoint(std::move(name));
    return rollback_to_savepoint(std::move(name));
}
// ("table_valued", function, alias, derived): derived is None, or the column
// list to render after the alias, each (name, type or None).
NodePtr d_table_valued(const R& r) {
    std::vector<NodePtr> children{r.node(1)};
    bool derived = !r.at(3).is_null();
    if (derived) {
        for (const auto& c : r.tuple(3, "derived columns")) {
            const auto* pair = c.is_list() ? &c.as_list() : nullptr;
            if (!pair || pair->size() != 2 || !(*pair)[0].is_string())
                r.fail("each derived column must be (name, type or None), got " + c.describe());
            auto col = std::make_shared<Node>(*column((*pair)[0].as_string()));
            if (!(*pair)[1].is_null()) col->type = decode_type((*pair)[1]);
            children.push_back(std::move(col));
        }
    }
    return make_node(Kind::TableValued, r.str(2, "alias"), std::move(children),
                     derived ? flag::derived : 0);
}
NodePtr d_field_of(const R& r) {
    return make_node(Kind::FieldOf, r.str(2, "field name"), {r.node(1)});
}

// ("affixed", prefixes, suffixes, statement): prefix_with() / suffix_with() text.
NodePtr d_affixed(const R& r) {
    NodePtr statement = r.node(3);
    Kind k = statement->kind;
    if (k != Kind::Select && k != Kind::Insert && k != Kind::Update && k != Kind::Delete)
        r.fail("prefixes and suffixes apply to SELECT, INSERT, UPDATE and DELETE, not '" +
               std::string(kind_name(k)) + "'");
    return with_names(make_node(Kind::Affixed, {}, {std::move(statement)}),
                      {r.str(1, "prefixes"), r.str(2, "suffixes")});
}

}  // namespace

// Every node form: its slots after the tag, then its decoder. Trailing slots
// counted by `optional` may be left out; `repeats` makes the last one variadic.
const std::vector<HeadEntry>& node_entries() {
    static const std::vector<HeadEntry> entries = [] {
        auto f = [](std::string_view tag, std::vector<std::string_view> slots, HeadDecoder fn,
                    std::size_t optional = 0, bool repeats = false) {
            return HeadEntry{DatumForm{"node", tag, std::move(slots), optional, repeats}, fn};
        };
        std::vector<HeadEntry> e = {
            f("col", {"table", "name"}, d_col),
            f("bind", {"key", "type"}, d_bind, 1),
            f("null", {}, d_leaf),
            f("true", {}, d_leaf),
            f("false", {}, d_leaf),
            f("star", {}, d_leaf),
            f("text", {"sql", "bind_types"}, d_text, 1),
            f("literal", {"value"}, d_literal),
            f("binop", {"operator", "left", "right"}, d_binop),
            f("like", {"operator", "expr", "pattern", "escape"}, d_like),
            f("and", {"operand"}, d_conjunction, 0, true),
            f("or", {"operand"}, d_conjunction, 0, true),
            f("not", {"operand"}, d_unary),
            f("neg", {"operand"}, d_unary),
            f("asc", {"operand"}, d_unary),
            f("desc", {"operand"}, d_unary),
            f("nulls_first", {"operand"}, d_unary),
            f("nulls_last", {"operand"}, d_unary),
            f("distinct", {"operand"}, d_unary),
            f("grouping", {"operand"}, d_unary),
            f("scalar_subquery", {"select"}, d_unary),
            f("exists", {"select"}, d_unary),
            f("in", {"expr", "items", "negate"}, d_in),
            f("between", {"expr", "lower", "upper", "negate"}, d_between),
            f("func", {"name", "arguments"}, d_func),
            f("label", {"expr", "name"}, d_label),
            f("labelref", {"name"}, d_labelref),
            f("cast", {"expr", "type"}, d_cast),
            f("case", {"whens", "else"}, d_case),
            f("excluded", {"column"}, d_excluded),
            f("table", {"name", "alias"}, d_table, 1),
            f("join", {"left", "right", "onclause", "isouter", "full"}, d_join),
            f("subquery", {"select", "alias"}, d_subquery),
            f("select",
              {"columns", "froms", "where", "group_by", "having", "order_by", "limit", "offset",
               "distinct", "for_update"},
              d_select),
            f("for_update", {"nowait", "skip_locked", "read", "of"}, d_for_update),
            f("insert", {"table", "columns", "rows", "returning", "on_conflict"}, d_insert),
            f("do_nothing", {"index_elements"}, d_on_conflict),
            f("do_update", {"index_elements", "set", "where"}, d_on_conflict),
            f("update", {"table", "assignments", "where", "returning"}, d_update),
            f("delete", {"table", "where", "returning"}, d_delete),
            f("compound", {"operator", "selects", "order_by", "limit", "offset"}, d_compound),
            f("savepoint", {"name"}, d_savepoint),
            f("release_savepoint", {"name"}, d_savepoint),
            f("rollback_to_savepoint", {"name"}, d_savepoint),
            f("with", {"recursive", "ctes", "statement"}, d_with),
            f("cte", {"name", "columns", "select"}, d_cte),
            f("values", {"name", "columns", "rows"}, d_values),
            f("lateral", {"select", "alias"}, d_lateral),
            f("tablesample", {"table", "method", "seed", "alias"}, d_tablesample),
            f("over", {"function", "partition_by", "order_by", "frame"}, d_over),
            f("window_frame", {"mode", "lower", "lower_offset", "upper", "upper_offset"},
              d_window_frame),
            f("within_group", {"function", "order_by"}, d_within_group),
            f("funcfilter", {"function", "criterion"}, d_funcfilter),
            f("tuple", {"items"}, d_tuple),
            f("collate", {"expr", "collation"}, d_collate),
            f("extract", {"field", "expr"}, d_extract),
            f("ansi_func", {"name"}, d_ansi_func),
            f("unary_op", {"operator", "operand"}, d_unary_op),
            f("custom_op", {"operator", "left", "right", "precedence"}, d_custom_op),
            f("table_valued", {"function", "alias", "derived"}, d_table_valued),
            f("affixed", {"prefixes", "suffixes", "statement"}, d_affixed),
            f("field_of", {"expr", "field"}, d_field_of),
            f("insert_from_select", {"table", "columns", "select", "returning"},
              d_insert_from_select),
            f("update_from", {"table", "assignments", "froms", "where", "returning"},
              d_update_from),
            f("delete_using", {"table", "froms", "where", "returning"}, d_delete_using),
        };
        for (const auto& ddl : ddl_entries()) e.push_back(ddl);
        return e;
    }();
    return entries;
}

namespace {

const HeadEntry* entry_for(std::string_view tag) {
    static const std::unordered_map<std::string_view, const HeadEntry*> by_tag = [] {
        std::unordered_map<std::string_view, const HeadEntry*> m;
        for (const auto& entry : node_entries()) m.emplace(entry.form.tag, &entry);
        return m;
    }();
    auto it = by_tag.find(tag);
    return it != by_tag.end() ? it->second : nullptr;
}

}  // namespace
}  // namespace detail

NodePtr decode(const Datum& datum) {
    detail::DatumReader r(datum);
    const detail::HeadEntry* entry = detail::entry_for(r.head());
    if (!entry) r.fail("unknown head");
    r.conform(entry->form);
    return entry->decode(r);
}

}  // namespace cormorant::sql
