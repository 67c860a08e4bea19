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

schema::Column decode_column(const Datum& d) {
    R r(d);
    if (r.head() != "column") r.fail("expected a ('column', ...) definition");
    r.arity(6);
    schema::Column c;
    c.name = r.str(1, "column name");
    c.type = decode_type(r.at(2));
    c.nullable = r.flag(3, "nullable");
    c.server_default = r.opt_node(4);
    c.autoincrement = r.flag(5, "autoincrement");
    return c;
}

schema::Constraint decode_constraint(const Datum& d) {
    R r(d);
    if (r.head() == "primary_key") {
        r.arity(2);
        return schema::PrimaryKey{r.strings(1, "columns"), {}};
    }
    if (r.head() == "unique") {
        r.arity(3);
        return schema::UniqueConstraint{r.strings(2, "columns"), r.opt_str(1, "name")};
    }
    if (r.head() == "foreign_key") {
        r.arity(7);
        return schema::ForeignKey{r.strings(2, "columns"),
                                  r.str(3, "referenced table"),
                                  r.strings(4, "referenced columns"),
                                  r.opt_str(5, "ondelete"),
                                  r.opt_str(6, "onupdate"),
                                  r.opt_str(1, "name")};
    }
    if (r.head() == "check") {
        r.arity(3);
        return schema::CheckConstraint{r.node(2), r.opt_str(1, "name")};
    }
    r.fail("unknown constraint (expected primary_key, unique, foreign_key or check)");
}

NodePtr d_create_table(const R& r) {
    r.arity(5);
    auto t = std::make_shared<schema::Table>();
    t->name = r.str(1, "table name");
    for (const auto& c : r.tuple(2, "column definitions")) t->columns.push_back(decode_column(c));
    for (const auto& c : r.tuple(3, "constraints")) t->constraints.push_back(decode_constraint(c));
    return schema::create_table(std::move(t), r.flag(4, "if_not_exists"));
}
NodePtr d_drop_table(const R& r) {
    r.arity(3);
    return schema::drop_table(r.str(1, "table name"), r.flag(2, "if_exists"));
}
NodePtr d_create_index(const R& r) {
    r.arity(6);
    schema::Index index{r.str(1, "index name"), r.str(2, "table name"), r.strings(3, "columns"),
                        r.flag(4, "unique")};
    return schema::create_index(index, r.flag(5, "if_not_exists"));
}
// ("create_enum", name, values, if_not_exists) and ("drop_enum", name, if_exists).
NodePtr d_create_enum(const R& r) {
    r.arity(4);
    auto n = std::make_shared<Node>();
    n->kind = Kind::CreateEnum;
    n->name = r.str(1, "enum type name");
    n->names = r.strings(2, "enum values");
    n->flags = r.flag(3, "if_not_exists") ? flag::if_exists : 0;
    return n;
}
NodePtr d_drop_enum(const R& r) {
    r.arity(3);
    return make_node(Kind::DropEnum, r.str(1, "enum type name"), {},
                     r.flag(2, "if_exists") ? flag::if_exists : 0);
}
NodePtr d_drop_index(const R& r) {
    r.arity(3);
    return schema::drop_index(r.str(1, "index name"), r.flag(2, "if_exists"));
}

}  // namespace

HeadDecoder ddl_decoder(const std::string& head) {
    static const std::unordered_map<std::string, HeadDecoder> table = {
        {"create_table", d_create_table}, {"drop_table", d_drop_table},
        {"create_index", d_create_index}, {"drop_index", d_drop_index},
        {"create_enum", d_create_enum},   {"drop_enum", d_drop_enum},
    };
    auto it = table.find(head);
    return it != table.end() ? it->second : nullptr;
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
    };
    detail::DatumReader r(datum);
    const std::string& h = r.head();
    if (auto it = simple.find(h); it != simple.end()) {
        r.arity(1);
        return schema::types::of(it->second);
    }
    if (h == "string") {
        r.arity(2);
        return schema::types::string(r.opt_int(1, "length"));
    }
    if (h == "binary") {  // ("binary",) or ("binary", length or None)
        r.arity(1, 2);
        return schema::types::binary(r.size() == 2 ? r.opt_int(1, "length") : std::nullopt);
    }
    if (h == "numeric") {
        r.arity(3);
        return schema::types::numeric(r.opt_int(1, "precision"), r.opt_int(2, "scale"));
    }
    if (h == "datetime") {
        r.arity(2);
        return schema::types::datetime(r.flag(1, "timezone"));
    }
    if (h == "enum") {  // ("enum", values) or ("enum", values, native type name or None)
        r.arity(2, 3);
        return schema::types::enum_(r.strings(1, "enum values"),
                                    r.size() == 3 ? r.opt_str(2, "enum type name") : "");
    }
    r.fail("unknown type");
}

}  // namespace cormorant::sql
