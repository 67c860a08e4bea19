// Civil-calendar conversions (after Howard Hinnant's published days/civil
// algorithms), ISO 8601 formatting for temporal cells, and the parser of
// SQLite's stored date/time text.
#include "cormorant/result/temporal.hpp"

#include <cstdio>
#include <string_view>

namespace cormorant::result {

namespace {

// Floor division, so times before the epoch land on the previous day.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_leap(int year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

// "HH:MM[:SS[.ffffff]]" at text[pos], fields unchecked.
bool parse_clock(std::string_view text, std::size_t pos, CivilTime& t) noexcept {
    t = CivilTime{};
    t.hour = read_digits(text, pos, 2);
    t.minute = read_digits(text, pos + 3, 2);
    if (t.hour < 0 || t.minute < 0 || text[pos + 2] != ':') return false;
    pos += 5;
    if (pos < text.size() && text[pos] == ':') {
        t.second = read_digits(text, pos + 1, 2);
        if (t.second < 0) return false;
        pos += 3;
    }
    if (pos < text.size() && text[pos] == '.') {
        int scale = 100000;
        for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            t.microsecond += (text[pos] - '0') * scale;
            scale /= 10;
        }
    }
    return true;
}

}  // namespace

int read_digits(std::string_view text, std::size_t pos, std::size_t width) noexcept {
    if (pos > text.size() || width > text.size() - pos) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool valid_date(const CivilDate& d) noexcept {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.year < 1 || d.year > 9999 || d.month < 1 || d.month > 12 || d.day < 1) return false;
    return d.day <= kDays[d.month - 1] + (d.month == 2 && is_leap(d.year) ? 1 : 0);
}

bool valid_time(const CivilTime& t) noexcept {
    return t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 &&
           t.second < 60 && t.microsecond >= 0 && t.microsecond < kMicrosPerSecond;
}

bool parse_iso_date(std::string_view text, CivilDate& out) noexcept {
    out.year = read_digits(text, 0, 4);
    out.month = read_digits(text, 5, 2);
    out.day = read_digits(text, 8, 2);
    return out.year >= 0 && out.month >= 0 && out.day >= 0 && text[4] == '-' && text[7] == '-' &&
           valid_date(out);
}

bool parse_iso_datetime(std::string_view text, CivilDateTime& out) noexcept {
    if (!parse_iso_date(text, out.date)) return false;
    out.time = CivilTime{};
    if (text.size() == 10) return true;
    return (text[10] == ' ' || text[10] == 'T') && parse_clock(text, 11, out.time) &&
           valid_time(out.time);
}

bool parse_iso_time(std::string_view text, CivilTime& out) noexcept {
    return parse_clock(text, 0, out) && valid_time(out);
}

std::int64_t days_from_civil(const CivilDate& date) noexcept {
    const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
    const std::int64_t era = floor_div(y, 400);
    const std::int64_t year_of_era = y - era * 400;
    const std::int64_t month_index = date.month > 2 ? date.month - 3 : date.month + 9;
    const std::int64_t day_of_year = (153 * month_index + 2) / 5 + date.day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(std::int64_t days) noexcept {
    const std::int64_t z = days + 719468;
    const std::int64_t era = floor_div(z, 146097);
    const std::int64_t day_of_era = z - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t month_index = (5 * day_of_year + 2) / 153;
    CivilDate out;
    out.day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
    out.month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
    out.year = static_cast<int>(year_of_era + era * 400 + (out.month <= 2 ? 1 : 0));
    return out;
}

std::int64_t micros_from_clock(const CivilTime& time) noexcept {
    return ((time.hour * 60LL + time.minute) * 60 + time.second) * kMicrosPerSecond +
           time.microsecond;
}

CivilTime clock_from_micros(std::int64_t micros) noexcept {
    CivilTime out;
    out.microsecond = static_cast<int>(micros % kMicrosPerSecond);
    const std::int64_t seconds = micros / kMicrosPerSecond;
    out.second = static_cast<int>(seconds % 60);
    out.minute = static_cast<int>(seconds / 60 % 60);
    out.hour = static_cast<int>(seconds / 3600);
    return out;
}

CivilDateTime civil_from_micros(std::int64_t micros) noexcept {
    const std::int64_t days = floor_div(micros, kMicrosPerDay);
    return {civil_from_days(days), clock_from_micros(micros - days * kMicrosPerDay)};
}

std::string format_date(std::int64_t days) {
    const CivilDate d = civil_from_days(days);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return std::string(buf, static_cast<std::size_t>(n));
}

std::string format_time(std::int64_t micros) {
    const CivilTime t = clock_from_micros(micros);
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t.hour, t.minute, t.second);
    if (t.microsecond != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%06d", t.microsecond);
    return std::string(buf, static_cast<std::size_t>(n));
}

std::string format_datetime(std::int64_t micros) {
    const std::int64_t days = floor_div(micros, kMicrosPerDay);
    return format_date(days) + " " + format_time(micros - days * kMicrosPerDay);
}

}  // namespace cormorant::result
