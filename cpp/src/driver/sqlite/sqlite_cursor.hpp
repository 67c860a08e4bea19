// The SQLite cursor: holds its statement lease while rows remain and
// decodes rows by storage class straight into a RowBatch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cormorant/driver/connection.hpp"
#include "sqlite_handle.hpp"

namespace cormorant::driver::sqlite {

class SqliteCursor final : public Cursor {
  public:
    // Binds (copying bytes) and runs the first step.
    SqliteCursor(StatementLease lease, std::span<const Param> params);

    const std::vector<std::string>& column_names() const override { return names_; }
    std::size_t fetch(result::RowBatch& out, std::size_t max_rows) override;
    std::int64_t rowcount() const override { return rowcount_; }
    std::int64_t last_insert_id() const override { return last_insert_id_; }

  private:
    void advance();  // step; on exhaustion record counts and release the statement
    void finish();

    StatementLease lease_;
    std::vector<std::string> names_;
    int columns_ = 0;
    bool has_row_ = false;
    bool readonly_ = true;
    std::int64_t total_changes_before_ = 0;
    std::int64_t rowcount_ = -1;
    std::int64_t last_insert_id_ = 0;
};

}  // namespace cormorant::driver::sqlite
