// libFuzzer target: PostgreSQL text-format decoders (driver/postgres/pg_decode).
// The first input byte picks the decoder, the rest is the value as the server
// would print it. cormorant::Error (Data) is the expected way to refuse a
// value; a value that is accepted must also be one Python can hold, and must
// read back the same (checked against format_* and a reference bytea decoder).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cormorant/error.hpp"
#include "cormorant/result/row_batch.hpp"
#include "cormorant/result/temporal.hpp"
#include "driver/postgres/pg_decode.hpp"

namespace {

using cormorant::driver::postgres::decode_into;
using cormorant::driver::postgres::Decoder;
namespace result = cormorant::result;

constexpr Decoder kDecoders[] = {
    Decoder::Integer,     Decoder::Real, Decoder::Boolean,   Decoder::Decimal, Decoder::Bytea,
    Decoder::Date,        Decoder::Time, Decoder::Timestamp, Decoder::Uuid,    Decoder::Json,
    Decoder::TimestampTz, Decoder::Text, Decoder::Interval,
};

[[noreturn]] void finding(const char* what, std::string_view text) {
    std::fprintf(stderr, "pg_decode finding: %s (input '%.*s')\n", what,
                 static_cast<int>(text.size()), text.data());
    std::abort();
}

void check(bool ok, const char* what, std::string_view text) {
    if (!ok) finding(what, text);
}

// The decoded integer of one value, or nullopt when the decoder refused it.
std::optional<std::int64_t> decode_integer(Decoder decoder, std::string_view text) {
    result::RowBatch batch(1);
    try {
        decode_into(batch, decoder, text);
    } catch (const cormorant::Error&) {
        return std::nullopt;
    }
    return batch.cell(0, 0).integer;
}

// PostgreSQL's bytea output, decoded by the documentation's rules: "\x" and
// pairs of hex digits, or the escape format (\\ and \ooo with ooo <= 377).
std::optional<std::string> reference_bytea(std::string_view text) {
    auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    if (text.substr(0, 2) == "\\x") {
        if (text.size() % 2 != 0) return std::nullopt;
        for (std::size_t i = 2; i < text.size(); i += 2) {
            if (hex(text[i]) < 0 || hex(text[i + 1]) < 0) return std::nullopt;
            out.push_back(static_cast<char>(hex(text[i]) * 16 + hex(text[i + 1])));
        }
        return out;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.push_back(text[i]);
        } else if (text.substr(i + 1, 1) == "\\") {
            out.push_back('\\');
            ++i;
        } else {
            if (i + 3 >= text.size()) return std::nullopt;
            const char a = text[i + 1], b = text[i + 2], c = text[i + 3];
            if (a < '0' || a > '3' || b < '0' || b > '7' || c < '0' || c > '7') return std::nullopt;
            out.push_back(static_cast<char>((a - '0') * 64 + (b - '0') * 8 + (c - '0')));
            i += 3;
        }
    }
    return out;
}

bool in_python_range(std::int64_t micros) {
    return micros >= result::kMinDays * result::kMicrosPerDay &&
           micros < (result::kMaxDays + 1) * result::kMicrosPerDay;
}

void check_accepted(Decoder decoder, std::string_view text, const result::RowBatch& batch) {
    const result::Cell& cell = batch.cell(0, 0);
    const std::int64_t v = cell.integer;
    switch (decoder) {
        case Decoder::Boolean:
            check(text == "t" || text == "f", "boolean other than 't'/'f' accepted", text);
            break;
        case Decoder::Interval:  // any int64 of microseconds is a timedelta
            break;
        case Decoder::Decimal:
        case Decoder::Uuid:
        case Decoder::Json:
        case Decoder::Text:
            check(batch.bytes(cell) == text, "text-like value not kept verbatim", text);
            break;
        case Decoder::Bytea: {
            const auto expected = reference_bytea(text);
            check(expected.has_value(), "malformed bytea accepted", text);
            check(batch.bytes(cell) == *expected, "bytea decoded wrongly", text);
            break;
        }
        case Decoder::Date:
            check(v >= result::kMinDays && v <= result::kMaxDays, "date outside Python's range",
                  text);
            check(result::format_date(v) == text, "date does not read back as printed", text);
            break;
        case Decoder::Time:
            check(v >= 0 && v < result::kMicrosPerDay, "time outside 00:00..24:00", text);
            check(decode_integer(Decoder::Time, result::format_time(v)) == v,
                  "time does not read back", text);
            break;
        case Decoder::Timestamp:
            check(in_python_range(v), "timestamp outside Python's range", text);
            check(result::format_datetime(v).substr(0, 10) == text.substr(0, 10),
                  "timestamp's date does not read back as printed", text);
            check(decode_integer(Decoder::Timestamp, result::format_datetime(v)) == v,
                  "timestamp does not read back", text);
            break;
        case Decoder::TimestampTz:
            check(in_python_range(v), "timestamptz outside Python's range in UTC", text);
            check(decode_integer(Decoder::TimestampTz, result::format_datetime(v) + "+00") == v,
                  "timestamptz does not read back", text);
            break;
        case Decoder::Integer:
        case Decoder::Real:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const Decoder decoder = kDecoders[data[0] % std::size(kDecoders)];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    result::RowBatch batch(1);
    try {
        decode_into(batch, decoder, text);
    } catch (const cormorant::Error& e) {
        if (e.kind() != cormorant::ErrorKind::Data) finding("error kind other than Data", text);
        return 0;
    }
    check(batch.rows() == 1, "not exactly one cell appended", text);
    check_accepted(decoder, text, batch);
    (void)batch.as_text(0, 0);  // the C++ reader's formatting of every accepted cell
    batch.make_owned();
    return 0;
}
