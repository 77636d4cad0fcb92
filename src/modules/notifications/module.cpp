#include "modules/notifications/module.hpp"

#include <spdlog/spdlog.h>

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/notifications/api/v1/routes.hpp"
#include "modules/notifications/push/api/webhook_post.hpp"
#include "modules/notifications/push/log_push_provider.hpp"
#include "modules/notifications/push/push_sender.hpp"
#include "modules/notifications/push/webhook_push_provider.hpp"
#include "modules/notifications/repositories/device_repository.hpp"
#include "modules/notifications/repositories/notification_repository.hpp"
#include "modules/notifications/repositories/order_progress_repository.hpp"
#include "modules/notifications/repositories/preference_repository.hpp"
#include "modules/notifications/repositories/push_repository.hpp"
#include "modules/notifications/services/device_service.hpp"
#include "modules/notifications/services/inbox_purge.hpp"
#include "modules/notifications/services/inbox_service.hpp"
#include "modules/notifications/services/notifier.hpp"
#include "modules/notifications/services/preference_service.hpp"
#include "modules/notifications/services/push_failure_list.hpp"
#include "modules/notifications/templates/notification_templates.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

std::unique_ptr<PushProvider> make_provider(const NotificationsSettings& settings, const Clock& clock) {
  if (settings.push_provider == "webhook") {
    return std::make_unique<WebhookPushProvider>(
        WebhookPushOptions{settings.push_webhook_url, settings.push_webhook_secret, settings.push_timeout}, clock,
        http_webhook_post);
  }
  return std::make_unique<LogPushProvider>();
}

class NotificationsModule final : public Module {
 public:
  NotificationsModule(const ModuleContext& context, NotificationDependencies dependencies,
                      NotificationsSettings settings)
      : settings_(std::move(settings)),
        notifications_(context.db),
        preferences_(context.db),
        devices_(context.db),
        pushes_(context.db),
        progress_(context.db),
        lookup_(dependencies, context.clock),
        notifier_(context.bus, notifications_, preferences_, pushes_, progress_, lookup_),
        inbox_(notifications_),
        preference_service_(context.db, preferences_),
        device_service_(context.db, devices_),
        failures_(pushes_),
        provider_(make_provider(settings_, context.clock)),
        sender_(context.db, pushes_, devices_, *provider_, settings_, context.executor, context.metrics),
        purge_(notifications_, progress_, context.clock, settings_.retention, context.executor) {}

  std::string name() const override { return "notifications"; }
  std::span<const db::MigrationFile> migrations() const override { return notifications::migrations(); }

  void register_routes(http::Router& router) override {
    notifications::register_routes(router, RouteServices{inbox_, preference_service_, device_service_, failures_});
  }

  void register_subscriptions(events::EventBus& bus) override {
    // One handler for every event a template names; the bus runs it in a notifications
    // transaction that also records the event in notifications.inbox (once per event).
    for (const auto event_name : notified_events()) {
      bus.subscribe("notifications", std::string(event_name),
                    [this](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                      co_await notifier_.on_event(tx, event);
                    });
    }
  }

  asio::awaitable<void> start() override {
    spdlog::info("notifications: push provider '{}'", provider_->name());
    sender_.start();
    purge_.start();
    co_return;
  }

  asio::awaitable<void> stop() override {
    co_await purge_.stop();
    co_await sender_.stop();
  }

 private:
  NotificationsSettings settings_;
  NotificationRepository notifications_;
  PreferenceRepository preferences_;
  DeviceRepository devices_;
  PushRepository pushes_;
  OrderProgressRepository progress_;
  RecipientLookup lookup_;
  Notifier notifier_;
  InboxService inbox_;
  PreferenceService preference_service_;
  DeviceService device_service_;
  PushFailureList failures_;
  std::unique_ptr<PushProvider> provider_;
  PushSender sender_;
  InboxPurge purge_;
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext& context, NotificationDependencies dependencies) {
  return make_module(context, dependencies, notifications_settings_from_environment());
}

std::unique_ptr<Module> make_module(const ModuleContext& context, NotificationDependencies dependencies,
                                    NotificationsSettings settings) {
  return std::make_unique<NotificationsModule>(context, dependencies, std::move(settings));
}

}  // namespace nelo::notifications
