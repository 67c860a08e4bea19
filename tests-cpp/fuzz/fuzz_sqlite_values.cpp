// libFuzzer target: what turns SQLite's stored values into typed values. The
// ISO text parser behind the Date/DateTime/Time converters (result/temporal:
// parse_iso_date, parse_iso_datetime, parse_iso_time), the calendar arithmetic
// under it, and RowBatch's text-to-integer/real conversions (decimals stored as
// text). The first byte picks the mode ('0'..'4' in the seeds), the rest is the
// stored text. Refusals are a false return or cormorant::Error (Data); what is
// accepted must be a real date/time that formats back to the text it came from.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "cormorant/error.hpp"
#include "cormorant/result/row_batch.hpp"
#include "cormorant/result/temporal.hpp"

namespace {

namespace result = cormorant::result;

[[noreturn]] void finding(const char* what, std::string_view text) {
    std::fprintf(stderr, "sqlite value finding: %s (input '%.*s')\n", what,
                 static_cast<int>(text.size()), text.data());
    std::abort();
}

void check(bool ok, const char* what, std::string_view text) {
    if (!ok) finding(what, text);
}

// "HH:MM" of `t`.
std::string clock_prefix(const result::CivilTime& t) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
    return buf;
}

void date_mode(std::string_view text) {
    result::CivilDate d;
    if (!result::parse_iso_date(text, d)) return;
    check(result::valid_date(d), "invalid date accepted", text);
    const std::int64_t days = result::days_from_civil(d);
    check(days >= result::kMinDays && days <= result::kMaxDays, "date outside Python's range",
          text);
    check(result::format_date(days) == text.substr(0, 10), "date does not format back", text);
}

void datetime_mode(std::string_view text) {
    result::CivilDateTime dt;
    if (!result::parse_iso_datetime(text, dt)) return;
    check(result::valid_date(dt.date) && result::valid_time(dt.time), "invalid datetime accepted",
          text);
    const std::int64_t micros = result::days_from_civil(dt.date) * result::kMicrosPerDay +
                                result::micros_from_clock(dt.time);
    const std::string formatted = result::format_datetime(micros);
    check(formatted.substr(0, 10) == text.substr(0, 10), "datetime's date does not format back",
          text);
    if (text.size() > 10)
        check(text.substr(11, 5) == clock_prefix(dt.time), "datetime's clock does not read back",
              text);
    result::CivilDateTime again;
    check(result::parse_iso_datetime(formatted, again), "formatted datetime does not parse",
          formatted);
    check(result::days_from_civil(again.date) * result::kMicrosPerDay +
                  result::micros_from_clock(again.time) ==
              micros,
          "datetime does not round-trip", text);
}

void time_mode(std::string_view text) {
    result::CivilTime t;
    if (!result::parse_iso_time(text, t)) return;
    check(result::valid_time(t), "invalid time accepted", text);
    check(text.substr(0, 5) == clock_prefix(t), "time's clock does not read back", text);
    const std::int64_t micros = result::micros_from_clock(t);
    result::CivilTime again;
    check(result::parse_iso_time(result::format_time(micros), again) &&
              result::micros_from_clock(again) == micros,
          "time does not round-trip", text);
}

// Days and microseconds anywhere in Python's range: civil fields and back.
void calendar_mode(std::string_view text) {
    std::int64_t raw = 0;
    std::memcpy(&raw, text.data(), std::min(text.size(), sizeof raw));
    const std::int64_t span = (result::kMaxDays + 1 - result::kMinDays) * result::kMicrosPerDay;
    const std::int64_t micros = result::kMinDays * result::kMicrosPerDay +
                                static_cast<std::int64_t>(static_cast<std::uint64_t>(raw) %
                                                          static_cast<std::uint64_t>(span));
    const result::CivilDateTime dt = result::civil_from_micros(micros);
    check(result::valid_date(dt.date) && result::valid_time(dt.time),
          "civil_from_micros gave invalid fields", text);
    check(result::days_from_civil(dt.date) * result::kMicrosPerDay +
                  result::micros_from_clock(dt.time) ==
              micros,
          "calendar arithmetic does not round-trip", text);
    result::CivilDateTime parsed;
    check(result::parse_iso_datetime(result::format_datetime(micros), parsed),
          "formatted datetime does not parse", text);
}

// A stored value read through RowBatch as C++ callers do (SQLite hands text,
// blobs, integers and reals over unchanged).
void rowbatch_mode(std::string_view text) {
    result::RowBatch batch(2);
    batch.append_text(text);
    batch.append_blob(text);
    const auto attempt = [&](auto&& read) {
        try {
            read();
        } catch (const cormorant::Error& e) {
            if (e.kind() != cormorant::ErrorKind::Data) finding("error kind other than Data", text);
        }
    };
    attempt([&] {
        (void)batch.as_integer(0, 0);
        const std::string_view digits = text.substr(text.substr(0, 1) == "-" ? 1 : 0);
        check(!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos,
              "integer accepted from text that is not one", text);
    });
    attempt([&] { (void)batch.as_real(0, 0); });
    check(batch.as_text(0, 0) == text && batch.as_text(0, 1) == text, "text not kept", text);
    attempt([&] { (void)batch.as_integer(0, 1); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (static_cast<unsigned char>(data[0] - '0') % 5) {
        case 0:
            date_mode(text);
            break;
        case 1:
            datetime_mode(text);
            break;
        case 2:
            time_mode(text);
            break;
        case 3:
            calendar_mode(text);
            break;
        default:
            rowbatch_mode(text);
            break;
    }
    return 0;
}
