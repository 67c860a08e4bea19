// RowBatch: row-major appends, arena bytes and the typed conversions.
#include "cormorant/result/row_batch.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "cormorant/error.hpp"

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::driver::ValueType;
using cormorant::result::RowBatch;

TEST_CASE("RowBatch stores rows of typed cells", "[result]") {
    RowBatch batch(3);
    batch.append_integer(std::numeric_limits<std::int64_t>::min());
    batch.append_text(std::string("a\0b", 3));
    batch.append_null();
    batch.append_real(2.5);
    batch.append_blob(std::string("\0\1", 2));
    batch.append_text("");
    REQUIRE(batch.rows() == 2);
    CHECK(batch.cell(0, 0).integer == std::numeric_limits<std::int64_t>::min());
    CHECK(batch.bytes(batch.cell(0, 1)) == std::string("a\0b", 3));
    CHECK(batch.is_null(0, 2));
    CHECK(batch.cell(1, 0).type == ValueType::Real);
    CHECK(batch.bytes(batch.cell(1, 1)) == std::string("\0\1", 2));
    CHECK(batch.cell(1, 2).type == ValueType::Text);
    CHECK(batch.bytes(batch.cell(1, 2)).empty());

    batch.reset(1);
    CHECK(batch.rows() == 0);
    CHECK(batch.columns() == 1);
}

TEST_CASE("RowBatch typed conversions convert sensibly or throw naming the column", "[result]") {
    RowBatch batch(5);
    batch.append_integer(42);
    batch.append_real(3.75);
    batch.append_text("17");
    batch.append_blob("xy");
    batch.append_null();
    CHECK(batch.as_integer(0, 0) == 42);
    CHECK(batch.as_real(0, 0) == 42.0);
    CHECK(batch.as_text(0, 0) == "42");
    CHECK(batch.as_integer(0, 1) == 3);
    CHECK(batch.as_text(0, 1) == "3.75");
    CHECK(batch.as_integer(0, 2) == 17);
    CHECK(batch.as_real(0, 2) == 17.0);
    CHECK(batch.as_text(0, 3) == "xy");
    try {
        (void)batch.as_integer(0, 4);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Data);
        CHECK(std::string(e.what()).find("column 4 of type null") != std::string::npos);
    }
    CHECK_THROWS_AS(batch.as_integer(0, 3), Error);
    CHECK_THROWS_AS(batch.as_text(1, 0), Error);
}
