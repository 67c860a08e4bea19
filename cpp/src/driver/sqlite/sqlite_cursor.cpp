// SqliteCursor: first step at construction, batched decoding in fetch().
#include "sqlite_cursor.hpp"

#include <sqlite3.h>

#include "cormorant/error.hpp"

namespace cormorant::driver::sqlite {

namespace {

std::string_view column_bytes(const void* data, int size) {
    if (data == nullptr) return {};
    return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

inline void decode_cell(sqlite3_stmt* stmt, int col, result::RowBatch& out) {
    switch (sqlite3_column_type(stmt, col)) {
        case SQLITE_INTEGER:
            out.append_integer(sqlite3_column_int64(stmt, col));
            break;
        case SQLITE_FLOAT:
            out.append_real(sqlite3_column_double(stmt, col));
            break;
        case SQLITE_TEXT: {
            const unsigned char* text = sqlite3_column_text(stmt, col);
            out.append_text(column_bytes(text, sqlite3_column_bytes(stmt, col)));
            break;
        }
        case SQLITE_BLOB: {
            const void* blob = sqlite3_column_blob(stmt, col);
            out.append_blob(column_bytes(blob, sqlite3_column_bytes(stmt, col)));
            break;
        }
        default:
            out.append_null();
            break;
    }
}

void prepare_batch(result::RowBatch& out, std::size_t columns) {
    if (out.columns() == columns) return;
    if (out.rows() == 0) {
        out.reset(columns);
        return;
    }
    throw Error(ErrorKind::Interface, "RowBatch has " + std::to_string(out.columns()) +
                                          " columns but the result has " + std::to_string(columns));
}

}  // namespace

SqliteCursor::SqliteCursor(StatementLease lease, std::span<const Param> params)
    : lease_(std::move(lease)) {
    sqlite3_stmt* stmt = lease_.stmt();
    bind_params(lease_, params, /*copy=*/true);
    columns_ = sqlite3_column_count(stmt);
    names_.reserve(static_cast<std::size_t>(columns_));
    for (int i = 0; i < columns_; ++i) {
        const char* name = sqlite3_column_name(stmt, i);
        names_.emplace_back(name != nullptr ? name : "");
    }
    readonly_ = sqlite3_stmt_readonly(stmt) != 0;
    sqlite3* db = lease_.db();
    total_changes_before_ = sqlite3_total_changes64(db);
    advance();
    if (has_row_) last_insert_id_ = sqlite3_last_insert_rowid(db);
}

void SqliteCursor::advance() {
    has_row_ = false;
    bool row = false;
    try {
        row = step(lease_);
    } catch (...) {
        lease_.release();  // a failed statement is never stepped again
        throw;
    }
    if (row) {
        has_row_ = true;
    } else {
        finish();
    }
}

void SqliteCursor::finish() {
    sqlite3* db = lease_.db();
    last_insert_id_ = sqlite3_last_insert_rowid(db);
    if (!readonly_) {
        const bool changed = sqlite3_total_changes64(db) != total_changes_before_;
        rowcount_ = changed ? sqlite3_changes64(db) : 0;
    }
    lease_.release();
}

std::size_t SqliteCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (!has_row_ || max_rows == 0) return 0;
    prepare_batch(out, static_cast<std::size_t>(columns_));
    sqlite3_stmt* stmt = lease_.stmt();
    std::size_t n = 0;
    while (n < max_rows && has_row_) {
        for (int col = 0; col < columns_; ++col) decode_cell(stmt, col, out);
        ++n;
        advance();
    }
    return n;
}

}  // namespace cormorant::driver::sqlite
