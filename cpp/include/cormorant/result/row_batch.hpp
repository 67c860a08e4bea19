// RowBatch: a typed, row-major buffer of cells filled by a driver cursor and
// read by hydration. Text/blob bytes live in one arena; no per-cell allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cormorant/driver/value.hpp"

namespace cormorant::result {

struct Cell {
    driver::ValueType type;
    bool borrowed;       // bytes live outside the batch (see append_borrowed)
    std::uint32_t size;  // byte length for the byte-storing types
    union {
        std::int64_t integer;
        double real;
        std::size_t offset;  // into the batch's byte arena
        const char* data;    // when borrowed
    };
};

class RowBatch {
  public:
    explicit RowBatch(std::size_t columns = 0);

    // Drops all rows and sets the width; keeps allocated capacity.
    void reset(std::size_t columns);
    void reserve(std::size_t rows, std::size_t bytes);
    // Copies borrowed bytes (of the rows from `first_row` on) into the batch,
    // so it no longer depends on the cursor that filled it.
    void make_owned(std::size_t first_row = 0);
    // Appends copies of `count` rows of `from` (another batch of the same
    // width) starting at row `first`; their bytes are owned by this batch.
    void append_rows(const RowBatch& from, std::size_t first, std::size_t count);
    // Drops the cells of an unfinished last row (after a failed append).
    void drop_partial_row() { cells_.resize(rows() * columns_); }

    std::size_t columns() const noexcept { return columns_; }
    std::size_t rows() const noexcept { return columns_ == 0 ? 0 : cells_.size() / columns_; }

    const Cell& cell(std::size_t row, std::size_t col) const noexcept {
        return cells_[row * columns_ + col];
    }
    // The bytes of a Text/Blob/Decimal/Uuid/Json cell; empty for other types.
    std::string_view bytes(const Cell& c) const noexcept {
        if (!driver::stores_bytes(c.type)) return {};
        return {c.borrowed ? c.data : arena_.data() + c.offset, c.size};
    }

    // Typed conveniences; convert sensibly or throw Error(Data) naming the
    // column index and the stored type. Bounds are checked (Interface).
    bool is_null(std::size_t row, std::size_t col) const;
    std::int64_t as_integer(std::size_t row, std::size_t col) const;
    double as_real(std::size_t row, std::size_t col) const;
    std::string as_text(std::size_t row, std::size_t col) const;

    // Writer side, row-major: cells are appended left to right, columns() per row.
    void append_null() { push(driver::ValueType::Null).integer = 0; }
    void append_integer(std::int64_t v) { push(driver::ValueType::Integer).integer = v; }
    void append_real(double v) { push(driver::ValueType::Real).real = v; }
    void append_text(std::string_view v) { append_bytes(driver::ValueType::Text, v); }
    void append_blob(std::string_view v) { append_bytes(driver::ValueType::Blob, v); }
    // A decoded value: `type` says whether it lands in the integer slot
    // (Boolean, Date, Time, DateTime, DateTimeTz) or in the arena.
    void append_typed(driver::ValueType type, std::int64_t v) { push(type).integer = v; }
    // A byte-storing value that is not copied: the caller keeps `v` alive
    // until this batch is reset or destroyed.
    void append_borrowed(driver::ValueType type, std::string_view v) {
        if (v.size() > kMaxCellBytes) cell_too_large(v.size());
        Cell& c = push(type);
        c.borrowed = true;
        c.size = static_cast<std::uint32_t>(v.size());
        c.data = v.data();
    }

  private:
    Cell& push(driver::ValueType type) {
        Cell& c = cells_.emplace_back();
        c.type = type;
        c.borrowed = false;
        c.size = 0;
        return c;
    }
    void append_bytes(driver::ValueType type, std::string_view v);
    static constexpr std::size_t kMaxCellBytes = 0xffffffffu;  // Cell::size is 32 bits
    [[noreturn]] static void cell_too_large(std::size_t size);
    const Cell& checked_cell(std::size_t row, std::size_t col) const;

    std::size_t columns_ = 0;
    std::vector<Cell> cells_;
    std::vector<char> arena_;
};

}  // namespace cormorant::result
