// Reading a libpq result into typed row batches.
#include "pg_cursor.hpp"

#include <algorithm>
#include <cstdlib>

namespace cormorant::driver::postgres {

namespace {

std::int64_t affected_rows(const PGresult* result) {
    const char* count = result ? PQcmdTuples(const_cast<PGresult*>(result)) : "";
    return *count ? std::atoll(count) : 0;
}

}  // namespace

PgCursor::PgCursor(ResultPtr result, bool is_query)
    : result_(std::move(result)), rowcount_(is_query ? -1 : affected_rows(result_.get())) {
    const PGresult* r = result_.get();
    const int columns = r ? PQnfields(r) : 0;
    rows_ = r ? static_cast<std::size_t>(PQntuples(r)) : 0;
    names_.reserve(static_cast<std::size_t>(columns));
    decoders_.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
        names_.emplace_back(PQfname(r, c));
        decoders_.push_back(decoder_for(PQftype(r, c)));
    }
}

void PgCursor::append_row(result::RowBatch& out, int row) const {
    const PGresult* r = result_.get();
    int column = 0;
    for (const Decoder decoder : decoders_) {
        // libpq gives NULL an empty value, so only an empty value needs the NULL check.
        const auto size = static_cast<std::size_t>(PQgetlength(r, row, column));
        if (size == 0 && PQgetisnull(r, row, column)) {
            out.append_null();
        } else {
            decode_into(out, decoder, std::string_view(PQgetvalue(r, row, column), size));
        }
        ++column;
    }
}

std::size_t PgCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (out.columns() != names_.size() && out.rows() == 0) out.reset(names_.size());
    const std::size_t end = std::min(rows_, next_row_ + max_rows);
    for (std::size_t r = next_row_; r < end; ++r) {
        try {
            append_row(out, static_cast<int>(r));
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
