#include "core/db/batched_lookup.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/db/completion.hpp"
#include "core/db/params.hpp"
#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"

namespace nelo::db {
namespace {

namespace asio = boost::asio;

// A find() waiting for its row. No work guard: while a waiter is queued or in a batch, a drain()
// coroutine is running, which keeps the io_context busy.
using RowCompletion = detail::Completion<std::exception_ptr, std::optional<FoundRow>>;

struct Waiter {
  std::string key;
  std::unique_ptr<RowCompletion> done;
};

}  // namespace

struct BatchedLookup::State {
  State(Pool& p, asio::any_io_executor ex, std::string m, std::string s, std::string k, BatchedLookupOptions o)
      : pool(p), executor(std::move(ex)), module(std::move(m)), sql(std::move(s)), key_column(std::move(k)),
        options(o) {}

  Pool& pool;
  const asio::any_io_executor executor;
  const std::string module, sql, key_column;
  const BatchedLookupOptions options;

  std::mutex mutex;
  std::vector<Waiter> pending;  // oldest first
  std::size_t draining = 0;     // drain() coroutines running, at most options.max_in_flight

  std::atomic<std::uint64_t> lookups{0}, statements{0};
  metrics::Counter* lookups_metric = nullptr;  // set once, before any find()
  metrics::Counter* statements_metric = nullptr;
};

namespace {

using State = BatchedLookup::State;

// One statement for the batch's distinct keys; each waiter gets its row, or the statement's error.
asio::awaitable<void> answer(State& s, std::vector<Waiter>& batch) {
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  for (const auto& w : batch) {
    if (std::find(keys.begin(), keys.end(), w.key) == keys.end()) keys.push_back(w.key);
  }
  Params values;
  values.push_back(to_param(keys));
  Result result;
  std::exception_ptr failure;
  try {
    result = co_await s.pool.execute_pipelined(s.module, s.sql, values);
  } catch (...) {
    failure = std::current_exception();
  }
  s.statements.fetch_add(1, std::memory_order_relaxed);
  s.lookups.fetch_add(batch.size(), std::memory_order_relaxed);
  if (s.statements_metric) {
    s.statements_metric->inc();
    s.lookups_metric->inc(static_cast<double>(batch.size()));
  }
  // Which row answers which waiter; anything thrown while reading the result (a statement without
  // its key column, a NULL key: programming errors) fails the batch rather than strand it.
  std::vector<int> rows(batch.size(), -1);
  if (!failure && !result.empty()) {
    try {
      const int column = result.front().column_index(s.key_column);
      for (std::size_t w = 0; w < batch.size(); ++w) {
        for (int i = 0; i < result.size(); ++i) {
          if (result[i].text(column) == batch[w].key) {
            rows[w] = i;
            break;
          }
        }
      }
    } catch (...) {
      failure = std::current_exception();
    }
  }
  for (std::size_t w = 0; w < batch.size(); ++w) {
    std::optional<FoundRow> found;
    if (!failure && rows[w] >= 0) found = FoundRow{result, rows[w]};
    batch[w].done->complete(failure, std::move(found));
  }
}

// Sends the waiting keys, a batch at a time, until none is left.
asio::awaitable<void> drain(std::shared_ptr<State> s) {
  for (;;) {
    std::vector<Waiter> batch;
    {
      std::lock_guard lock(s->mutex);
      if (s->pending.empty()) {
        --s->draining;
        co_return;
      }
      const auto take = static_cast<std::ptrdiff_t>(std::min(s->pending.size(), s->options.max_batch));
      batch.assign(std::make_move_iterator(s->pending.begin()), std::make_move_iterator(s->pending.begin() + take));
      s->pending.erase(s->pending.begin(), s->pending.begin() + take);
    }
    co_await answer(*s, batch);
  }
}

void enqueue(const std::shared_ptr<State>& s, Waiter waiter) {
  bool start = false;
  {
    std::lock_guard lock(s->mutex);
    s->pending.push_back(std::move(waiter));
    if (s->draining < s->options.max_in_flight) {
      ++s->draining;
      start = true;
    }
  }
  // Posted, not run here: the keys asked for meanwhile (this I/O turn) join the batch.
  if (start) asio::co_spawn(s->executor, drain(s), asio::detached);
}

}  // namespace

BatchedLookup::BatchedLookup(Pool& pool, asio::any_io_executor executor, std::string module, std::string sql,
                             std::string key_column, BatchedLookupOptions options, metrics::Registry* metrics)
    : state_(std::make_shared<State>(pool, std::move(executor), std::move(module), std::move(sql),
                                     std::move(key_column), std::move(options))) {
  if (state_->options.max_batch == 0 || state_->options.max_in_flight == 0) {
    throw std::invalid_argument("BatchedLookup: max_batch and max_in_flight must be at least 1");
  }
  if (metrics) {
    state_->lookups_metric = &metrics
                                  ->counter("nelo_db_batched_lookups_total",
                                            "Rows asked for through batched lookups", {"lookup"})
                                  .with({state_->options.name});
    state_->statements_metric = &metrics
                                     ->counter("nelo_db_batched_statements_total",
                                               "Statements batched lookups sent (lookups / statements = batch size)",
                                               {"lookup"})
                                     .with({state_->options.name});
  }
}

BatchedLookup::~BatchedLookup() = default;

asio::awaitable<std::optional<FoundRow>> BatchedLookup::find(std::string key) {
  // A named initiation capturing only pointers: it runs before async_initiate returns.
  const std::shared_ptr<State>* self = &state_;
  std::string* wanted = &key;
  auto initiation = [self, wanted](auto handler) {
    enqueue(*self, Waiter{std::move(*wanted),
                          detail::completion_for<std::exception_ptr, std::optional<FoundRow>>(std::move(handler))});
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::exception_ptr, std::optional<FoundRow>)>(initiation,
                                                                                              asio::use_awaitable);
}

BatchedLookupStats BatchedLookup::stats() const {
  return {state_->lookups.load(std::memory_order_relaxed), state_->statements.load(std::memory_order_relaxed)};
}

}  // namespace nelo::db
