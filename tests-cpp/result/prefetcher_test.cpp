// Prefetcher: every row arrives once and in order, a cursor's error reaches
// the consumer after the rows fetched before it, and stopping early is safe.
#include <catch2/catch.hpp>
#include <cormorant/error.hpp>
#include <cormorant/result/prefetcher.hpp>
#include <string>
#include <vector>

using cormorant::Error;
using cormorant::ErrorKind;
using cormorant::result::Prefetcher;
using cormorant::result::RowBatch;

namespace {

// Counts 0..rows-1 into one integer column; throws at row `fail_at` if set.
class CountingCursor final : public cormorant::driver::Cursor {
  public:
    explicit CountingCursor(std::int64_t rows, std::int64_t fail_at = -1)
        : rows_(rows), fail_at_(fail_at) {}
    const std::vector<std::string>& column_names() const override { return names_; }
    std::size_t fetch(RowBatch& out, std::size_t max_rows) override {
        if (out.columns() != 1 && out.rows() == 0) out.reset(1);
        std::size_t n = 0;
        for (; n < max_rows && next_ < rows_; ++n, ++next_) {
            if (next_ == fail_at_) throw Error(ErrorKind::Data, "bad row " + std::to_string(next_));
            out.append_integer(next_);
        }
        return n;
    }
    std::int64_t rowcount() const override { return -1; }
    std::int64_t last_insert_id() const override { return 0; }

  private:
    std::vector<std::string> names_{"n"};
    std::int64_t rows_;
    std::int64_t fail_at_;
    std::int64_t next_ = 0;
};

}  // namespace

TEST_CASE("prefetched batches hold every row once, in order", "[result][prefetch]") {
    CountingCursor cursor(10'007);
    Prefetcher prefetcher(cursor, 100);
    std::int64_t expected = 0;
    while (const RowBatch* batch = prefetcher.next()) {
        REQUIRE(batch->rows() <= 100);
        for (std::size_t r = 0; r < batch->rows(); ++r)
            CHECK(batch->as_integer(r, 0) == expected++);
    }
    CHECK(expected == 10'007);
    CHECK(prefetcher.next() == nullptr);
}

TEST_CASE("an empty cursor gives no batch", "[result][prefetch]") {
    CountingCursor cursor(0);
    Prefetcher prefetcher(cursor, 64);
    CHECK(prefetcher.next() == nullptr);
}

TEST_CASE("a cursor error reaches the consumer after the earlier rows", "[result][prefetch]") {
    CountingCursor cursor(1'000, 450);
    Prefetcher prefetcher(cursor, 100);
    std::int64_t seen = 0;
    try {
        while (const RowBatch* batch = prefetcher.next())
            seen += static_cast<std::int64_t>(batch->rows());
        FAIL("the cursor's error was swallowed");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Data);
        CHECK(std::string(e.what()) == "bad row 450");
    }
    CHECK(seen == 400);  // the four full batches before the failing one
}

TEST_CASE("destroying a prefetcher before the end stops its thread", "[result][prefetch]") {
    for (int i = 0; i < 50; ++i) {
        CountingCursor cursor(1'000'000);
        Prefetcher prefetcher(cursor, 10);
        REQUIRE(prefetcher.next() != nullptr);
    }  // each destructor joins a thread that is blocked on a full queue
    SUCCEED();
}
