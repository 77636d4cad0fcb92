#include "core/db/transaction.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/db/errors.hpp"
#include "core/db/pool_impl.hpp"

namespace nelo::db {

using boost::asio::awaitable;

Transaction::Transaction(std::unique_ptr<PooledConnection> connection, std::string module)
    : CommitWriter(std::move(module)), connection_(std::move(connection)) {}

Transaction::Transaction(Transaction&&) noexcept = default;

// Destroying the PooledConnection hands the connection back; the pool rolls back what is open.
Transaction::~Transaction() = default;

awaitable<Result> Transaction::execute(std::string_view sql, const Params& params) {
  if (!connection_) throw std::logic_error("the transaction has already ended");
  if (connection_->pending_begin.empty()) co_return co_await connection_->get().execute_prepared(sql, params);

  // First statement: BEGIN, and the session SETs when this connection last served another
  // module, go with it in one round trip.
  for (std::size_t attempt = 0;; ++attempt) {
    auto& connection = connection_->get();
    const auto prelude = connection_->pool()->session_prelude(connection, module());
    std::vector<detail::Connection::Statement> batch;
    batch.push_back({connection_->pending_begin});
    for (const auto& s : prelude) batch.push_back({s});
    batch.push_back({sql, &params});
    if (!prelude.empty()) {
      // Inside the transaction: they hold only if it commits (Transaction::commit).
      connection.session_module.reset();
      connection_->session_on_commit = module();
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
      connection_ = co_await pool->acquire(std::string_view(module()));
      connection_->pending_begin = std::move(pending);
    }
  }
}

awaitable<void> Transaction::commit() {
  if (!active()) throw std::logic_error("the transaction has already ended");
  auto deferred = take_queued();
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
      discard_on_commit_hooks();  // a queued statement failed: COMMIT was skipped, the pool rolls back
      throw;
    }
    // COMMIT of a transaction in which a statement failed "succeeds" as a ROLLBACK.
    if (const auto* r = static_cast<const PGresult*>(results.back().native());
        r && std::string_view(PQcmdStatus(const_cast<PGresult*>(r))) == "ROLLBACK") {
      discard_on_commit_hooks();
      throw DatabaseError("25P02", "the transaction had failed and was rolled back instead of committed");
    }
    if (c->session_on_commit) c->get().session_module = std::move(c->session_on_commit);
  }
  // (No statement ran: nothing was started on the server, so there is nothing to commit.)
  c.reset();
  run_on_commit_hooks();
}

awaitable<void> Transaction::rollback() {
  if (!active()) throw std::logic_error("the transaction has already ended");
  discard_on_commit_hooks();
  discard_queued();
  auto c = std::move(connection_);
  if (c->pending_begin.empty()) co_await c->get().execute_script("ROLLBACK");
}

}  // namespace nelo::db
