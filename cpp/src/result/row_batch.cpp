// RowBatch storage and the typed conversions offered to C++ callers.
#include "cormorant/result/row_batch.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "cormorant/error.hpp"
#include "cormorant/result/temporal.hpp"

namespace cormorant::result {

using driver::ValueType;

namespace {

[[noreturn]] void conversion_error(std::size_t col, ValueType type, std::string_view target,
                                   std::string_view detail = {}) {
    std::string msg = "cannot convert column " + std::to_string(col) + " of type " +
                      std::string(driver::type_name(type)) + " to " + std::string(target);
    if (!detail.empty()) msg += ": " + std::string(detail);
    throw Error(ErrorKind::Data, std::move(msg));
}

// Microseconds as PostgreSQL writes an interval of days and a time: "-1 days 02:03:04.5".
std::string format_interval(std::int64_t micros) {
    const bool negative = micros < 0;
    const std::uint64_t total =
        negative ? 0 - static_cast<std::uint64_t>(micros) : static_cast<std::uint64_t>(micros);
    constexpr std::uint64_t kSecond = 1'000'000, kDay = 86'400 * kSecond;
    const auto days = static_cast<unsigned long long>(total / kDay);
    const std::uint64_t rest = total % kDay;
    char text[96];
    int n = std::snprintf(text, sizeof text, "%s", negative ? "-" : "");
    if (days)
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%llu days ", days);
    n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%02llu:%02llu:%02llu",
                       static_cast<unsigned long long>(rest / (3600 * kSecond)),
                       static_cast<unsigned long long>(rest / (60 * kSecond) % 60),
                       static_cast<unsigned long long>(rest / kSecond % 60));
    if (const std::uint64_t fraction = rest % kSecond) {
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), ".%06llu",
                           static_cast<unsigned long long>(fraction));
        while (text[n - 1] == '0') --n;
    }
    return std::string(text, static_cast<std::size_t>(n));
}

template <typename T>
bool parse_whole(std::string_view s, T& out) {
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && ptr == end && !s.empty();
}

}  // namespace

RowBatch::RowBatch(std::size_t columns) : columns_(columns) {}

void RowBatch::reset(std::size_t columns) {
    columns_ = columns;
    cells_.clear();
    arena_.clear();
}

void RowBatch::reserve(std::size_t rows, std::size_t bytes) {
    cells_.reserve(rows * columns_);
    arena_.reserve(bytes);
}

void RowBatch::cell_too_large(std::size_t size) {
    throw Error(ErrorKind::Data,
                "value of " + std::to_string(size) + " bytes exceeds the 4 GiB cell limit");
}

void RowBatch::make_owned(std::size_t first_row) {
    for (std::size_t i = first_row * columns_; i < cells_.size(); ++i) {
        Cell& c = cells_[i];
        if (!c.borrowed) continue;
        const std::size_t offset = arena_.size();
        arena_.insert(arena_.end(), c.data, c.data + c.size);
        c.borrowed = false;
        c.offset = offset;
    }
}

void RowBatch::append_rows(const RowBatch& from, std::size_t first, std::size_t count) {
    if (from.columns_ != columns_ || first + count > from.rows())
        throw Error(ErrorKind::Interface,
                    "rows copied from a batch of another width, or past its end");
    const auto begin = from.cells_.begin() + static_cast<std::ptrdiff_t>(first * columns_);
    const auto end = begin + static_cast<std::ptrdiff_t>(count * columns_);
    cells_.reserve(cells_.size() + count * columns_);
    for (auto c = begin; c != end; ++c) {
        if (driver::stores_bytes(c->type)) {
            append_bytes(c->type, from.bytes(*c));
        } else {
            cells_.push_back(*c);
        }
    }
}

void RowBatch::append_bytes(ValueType type, std::string_view v) {
    if (v.size() > kMaxCellBytes) cell_too_large(v.size());
    Cell& c = push(type);
    c.size = static_cast<std::uint32_t>(v.size());
    c.offset = arena_.size();
    arena_.insert(arena_.end(), v.begin(), v.end());
}

const Cell& RowBatch::checked_cell(std::size_t row, std::size_t col) const {
    if (col >= columns_ || row >= rows()) {
        throw Error(ErrorKind::Interface,
                    "cell (" + std::to_string(row) + ", " + std::to_string(col) +
                        ") out of range for a batch of " + std::to_string(rows()) + " rows x " +
                        std::to_string(columns_) + " columns");
    }
    return cell(row, col);
}

bool RowBatch::is_null(std::size_t row, std::size_t col) const {
    return checked_cell(row, col).type == ValueType::Null;
}

std::int64_t RowBatch::as_integer(std::size_t row, std::size_t col) const {
    const Cell& c = checked_cell(row, col);
    switch (c.type) {
        case ValueType::Integer:
        case ValueType::Boolean:
        case ValueType::Date:
        case ValueType::Time:
        case ValueType::DateTime:
        case ValueType::DateTimeTz:
            return c.integer;
        case ValueType::Real: {
            // 2^63 is exactly representable; anything at or beyond it overflows.
            constexpr double limit = 9223372036854775808.0;
            if (!std::isfinite(c.real) || c.real >= limit || c.real < -limit) {
                conversion_error(col, c.type, "integer", "out of range");
            }
            return static_cast<std::int64_t>(c.real);
        }
        case ValueType::Text: {
            std::int64_t v = 0;
            if (!parse_whole(bytes(c), v)) conversion_error(col, c.type, "integer", "not a number");
            return v;
        }
        default:
            conversion_error(col, c.type, "integer");
    }
}

double RowBatch::as_real(std::size_t row, std::size_t col) const {
    const Cell& c = checked_cell(row, col);
    switch (c.type) {
        case ValueType::Integer:
            return static_cast<double>(c.integer);
        case ValueType::Real:
            return c.real;
        case ValueType::Text:
        case ValueType::Decimal: {
            double v = 0;
            if (!parse_whole(bytes(c), v)) conversion_error(col, c.type, "real", "not a number");
            return v;
        }
        default:
            conversion_error(col, c.type, "real");
    }
}

std::string RowBatch::as_text(std::size_t row, std::size_t col) const {
    const Cell& c = checked_cell(row, col);
    switch (c.type) {
        case ValueType::Integer:
            return std::to_string(c.integer);
        case ValueType::Real: {
            char buf[32];
            auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, c.real);
            return std::string(buf, ptr);
        }
        case ValueType::Boolean:
            return c.integer != 0 ? "true" : "false";
        case ValueType::Date:
            return format_date(c.integer);
        case ValueType::Time:
            return format_time(c.integer);
        case ValueType::DateTime:
            return format_datetime(c.integer);
        case ValueType::DateTimeTz:
            return format_datetime(c.integer) + "+00:00";
        case ValueType::Interval:
            return format_interval(c.integer);
        case ValueType::Text:
        case ValueType::Blob:
        case ValueType::Decimal:
        case ValueType::Uuid:
        case ValueType::Json:
            return std::string(bytes(c));
        default:
            conversion_error(col, c.type, "text");
    }
}

}  // namespace cormorant::result
