#pragma once
// What a provider's webhook says happened, once its signature checked (payment_provider.hpp).
// A header of its own, free of Asio, for the readers that build it (and their fuzz target).

#include <optional>
#include <string>

#include "core/time.hpp"

namespace nelo::payments {

// A webhook, once its signature checked: what happened at the provider.
struct ProviderEvent {
  std::string id;         // the provider's event id: applied once
  std::string type;       // payment.authorized | payment.failed | payment.voided | payment.captured
                          // | refund.succeeded | refund.failed
  std::string reference;  // the payment's reference at the provider
  // nelo's payment id as the provider echoes it (the idempotency key it was given), when it does:
  // finds the payment whose reference was lost (a stop between the provider's answer and its record).
  std::optional<std::string> payment_id;
  std::optional<std::string> refund_reference;
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> decline_code;
  std::optional<std::string> decline_message;
  std::optional<Timestamp> occurred_at;
};

}  // namespace nelo::payments
