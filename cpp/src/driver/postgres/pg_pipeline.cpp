// Pipelined executemany over libpq.
#include "pg_pipeline.hpp"

#include <cstdlib>
#include <string>

#include "pg_error.hpp"
#include "pg_exchange.hpp"

namespace cormorant::driver::postgres {
namespace {

// Rows per sync point: small enough that the server's answers to one batch
// fit in the socket buffers while the next is being written.
constexpr std::size_t kBatchRows = 1000;

[[noreturn]] void throw_connection_error(PGconn* conn) { throw_send_failure(conn, {}); }

// Pipeline mode for one executemany. finish() leaves it once every answer is
// read; if an exception comes first, the destructor syncs, drains what is
// still due and leaves.
class PipelineMode {
  public:
    explicit PipelineMode(PGconn* conn) : conn_(conn) {
        if (PQenterPipelineMode(conn_) != 1) throw_connection_error(conn_);
    }
    ~PipelineMode() {
        if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return;
        if (PQstatus(conn_) == CONNECTION_OK && PQpipelineSync(conn_) == 1) drain();
        PQexitPipelineMode(conn_);
    }
    PipelineMode(const PipelineMode&) = delete;
    PipelineMode& operator=(const PipelineMode&) = delete;

    void finish() {
        if (PQexitPipelineMode(conn_) != 1) throw_connection_error(conn_);
    }

  private:
    void drain() noexcept {
        int nulls = 0;
        while (nulls < 2) {
            PGresult* r = PQgetResult(conn_);
            nulls = r == nullptr ? nulls + 1 : 0;
            const bool synced = r != nullptr && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (synced) return;
        }
    }

    PGconn* conn_;
};

// Reads answers up to the next sync point: adds each statement's rowcount to
// `total` and keeps the first error.
void read_to_sync(PGconn* conn, Scheduler* scheduler, std::int64_t& total, ResultPtr& error) {
    Exchange exchange(conn, scheduler);
    bool previous_was_end = false;
    for (;;) {
        ResultPtr r = exchange.next();
        if (!r) {
            // One statement's answers end with a null; two in a row mean
            // nothing more is coming, which before the sync means a lost connection.
            if (previous_was_end) throw_connection_error(conn);
            previous_was_end = true;
            continue;
        }
        previous_was_end = false;
        const ExecStatusType status = PQresultStatus(r.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            total += std::atoll(PQcmdTuples(r.get()));
        } else if (status == PGRES_FATAL_ERROR && !error) {
            error = std::move(r);
        }
        if (status == PGRES_PIPELINE_SYNC) return;
    }
}

void send_row(PGconn* conn, std::span<const Param> row, TextParams& text) {
    text.assign(row);
    const auto& values = text.values();
    if (PQsendQueryPrepared(conn, "", static_cast<int>(values.size()), values.data(), nullptr,
                            nullptr, 0) != 1)
        throw_connection_error(conn);
}

}  // namespace

std::int64_t run_pipelined(PGconn* conn, Scheduler* scheduler, std::string_view sql,
                           std::span<const Param> params, std::size_t params_per_row,
                           TextParams& text) {
    const std::size_t rows = params_per_row == 0 ? 0 : params.size() / params_per_row;
    std::int64_t total = 0;
    ResultPtr error;
    {
        PipelineMode pipeline(conn);
        if (PQsendPrepare(conn, "", std::string(sql).c_str(), 0, nullptr) != 1)
            throw_connection_error(conn);
        for (std::size_t first = 0; first < rows && !error; first += kBatchRows) {
            const std::size_t last = std::min(rows, first + kBatchRows);
            for (std::size_t row = first; row < last; ++row)
                send_row(conn, params.subspan(row * params_per_row, params_per_row), text);
            if (PQpipelineSync(conn) != 1) throw_connection_error(conn);
            read_to_sync(conn, scheduler, total, error);
        }
        pipeline.finish();
    }
    if (error) throw command_error(conn, error.get(), sql);
    return total;
}

}  // namespace cormorant::driver::postgres
