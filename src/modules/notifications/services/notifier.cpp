#include "modules/notifications/services/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/db/transaction.hpp"
#include "core/uuid.hpp"
#include "modules/notifications/categories.hpp"
#include "modules/notifications/models.hpp"
#include "modules/notifications/repositories/notification_repository.hpp"
#include "modules/notifications/repositories/order_progress_repository.hpp"
#include "modules/notifications/repositories/preference_repository.hpp"
#include "modules/notifications/repositories/push_repository.hpp"
#include "modules/notifications/templates/formatting.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string fallback_merchant_name(const std::string& locale) { return locale == "en" ? "the shop" : "le commerce"; }

json::object notification_data(const EventFacts& facts) {
  json::object data{{"order_id", facts.order_id}};
  if (facts.delivery_id) data["delivery_id"] = *facts.delivery_id;
  if (facts.payment_id) data["payment_id"] = *facts.payment_id;
  return data;
}

}  // namespace

std::map<std::string, std::string> template_values(const EventFacts& facts, const std::string& merchant_name,
                                                   const std::string& locale) {
  std::map<std::string, std::string> values;
  values["ref"] = short_reference(facts.order_id);
  values["merchant"] = merchant_name.empty() ? fallback_merchant_name(locale) : merchant_name;
  if (facts.amount) values["amount"] = format_money(*facts.amount, locale);
  if (facts.reason) values["reason"] = *facts.reason;
  if (facts.waited_seconds) values["waited_minutes"] = std::to_string((*facts.waited_seconds + 59) / 60);
  return values;
}

Notifier::Notifier(events::EventBus& bus, NotificationRepository& notifications, PreferenceRepository& preferences,
                   PushRepository& pushes, OrderProgressRepository& progress, RecipientLookup& lookup)
    : bus_(bus),
      notifications_(notifications),
      preferences_(preferences),
      pushes_(pushes),
      progress_(progress),
      lookup_(lookup) {}

asio::awaitable<std::vector<Recipient>> Notifier::recipients(const events::Event& event, EventFacts& facts) {
  std::vector<Recipient> out;
  const auto templates = templates_for(event.name);
  if (templates.empty()) co_return out;
  // A card order is created waiting for its payment; a cash order is placed in the same
  // transaction, and order.placed says "confirmed": telling "received" too would be noise.
  if (event.name == "order.created" && facts.payment_method.value_or("") != "card") co_return out;
  // Payment events name the order only: its customer and shop come from the orders module.
  if (!facts.customer_id || !facts.merchant_id) {
    if (auto order = co_await lookup_.order(facts.order_id)) {
      if (!facts.customer_id) facts.customer_id = order->customer_id;
      if (!facts.merchant_id) facts.merchant_id = order->merchant_id;
      if (!facts.amount && event.name.starts_with("order.")) facts.amount = order->total;
    }
  }
  for (const NotificationTemplate* t : templates) {
    switch (t->audience) {
      case Audience::Customer:
        if (facts.customer_id) out.push_back({*facts.customer_id, t});
        break;
      case Audience::Merchant: {
        std::optional<std::string> owner = facts.merchant_owner_id;
        if (!owner && facts.merchant_id) {
          if (auto m = co_await lookup_.merchant(*facts.merchant_id)) owner = m->owner_id;
        }
        if (owner) out.push_back({*owner, t});
        break;
      }
      case Audience::Driver:
        if (facts.driver_id) out.push_back({*facts.driver_id, t});
        break;
      case Audience::Admin:
      {
        const std::vector<std::string> admins = co_await lookup_.admins();
        for (const auto& admin : admins) out.push_back({admin, t});
        break;
      }
    }
  }
  co_return out;
}

asio::awaitable<std::size_t> Notifier::on_event(db::Transaction& tx, const events::Event& event) {
  EventFacts facts = read_event_facts(event.name, event.payload);
  // Events of one order may arrive out of order (a retry, another instance): one older than what
  // was already told would take the customer backwards ("being prepared" after "delivered").
  bool fresh = true;
  if (facts.order_version) fresh = co_await progress_.advance(tx, facts.order_id, *facts.order_version);
  if (!fresh) {
    spdlog::info("notifications: {} {} of order {} (version {}) is older than one already handled: nobody told",
                 event.name, event.id, facts.order_id, *facts.order_version);
    co_return 0;
  }
  const auto recipients_of_event = co_await recipients(event, facts);
  if (recipients_of_event.empty()) co_return 0;
  std::string merchant_name = facts.merchant_name.value_or("");
  if (merchant_name.empty() && facts.merchant_id) {
    if (auto m = co_await lookup_.merchant(*facts.merchant_id)) merchant_name = m->name;
  }
  std::size_t written = 0;
  for (const Recipient& recipient : recipients_of_event) {
    const NotificationTemplate& t = *recipient.notification_template;
    const std::string locale = co_await lookup_.locale(recipient.user_id);
    const auto stored = co_await preferences_.find(tx, recipient.user_id, std::string(t.category));
    Channels channels = stored.value_or(default_channels(t.category));
    if (is_transactional(t.category)) channels.in_app = true;
    if (!channels.in_app && !channels.push && !channels.realtime) continue;
    const auto values = template_values(facts, merchant_name, locale);
    NewNotification n;
    n.id = new_uuid_v7();
    n.event_id = event.id;
    n.event_name = event.name;
    n.recipient_id = recipient.user_id;
    n.audience = std::string(to_string(t.audience));
    n.category = std::string(t.category);
    n.locale = locale;
    n.title = render_template(t.in(locale).title, values);
    n.body = render_template(t.in(locale).body, values);
    n.data = notification_data(facts);
    n.in_app = channels.in_app;
    auto inserted = co_await notifications_.insert(tx, n);
    if (!inserted) continue;  // this recipient already has it (a redelivery, or two audiences)
    ++written;
    if (channels.push) co_await pushes_.enqueue(tx, inserted->id, inserted->recipient_id);
    json::object payload{{"notification_id", inserted->id},
                         {"user_id", inserted->recipient_id},
                         {"category", inserted->category},
                         {"title", inserted->title},
                         {"body", inserted->body},
                         {"locale", inserted->locale},
                         {"created_at", to_rfc3339_millis(inserted->created_at)},
                         {"realtime", channels.realtime},
                         {"in_app", channels.in_app},
                         {"source_event", event.name},
                         {"data", inserted->data}};
    co_await bus_.publish(tx, "notification.created", 1, std::move(payload));
  }
  co_return written;
}

}  // namespace nelo::notifications
