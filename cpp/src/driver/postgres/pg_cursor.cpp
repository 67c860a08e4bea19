// Reading a libpqxx result into typed row batches.
#include "pg_cursor.hpp"

#include <algorithm>

namespace cormorant::driver::postgres {

PgCursor::PgCursor(pqxx::result result)
    : result_(std::move(result)), rowcount_(result_.affected_rows()) {
    const auto columns = static_cast<std::size_t>(result_.columns());
    names_.reserve(columns);
    decoders_.reserve(columns);
    for (pqxx::row::size_type c = 0; c < result_.columns(); ++c) {
        names_.emplace_back(result_.column_name(c));
        decoders_.push_back(decoder_for(static_cast<std::uint32_t>(result_.column_type(c))));
    }
}

std::size_t PgCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (out.columns() != names_.size() && out.rows() == 0) out.reset(names_.size());
    const std::size_t total = result_.size();
    const std::size_t end = std::min(total, next_row_ + max_rows);
    for (std::size_t r = next_row_; r < end; ++r) {
        const pqxx::row row = result_[static_cast<pqxx::result::size_type>(r)];
        for (std::size_t c = 0; c < decoders_.size(); ++c) {
            const pqxx::field field = row[static_cast<pqxx::row::size_type>(c)];
            if (field.is_null()) {
                out.append_null();
            } else {
                decode_into(out, decoders_[c], std::string_view(field.c_str(), field.size()));
            }
        }
    }
    const std::size_t appended = end - next_row_;
    next_row_ = end;
    return appended;
}

}  // namespace cormorant::driver::postgres
