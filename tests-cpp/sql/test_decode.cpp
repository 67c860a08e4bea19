// Decoding errors name the bad head and the problem; quoting rules.
#include <algorithm>
#include <iterator>
#include <set>
#include <string_view>
#include <utility>

#include "cormorant/error.hpp"
#include "cormorant/sql/datum_form.hpp"
#include "cormorant/sql/quote.hpp"
#include "helpers.hpp"

using namespace test_sql;
using Catch::Contains;

TEST_CASE("decode rejects malformed input", "[sql][decode]") {
    CHECK_THROWS_WITH(decode(tuple("frobnicate", 1)),
                      Contains("'frobnicate'") && Contains("unknown head"));
    CHECK_THROWS_WITH(decode(tuple("binop", "=", col("a"))),
                      Contains("expected ('binop', operator, left, right), got 2 slot(s)"));
    CHECK_THROWS_WITH(decode(tuple("col", "t")), Contains("'col'"));
    CHECK_THROWS_WITH(decode(tuple("bind", 5)), Contains("'bind'") && Contains("string"));
    CHECK_THROWS_WITH(decode(Datum(5)), Contains("head string"));
    CHECK_THROWS_WITH(decode(empty()), Contains("head string"));
    CHECK_THROWS_WITH(decode(tuple("and")),
                      Contains("expected ('and', operand...), got 0 slot(s)"));
    CHECK_THROWS_WITH(decode(tuple("binop", "<>", col("a"), col("b"))), Contains("'<>'"));
    CHECK_THROWS_WITH(decode(tuple("select", empty())),
                      Contains("'select'") && Contains("distinct, for_update), got 1 slot(s)"));
    CHECK_THROWS_WITH(decode(tuple("cast", col("a"), tuple("varchar2"))), Contains("'varchar2'"));
    CHECK_THROWS_WITH(decode(tuple("compound", "MINUS", empty(), empty(), nullptr, nullptr)),
                      Contains("MINUS"));
    CHECK_THROWS_WITH(decode(tuple("in", col("a"), col("b"), false)),
                      Contains("'in'") && Contains("tuple"));
    CHECK_THROWS_WITH(decode(tuple("case", empty(), nullptr)), Contains("'case'"));
    CHECK_THROWS_WITH(decode(tuple("insert", "t", empty(), empty(), empty(), tuple("bogus", 1))),
                      Contains("'bogus'"));
    try {
        decode(tuple("not"));
        FAIL("expected an error");
    } catch (const cormorant::Error& e) {
        CHECK(e.kind() == cormorant::ErrorKind::Interface);
    }
}

TEST_CASE("compile rejects malformed trees", "[sql][decode]") {
    CHECK_THROWS_WITH(lite(*decode(select_d(empty(), empty()))), Contains("no columns"));
    CHECK_THROWS_WITH(lite(*decode(tuple("insert", "t", tuple("a"),
                                         tuple(tuple(bindd("a"), bindd("b"))), empty(), nullptr))),
                      Contains("row has 2 values for 1 columns"));
    CHECK_THROWS_WITH(lite(*decode(tuple("insert", "t", tuple("a"), empty(), empty(), nullptr))),
                      Contains("no rows"));
    CHECK_THROWS_WITH(lite(*decode(select_d(tuple(tuple("table", "t")), empty()))),
                      Contains("not an expression"));
    CHECK_THROWS_AS(parse_dialect("mysql"), cormorant::Error);
    CHECK(parse_dialect("postgresql") == Dialect::PostgreSQL);
}

TEST_CASE("identifier quoting", "[sql][quote]") {
    for (const char* w :
         {"order", "user", "group", "select", "table", "from", "where", "key", "index"})
        CHECK(quote_identifier(w) == std::string("\"") + w + "\"");
    CHECK(quote_identifier("users") == "users");
    CHECK(quote_identifier("user_id") == "user_id");
    CHECK(quote_identifier("_x1$") == "_x1$");
    CHECK(quote_identifier("Name") == "\"Name\"");
    CHECK(quote_identifier("1abc") == "\"1abc\"");
    CHECK(quote_identifier("with space") == "\"with space\"");
    CHECK(quote_identifier("a\"b") == "\"a\"\"b\"");
    CHECK(quote_identifier("") == "\"\"");
    CHECK(quote_string("it's") == "'it''s'");
}

TEST_CASE("every form is declared once and every node form decodes", "[sql][decode][forms]") {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& form : datum_forms()) {
        INFO(form.describe());
        CHECK(seen.insert({form.role, form.tag}).second);
        CHECK(form.optional <= form.slots.size());
        CHECK((form.role == "node" || form.role == "type" || form.role == "element"));
    }
    CHECK(seen.count({"node", "select"}) == 1);
    CHECK(seen.count({"type", "numeric"}) == 1);
    CHECK(seen.count({"element", "foreign_key"}) == 1);
}

TEST_CASE("a tuple of the wrong length names its tag and its slots", "[sql][decode][forms]") {
    CHECK_THROWS_WITH(decode(tuple("label", col("a"))),
                      Contains("'label': expected ('label', expr, name), got 1 slot(s)"));
    CHECK_THROWS_WITH(decode(tuple("table", "t", "a", "extra")),
                      Contains("expected ('table', name, [alias]), got 3 slot(s)"));
    CHECK_THROWS_WITH(decode_type(tuple("numeric", 10)),
                      Contains("'numeric': expected ('numeric', precision, scale)"));
    CHECK_THROWS_WITH(decode_type(tuple("money")), Contains("'money': unknown type"));
    CHECK(lite_sql(tuple("or", op("=", col("a"), bindd("p")))) == "a = ?");
}
