// libFuzzer target: the statement datum decoder (sql/decode*.cpp) and the
// compiler behind it. Fuzz bytes are read as a Datum tree (see build() for
// the encoding), which is decoded as a statement and as a type, then compiled
// for SQLite and PostgreSQL. cormorant::Error is the expected refusal; a crash,
// UB, any other exception or a hang is a finding.
//
// With CORMORANT_FUZZ_WRITE_SEEDS=<dir> in the environment the target writes
// its seed corpus (the statements in seeds() below, encoded) and exits; with
// CORMORANT_FUZZ_VERBOSE=1 it prints each input's SQL or error (to check seeds).
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cormorant/error.hpp"
#include "cormorant/sql/compiler.hpp"
#include "cormorant/sql/datum.hpp"
#include "cormorant/sql/datum_form.hpp"
#include "cormorant/sql/decode.hpp"

namespace {

using cormorant::sql::Datum;

// Strings a byte can name: every tag first (in a fixed order, so seeds stay
// meaningful), then operators and names the compiler treats specially.
const std::vector<std::string>& pool() {
    static const std::vector<std::string> strings = [] {
        std::vector<std::string> s = {
            // node tags
            "col", "bind", "null", "true", "false", "star", "text", "literal", "binop", "like",
            "and", "or", "not", "neg", "asc", "desc", "nulls_first", "nulls_last", "distinct",
            "grouping", "scalar_subquery", "exists", "in", "between", "func", "label", "labelref",
            "cast", "case", "excluded", "table", "join", "subquery", "select", "for_update",
            "insert", "do_nothing", "do_update", "update", "delete", "compound", "savepoint",
            "release_savepoint", "rollback_to_savepoint", "create_table", "drop_table",
            "create_index", "drop_index", "create_enum", "drop_enum", "add_constraint",
            "drop_constraint",
            // element and type tags
            "column", "primary_key", "unique", "foreign_key", "check", "integer", "biginteger",
            "smallinteger", "boolean", "float", "date", "time", "json", "jsonb", "uuid", "string",
            "binary", "numeric", "datetime", "enum",
            // operators and keywords
            "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||", "LIKE", "NOT LIKE",
            "ILIKE", "NOT ILIKE", "IS", "IS NOT", "AND", "OR", "UNION", "UNION ALL", "INTERSECT",
            "EXCEPT", "CASCADE", "SET NULL", "RESTRICT",
            // names and text
            "t", "u", "id", "name", "", "a b", "\"q\"", "x'y", "\xc3\xa9", "\\", "_", "count",
            "coalesce", "lower", "p", "SELECT 1", "SELECT :p", ":p", "?", "$1", "\xff"};
        for (const auto& form : cormorant::sql::datum_forms()) {
            const std::string tag(form.tag);
            bool known = false;
            for (const auto& have : s) known = known || have == tag;
            if (!known) s.push_back(tag);
        }
        return s;
    }();
    return strings;
}

// The encoding. Each value starts with a byte b; b & 7 is its kind:
//   0 None   1 bool (bit 3)   2 small int ((b >> 3) - 16)   3 int64 (8 bytes)
//   4 double (8 bytes)   5 pooled string (next byte: index into pool())
//   6 raw string (next byte: length, then the bytes)
//   7 tuple of (b >> 3) items (0..31), each a value
// Running out of bytes ends the current value as None / an empty tuple.
class Builder {
  public:
    Builder(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    Datum build(int depth = 0) {
        if (pos_ >= size_ || ++values_ > kMaxValues) return {};
        const std::uint8_t b = data_[pos_++];
        switch (b & 7) {
            case 0:
                return {};
            case 1:
                return Datum((b & 8) != 0);
            case 2:
                return Datum(std::int64_t{b >> 3} - 16);
            case 3:
                return Datum(static_cast<std::int64_t>(take64()));
            case 4:
                return Datum(std::bit_cast<double>(take64()));
            case 5:
                return Datum(pool()[take8() % pool().size()]);
            case 6: {
                std::size_t n = take8();
                n = std::min(n, size_ - pos_);
                std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
                pos_ += n;
                return Datum(std::move(s));
            }
            default: {
                Datum::List items;
                const int n = b >> 3;
                // Past the depth cap a tuple keeps its head only: the Python layer
                // builds statements recursively, so its own recursion limit bounds
                // how deep a real datum nests.
                for (int i = 0; i < n && pos_ < size_; ++i) {
                    if (depth >= kMaxDepth && i > 0) break;
                    items.push_back(build(depth + 1));
                }
                return Datum(std::move(items));
            }
        }
    }

  private:
    static constexpr int kMaxDepth = 64;
    static constexpr int kMaxValues = 4096;

    std::uint8_t take8() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::uint64_t take64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | take8();
        return v;
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    int values_ = 0;
};

// --- the seed corpus, written by CORMORANT_FUZZ_WRITE_SEEDS ----------------------------

void encode(const Datum& d, std::string& out) {
    auto pooled = [&](const std::string& s) -> int {
        const auto& p = pool();
        for (std::size_t i = 0; i < p.size() && i < 256; ++i)
            if (p[i] == s) return static_cast<int>(i);
        return -1;
    };
    auto put64 = [&](std::uint64_t v) {
        for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
    };
    if (d.is_null()) {
        out.push_back(0);
    } else if (d.is_bool()) {
        out.push_back(static_cast<char>(1 | (d.as_bool() ? 8 : 0)));
    } else if (d.is_int() && d.as_int() >= -16 && d.as_int() < 16) {
        out.push_back(static_cast<char>(2 | (d.as_int() + 16) << 3));
    } else if (d.is_int()) {
        out.push_back(3);
        put64(static_cast<std::uint64_t>(d.as_int()));
    } else if (d.is_double()) {
        out.push_back(4);
        put64(std::bit_cast<std::uint64_t>(d.as_double()));
    } else if (d.is_string() && pooled(d.as_string()) >= 0) {
        out.push_back(5);
        out.push_back(static_cast<char>(pooled(d.as_string())));
    } else if (d.is_string()) {
        out.push_back(6);
        out.push_back(static_cast<char>(std::min<std::size_t>(d.as_string().size(), 255)));
        out.append(d.as_string().substr(0, 255));
    } else {
        out.push_back(static_cast<char>(7 | std::min<std::size_t>(d.as_list().size(), 31) << 3));
        for (std::size_t i = 0; i < d.as_list().size() && i < 31; ++i) encode(d.as_list()[i], out);
    }
}

std::vector<std::pair<std::string, Datum>> seeds() {
    using cormorant::sql::tuple;
    const Datum none;
    const Datum empty = Datum(Datum::List{});
    const Datum id = tuple("col", "t", "id");
    const Datum name = tuple("col", nullptr, "name");
    const Datum from_t = tuple(tuple("table", "t"));
    auto select = [&](Datum cols, Datum froms, Datum where, Datum order_by, Datum limit) {
        return tuple("select", std::move(cols), std::move(froms), std::move(where), empty, none,
                     std::move(order_by), std::move(limit), none, false, none);
    };
    const Datum where = tuple("binop", "=", id, tuple("bind", "p"));
    return {
        {"select",
         select(tuple(id, name), from_t, where, tuple(tuple("desc", id)), tuple("literal", 10))},
        {"select_join",
         select(tuple(tuple("func", "count", tuple(tuple("star")))),
                tuple(tuple("join", tuple("table", "t"), tuple("table", "u", "x"),
                            tuple("binop", "=", id, tuple("col", "x", "t_id")), true, false)),
                tuple("and", tuple("like", "LIKE", name, tuple("bind", "pat"), "\\"),
                      tuple("in", id, tuple(tuple("literal", 1), tuple("literal", 2)), false)),
                empty, none)},
        {"select_case",
         select(tuple(tuple("label",
                            tuple("case",
                                  tuple(tuple(tuple("between", id, tuple("literal", 1),
                                                    tuple("literal", 5), true),
                                              tuple("literal", "low"))),
                                  tuple("literal", nullptr)),
                            "bucket"),
                      tuple("cast", name, tuple("numeric", 10, 2))),
                from_t, none, tuple(tuple("labelref", "bucket")), none)},
        {"insert",
         tuple("insert", "t", tuple("id", "name"),
               tuple(tuple(tuple("bind", "id"), tuple("bind", "name", tuple("string", 30)))),
               tuple(id),
               tuple("do_update", tuple("id"), tuple(tuple("name", tuple("excluded", "name"))),
                     none))},
        {"update", tuple("update", "t", tuple(tuple("name", tuple("bind", "n"))), where, empty)},
        {"delete", tuple("delete", "t", where, tuple(id))},
        {"compound", tuple("compound", "UNION ALL",
                           tuple(select(tuple(id), from_t, none, empty, none),
                                 select(tuple(id), from_t, where, empty, none)),
                           tuple(tuple("asc", id)), tuple("literal", 5), none)},
        {"text", tuple("text", "SELECT :p, ':q'", tuple(tuple("bind", "p", tuple("date"))))},
        {"create_table",
         tuple(
             "create_table", "t",
             tuple(tuple("column", "id", tuple("integer"), false, none, true),
                   tuple("column", "name", tuple("string", 20), true, tuple("literal", "x"), false),
                   tuple("column", "at", tuple("datetime", true), true, none, false),
                   tuple("column", "kind", tuple("enum", tuple("a", "b"), "kind"), true, none,
                         false)),
             tuple(tuple("primary_key", tuple("id")),
                   tuple("foreign_key", "fk", tuple("id"), "u", tuple("id"), "CASCADE", none),
                   tuple("check", none, tuple("binop", ">", id, tuple("literal", 0)))),
             false)},
        {"create_index", tuple("create_index", "ix", "t", tuple("name"), true, true)},
        {"savepoint", tuple("savepoint", "sp1")},
        {"for_update", tuple("select", tuple(id), from_t, where, empty, none, empty, none, none,
                             true, tuple("for_update", true, false, false, tuple("t")))},
        {"type_binary", tuple("binary", 16)},
    };
}

void write_seeds(const char* dir) {
    for (const auto& [name, datum] : seeds()) {
        std::string bytes(1, '\0');  // mode 0: decode as a statement
        if (name.rfind("type_", 0) == 0) bytes[0] = 1;
        encode(datum, bytes);
        std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << bytes;
    }
    std::exit(0);
}

bool verbose = false;

void report(const char* what, const std::string& text) {
    if (verbose) std::fprintf(stderr, "%s: %s\n", what, text.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* dir = std::getenv("CORMORANT_FUZZ_WRITE_SEEDS")) write_seeds(dir);
    verbose = std::getenv("CORMORANT_FUZZ_VERBOSE") != nullptr;
    return 0;
}

// First byte: bit 0 set decodes the rest as a type, else as a statement.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    Builder builder(data + 1, size - 1);
    const Datum datum = builder.build();
    try {
        if (data[0] & 1) {
            (void)cormorant::sql::decode_type(datum);
            report("type", datum.describe());
            return 0;
        }
        const cormorant::sql::NodePtr node = cormorant::sql::decode(datum);
        for (auto dialect :
             {cormorant::sql::Dialect::SQLite, cormorant::sql::Dialect::PostgreSQL}) {
            try {
                report("sql", cormorant::sql::compile(*node, dialect).sql);
            } catch (const cormorant::Error& e) {
                report("compile error", e.what());
            }
        }
    } catch (const cormorant::Error& e) {
        report("decode error", e.what());
    }
    return 0;
}
