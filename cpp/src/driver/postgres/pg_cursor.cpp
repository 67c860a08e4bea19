// Reading a libpqxx result into typed row batches.
#include "pg_cursor.hpp"

#include <algorithm>

namespace cormorant::driver::postgres {

PgCursor::PgCursor(pqxx::result result, bool is_query)
    : result_(std::move(result)), rowcount_(is_query ? -1 : result_.affected_rows()) {
    const auto columns = static_cast<std::size_t>(result_.columns());
    names_.reserve(columns);
    decoders_.reserve(columns);
    for (pqxx::row::size_type c = 0; c < result_.columns(); ++c) {
        names_.emplace_back(result_.column_name(c));
        decoders_.push_back(decoder_for(static_cast<std::uint32_t>(result_.column_type(c))));
    }
}

void PgCursor::append_row(result::RowBatch& out, const pqxx::row& row) const {
    auto field = row.begin();
    for (const Decoder decoder : decoders_) {
        // libpq gives NULL an empty value, so only an empty value needs the NULL check.
        const std::size_t size = field->size();
        if (size == 0 && field->is_null()) {
            out.append_null();
        } else {
            decode_into(out, decoder, std::string_view(field->c_str(), size));
        }
        ++field;
    }
}

std::size_t PgCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (out.columns() != names_.size() && out.rows() == 0) out.reset(names_.size());
    const std::size_t end = std::min<std::size_t>(result_.size(), next_row_ + max_rows);
    // Iterators, because indexing copies the result handle once per cell.
    auto row = result_.begin() + static_cast<pqxx::result::difference_type>(next_row_);
    for (std::size_t r = next_row_; r < end; ++r, ++row) {
        try {
            append_row(out, *row);
        } catch (...) {
            out.drop_partial_row();
            next_row_ = r + 1;  // the failing row is consumed, not retried
            throw;
        }
    }
    const std::size_t appended = end - next_row_;
    next_row_ = end;
    return appended;
}

}  // namespace cormorant::driver::postgres
