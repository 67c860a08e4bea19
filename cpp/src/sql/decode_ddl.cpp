// Decoding the DDL heads (create_table, drop_table, create_index, drop_index)
// and the type tuples.
#include <unordered_map>

#include "cormorant/schema/ddl.hpp"
#include "cormorant/sql/decode.hpp"
#include "decode_reader.hpp"

namespace cormorant::sql {

using schema::TypeKind;
namespace detail {
namespace {

using R = DatumReader;

schema::Generated decode_generated(const Datum& d) {
    R r(d);
    r.conform(form_of(r, element_forms()));
    schema::Generated g;
    if (r.head() == "computed") {
        g.kind = schema::Generated::Kind::Computed;
        g.expression = r.node(1);
        g.persisted = r.opt_str(2, "persisted");
        if (!g.persisted.empty() && g.persisted != "stored" && g.persisted != "virtual")
            r.fail("persisted must be 'stored', 'virtual' or None");
    } else if (r.head() == "identity") {
        g.kind = schema::Generated::Kind::Identity;
        g.always = r.flag(1, "always");
        g.options = r.opt_str(2, "options");
    } else {
        r.fail("expected a ('computed', ...) or ('identity', ...) generated column");
    }
    return g;
}

schema::Column decode_column(const Datum& d) {
    R r(d);
    if (r.head() != "column") r.fail("expected a ('column', ...) definition");
    r.conform(form_of(r, element_forms()));
    schema::Column c;
    c.name = r.str(1, "column name");
    c.type = decode_type(r.at(2));
    c.nullable = r.flag(3, "nullable");
    c.server_default = r.opt_node(4);
    c.autoincrement = r.flag(5, "autoincrement");
    if (r.size() > 6 && !r.at(6).is_null()) c.generated = decode_generated(r.at(6));
    return c;
}

schema::Constraint decode_constraint(const Datum& d) {
    R r(d);
    r.conform(form_of(r, element_forms()));
    if (r.head() == "primary_key") {
        return schema::PrimaryKey{r.strings(1, "columns"),
                                  r.size() > 2 ? r.opt_str(2, "name") : std::string()};
    }
    if (r.head() == "unique") {
        return schema::UniqueConstraint{r.strings(2, "columns"), r.opt_str(1, "name")};
    }
    if (r.head() == "exclude") {
        schema::ExcludeConstraint k{r.str(2, "method"), {}, r.opt_node(4), r.opt_str(1, "name")};
        for (const auto& element : r.tuple(3, "elements")) {
            R pair(element);
            if (pair.head() != "with")
                pair.fail("expected a ('with', expression, operator) element");
            k.elements.emplace_back(pair.node(1), pair.str(2, "operator"));
        }
        return k;
    }
    if (r.head() == "foreign_key") {
        return schema::ForeignKey{r.strings(2, "columns"),
                                  r.str(3, "referenced table"),
                                  r.strings(4, "referenced columns"),
                                  r.opt_str(5, "ondelete"),
                                  r.opt_str(6, "onupdate"),
                                  r.opt_str(1, "name")};
    }
    if (r.head() == "check") {
        return schema::CheckConstraint{r.node(2), r.opt_str(1, "name")};
    }
    r.fail("unknown constraint (expected primary_key, unique, foreign_key or check)");
}

NodePtr d_create_table(const R& r) {
    auto t = std::make_shared<schema::Table>();
    t->name = r.str(1, "table name");
    for (const auto& c : r.tuple(2, "column definitions")) t->columns.push_back(decode_column(c));
    for (const auto& c : r.tuple(3, "constraints")) t->constraints.push_back(decode_constraint(c));
    return schema::create_table(std::move(t), r.flag(4, "if_not_exists"));
}
NodePtr d_create_column(const R& r) { return schema::create_column(decode_column(r.at(1))); }
NodePtr d_drop_table(const R& r) {
    return schema::drop_table(r.str(1, "table name"), r.flag(2, "if_exists"));
}
NodePtr d_create_index(const R& r) {
    schema::Index index{r.str(1, "index name"), r.str(2, "table name"), r.strings(3, "columns"),
                        r.flag(4, "unique")};
    return schema::create_index(index, r.flag(5, "if_not_exists"));
}
// ("create_enum", name, values, if_not_exists) and ("drop_enum", name, if_exists).
NodePtr d_create_enum(const R& r) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::CreateEnum;
    n->name = r.str(1, "enum type name");
    n->names = r.strings(2, "enum values");
    n->flags = r.flag(3, "if_not_exists") ? flag::if_exists : 0;
    return n;
}
NodePtr d_drop_enum(const R& r) {
    return make_node(Kind::DropEnum, r.str(1, "enum type name"), {},
                     r.flag(2, "if_exists") ? flag::if_exists : 0);
}
NodePtr d_add_constraint(const R& r) {
    return schema::add_constraint(r.str(1, "table name"), decode_constraint(r.at(2)),
                                  r.flag(3, "if_not_exists"));
}
NodePtr d_drop_constraint(const R& r) {
    return schema::drop_constraint(r.str(1, "table name"), r.str(2, "constraint name"),
                                   r.flag(3, "if_exists"));
}
NodePtr d_drop_index(const R& r) {
    return schema::drop_index(r.str(1, "index name"), r.flag(2, "if_exists"));
}

}  // namespace

const std::vector<HeadEntry>& ddl_entries() {
    static const std::vector<HeadEntry> entries = {
        {{"node", "create_table", {"name", "columns", "constraints", "if_not_exists"}},
         d_create_table},
        {{"node", "drop_table", {"name", "if_exists"}}, d_drop_table},
        {{"node", "create_column", {"column"}}, d_create_column},
        {{"node", "create_index", {"name", "table", "columns", "unique", "if_not_exists"}},
         d_create_index},
        {{"node", "drop_index", {"name", "if_exists"}}, d_drop_index},
        {{"node", "create_enum", {"name", "values", "if_not_exists"}}, d_create_enum},
        {{"node", "drop_enum", {"name", "if_exists"}}, d_drop_enum},
        {{"node", "add_constraint", {"table", "constraint", "if_not_exists"}}, d_add_constraint},
        {{"node", "drop_constraint", {"table", "name", "if_exists"}}, d_drop_constraint},
    };
    return entries;
}

const std::vector<DatumForm>& element_forms() {
    static const std::vector<DatumForm> forms = {
        {"element",
         "column",
         {"name", "type", "nullable", "server_default", "autoincrement", "generated"},
         1},
        {"element", "computed", {"expression", "persisted"}},
        {"element", "identity", {"always", "options"}},
        {"element", "primary_key", {"columns", "name"}, 1},
        {"element", "unique", {"name", "columns"}},
        {"element",
         "foreign_key",
         {"name", "columns", "referenced_table", "referenced_columns", "ondelete", "onupdate"}},
        {"element", "check", {"name", "condition"}},
        {"element", "exclude", {"name", "method", "elements", "where"}},
        {"element", "with", {"expression", "operator"}},
    };
    return forms;
}

const std::vector<DatumForm>& type_forms() {
    static const std::vector<DatumForm> forms = [] {
        std::vector<DatumForm> f;
        for (auto tag : {"integer", "biginteger", "smallinteger", "text", "boolean", "float",
                         "date", "time", "json", "jsonb", "uuid"})
            f.push_back({"type", tag, {}});
        f.push_back({"type", "string", {"length"}});
        f.push_back({"type", "binary", {"length"}, 1});
        f.push_back({"type", "numeric", {"precision", "scale"}});
        f.push_back({"type", "datetime", {"timezone"}});
        f.push_back({"type", "enum", {"values", "native_name"}, 1});
        for (auto tag : {"interval", "inet", "cidr", "tsvector"}) f.push_back({"type", tag, {}});
        f.push_back({"type", "custom", {"spec"}});
        f.push_back({"type", "array", {"type"}});  // the item type
        return f;
    }();
    return forms;
}

}  // namespace detail

schema::Type decode_type(const Datum& datum) {
    static const std::unordered_map<std::string, TypeKind> simple = {
        {"integer", TypeKind::Integer},
        {"biginteger", TypeKind::BigInteger},
        {"smallinteger", TypeKind::SmallInteger},
        {"text", TypeKind::Text},
        {"boolean", TypeKind::Boolean},
        {"float", TypeKind::Float},
        {"date", TypeKind::Date},
        {"time", TypeKind::Time},
        {"json", TypeKind::Json},
        {"jsonb", TypeKind::Jsonb},
        {"uuid", TypeKind::Uuid},
        {"interval", TypeKind::Interval},
        {"inet", TypeKind::Inet},
        {"cidr", TypeKind::Cidr},
        {"tsvector", TypeKind::TsVector},
    };
    detail::DatumReader r(datum);
    r.conform(detail::form_of(r, detail::type_forms()));
    const std::string& h = r.head();
    if (auto it = simple.find(h); it != simple.end()) {
        return schema::types::of(it->second);
    }
    if (h == "string") {
        return schema::types::string(r.opt_int(1, "length"));
    }
    if (h == "binary") {  // ("binary",) or ("binary", length or None)
        return schema::types::binary(r.size() == 2 ? r.opt_int(1, "length") : std::nullopt);
    }
    if (h == "numeric") {
        return schema::types::numeric(r.opt_int(1, "precision"), r.opt_int(2, "scale"));
    }
    if (h == "datetime") {
        return schema::types::datetime(r.flag(1, "timezone"));
    }
    if (h == "enum") {  // ("enum", values) or ("enum", values, native type name or None)
        return schema::types::enum_(r.strings(1, "enum values"),
                                    r.size() == 3 ? r.opt_str(2, "enum type name") : "");
    }
    if (h == "custom") return schema::types::custom(r.str(1, "type spelling"));
    if (h == "array") return schema::types::array(decode_type(r.at(1)));
    r.fail("unknown type");
}

}  // namespace cormorant::sql
