#pragma once
// Runs IdempotencyStore::purge() every `interval` in the background, for a module that owns a
// store: start() from Module::start(), co_await stop() from Module::stop() (it waits for a purge
// in progress, so the pool can close right after). A failed purge is logged and tried again at
// the next interval.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <memory>

#include "shared/events/wake_signal.hpp"
#include "shared/idempotency/idempotency_store.hpp"

namespace nelo::idempotency {

class PeriodicPurge : public std::enable_shared_from_this<PeriodicPurge> {
 public:
  // `store` must outlive the purge until stop() returned.
  static std::shared_ptr<PeriodicPurge> create(boost::asio::any_io_executor executor, IdempotencyStore& store,
                                               std::chrono::milliseconds interval = std::chrono::hours(1));

  void start();
  boost::asio::awaitable<void> stop();

  PeriodicPurge(boost::asio::any_io_executor executor, IdempotencyStore& store, std::chrono::milliseconds interval);

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> stop_on_strand();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  IdempotencyStore& store_;
  std::chrono::milliseconds interval_;
  events::WakeSignal wake_;      // stop requested
  events::WakeSignal finished_;  // the loop returned
  bool started_ = false;
  bool stopping_ = false;
  bool running_ = false;
};

}  // namespace nelo::idempotency
