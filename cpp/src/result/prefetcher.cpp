// The prefetching thread and its hand-off of row batches to the consumer.
#include "cormorant/result/prefetcher.hpp"

namespace cormorant::result {

Prefetcher::Prefetcher(driver::Cursor& cursor, std::size_t batch_rows, std::size_t depth)
    : batches_(depth < 2 ? 2 : depth) {
    for (RowBatch& b : batches_) free_.push_back(&b);
    worker_ = std::thread([this, &cursor, batch_rows] { run(cursor, batch_rows); });
}

Prefetcher::~Prefetcher() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    worker_.join();
}

void Prefetcher::run(driver::Cursor& cursor, std::size_t batch_rows) {
    const std::size_t columns = cursor.column_names().size();
    for (;;) {
        RowBatch* batch = nullptr;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
            if (stopping_) return;
            batch = free_.front();
            free_.pop_front();
        }
        std::size_t rows = 0;
        std::exception_ptr error;
        try {
            batch->reset(columns);
            rows = cursor.fetch(*batch, batch_rows);
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (rows > 0) filled_.push_back(batch);
            if (rows == 0 || error) {
                finished_ = true;
                error_ = error;
            }
        }
        changed_.notify_all();
        if (rows == 0 || error) return;
    }
}

const RowBatch* Prefetcher::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (in_use_ != nullptr) {
        free_.push_back(in_use_);
        in_use_ = nullptr;
        changed_.notify_all();
    }
    changed_.wait(lock, [this] { return !filled_.empty() || finished_; });
    if (filled_.empty()) {
        if (error_) std::rethrow_exception(error_);
        return nullptr;
    }
    in_use_ = filled_.front();
    filled_.pop_front();
    return in_use_;
}

}  // namespace cormorant::result
