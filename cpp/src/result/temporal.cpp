// Civil-calendar conversions (after Howard Hinnant's published days/civil
// algorithms) and ISO 8601 formatting for temporal cells.
#include "cormorant/result/temporal.hpp"

#include <cstdio>

namespace cormorant::result {

namespace {

// Floor division, so times before the epoch land on the previous day.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

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
