// PostgreSQL text decoders (driver/postgres/pg_decode): values Python cannot
// hold, or that would read back as another value, are Error(Data). Each case
// is an input tests-cpp/fuzz/fuzz_pg_decode found (kept in its corpus as
// crash-*) or one found while fixing those.
#include "driver/postgres/pg_decode.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "cormorant/error.hpp"
#include "cormorant/result/temporal.hpp"

using Catch::Contains;
using cormorant::Error;
using cormorant::driver::postgres::decode_into;
using cormorant::driver::postgres::Decoder;
using cormorant::result::RowBatch;

namespace {

std::int64_t decoded(Decoder decoder, std::string_view text) {
    RowBatch batch(1);
    decode_into(batch, decoder, text);
    return batch.cell(0, 0).integer;
}

std::string decoded_bytes(Decoder decoder, std::string_view text) {
    RowBatch batch(1);
    decode_into(batch, decoder, text);
    return std::string(batch.bytes(batch.cell(0, 0)));
}

void refused(Decoder decoder, std::string_view text) {
    RowBatch batch(1);
    CHECK_THROWS_WITH(decode_into(batch, decoder, text),
                      Contains("cannot represent PostgreSQL") && Contains(std::string(text)));
}

}  // namespace

TEST_CASE("pg_decode: booleans are 't' or 'f' only", "[driver][pg_decode]") {
    CHECK(decoded(Decoder::Boolean, "t") == 1);
    CHECK(decoded(Decoder::Boolean, "f") == 0);
    refused(Decoder::Boolean, "");  // fuzz: read as false
    refused(Decoder::Boolean, "true");
}

TEST_CASE("pg_decode: days that do not exist are refused, not rolled over", "[driver][pg_decode]") {
    using cormorant::result::format_date;
    CHECK(format_date(decoded(Decoder::Date, "2024-02-29")) == "2024-02-29");
    CHECK(format_date(decoded(Decoder::Date, "0001-01-01")) == "0001-01-01");
    refused(Decoder::Date, "2029-02-29");  // fuzz: became 2029-03-01
    refused(Decoder::Date, "2024-04-31");
    refused(Decoder::Date, "2024-13-01");
    refused(Decoder::Timestamp, "9999-12-32 23:59:59.999999");  // fuzz: year 10000
    refused(Decoder::Timestamp, "2024-02-30 00:00:00");
    refused(Decoder::Timestamp, "2024-01-01 12:60:00");
    refused(Decoder::Timestamp, "2024-01-01 12:00:61");
}

TEST_CASE("pg_decode: times and timestamps stay in Python's range", "[driver][pg_decode]") {
    using cormorant::result::kMicrosPerDay;
    CHECK(decoded(Decoder::Time, "23:59:59.999999") == kMicrosPerDay - 1);
    refused(Decoder::Time, "24:00:00");  // PostgreSQL's end of day; Python has no hour 24
    CHECK(decoded(Decoder::TimestampTz, "0001-01-01 00:00:00+00") ==
          cormorant::result::kMinDays * kMicrosPerDay);
    // Valid in PostgreSQL, but before year 1 or after year 9999 once in UTC.
    refused(Decoder::TimestampTz, "0001-01-01 00:00:00+01");
    refused(Decoder::TimestampTz, "9999-12-31 23:00:00-05");
    refused(Decoder::TimestampTz, "2024-01-01 00:00:00+");  // a sign with no hours
}

TEST_CASE("pg_decode: bytea needs whole hex bytes and octal escapes up to \\377",
          "[driver][pg_decode]") {
    CHECK(decoded_bytes(Decoder::Bytea, "\\x00ff10Ab") == std::string("\x00\xff\x10\xab", 4));
    CHECK(decoded_bytes(Decoder::Bytea, "a\\\\b\\001\\377") == std::string("a\\b\x01\xff", 5));
    refused(Decoder::Bytea, "\\x2");     // fuzz: the half byte was dropped
    refused(Decoder::Bytea, "\\092");    // fuzz: 9 is not an octal digit
    refused(Decoder::Bytea, "\\400");    // 256 does not fit a byte
    refused(Decoder::Bytea, "abc\\12");  // an escape cut short
}

TEST_CASE("pg_decode: intervals as microseconds, a month 30 days and a year 365",
          "[driver][pg_decode]") {
    constexpr std::int64_t second = 1'000'000, day = 86'400 * second;
    CHECK(decoded(Decoder::Interval, "00:00:00") == 0);
    CHECK(decoded(Decoder::Interval, "3 days") == 3 * day);
    CHECK(decoded(Decoder::Interval, "-00:00:01") == -second);
    CHECK(decoded(Decoder::Interval, "100:00:00.25") == 100 * 3600 * second + second / 4);
    CHECK(decoded(Decoder::Interval, "1 year 2 mons -3 days +04:05:06.5") ==
          (365 + 60 - 3) * day + (4 * 3600 + 5 * 60 + 6) * second + second / 2);
    CHECK(decoded(Decoder::Interval, "-1 days +00:00:05") == -day + 5 * second);
    refused(Decoder::Interval, "");
    refused(Decoder::Interval, "3 fortnights");
    refused(Decoder::Interval, "1:2:3");
    refused(Decoder::Interval, "99999999999 years");
    refused(Decoder::Interval, "99999999999:00:00");
    refused(Decoder::Interval, "100000000 days 100000000 days 100000000 days");
}
