#pragma once
// Sends the pushes the handlers wrote (notifications.pushes, an outbox): every poll interval it
// claims the due ones with a lease (instances share the work, a dead sender's claims come back
// when the lease ends), hands each to the provider, and records the attempt: sent; retried after
// a backoff; failed after the last attempt or a refusal for good (visible to admins); dropped
// when the device is gone, or its token invalid (the device is then removed). A crash between the
// provider's answer and the record sends that push again: at least once, never lost.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

#include "modules/notifications/notifications_settings.hpp"
#include "modules/notifications/push/push_provider.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::db {
class ModuleDb;
}
namespace nelo::metrics {
class Counter;
template <class Metric>
class Family;
class Registry;
}  // namespace nelo::metrics

namespace nelo::notifications {

class DeviceRepository;
class PushRepository;

class PushSender {
 public:
  // Counts attempts in nelo_notifications_push_attempts_total{outcome} of `metrics`.
  PushSender(db::ModuleDb& db, PushRepository& pushes, DeviceRepository& devices, PushProvider& provider,
             const NotificationsSettings& settings, boost::asio::any_io_executor executor,
             metrics::Registry& metrics);

  void start();
  boost::asio::awaitable<void> stop();

  // One pass: claims a batch and sends it; how many pushes it handled.
  boost::asio::awaitable<std::size_t> run_once();

 private:
  boost::asio::awaitable<void> drain();
  boost::asio::awaitable<void> deliver(const PushMessage& push);

  db::ModuleDb& db_;
  PushRepository& pushes_;
  DeviceRepository& devices_;
  PushProvider& provider_;
  const NotificationsSettings& settings_;
  metrics::Family<metrics::Counter>& attempts_;
  std::shared_ptr<PeriodicTask> task_;
};

}  // namespace nelo::notifications
