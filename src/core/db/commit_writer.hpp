#pragma once
// What travels with a transaction's commit: statements whose results nobody reads (an outbox row,
// an idempotency key's answer, an order row written by a group) and hooks run once it committed.
//
// Both kinds of transaction are one: a Transaction (transaction.hpp: a connection, statements run
// as they come, then these with its COMMIT) and a GroupedTransaction (grouped_transaction.hpp: no
// connection, everything at its commit, with the other transactions of its group). Code that only
// adds writes to a commit (the event bus, the idempotency store, a repository's insert_at_commit)
// takes a CommitWriter and works with either; code that reads or runs a statement now takes a
// Transaction, so running one in a grouped transaction does not compile.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/db/params.hpp"
#include "core/db/row_statement.hpp"

namespace nelo::db {

class CommitWriter {
 public:
  CommitWriter(const CommitWriter&) = delete;
  CommitWriter& operator=(const CommitWriter&) = delete;
  CommitWriter& operator=(CommitWriter&&) = delete;

  // The module whose role the transaction runs as (and whose schema it writes).
  const std::string& module() const noexcept { return module_; }

  // Queues a statement whose result nobody needs, to run with the commit (in the order queued).
  // A failing one rolls the transaction back and commit() throws its error; nothing queued is
  // sent if the transaction does not commit.
  void execute_at_commit(std::string sql, Params params = {});
  // The same for a row statement (row_statement.hpp: every parameter a column, e.g. from
  // db::row(...)): those of one text queued by this transaction, or by the transactions a
  // GroupCommit commits with it, run as one statement at the place of the first.
  void execute_rows_at_commit(std::string sql, Params columns);

  // Called once, after a successful commit (e.g. to wake the event dispatcher).
  void on_commit(std::function<void()> hook);

  // Commits everything, or throws and keeps nothing.
  virtual boost::asio::awaitable<void> commit() = 0;
  virtual bool active() const noexcept = 0;

 protected:
  explicit CommitWriter(std::string module) : module_(std::move(module)) {}
  CommitWriter(CommitWriter&&) noexcept = default;
  virtual ~CommitWriter() = default;

  // The queued statements, row statements of one text merged; the queue is left empty.
  std::vector<detail::QueuedStatement> take_queued();
  void discard_queued() noexcept;
  void run_on_commit_hooks();
  void discard_on_commit_hooks() noexcept { on_commit_.clear(); }

 private:
  std::string module_;
  std::vector<std::function<void()>> on_commit_;
  std::vector<detail::QueuedStatement> at_commit_;
};

// How a service ends the transaction that created a `T`: commits `tx` (or throws, and then nothing
// of it is kept). Empty: a plain tx.commit(). Lets the caller add its own writes to the commit,
// e.g. an idempotency key's answer, without the service knowing what they are.
template <class T>
using CommitStep = std::function<boost::asio::awaitable<void>(CommitWriter& tx, const T& created)>;

// Ends `tx` with `step`, or with a plain commit when there is none.
template <class T>
boost::asio::awaitable<void> finish(CommitWriter& tx, const T& created, const CommitStep<T>& step) {
  if (step) {
    co_await step(tx, created);
  } else {
    co_await tx.commit();
  }
}

}  // namespace nelo::db
