#pragma once
// What POST /api/v1/payments/webhooks/{provider} does: checks the provider's signature, then, in
// one transaction, records the provider's event id (a replay finds it and changes nothing), locks
// the payment it is about and moves it if the state machine has that move for the provider.
// Anything else is late or irrelevant news, recorded as ignored: an `authorized` after the payment
// was voided never moves it back (the table has no backward move), nor does an echo of a capture
// or a refund the platform made itself. A move publishes its payment.* event in the same
// transaction (payment.authorized places the order, payment.failed rejects it with the reason).

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <string_view>

#include "core/db/module_db.hpp"
#include "core/time.hpp"
#include "modules/payments/providers/payment_provider.hpp"
#include "modules/payments/repositories/payment_repository.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::payments {

struct WebhookReceipt {
  enum class Outcome { Applied, Ignored, Duplicate };
  Outcome outcome = Outcome::Ignored;
  std::string event_id;
};

std::string_view to_string(WebhookReceipt::Outcome outcome) noexcept;

class WebhookIntake {
 public:
  WebhookIntake(db::ModuleDb& db, events::EventBus& bus, PaymentRepository& payments, const Clock& clock);

  // Providers whose webhooks are accepted, by name. Call during start-up only.
  void add_provider(PaymentProvider& provider);

  // The header that carries `provider`'s signature. NotFound for an unknown provider or one that
  // sends no webhooks.
  std::string_view signature_header(std::string_view provider) const;

  // NotFound: unknown provider; Unauthorized: a missing, malformed or wrong signature (an altered
  // body included); BadRequest: a genuine signature outside the tolerance (a replay). Nothing is
  // changed in any of these cases.
  boost::asio::awaitable<WebhookReceipt> receive(std::string provider, std::string signature_header, std::string body);

 private:
  PaymentProvider& provider_named(std::string_view provider) const;

  db::ModuleDb& db_;
  events::EventBus& bus_;
  PaymentRepository& payments_;
  const Clock& clock_;
  std::map<std::string, PaymentProvider*, std::less<>> providers_;
};

}  // namespace nelo::payments
