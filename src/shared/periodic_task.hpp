#pragma once
// Background work a module runs every `interval` while it is started (purges, reloads): start()
// from Module::start(), co_await stop() from Module::stop(). The work runs on the task's own
// strand, one run at a time; stop() wakes the task and waits for a run in progress to end, so
// the module (and the pool) can be torn down right after. A run that throws is logged as
// "<name> failed: <error>" and tried again at the next interval.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "shared/events/wake_signal.hpp"

namespace nelo {

class PeriodicTask : public std::enable_shared_from_this<PeriodicTask> {
 public:
  using Work = std::function<boost::asio::awaitable<void>()>;

  // `name` starts the failure's log line ("idempotency: purge"). What `work` uses must outlive
  // the task until stop() returned.
  static std::shared_ptr<PeriodicTask> create(boost::asio::any_io_executor executor, std::string name,
                                              std::chrono::milliseconds interval, Work work);

  // The first run is one interval after start(). Idempotent; no effect after stop().
  void start();
  boost::asio::awaitable<void> stop();

  PeriodicTask(boost::asio::any_io_executor executor, std::string name, std::chrono::milliseconds interval, Work work);

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> stop_on_strand();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::string name_;
  std::chrono::milliseconds interval_;
  Work work_;
  events::WakeSignal wake_;      // stop requested
  events::WakeSignal finished_;  // the loop returned
  // Strand-confined.
  bool started_ = false;
  bool stopping_ = false;
  bool running_ = false;
};

}  // namespace nelo
