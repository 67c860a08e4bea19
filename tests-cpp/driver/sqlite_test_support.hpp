// Helpers for the SQLite driver tests: a temporary database file and
// shorthand for executing SQL and reading every row into a RowBatch.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "cormorant/driver/sqlite/sqlite_connection.hpp"

namespace test_support {

class TempDb {
  public:
    TempDb() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("cormorant_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
                 ".db");
        std::filesystem::remove(path_);
    }
    ~TempDb() {
        std::error_code ec;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            std::filesystem::remove(path_.string() + suffix, ec);
        }
    }
    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

inline cormorant::result::RowBatch fetch_all(cormorant::driver::Cursor& cursor,
                                             std::size_t batch_size = 64) {
    cormorant::result::RowBatch batch;
    while (cursor.fetch(batch, batch_size) > 0) {
    }
    batch.make_owned();  // the batch outlives the cursor
    return batch;
}

inline cormorant::result::RowBatch query(cormorant::driver::Connection& conn, std::string_view sql,
                                         std::vector<cormorant::driver::Param> params = {}) {
    auto cursor = conn.execute(sql, params);
    return fetch_all(*cursor);
}

inline void exec(cormorant::driver::Connection& conn, std::string_view sql,
                 std::vector<cormorant::driver::Param> params = {}) {
    conn.execute(sql, params);
}

}  // namespace test_support
