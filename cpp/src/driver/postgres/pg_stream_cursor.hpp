// PgStreamCursor: a query's rows read off the wire as fetch() asks for them
// (libpq's single-row mode), so libpq holds one row at a time however large
// the result. While it reads, the connection is busy with it: the
// connection's next command first has it read the rest into memory, and
// destroying it early discards the rest (cancelling the query first when no
// transaction block is open, where a cancel cannot abort the transaction).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cormorant/driver/connection.hpp"
#include "pg_decode.hpp"
#include "pg_exchange.hpp"
#include "pg_handle.hpp"

namespace cormorant::driver::postgres {

class PgStreamCursor final : public Cursor, private WireReader {
  public:
    // Sends `sql` (a query) and awaits its first row; throws its failure.
    PgStreamCursor(PgHandle& handle, std::string_view sql, std::span<const Param> params);
    ~PgStreamCursor() override;
    PgStreamCursor(const PgStreamCursor&) = delete;
    PgStreamCursor& operator=(const PgStreamCursor&) = delete;

    const std::vector<std::string>& column_names() const override { return names_; }
    // Rows come from memory first (read there by release_wire()), then from
    // the wire. An error the server sends mid-result is thrown by the call
    // after the one that returned the rows before it.
    std::size_t fetch(result::RowBatch& out, std::size_t max_rows) override;
    std::int64_t rowcount() const override { return -1; }
    std::int64_t last_insert_id() const override { return 0; }

  private:
    void release_wire() noexcept override;
    void lose_wire() noexcept override;

    // Positions on the next row, reading the wire when the current result is
    // used up; false at the end, or after a failure (kept in error_).
    bool advance();
    // Takes the next result off the wire.
    void read_result();
    // Reads the answer's end (after its last row, or a failure).
    void finish_wire();
    void fail(const PGresult* error);
    // Appends the current row to `out`, its bytes owned by `out`.
    void append_current(result::RowBatch& out);
    std::size_t take_spilled(result::RowBatch& out, std::size_t max_rows);
    // Reads and drops what is left of the answer (cancelling it when idle_).
    void discard_rest() noexcept;
    // Stops reading the wire; the connection is free.
    void let_go() noexcept;

    PgHandle* handle_;  // null once the wire is let go
    std::string sql_;
    Exchange exchange_;
    bool idle_ = false;  // no transaction block was open when the query was sent
    ResultPtr current_;
    int row_ = 0;  // next row of current_
    int rows_ = 0;
    std::vector<std::string> names_;
    std::vector<Decoder> decoders_;
    result::RowBatch spilled_;  // rows release_wire() read into memory
    std::size_t spilled_next_ = 0;
    std::exception_ptr error_;  // thrown once the rows before it are taken
};

}  // namespace cormorant::driver::postgres
