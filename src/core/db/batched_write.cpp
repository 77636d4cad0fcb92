#include "core/db/batched_write.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <utility>
#include <vector>

#include "core/db/coalescing_queue.hpp"
#include "core/db/completion.hpp"
#include "core/db/module_db.hpp"
#include "core/db/row_statement.hpp"
#include "core/errors.hpp"
#include "core/metrics/registry.hpp"

namespace nelo::db {

namespace asio = boost::asio;

namespace detail {

// A write() waiting for its row.
struct WriteWaiter {
  std::string key;
  Params row;
  std::unique_ptr<Completion<std::exception_ptr, std::optional<FoundRow>>> done;
};

}  // namespace detail

struct BatchedWrite::State : detail::CoalescingQueue<BatchedWrite::State, detail::WriteWaiter> {
  State(ModuleDb& d, asio::any_io_executor ex, std::string s, std::string k, const BatchedWriteOptions& o)
      : CoalescingQueue(std::move(ex), o.max_batch, o.max_in_flight),
        db(d),
        sql(std::move(s)),
        key_column(std::move(k)) {}

  // The batch's rows of distinct keys in one statement (each alone if it is refused), then each
  // later write of a key already written, alone.
  asio::awaitable<void> serve(std::vector<detail::WriteWaiter>& batch);
  // Writes `rows` of `batch` in one statement and completes their waiters; true if it did,
  // false if PostgreSQL refused the statement (nothing completed, nothing kept).
  asio::awaitable<bool> write_together(std::vector<detail::WriteWaiter>& batch, const std::vector<std::size_t>& rows,
                                       bool last_resort);

  ModuleDb& db;
  const std::string sql, key_column;

  std::atomic<std::uint64_t> writes{0}, statements{0}, fallbacks{0};
  metrics::Counter* writes_metric = nullptr;  // set once, before any write
  metrics::Counter* statements_metric = nullptr;
  metrics::Counter* fallbacks_metric = nullptr;
};

namespace {

void count(BatchedWrite::State& s, std::size_t writes, bool fallback) {
  s.statements.fetch_add(1, std::memory_order_relaxed);
  s.writes.fetch_add(writes, std::memory_order_relaxed);
  if (fallback) s.fallbacks.fetch_add(1, std::memory_order_relaxed);
  if (s.statements_metric) {
    s.statements_metric->inc();
    if (writes > 0) s.writes_metric->inc(static_cast<double>(writes));
    if (fallback) s.fallbacks_metric->inc();
  }
}

}  // namespace

asio::awaitable<bool> BatchedWrite::State::write_together(std::vector<detail::WriteWaiter>& batch,
                                                          const std::vector<std::size_t>& rows, bool last_resort) {
  State& s = *this;
  std::vector<detail::QueuedStatement> queued;
  queued.reserve(rows.size());
  for (const auto w : rows) queued.push_back({s.sql, batch[w].row, true});
  Result result;
  std::exception_ptr failure;
  bool refused = false;
  try {
    auto merged = detail::merge_row_statements(std::move(queued));
    result = co_await s.db.execute(merged.front().sql, merged.front().params);
  } catch (const ServiceUnavailable&) {
    failure = std::current_exception();  // the statement may have committed: nobody retries it
  } catch (...) {
    failure = std::current_exception();
    refused = true;
  }
  if (refused && !last_resort) co_return false;
  // Which row answers which writer; a statement without its key column or with a NULL key
  // (programming errors) fails the writers rather than strand them.
  // The keys of one statement are distinct (serve() sees to it), so each gets its own row.
  std::vector<int> found(rows.size(), -1);
  if (!failure) {
    try {
      std::vector<std::string_view> keys;
      keys.reserve(rows.size());
      for (const auto w : rows) keys.push_back(batch[w].key);
      found = rows_by_key(result, s.key_column, keys);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::optional<FoundRow> row;
    if (!failure && found[k] >= 0) row = FoundRow{result, found[k]};
    batch[rows[k]].done->complete(failure, std::move(row));
  }
  co_return true;
}

asio::awaitable<void> BatchedWrite::State::serve(std::vector<detail::WriteWaiter>& batch) {
  State& s = *this;
  std::vector<std::size_t> first, again;  // writers of a key not yet in `first`; the others
  for (std::size_t w = 0; w < batch.size(); ++w) {
    const bool seen = std::any_of(first.begin(), first.end(), [&](auto f) { return batch[f].key == batch[w].key; });
    (seen ? again : first).push_back(w);
  }
  const bool together = co_await s.write_together(batch, first, first.size() == 1);
  count(s, together ? first.size() : 0, !together);
  std::vector<std::size_t> alone;
  if (!together) alone = first;
  alone.insert(alone.end(), again.begin(), again.end());
  for (const auto w : alone) {
    const std::vector<std::size_t> one{w};  // named: no temporary inside co_await (GCC 12)
    co_await s.write_together(batch, one, true);
    count(s, 1, false);
  }
}

BatchedWrite::BatchedWrite(ModuleDb& db, asio::any_io_executor executor, std::string sql, std::string key_column,
                           BatchedWriteOptions options, metrics::Registry* metrics)
    : state_(std::make_shared<State>(db, std::move(executor), std::move(sql), std::move(key_column), options)) {
  if (!metrics) return;
  const std::vector<std::string> label{options.name};
  auto counter = [&](const char* name, const char* help) {
    return &metrics->counter(name, help, {"write"}).with(label);
  };
  state_->writes_metric = counter("nelo_db_batched_writes_total", "Rows written through batched writes");
  state_->statements_metric = counter("nelo_db_batched_write_statements_total",
                                      "Statements batched writes sent (writes / statements = batch size)");
  state_->fallbacks_metric = counter("nelo_db_batched_write_fallbacks_total",
                                     "Batches a statement refused, whose rows were then written one at a time");
}

BatchedWrite::~BatchedWrite() = default;

asio::awaitable<std::optional<FoundRow>> BatchedWrite::write(std::string key, Params row) {
  // A named initiation capturing only pointers: it runs before async_initiate returns.
  const std::shared_ptr<State>* self = &state_;
  std::string* k = &key;
  Params* r = &row;
  auto initiation = [self, k, r](auto handler) {
    State::push(*self, detail::WriteWaiter{std::move(*k), std::move(*r),
                                           detail::completion_for<std::exception_ptr, std::optional<FoundRow>>(
                                               std::move(handler))});
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::exception_ptr, std::optional<FoundRow>)>(initiation,
                                                                                              asio::use_awaitable);
}

BatchedWriteStats BatchedWrite::stats() const {
  return {state_->writes.load(std::memory_order_relaxed), state_->statements.load(std::memory_order_relaxed),
          state_->fallbacks.load(std::memory_order_relaxed)};
}

}  // namespace nelo::db
