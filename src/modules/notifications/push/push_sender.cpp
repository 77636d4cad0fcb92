#include "modules/notifications/push/push_sender.hpp"

#include <spdlog/spdlog.h>

#include "core/db/module_db.hpp"
#include "core/metrics/registry.hpp"
#include "modules/notifications/push/push_policy.hpp"
#include "modules/notifications/repositories/device_repository.hpp"
#include "modules/notifications/repositories/push_repository.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

PushSender::PushSender(db::ModuleDb& db, PushRepository& pushes, DeviceRepository& devices, PushProvider& provider,
                       const NotificationsSettings& settings, asio::any_io_executor executor,
                       metrics::Registry& metrics)
    : db_(db),
      pushes_(pushes),
      devices_(devices),
      provider_(provider),
      settings_(settings),
      attempts_(metrics.counter("nelo_notifications_push_attempts_total",
                                "Push attempts recorded, by outcome (delivered, retry, failed, invalid_token, dropped)",
                                {"outcome"})) {
  task_ = PeriodicTask::create(std::move(executor), "notifications: push sender", settings_.push_poll_interval,
                               [this]() { return drain(); });
}

asio::awaitable<void> PushSender::drain() {
  // What is due, batch after batch, before sleeping again.
  const auto full = static_cast<std::size_t>(settings_.push_batch_size);
  while (true) {
    const std::size_t handled = co_await run_once();
    if (handled < full) break;
  }
}

void PushSender::start() { task_->start(); }

asio::awaitable<void> PushSender::stop() { co_await task_->stop(); }

asio::awaitable<std::size_t> PushSender::run_once() {
  auto due = co_await pushes_.claim(static_cast<std::size_t>(settings_.push_batch_size), settings_.push_lease);
  for (const auto& push : due) co_await deliver(push);
  co_return due.size();
}

asio::awaitable<void> PushSender::deliver(const PushMessage& push) {
  PushRepository::Result result;
  bool remove_device = false;
  if (!push.token) {
    result.status = "dropped";
    result.outcome = "dropped";
    result.error = "the device was removed";
  } else {
    const PushOutcome outcome = co_await provider_.send(push);
    result.http_status = outcome.http_status;
    if (!outcome.error.empty()) result.error = outcome.error;
    switch (outcome.kind) {
      case PushOutcome::Kind::Delivered:
        result.status = "sent";
        result.outcome = "delivered";
        break;
      case PushOutcome::Kind::InvalidToken:
        result.status = "dropped";
        result.outcome = "invalid_token";
        remove_device = true;
        break;
      case PushOutcome::Kind::Failed:
        result.status = "failed";
        result.outcome = "failed";
        break;
      case PushOutcome::Kind::Retry:
        if (push.attempt >= settings_.push_max_attempts) {
          result.status = "failed";
          result.outcome = "failed";
        } else {
          result.status = "pending";
          result.outcome = "retry";
          result.retry_in = push_backoff(push.attempt, settings_.push_retry_base, settings_.push_retry_cap);
        }
        break;
    }
  }
  auto tx = co_await db_.begin();
  if (remove_device) co_await devices_.remove_invalid(tx, push.device_id);
  co_await pushes_.record(tx, push, result);
  co_await tx.commit();
  attempts_.with({result.outcome}).inc();
  if (result.status == "failed") {
    spdlog::warn("notifications: push {} to device {} failed after {} attempt(s): {}", push.push_id, push.device_id,
                 push.attempt, result.error.value_or("?"));
  } else if (remove_device) {
    spdlog::info("notifications: device {} removed: its token is invalid", push.device_id);
  }
}

}  // namespace nelo::notifications
