// Structural cache key: an unambiguous byte serialisation of the tree
// (length-prefixed strings, child counts, null markers) plus its hash.
#include "cormorant/sql/cache_key.hpp"

#include <type_traits>
#include <variant>

#include "cormorant/schema/table.hpp"

namespace cormorant::sql {
namespace {

class KeyWriter {
  public:
    void node(const Node* n) {
        if (!n) return byte(0xff);
        byte(static_cast<unsigned char>(n->kind));
        number(n->flags);
        str(n->name);
        str(n->qualifier);
        strings(n->names);
        number(n->children.size());
        for (const auto& c : n->children) node(c.get());
        optional_type(n->type);
        if (n->table_def) table(*n->table_def);
    }

    std::string take() { return std::move(out_); }

  private:
    void byte(unsigned char b) { out_ += static_cast<char>(b); }
    void number(std::uint64_t v) {  // LEB128
        do {
            unsigned char b = v & 0x7f;
            v >>= 7;
            byte(static_cast<unsigned char>(b | (v ? 0x80 : 0)));
        } while (v);
    }
    void str(const std::string& s) {
        number(s.size());
        out_ += s;
    }
    void strings(const std::vector<std::string>& v) {
        number(v.size());
        for (const auto& s : v) str(s);
    }
    void optional_number(const std::optional<std::int64_t>& v) {
        byte(v ? 1 : 0);
        if (v) number(static_cast<std::uint64_t>(*v));
    }
    void optional_type(const std::optional<schema::Type>& t) {
        byte(t ? 1 : 0);
        if (t) type(*t);
    }
    void type(const schema::Type& t) {
        byte(static_cast<unsigned char>(t.kind));
        optional_number(t.length);
        optional_number(t.precision);
        optional_number(t.scale);
        byte(t.timezone ? 1 : 0);
        strings(t.enum_values);
    }
    void table(const schema::Table& t) {
        str(t.name);
        number(t.columns.size());
        for (const auto& c : t.columns) {
            str(c.name);
            type(c.type);
            byte(static_cast<unsigned char>((c.nullable ? 1 : 0) | (c.autoincrement ? 2 : 0)));
            node(c.server_default.get());
        }
        number(t.constraints.size());
        for (const auto& c : t.constraints) constraint(c);
    }
    void constraint(const schema::Constraint& c) {
        byte(static_cast<unsigned char>(c.index()));
        std::visit([this](const auto& k) { constraint_fields(k); }, c);
    }
    void constraint_fields(const schema::PrimaryKey& k) {
        str(k.name);
        strings(k.columns);
    }
    void constraint_fields(const schema::UniqueConstraint& k) {
        str(k.name);
        strings(k.columns);
    }
    void constraint_fields(const schema::CheckConstraint& k) {
        str(k.name);
        node(k.expr.get());
    }
    void constraint_fields(const schema::ForeignKey& k) {
        str(k.name);
        strings(k.columns);
        str(k.ref_table);
        strings(k.ref_columns);
        str(k.ondelete);
        str(k.onupdate);
    }

    std::string out_;
};

}  // namespace

CacheKey::CacheKey(std::string bytes)
    : bytes_(std::move(bytes)), hash_(std::hash<std::string>{}(bytes_)) {}

CacheKey cache_key(const Node& node) {
    KeyWriter w;
    w.node(&node);
    return CacheKey(w.take());
}

}  // namespace cormorant::sql
