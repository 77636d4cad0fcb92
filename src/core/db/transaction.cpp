#include "core/db/transaction.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/db/errors.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/pool_impl.hpp"

namespace nelo::db {

using boost::asio::awaitable;

Transaction::Transaction(std::unique_ptr<PooledConnection> connection, std::string module)
    : connection_(std::move(connection)), module_(std::move(module)) {}

Transaction::Transaction(std::shared_ptr<detail::GroupCommitState> group, std::string module)
    : group_(std::move(group)), module_(std::move(module)) {}

Transaction::Transaction(Transaction&&) noexcept = default;

// Destroying the PooledConnection hands the connection back; the pool rolls back what is open.
Transaction::~Transaction() = default;

awaitable<Result> Transaction::execute(std::string_view sql, const Params& params) {
  if (group_) throw std::logic_error("a transaction of a group commit only queues statements for its commit");
  if (!connection_) throw std::logic_error("the transaction has already ended");
  if (connection_->pending_begin.empty()) co_return co_await connection_->get().execute_prepared(sql, params);

  // First statement: BEGIN, and the session SETs when this connection last served another
  // module, go with it in one round trip.
  for (std::size_t attempt = 0;; ++attempt) {
    auto& connection = connection_->get();
    const auto prelude = connection_->pool()->session_prelude(connection, module_);
    std::vector<detail::Connection::Statement> batch;
    batch.push_back({connection_->pending_begin});
    for (const auto& s : prelude) batch.push_back({s});
    batch.push_back({sql, &params});
    if (!prelude.empty()) {
      // Inside the transaction: they hold only if it commits (Transaction::commit).
      connection.session_module.reset();
      connection_->session_on_commit = module_;
    }
    bool retry = false;
    try {
      auto results = co_await connection.execute_batch(batch);
      connection_->pending_begin.clear();
      co_return std::move(results.back());
    } catch (const Unavailable&) {
      // Nothing was committed (COMMIT was not sent), so when a reused connection turns out to be
      // dead (the server restarted since it was last used) the batch can go to a fresh one.
      if (connection_->fresh() || attempt >= connection_->pool()->options().max_size) throw;
      retry = true;
    } catch (...) {
      connection_->pending_begin.clear();  // the transaction did begin; it is now failed
      throw;
    }
    if (retry) {
      auto pool = connection_->pool();
      auto pending = std::move(connection_->pending_begin);
      connection_.reset();  // broken: closed, its slot freed
      connection_ = co_await pool->acquire(std::string_view(module_));
      connection_->pending_begin = std::move(pending);
    }
  }
}

void Transaction::execute_at_commit(std::string sql, Params params) {
  if (!active()) throw std::logic_error("the transaction has already ended");
  at_commit_.push_back({std::move(sql), std::move(params)});
}

void Transaction::execute_rows_at_commit(std::string sql, Params columns) {
  if (!active()) throw std::logic_error("the transaction has already ended");
  at_commit_.push_back({std::move(sql), std::move(columns), true});
}

awaitable<void> Transaction::commit() {
  if (!active()) throw std::logic_error("the transaction has already ended");
  auto deferred = detail::merge_row_statements(std::move(at_commit_));
  at_commit_.clear();
  if (group_) {
    auto group = std::move(group_);
    if (deferred.empty()) {
      run_on_commit_hooks();  // nothing to write
      co_return;
    }
    try {
      co_await detail::commit_in_group(std::move(group), std::move(deferred));
    } catch (...) {
      on_commit_.clear();
      throw;
    }
    run_on_commit_hooks();
    co_return;
  }
  std::size_t first = 0;
  if (!deferred.empty() && !connection_->pending_begin.empty()) {
    // Nothing sent yet: the first queued statement opens the transaction like any first one.
    co_await execute(deferred.front().sql, deferred.front().params);
    first = 1;
  }
  // Whatever happens next, this transaction is over: the connection goes back when `c` dies.
  auto c = std::move(connection_);
  if (c->pending_begin.empty()) {
    std::vector<detail::Connection::Statement> batch;
    for (std::size_t i = first; i < deferred.size(); ++i) batch.push_back({deferred[i].sql, &deferred[i].params});
    batch.push_back({"COMMIT"});
    std::vector<Result> results;
    try {
      results = co_await c->get().execute_batch(batch);
    } catch (...) {
      on_commit_.clear();  // a queued statement failed: COMMIT was skipped, the pool rolls back
      throw;
    }
    // COMMIT of a transaction in which a statement failed "succeeds" as a ROLLBACK.
    if (const auto* r = static_cast<const PGresult*>(results.back().native());
        r && std::string_view(PQcmdStatus(const_cast<PGresult*>(r))) == "ROLLBACK") {
      on_commit_.clear();
      throw DatabaseError("25P02", "the transaction had failed and was rolled back instead of committed");
    }
    if (c->session_on_commit) c->get().session_module = std::move(c->session_on_commit);
  }
  // (No statement ran: nothing was started on the server, so there is nothing to commit.)
  c.reset();
  run_on_commit_hooks();
}

void Transaction::run_on_commit_hooks() {
  auto hooks = std::move(on_commit_);
  for (auto& hook : hooks) {
    try {
      hook();
    } catch (const std::exception& e) {
      spdlog::error("database: an on_commit hook failed: {}", e.what());
    }
  }
}

awaitable<void> Transaction::rollback() {
  if (!active()) throw std::logic_error("the transaction has already ended");
  on_commit_.clear();
  at_commit_.clear();
  group_.reset();  // nothing of it was sent
  if (!connection_) co_return;
  auto c = std::move(connection_);
  if (c->pending_begin.empty()) co_await c->get().execute_script("ROLLBACK");
}

void Transaction::on_commit(std::function<void()> hook) { on_commit_.push_back(std::move(hook)); }

}  // namespace nelo::db
