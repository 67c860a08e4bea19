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

void append_pg_row(result::RowBatch& out, const PGresult* result, int row,
                   const std::vector<Decoder>& decoders) {
    int column = 0;
    for (const Decoder decoder : decoders) {
        // libpq gives NULL an empty value, so only an empty value needs the NULL check.
        const auto size = static_cast<std::size_t>(PQgetlength(result, row, column));
        if (size == 0 && PQgetisnull(result, row, column)) {
            out.append_null();
        } else {
            decode_into(out, decoder, std::string_view(PQgetvalue(result, row, column), size));
        }
        ++column;
    }
}

void describe_columns(const PGresult* result, std::vector<std::string>& names,
                      std::vector<Decoder>& decoders) {
    const int columns = result ? PQnfields(result) : 0;
    names.reserve(static_cast<std::size_t>(columns));
    decoders.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
        names.emplace_back(PQfname(result, c));
        decoders.push_back(decoder_for(PQftype(result, c)));
    }
}

PgCursor::PgCursor(ResultPtr result, bool is_query)
    : result_(std::move(result)), rowcount_(is_query ? -1 : affected_rows(result_.get())) {
    rows_ = result_ ? static_cast<std::size_t>(PQntuples(result_.get())) : 0;
    describe_columns(result_.get(), names_, decoders_);
}

std::size_t PgCursor::fetch(result::RowBatch& out, std::size_t max_rows) {
    if (out.columns() != names_.size() && out.rows() == 0) out.reset(names_.size());
    const std::size_t end = std::min(rows_, next_row_ + max_rows);
    for (std::size_t r = next_row_; r < end; ++r) {
        try {
            append_pg_row(out, result_.get(), static_cast<int>(r), decoders_);
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
