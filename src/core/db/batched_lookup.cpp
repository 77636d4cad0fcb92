#include "core/db/batched_lookup.hpp"

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
#include "core/db/params.hpp"
#include "core/metrics/registry.hpp"
#include "core/uuid.hpp"

namespace nelo::db {

namespace asio = boost::asio;

namespace detail {

// A find() waiting for its row.
struct LookupWaiter {
  std::string key;
  std::unique_ptr<Completion<std::exception_ptr, std::optional<FoundRow>>> done;
};

}  // namespace detail

struct BatchedLookup::State : detail::CoalescingQueue<BatchedLookup::State, detail::LookupWaiter> {
  State(ModuleDb& d, asio::any_io_executor ex, std::string s, std::string k, const BatchedLookupOptions& o)
      : CoalescingQueue(std::move(ex), o.max_batch, o.max_in_flight),
        db(d),
        sql(std::move(s)),
        key_column(std::move(k)) {}

  // One statement for the batch's distinct keys; each waiter gets its row, or the statement's error.
  asio::awaitable<void> serve(std::vector<detail::LookupWaiter>& batch);

  ModuleDb& db;
  const std::string sql, key_column;

  std::atomic<std::uint64_t> lookups{0}, statements{0};
  metrics::Counter* lookups_metric = nullptr;  // set once, before any find()
  metrics::Counter* statements_metric = nullptr;
};

asio::awaitable<void> BatchedLookup::State::serve(std::vector<detail::LookupWaiter>& batch) {
  State& s = *this;
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
    result = co_await s.db.execute_pipelined(s.sql, values);
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
  if (!failure) {
    try {
      std::vector<std::string_view> wanted;
      wanted.reserve(batch.size());
      for (const auto& w : batch) wanted.push_back(w.key);
      rows = rows_by_key(result, s.key_column, wanted);
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

BatchedLookup::BatchedLookup(ModuleDb& db, asio::any_io_executor executor, std::string sql, std::string key_column,
                             BatchedLookupOptions options, metrics::Registry* metrics)
    : state_(std::make_shared<State>(db, std::move(executor), std::move(sql), std::move(key_column), options)) {
  if (metrics) {
    state_->lookups_metric = &metrics
                                  ->counter("nelo_db_batched_lookups_total",
                                            "Rows asked for through batched lookups", {"lookup"})
                                  .with({options.name});
    state_->statements_metric = &metrics
                                     ->counter("nelo_db_batched_statements_total",
                                               "Statements batched lookups sent (lookups / statements = batch size)",
                                               {"lookup"})
                                     .with({options.name});
  }
}

BatchedLookup::~BatchedLookup() = default;

asio::awaitable<std::optional<FoundRow>> BatchedLookup::find_uuid(std::string_view id) {
  auto key = canonical_uuid(id);
  if (!key) co_return std::nullopt;
  co_return co_await find(std::move(*key));
}

asio::awaitable<std::optional<FoundRow>> BatchedLookup::find(std::string key) {
  // A named initiation capturing only pointers: it runs before async_initiate returns.
  const std::shared_ptr<State>* self = &state_;
  std::string* wanted = &key;
  auto initiation = [self, wanted](auto handler) {
    State::push(*self, detail::LookupWaiter{std::move(*wanted),
                                            detail::completion_for<std::exception_ptr, std::optional<FoundRow>>(
                                                std::move(handler))});
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(std::exception_ptr, std::optional<FoundRow>)>(initiation,
                                                                                              asio::use_awaitable);
}

BatchedLookupStats BatchedLookup::stats() const {
  return {state_->lookups.load(std::memory_order_relaxed), state_->statements.load(std::memory_order_relaxed)};
}

}  // namespace nelo::db
