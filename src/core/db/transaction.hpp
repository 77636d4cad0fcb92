#pragma once
// A database transaction running as one module's role (nelo_<module>).
// It rolls back unless commit() is awaited: letting it go out of scope hands the connection
// back to the pool, which rolls it back before anyone else may use it.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/params.hpp"
#include "core/db/result.hpp"
#include "core/db/row_statement.hpp"

namespace nelo::db {

class PooledConnection;  // private to the db layer (core/db/pool_impl.hpp)
namespace detail {
struct GroupCommitState;  // core/db/group_commit.cpp
}  // namespace detail

class Transaction {
 public:
  Transaction(std::unique_ptr<PooledConnection> connection, std::string module);
  // A transaction of a GroupCommit (group_commit.hpp): no connection, statements only queued.
  Transaction(std::shared_ptr<detail::GroupCommitState> group, std::string module);
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Runs one statement as a prepared statement cached on this connection. Refused (logic_error)
  // in a transaction of a GroupCommit.
  boost::asio::awaitable<Result> execute(std::string_view sql, const Params& params = {});

  // Queues a statement whose result nobody needs, to travel with COMMIT in one round trip (in
  // the order queued, after every statement run by execute()). A failing one rolls the
  // transaction back and commit() throws its error; nothing queued is sent if the transaction
  // does not commit. For writes that only have to happen with the transaction, e.g. outbox rows.
  void execute_at_commit(std::string sql, Params params = {});
  // The same for a row statement (row_statement.hpp: every parameter a column, e.g. from
  // db::row(...)): those of one text queued by this transaction, or by the transactions a
  // GroupCommit commits with it, run as one statement at the place of the first.
  void execute_rows_at_commit(std::string sql, Params columns);

  boost::asio::awaitable<void> commit();
  boost::asio::awaitable<void> rollback();

  // Called once, after a successful commit (e.g. to wake the event dispatcher).
  void on_commit(std::function<void()> hook);

  const std::string& module() const noexcept { return module_; }
  bool active() const noexcept { return connection_ != nullptr || group_ != nullptr; }

 private:
  void run_on_commit_hooks();

  std::unique_ptr<PooledConnection> connection_;
  std::shared_ptr<detail::GroupCommitState> group_;
  std::string module_;
  std::vector<std::function<void()>> on_commit_;
  std::vector<detail::QueuedStatement> at_commit_;
};

// How a service ends the transaction that created a `T`: commits `tx` (or throws, and then nothing
// of it is kept). Empty: a plain tx.commit(). Lets the caller add its own writes to the commit,
// e.g. an idempotency key's answer (shared/idempotency/optional_key.hpp).
template <class T>
using CommitStep = std::function<boost::asio::awaitable<void>(Transaction& tx, const T& created)>;

}  // namespace nelo::db
