#pragma once
// Turns an order, payment or delivery event into notifications (docs/api/notifications.md): for
// each template of the event, its recipients (the customer, the shop's owner, the driver, the
// admins), each in their language and as their preferences say; in the bus's transaction, so the
// notifications, their pushes (an outbox the push sender reads) and the notification.created
// events commit with the event's inbox row, or not at all.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "modules/notifications/services/event_facts.hpp"
#include "modules/notifications/services/recipient_lookup.hpp"
#include "modules/notifications/templates/notification_templates.hpp"
#include "shared/events/event.hpp"

namespace nelo::db {
class Transaction;
}
namespace nelo::events {
class EventBus;
}

namespace nelo::notifications {

class NotificationRepository;
class OrderProgressRepository;
class PreferenceRepository;
class PushRepository;

// One recipient of one template, before rendering.
struct Recipient {
  std::string user_id;
  const NotificationTemplate* notification_template = nullptr;
};

// The values a template's placeholders take for this event, in this locale.
std::map<std::string, std::string> template_values(const EventFacts& facts, const std::string& merchant_name,
                                                   const std::string& locale);

class Notifier {
 public:
  Notifier(events::EventBus& bus, NotificationRepository& notifications, PreferenceRepository& preferences,
           PushRepository& pushes, OrderProgressRepository& progress, RecipientLookup& lookup);

  // How many notifications it wrote (0 for a redelivered event, one nobody is told about, or an
  // order event older than one already handled for that order: stale news tells nobody).
  boost::asio::awaitable<std::size_t> on_event(db::Transaction& tx, const events::Event& event);

 private:
  boost::asio::awaitable<std::vector<Recipient>> recipients(const events::Event& event, EventFacts& facts);

  events::EventBus& bus_;
  NotificationRepository& notifications_;
  PreferenceRepository& preferences_;
  PushRepository& pushes_;
  OrderProgressRepository& progress_;
  RecipientLookup& lookup_;
};

}  // namespace nelo::notifications
