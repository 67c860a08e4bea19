// Calendar arithmetic for the temporal cell types: days since 1970-01-01 and
// microseconds since midnight, to and from civil fields, and ISO 8601 text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

// The range Python's datetime module represents: 0001-01-01 to 9999-12-31.
constexpr std::int64_t kMinDays = -719'162;   // 0001-01-01
constexpr std::int64_t kMaxDays = 2'932'896;  // 9999-12-31

// Whether the fields name a real day in years 1..9999, and a time of day
// (00:00:00 to 23:59:59.999999; no leap seconds).
bool valid_date(const CivilDate& date) noexcept;
bool valid_time(const CivilTime& time) noexcept;

// The `width` decimal digits at text[pos] as a number; -1 when any is missing
// or not a digit.
int read_digits(std::string_view text, std::size_t pos, std::size_t width) noexcept;

// SQLite's stored text, as SQLAlchemy's SQLite dialect writes it (and reads
// it, leniently): "YYYY-MM-DD", "YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]" (the time
// may be absent) and "HH:MM[:SS[.ffffff]]". As SQLAlchemy's regexes match,
// text after what is read (an offset, a date's time) is ignored, and so are
// fraction digits past the sixth. False when the text is malformed or names
// no valid date or time of day.
bool parse_iso_date(std::string_view text, CivilDate& out) noexcept;
bool parse_iso_datetime(std::string_view text, CivilDateTime& out) noexcept;
bool parse_iso_time(std::string_view text, CivilTime& out) noexcept;

}  // namespace cormorant::result
