#include "shared/idempotency/periodic_purge.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <exception>

namespace nelo::idempotency {

namespace asio = boost::asio;

std::shared_ptr<PeriodicPurge> PeriodicPurge::create(asio::any_io_executor executor, IdempotencyStore& store,
                                                     std::chrono::milliseconds interval) {
  return std::make_shared<PeriodicPurge>(std::move(executor), store, interval);
}

PeriodicPurge::PeriodicPurge(asio::any_io_executor executor, IdempotencyStore& store,
                             std::chrono::milliseconds interval)
    : strand_(asio::make_strand(std::move(executor))),
      store_(store),
      interval_(interval),
      wake_(strand_),
      finished_(strand_) {}

void PeriodicPurge::start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->running_ = true;
    asio::co_spawn(self->strand_, self->loop(), asio::bind_executor(self->strand_, [self](std::exception_ptr) {
                     self->running_ = false;
                     self->finished_.notify();
                   }));
  });
}

asio::awaitable<void> PeriodicPurge::stop() {
  // `self` keeps the object alive until the strand-side part is done (a member coroutine, not a
  // capturing lambda: GCC 12 destroys a lambda temporary inside co_await twice).
  auto self = shared_from_this();
  co_await asio::co_spawn(strand_, self->stop_on_strand(), asio::use_awaitable);
}

asio::awaitable<void> PeriodicPurge::stop_on_strand() {
  stopping_ = true;
  wake_.notify();
  while (running_) co_await finished_.wait_until(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> PeriodicPurge::loop() {
  while (!stopping_) {
    co_await wake_.wait_until(std::chrono::steady_clock::now() + interval_);
    if (stopping_) break;
    try {
      const auto purged = co_await store_.purge();
      if (purged > 0) spdlog::info("idempotency: purged {} expired keys", purged);
    } catch (const std::exception& e) {
      spdlog::warn("idempotency: purge failed: {}", e.what());
    }
  }
}

}  // namespace nelo::idempotency
