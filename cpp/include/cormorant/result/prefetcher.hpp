// Prefetcher: fills RowBatches from a Cursor on a background thread, so the
// driver decodes the next batch while the caller consumes the current one.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cormorant/driver/connection.hpp"
#include "cormorant/result/row_batch.hpp"

namespace cormorant::result {

class Prefetcher {
  public:
    // Starts fetching `batch_rows` rows at a time, at most `depth` batches
    // ahead. The cursor must outlive the Prefetcher and not be used meanwhile.
    Prefetcher(driver::Cursor& cursor, std::size_t batch_rows, std::size_t depth = 3);
    ~Prefetcher();  // stops the thread and waits for it
    Prefetcher(const Prefetcher&) = delete;
    Prefetcher& operator=(const Prefetcher&) = delete;

    // The next batch (valid until the following call), or nullptr once the
    // cursor is exhausted. Blocks until one is ready; rethrows the cursor's
    // error after the batches fetched before it.
    const RowBatch* next();

  private:
    void run(driver::Cursor& cursor, std::size_t batch_rows);

    std::vector<RowBatch> batches_;
    std::deque<RowBatch*> free_;
    std::deque<RowBatch*> filled_;
    RowBatch* in_use_ = nullptr;
    bool finished_ = false;  // the cursor is exhausted, or failed with error_
    bool stopping_ = false;
    std::exception_ptr error_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::thread worker_;
};

}  // namespace cormorant::result
