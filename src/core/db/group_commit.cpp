#include "core/db/group_commit.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <utility>

#include "core/db/coalescing_queue.hpp"
#include "core/db/completion.hpp"
#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "core/errors.hpp"
#include "core/metrics/registry.hpp"

namespace nelo::db {

namespace asio = boost::asio;

namespace detail {

// A commit() waiting for its group.
struct CommitWaiter {
  std::vector<QueuedStatement> statements;
  std::unique_ptr<Completion<std::exception_ptr>> done;
};

struct GroupCommitState : CoalescingQueue<GroupCommitState, CommitWaiter> {
  GroupCommitState(ModuleDb& d, asio::any_io_executor ex, const GroupCommitOptions& o)
      : CoalescingQueue(std::move(ex), o.max_group, o.max_in_flight), db(d) {}

  // Commits the group as one transaction; if a statement fails, each of its transactions alone.
  asio::awaitable<void> serve(std::vector<CommitWaiter>& group);

  ModuleDb& db;

  std::atomic<std::uint64_t> transactions{0}, groups{0}, fallbacks{0};
  metrics::Counter* transactions_metric = nullptr;  // set once, before any commit
  metrics::Counter* groups_metric = nullptr;
  metrics::Counter* fallbacks_metric = nullptr;
};

}  // namespace detail

namespace {

using State = detail::GroupCommitState;

// One database transaction with `statements`, committed (or thrown). Its commit merges the row
// statements of one text.
asio::awaitable<void> run_transaction(State& s, std::vector<detail::QueuedStatement> statements) {
  auto tx = co_await s.db.begin();
  for (auto& statement : statements) {
    if (statement.rows) {
      tx.execute_rows_at_commit(std::move(statement.sql), std::move(statement.params));
    } else {
      tx.execute_at_commit(std::move(statement.sql), std::move(statement.params));
    }
  }
  co_await tx.commit();
}

// Commits `waiter`'s transaction on its own, and gives it the outcome.
asio::awaitable<void> commit_alone(State& s, detail::CommitWaiter& waiter) {
  std::exception_ptr failure;
  try {
    co_await run_transaction(s, std::move(waiter.statements));
  } catch (...) {
    failure = std::current_exception();
  }
  waiter.done->complete(failure);
}

void count(State& s, std::size_t transactions, bool fallback) {
  s.groups.fetch_add(1, std::memory_order_relaxed);
  s.transactions.fetch_add(transactions, std::memory_order_relaxed);
  if (fallback) s.fallbacks.fetch_add(1, std::memory_order_relaxed);
  if (s.groups_metric) {
    s.groups_metric->inc();
    s.transactions_metric->inc(static_cast<double>(transactions));
    if (fallback) s.fallbacks_metric->inc();
  }
}

}  // namespace

asio::awaitable<void> detail::GroupCommitState::serve(std::vector<CommitWaiter>& group) {
  State& s = *this;
  if (group.size() == 1) {
    count(s, 1, false);
    co_await commit_alone(s, group.front());
    co_return;
  }

  // Copies: each transaction's own statements are kept for committing it alone.
  std::vector<detail::QueuedStatement> all;
  for (const auto& waiter : group) all.insert(all.end(), waiter.statements.begin(), waiter.statements.end());
  std::exception_ptr failure;
  bool alone = false;
  try {
    co_await run_transaction(s, std::move(all));
  } catch (const ServiceUnavailable&) {
    // Unreachable, connection lost or timed out: whether the COMMIT arrived is unknown, and
    // each transaction alone would meet the same. Every one gets the error, as a lone one would.
    failure = std::current_exception();
  } catch (...) {
    // PostgreSQL refused a statement, so nothing of the group was kept: each transaction on its
    // own finds out whether the refusal was its.
    alone = true;
  }
  count(s, group.size(), alone);
  for (auto& waiter : group) {
    if (alone) {
      co_await commit_alone(s, waiter);
    } else {
      waiter.done->complete(failure);
    }
  }
}

GroupCommit::GroupCommit(ModuleDb& db, asio::any_io_executor executor, GroupCommitOptions options,
                         metrics::Registry* metrics)
    : state_(std::make_shared<State>(db, std::move(executor), options)) {
  if (!metrics) return;
  const std::vector<std::string> label{options.name};
  auto counter = [&](const char* name, const char* help) {
    return &metrics->counter(name, help, {"group"}).with(label);
  };
  state_->transactions_metric =
      counter("nelo_db_group_commit_transactions_total", "Transactions committed through group commits");
  state_->groups_metric =
      counter("nelo_db_group_commit_groups_total", "Groups group commits sent (transactions / groups = group size)");
  state_->fallbacks_metric = counter("nelo_db_group_commit_fallbacks_total",
                                     "Groups a statement refused, then committed one transaction at a time");
}

GroupCommit::~GroupCommit() = default;

GroupedTransaction GroupCommit::begin() { return GroupedTransaction(state_, state_->db.module()); }

GroupCommitStats GroupCommit::stats() const {
  return {state_->transactions.load(std::memory_order_relaxed), state_->groups.load(std::memory_order_relaxed),
          state_->fallbacks.load(std::memory_order_relaxed)};
}

namespace {

// Queues `statements` for the group's next commit and waits for its outcome.
asio::awaitable<void> commit_in_group(std::shared_ptr<State> group, std::vector<detail::QueuedStatement> statements) {
  // A named initiation capturing only pointers: it runs before async_initiate returns.
  auto* s = &group;
  auto* queued = &statements;
  auto initiation = [s, queued](auto handler) {
    auto done = detail::completion_for<std::exception_ptr>(std::move(handler));
    State::push(*s, detail::CommitWaiter{std::move(*queued), std::move(done)});
  };
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(initiation,
                                                                                         asio::use_awaitable);
}

}  // namespace

void GroupedTransaction::rollback() noexcept {
  group_.reset();
  discard_queued();
  discard_on_commit_hooks();
}

asio::awaitable<void> GroupedTransaction::commit() {
  if (!active()) throw std::logic_error("the transaction has already ended");
  auto group = std::move(group_);
  auto statements = take_queued();
  if (statements.empty()) {
    run_on_commit_hooks();  // nothing to write
    co_return;
  }
  try {
    co_await commit_in_group(std::move(group), std::move(statements));
  } catch (...) {
    discard_on_commit_hooks();
    throw;
  }
  run_on_commit_hooks();
}

}  // namespace nelo::db
