#pragma once
// Group commit: the transactions of one module that are ready to commit while earlier groups are
// in the database are written together, in one database transaction, their row statements
// (row_statement.hpp) merged. Under load PostgreSQL starts each statement and commits once per
// group instead of once per transaction; at rest a group is one transaction and leaves at once.
//
// A GroupedTransaction from begin() holds no connection: it can only queue statements for its
// commit (CommitWriter::execute_at_commit, execute_rows_at_commit); it has no execute(). Its commit()
// returns once the group it went with committed, or throws its own error:
//   - the group's statement failed (a unique key taken, a check refused, a function's RAISE): the
//     group is rolled back and each of its transactions is then committed alone, in order, so
//     that each gets its own verdict and none is lost because of another;
//   - the database is unreachable, or the connection was lost (db::Unavailable): every
//     transaction of the group gets that error, as a lone one would. Nothing is retried, because
//     the COMMIT may have been received.
// Either every statement of a transaction is committed or none is; on_commit hooks run after its
// commit, as with any transaction.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/db/commit_writer.hpp"
#include "core/db/row_statement.hpp"

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::db {

class ModuleDb;
namespace detail {
struct GroupCommitState;
}  // namespace detail

// A transaction of a GroupCommit: statements only queued, all sent with its group's commit.
class GroupedTransaction final : public CommitWriter {
 public:
  GroupedTransaction(GroupedTransaction&&) noexcept = default;
  ~GroupedTransaction() override = default;

  // Returns once the group it went with committed, or throws its own error (see above).
  boost::asio::awaitable<void> commit() override;
  // Drops what was queued: nothing of it was sent.
  void rollback() noexcept;
  bool active() const noexcept override { return group_ != nullptr; }

 private:
  friend class GroupCommit;
  GroupedTransaction(std::shared_ptr<detail::GroupCommitState> group, std::string module)
      : CommitWriter(std::move(module)), group_(std::move(group)) {}

  std::shared_ptr<detail::GroupCommitState> group_;
};

struct GroupCommitOptions {
  std::size_t max_group = 32;  // transactions per group
  // Groups in the database at once; the transactions that become ready meanwhile wait for one to
  // come back, and form the next group.
  std::size_t max_in_flight = 2;
  // The `group` label of the nelo_db_group_commit_* counters, when a metrics registry is given.
  std::string name = "unnamed";
};

struct GroupCommitStats {
  std::uint64_t transactions = 0;  // commits answered (committed or failed)
  std::uint64_t groups = 0;        // group transactions sent
  std::uint64_t fallbacks = 0;     // groups that failed and were committed one transaction at a time
};

class GroupCommit {
 public:
  // Groups run on `executor`, each in a transaction of db.begin() (as db's module).
  GroupCommit(ModuleDb& db, boost::asio::any_io_executor executor, GroupCommitOptions options = {},
              metrics::Registry* metrics = nullptr);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // A transaction as db's module whose statements all run at its commit, with those of the other
  // transactions ready then. No round trip.
  GroupedTransaction begin();

  GroupCommitStats stats() const;

 private:
  std::shared_ptr<detail::GroupCommitState> state_;
};

}  // namespace nelo::db
