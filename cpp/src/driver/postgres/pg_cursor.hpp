// PgCursor: a complete PostgreSQL result, handed out in RowBatches with each
// column decoded by the decoder its type OID selected. Text cells borrow the
// result's memory, which lives as long as the cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cormorant/driver/connection.hpp"
#include "pg_decode.hpp"
#include "pg_exchange.hpp"

namespace cormorant::driver::postgres {

// Appends row `row` of `result` to `out`, each column through its decoder.
// Text-like cells borrow `result`'s memory.
void append_pg_row(result::RowBatch& out, const PGresult* result, int row,
                   const std::vector<Decoder>& decoders);

// The decoder of each column of `result`, and the columns' names.
void describe_columns(const PGresult* result, std::vector<std::string>& names,
                      std::vector<Decoder>& decoders);

class PgCursor final : public Cursor {
  public:
    // `is_query`: a SELECT-like statement, whose rowcount is -1 as on SQLite
    // (DML with RETURNING reports the rows it changed).
    PgCursor(ResultPtr result, bool is_query);

    const std::vector<std::string>& column_names() const override { return names_; }
    std::size_t fetch(result::RowBatch& out, std::size_t max_rows) override;
    std::int64_t rowcount() const override { return rowcount_; }
    // PostgreSQL has no last-insert id; use RETURNING.
    std::int64_t last_insert_id() const override { return 0; }

  private:
    ResultPtr result_;
    std::size_t rows_ = 0;
    std::vector<std::string> names_;
    std::vector<Decoder> decoders_;
    std::size_t next_row_ = 0;
    std::int64_t rowcount_;
};

}  // namespace cormorant::driver::postgres
