#pragma once
// Re-runs a whole transactional unit of work when PostgreSQL reports a serialization failure
// or a deadlock. The callable must start its own transaction: a retried attempt starts afresh.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "core/db/errors.hpp"

namespace nelo::db {

template <class F>
auto with_retry(F&& work, int max_attempts = 5) -> decltype(work()) {
  for (int attempt = 1;; ++attempt) {
    bool retry = false;
    try {
      co_return co_await work();
    } catch (const RetryableError&) {
      if (attempt >= max_attempts) throw;
      retry = true;
    }
    if (retry) {
      // Small jittered backoff so two colliding writers don't collide again.
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(attempt * 5 + (attempt * 7919) % 11));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }
}

}  // namespace nelo::db
