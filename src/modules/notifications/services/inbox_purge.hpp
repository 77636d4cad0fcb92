#pragma once
// Keeps the inbox from growing for ever: every hour, any instance deletes the notifications older
// than NELO_NOTIFICATIONS_RETENTION_DAYS (90), read or not, with their pushes and attempts, and
// the orders' progress not moved for as long, in bounded batches. Deleting twice from two instances is harmless.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

#include "core/time.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::notifications {

class NotificationRepository;
class OrderProgressRepository;

class InboxPurge {
 public:
  static constexpr std::int64_t kBatch = 1000;

  InboxPurge(NotificationRepository& notifications, OrderProgressRepository& progress, const Clock& clock,
             std::chrono::hours retention,
             boost::asio::any_io_executor executor, std::chrono::milliseconds interval = std::chrono::hours(1));

  void start();
  boost::asio::awaitable<void> stop();
  // One pass; how many notifications it deleted.
  boost::asio::awaitable<std::int64_t> run_once();

 private:
  boost::asio::awaitable<void> pass();

  NotificationRepository& notifications_;
  OrderProgressRepository& progress_;
  const Clock& clock_;
  std::chrono::hours retention_;
  std::shared_ptr<PeriodicTask> task_;
};

}  // namespace nelo::notifications
