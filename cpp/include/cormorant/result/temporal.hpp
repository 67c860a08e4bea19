// Calendar arithmetic for the temporal cell types: days since 1970-01-01 and
// microseconds since midnight, to and from civil fields, and ISO 8601 text.
#pragma once

#include <cstdint>
#include <string>

namespace cormorant::result {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct CivilDate {
    int year = 1970, month = 1, day = 1;
};

struct CivilTime {
    int hour = 0, minute = 0, second = 0, microsecond = 0;
};

// Days since 1970-01-01 in the proleptic Gregorian calendar, and back.
std::int64_t days_from_civil(const CivilDate& date) noexcept;
CivilDate civil_from_days(std::int64_t days) noexcept;

std::int64_t micros_from_clock(const CivilTime& time) noexcept;
CivilTime clock_from_micros(std::int64_t micros_since_midnight) noexcept;

// Splits microseconds since the epoch into a day and the time within it.
struct CivilDateTime {
    CivilDate date;
    CivilTime time;
};
CivilDateTime civil_from_micros(std::int64_t micros_since_epoch) noexcept;

// "YYYY-MM-DD", "HH:MM:SS[.ffffff]" and "YYYY-MM-DD HH:MM:SS[.ffffff]".
std::string format_date(std::int64_t days);
std::string format_time(std::int64_t micros_since_midnight);
std::string format_datetime(std::int64_t micros_since_epoch);

}  // namespace cormorant::result
