// Calendar arithmetic and the ISO parser of SQLite's stored dates and times
// (result/temporal), which tests-cpp/fuzz/fuzz_sqlite_values fuzzes.
#include "cormorant/result/temporal.hpp"

#include <catch2/catch.hpp>

using namespace cormorant::result;

TEST_CASE("calendar arithmetic round-trips over Python's range", "[result][temporal]") {
    CHECK(days_from_civil({1970, 1, 1}) == 0);
    CHECK(days_from_civil({1, 1, 1}) == kMinDays);
    CHECK(days_from_civil({9999, 12, 31}) == kMaxDays);
    for (std::int64_t days : {kMinDays, std::int64_t{-1}, std::int64_t{0}, kMaxDays}) {
        const CivilDate d = civil_from_days(days);
        CHECK(valid_date(d));
        CHECK(days_from_civil(d) == days);
    }
    CHECK(format_datetime(-1) == "1969-12-31 23:59:59.999999");
}

TEST_CASE("parse_iso_* read SQLite's stored text", "[result][temporal]") {
    CivilDate d;
    REQUIRE(parse_iso_date("2024-02-29", d));
    CHECK((d.year == 2024 && d.month == 2 && d.day == 29));
    CHECK(parse_iso_date("2024-02-29 12:00:00", d));  // a DATE column holding a datetime

    CivilDateTime dt;
    REQUIRE(parse_iso_datetime("2024-02-29 23:59:59.1234567", dt));
    CHECK((dt.time.hour == 23 && dt.time.second == 59 && dt.time.microsecond == 123456));
    REQUIRE(parse_iso_datetime("2024-02-29T08:15", dt));
    CHECK((dt.time.hour == 8 && dt.time.minute == 15 && dt.time.second == 0));
    REQUIRE(parse_iso_datetime("2024-02-29", dt));
    CHECK((dt.time.hour == 0 && dt.time.microsecond == 0));

    CivilTime t;
    REQUIRE(parse_iso_time("08:15", t));
    CHECK((t.hour == 8 && t.minute == 15 && t.second == 0 && t.microsecond == 0));
}

TEST_CASE("parse_iso_* refuse malformed text and days or times that do not exist",
          "[result][temporal]") {
    CivilDate d;
    CivilDateTime dt;
    CivilTime t;
    CHECK_FALSE(parse_iso_date("2024x02y29", d));  // separators were not checked
    CHECK_FALSE(parse_iso_date("2023-02-29", d));
    CHECK_FALSE(parse_iso_date("0000-01-01", d));
    CHECK_FALSE(parse_iso_date("2024-02-2", d));
    CHECK_FALSE(parse_iso_date("", d));
    CHECK_FALSE(parse_iso_datetime("2024-02-29 ", dt));
    CHECK_FALSE(parse_iso_datetime("2024-02-29_08:15", dt));
    CHECK_FALSE(parse_iso_datetime("2024-02-29 24:00", dt));
    CHECK_FALSE(parse_iso_time("12:60", t));
    CHECK_FALSE(parse_iso_time("12:00:60", t));
    CHECK_FALSE(parse_iso_time("12-00", t));
    CHECK_FALSE(parse_iso_time("1", t));
}
