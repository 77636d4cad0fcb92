#include "modules/notifications/services/inbox_purge.hpp"

#include <spdlog/spdlog.h>

#include "modules/notifications/repositories/notification_repository.hpp"
#include "modules/notifications/repositories/order_progress_repository.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

InboxPurge::InboxPurge(NotificationRepository& notifications, OrderProgressRepository& progress, const Clock& clock,
                       std::chrono::hours retention, asio::any_io_executor executor, std::chrono::milliseconds interval)
    : notifications_(notifications), progress_(progress), clock_(clock), retention_(retention) {
  task_ = PeriodicTask::create(std::move(executor), "notifications: purge", interval,
                               [this]() { return pass(); });
}

void InboxPurge::start() { task_->start(); }

asio::awaitable<void> InboxPurge::stop() { co_await task_->stop(); }

asio::awaitable<void> InboxPurge::pass() { co_await run_once(); }

asio::awaitable<std::int64_t> InboxPurge::run_once() {
  const Timestamp before = clock_.now() - retention_;
  std::int64_t total = 0;
  while (true) {
    const std::int64_t deleted = co_await notifications_.purge_older_than(before, kBatch);
    total += deleted;
    if (deleted < kBatch) break;
  }
  while (true) {
    const std::int64_t forgotten = co_await progress_.purge_older_than(before, kBatch);
    if (forgotten < kBatch) break;
  }
  if (total > 0) spdlog::info("notifications: purged {} notifications older than {} days", total, retention_.count() / 24);
  co_return total;
}

}  // namespace nelo::notifications
