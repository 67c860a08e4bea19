// Text-format value parsers for the PostgreSQL types cormorant maps natively:
// integers, floats, booleans, numeric, bytea, dates, times, timestamps, uuid
// and json. DateStyle is ISO (set at connect), so dates are YYYY-MM-DD.
#include "pg_decode.hpp"

#include <charconv>
#include <cstdlib>
#include <string>

#include "cormorant/error.hpp"
#include "cormorant/result/temporal.hpp"

namespace cormorant::driver::postgres {

namespace {

using result::CivilDate;
using result::CivilTime;
using result::read_digits;

// Type OIDs from PostgreSQL's pg_type catalogue (stable across versions).
enum Oid : std::uint32_t {
    kBool = 16,
    kBytea = 17,
    kInt8 = 20,
    kInt2 = 21,
    kInt4 = 23,
    kOid = 26,
    kJson = 114,
    kFloat4 = 700,
    kFloat8 = 701,
    kDate = 1082,
    kTime = 1083,
    kTimestamp = 1114,
    kTimestampTz = 1184,
    kNumeric = 1700,
    kUuid = 2950,
    kJsonb = 3802,
    kInterval = 1186,
};

[[noreturn]] void unrepresentable(std::string_view what, std::string_view text) {
    throw Error(ErrorKind::Data, "cannot represent PostgreSQL " + std::string(what) + " value '" +
                                     std::string(text) + "' in Python");
}

template <typename T>
T parse_number(std::string_view text, std::string_view what) {
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) unrepresentable(what, text);
    return value;
}

// "YYYY-MM-DD" at the start of `text`; four-digit years only (Python's
// range), and a day that exists (days_from_civil would roll 02-30 over).
bool parse_civil_date(std::string_view text, CivilDate& d) {
    d.year = read_digits(text, 0, 4);
    d.month = read_digits(text, 5, 2);
    d.day = read_digits(text, 8, 2);
    return d.year > 0 && d.month > 0 && d.day > 0 && text[4] == '-' && text[7] == '-' &&
           (text.size() == 10 || text[10] == ' ') && result::valid_date(d);
}

// "HH:MM:SS[.ffffff]" at text[pos]; on success `pos` is just past it.
bool parse_clock(std::string_view text, std::size_t& pos, CivilTime& t) {
    t.hour = read_digits(text, pos, 2);
    t.minute = read_digits(text, pos + 3, 2);
    t.second = read_digits(text, pos + 6, 2);
    if (t.hour < 0 || t.minute < 0 || t.second < 0 || text[pos + 2] != ':' || text[pos + 5] != ':')
        return false;
    pos += 8;
    t.microsecond = 0;
    if (pos < text.size() && text[pos] == '.') {
        int scale = 100000;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            t.microsecond += (text[pos] - '0') * scale;
            scale /= 10;
        }
    }
    // PostgreSQL's time type has 24:00:00, which Python's time cannot hold.
    return result::valid_time(t);
}

// A UTC offset "+HH[:MM[:SS]]" at text[pos], in microseconds east of UTC.
bool parse_offset(std::string_view text, std::size_t pos, std::int64_t& micros) {
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
    const int sign = text[pos] == '-' ? -1 : 1;
    int fields[3] = {0, 0, 0};
    std::size_t at = pos + 1;
    if (at == text.size()) return false;  // a sign needs its hours
    for (int i = 0; i < 3 && at < text.size(); ++i) {
        if (i > 0) {
            if (text[at] != ':') return false;
            ++at;
        }
        fields[i] = read_digits(text, at, 2);
        if (fields[i] < 0) return false;
        at += 2;
    }
    if (at != text.size()) return false;
    micros = sign * ((fields[0] * 60LL + fields[1]) * 60 + fields[2]) * result::kMicrosPerSecond;
    return true;
}

std::int64_t parse_date(std::string_view text) {
    CivilDate d;
    if (text.size() != 10 || !parse_civil_date(text, d)) unrepresentable("date", text);
    return result::days_from_civil(d);
}

std::int64_t parse_time(std::string_view text) {
    CivilTime t;
    std::size_t pos = 0;
    if (!parse_clock(text, pos, t) || pos != text.size()) unrepresentable("time", text);
    return result::micros_from_clock(t);
}

// Microseconds since the epoch; with a zone, converted to UTC.
std::int64_t parse_timestamp(std::string_view text, bool with_zone) {
    const std::string_view what = with_zone ? "timestamp with time zone" : "timestamp";
    CivilDate d;
    CivilTime t;
    std::size_t pos = 11;
    if (text.size() < 19 || !parse_civil_date(text, d) || !parse_clock(text, pos, t))
        unrepresentable(what, text);
    std::int64_t offset = 0;
    if (with_zone ? !parse_offset(text, pos, offset) : pos != text.size())
        unrepresentable(what, text);
    const std::int64_t micros =
        result::days_from_civil(d) * result::kMicrosPerDay + result::micros_from_clock(t) - offset;
    // In UTC a value near either end of the calendar may leave Python's range.
    if (micros < result::kMinDays * result::kMicrosPerDay ||
        micros >= (result::kMaxDays + 1) * result::kMicrosPerDay)
        unrepresentable(what, text);
    return micros;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// bytea_output 'hex' ("\x0aff") or the older 'escape' format.
std::string parse_bytea(std::string_view text) {
    std::string out;
    if (text.substr(0, 2) == "\\x") {
        if (text.size() % 2 != 0) unrepresentable("bytea", text);  // half a byte
        out.reserve((text.size() - 2) / 2);
        for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
            const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
            if (hi < 0 || lo < 0) unrepresentable("bytea", text);
            out.push_back(static_cast<char>(hi * 16 + lo));
        }
        return out;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.push_back(text[i]);
        } else if (i + 1 < text.size() && text[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
        } else {
            // \ooo, three octal digits up to \377.
            const int a = read_digits(text, i + 1, 1), b = read_digits(text, i + 2, 1),
                      c = read_digits(text, i + 3, 1);
            if (a < 0 || b < 0 || c < 0 || a > 3 || b > 7 || c > 7) unrepresentable("bytea", text);
            out.push_back(static_cast<char>(a * 64 + b * 8 + c));
            i += 3;
        }
    }
    return out;
}

// A signed run of digits at text[pos]; `pos` ends just past it.
std::int64_t read_signed(std::string_view text, std::size_t& pos) {
    const bool negative = text[pos] == '-';
    if (text[pos] == '-' || text[pos] == '+') ++pos;
    const std::size_t digits = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits || pos - digits > 12) unrepresentable("interval", text);
    const auto value = parse_number<std::int64_t>(text.substr(digits, pos - digits), "interval");
    return negative ? -value : value;
}

// Limits that keep every part, and their sum, inside int64 microseconds
// (about 292,000 years; Python's timedelta reaches 2.7 million).
constexpr std::int64_t kMaxIntervalHours = 2'000'000'000;
constexpr std::int64_t kMaxIntervalDays = 100'000'000;

// "[-]H+:MM:SS[.ffffff]" whose hours were read as `hours` with `negative` sign.
std::int64_t interval_clock(std::string_view text, std::size_t& pos, std::int64_t hours,
                            bool negative) {
    const int minutes = read_digits(text, pos + 1, 2), seconds = read_digits(text, pos + 4, 2);
    if (minutes < 0 || seconds < 0 || text[pos + 3] != ':' || minutes > 59 || seconds > 59 ||
        std::abs(hours) > kMaxIntervalHours)
        unrepresentable("interval", text);
    pos += 6;
    std::int64_t fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        std::int64_t scale = 100000;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            fraction += (text[pos] - '0') * scale;
            scale /= 10;
        }
    }
    const std::int64_t magnitude =
        ((std::abs(hours) * 60 + minutes) * 60 + seconds) * result::kMicrosPerSecond + fraction;
    return negative ? -magnitude : magnitude;
}

// The days one "<n> <unit>" part stands for: a year is 365, a month 30.
std::int64_t interval_days(std::string_view text, std::string_view unit, std::int64_t number) {
    std::int64_t per = 0;
    if (unit.rfind("year", 0) == 0)
        per = 365;
    else if (unit.rfind("mon", 0) == 0)
        per = 30;
    else if (unit.rfind("day", 0) == 0)
        per = 1;
    if (per == 0 || std::abs(number) > kMaxIntervalDays / per) unrepresentable("interval", text);
    return number * per;
}

// PostgreSQL's default IntervalStyle: "1 year 2 mons -3 days +04:05:06.5". Years
// and months become 365 and 30 days, as Python's timedelta has neither.
std::int64_t parse_interval(std::string_view text) {
    std::int64_t micros = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == ' ') {
            ++pos;
            continue;
        }
        const bool negative = text[pos] == '-';
        const std::int64_t number = read_signed(text, pos);
        std::int64_t part = 0;
        if (pos < text.size() && text[pos] == ':') {
            part = interval_clock(text, pos, number, negative);
        } else {
            if (pos >= text.size() || text[pos] != ' ') unrepresentable("interval", text);
            const std::size_t unit = ++pos;
            while (pos < text.size() && text[pos] != ' ') ++pos;
            part =
                interval_days(text, text.substr(unit, pos - unit), number) * result::kMicrosPerDay;
        }
        if (__builtin_add_overflow(micros, part, &micros)) unrepresentable("interval", text);
    }
    if (text.empty()) unrepresentable("interval", text);
    return micros;
}

}  // namespace

Decoder decoder_for(std::uint32_t type_oid) noexcept {
    switch (type_oid) {
        case kInt2:
        case kInt4:
        case kInt8:
        case kOid:
            return Decoder::Integer;
        case kFloat4:
        case kFloat8:
            return Decoder::Real;
        case kBool:
            return Decoder::Boolean;
        case kNumeric:
            return Decoder::Decimal;
        case kBytea:
            return Decoder::Bytea;
        case kDate:
            return Decoder::Date;
        case kTime:
            return Decoder::Time;
        case kTimestamp:
            return Decoder::Timestamp;
        case kTimestampTz:
            return Decoder::TimestampTz;
        case kUuid:
            return Decoder::Uuid;
        case kJson:
        case kJsonb:
            return Decoder::Json;
        case kInterval:
            return Decoder::Interval;
        default:
            return Decoder::Text;
    }
}

void decode_into(result::RowBatch& out, Decoder decoder, std::string_view text) {
    using driver::ValueType;
    switch (decoder) {
        case Decoder::Integer:
            out.append_integer(parse_number<std::int64_t>(text, "integer"));
            return;
        case Decoder::Real:
            out.append_real(parse_number<double>(text, "float"));
            return;
        case Decoder::Boolean:
            if (text != "t" && text != "f") unrepresentable("boolean", text);
            out.append_typed(ValueType::Boolean, text == "t" ? 1 : 0);
            return;
        case Decoder::Decimal:
            out.append_borrowed(ValueType::Decimal, text);
            return;
        case Decoder::Bytea:
            out.append_blob(parse_bytea(text));
            return;
        case Decoder::Date:
            out.append_typed(ValueType::Date, parse_date(text));
            return;
        case Decoder::Time:
            out.append_typed(ValueType::Time, parse_time(text));
            return;
        case Decoder::Timestamp:
            out.append_typed(ValueType::DateTime, parse_timestamp(text, false));
            return;
        case Decoder::TimestampTz:
            out.append_typed(ValueType::DateTimeTz, parse_timestamp(text, true));
            return;
        case Decoder::Uuid:
            out.append_borrowed(ValueType::Uuid, text);
            return;
        case Decoder::Json:
            out.append_borrowed(ValueType::Json, text);
            return;
        case Decoder::Interval:
            out.append_typed(ValueType::Interval, parse_interval(text));
            return;
        case Decoder::Text:
            out.append_borrowed(ValueType::Text, text);
            return;
    }
}

}  // namespace cormorant::driver::postgres
