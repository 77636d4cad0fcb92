#include "core/db/shared_lane.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <utility>
#include <vector>

#include "core/db/error_mapping.hpp"
#include "core/db/pool_impl.hpp"

namespace nelo::db::detail {

namespace asio = boost::asio;

namespace {

std::exception_ptr mapped(const ServerError& error) {
  try {
    throw_mapped(error);
  } catch (...) {
    return std::current_exception();
  }
}

std::exception_ptr lost(std::string what) {
  ServerError e;
  e.message = std::move(what);
  e.connection_lost = true;
  return mapped(e);
}

}  // namespace

SharedLane::SharedLane(std::shared_ptr<PoolImpl> pool, std::unique_ptr<PooledConnection> connection,
                       std::string module)
    : pool_(std::move(pool)), module_(std::move(module)), connection_(std::move(connection)) {}

SharedLane::~SharedLane() {
  // Nothing is in flight once the last owner lets go: leave pipeline mode and hand the connection
  // back through ~PooledConnection (a failed one is closed there).
  if (connection_ && (failed_ || !connection_->get().pipeline_end())) connection_->get().mark_broken();
}

void SharedLane::submit(std::string_view sql, const Params& params, std::unique_ptr<OutcomeHandler> handler) {
  bool start_reader = false;
  std::exception_ptr refused;
  {
    std::lock_guard lock(mutex_);
    if (!failed_) {
      auto& connection = connection_->get();
      if (connection.pipeline_send(sql, params)) {
        pending_.push_back(std::move(handler));
        if (!reading_) reading_ = start_reader = true;
      } else {
        failed_ = true;
        failure_ = lost("sending a pipelined statement failed");
        // Statements sent before may be waiting on the reader: end its wait now.
        connection.abort();
      }
    }
    if (handler) refused = failure_;
  }
  if (handler) {  // not sent: the lane's connection is gone
    handler->complete(refused, {});
    pool_->lane_answered(*this, 1, true);
    return;
  }
  if (start_reader) {
    // The coroutine owns the lane through its parameter (no lambda capture: see wait_for_grant).
    asio::co_spawn(pool_->executor(), read(shared_from_this()), asio::detached);
  }
}

std::deque<std::unique_ptr<OutcomeHandler>> SharedLane::take_all_pending() {
  std::deque<std::unique_ptr<OutcomeHandler>> all;
  all.swap(pending_);
  return all;
}

asio::awaitable<void> SharedLane::read(std::shared_ptr<SharedLane> self) {
  co_await self->read_until_idle();
}

asio::awaitable<void> SharedLane::read_until_idle() {
  std::vector<Connection::PipelinedOutcome> outcomes;
  bool for_write = false;
  // Started by the statement just sent: nothing can have come back yet, so each round waits first.
  for (;;) {
    try {
      co_await connection_->get().wait_ready(for_write);
    } catch (...) {
      std::lock_guard lock(mutex_);
      connection_->get().mark_broken();
      failed_ = true;
      failure_ = lost("waiting for the database failed");
    }
    outcomes.clear();
    std::deque<std::unique_ptr<OutcomeHandler>> answered;
    std::deque<std::unique_ptr<OutcomeHandler>> abandoned;
    std::exception_ptr failure;
    bool done = false;
    {
      std::lock_guard lock(mutex_);
      auto& connection = connection_->get();
      const int flushed = connection.pipeline_flush();
      if (flushed < 0 || !connection.pipeline_collect(outcomes)) {
        failed_ = true;
        failure_ = lost("the connection to the database was lost");
      }
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        answered.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      if (failed_) {
        abandoned = take_all_pending();
        failure = failure_;
      }
      done = pending_.empty();
      if (done) reading_ = false;
      for_write = flushed == 1;
    }
    for (std::size_t i = 0; i < answered.size(); ++i) {
      auto& outcome = outcomes[i];
      if (outcome.error) {
        answered[i]->complete(mapped(*outcome.error), {});
      } else {
        answered[i]->complete(nullptr, std::move(outcome.result));
      }
    }
    for (auto& handler : abandoned) handler->complete(failure, {});
    if (!answered.empty() || !abandoned.empty()) {
      pool_->lane_answered(*this, answered.size() + abandoned.size(), !abandoned.empty());
    }
    if (done) co_return;
  }
}

}  // namespace nelo::db::detail
