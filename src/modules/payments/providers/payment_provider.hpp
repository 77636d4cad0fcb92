#pragma once
// What the payments module asks of a payment provider (a card processor, or cash), and the one
// thing it hands back unasked: webhooks. The saga and the webhook endpoint speak only this
// interface; adding a provider (a Stripe-like one) means implementing it and naming it in
// NELO_PAYMENTS_PROVIDER, nothing else (docs/api/payments.md, "Providers").
//
// A card token goes in through authorize() and nowhere else: implementations never store it, log
// it or keep it past the call. The provider answers with its own reference for the payment and,
// for a card, the brand and last four digits: that is all the module keeps.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "modules/payments/providers/provider_event.hpp"
#include "core/security/webhook_signature.hpp"
#include "shared/interfaces/money.hpp"

namespace nelo::payments {

// The scheme lives in core/security (notifications signs its pushes with it too).
using security::check_webhook_signature;
using security::sign_webhook;
using security::SignatureCheck;

struct AuthorizationRequest {
  // Also the idempotency key at the provider: the same payment authorized twice (a retry after a
  // crash) is one authorization there.
  std::string payment_id;
  Money amount;
  std::string card_token;  // a card's provider token (tok_...); empty for cash
};

struct AuthorizationOutcome {
  enum class Kind {
    Authorized,      // the amount is held
    Declined,        // refused for good: decline_code and decline_message say why
    Pending,         // the answer comes later, by webhook
    RequiresAction,  // the customer must confirm (3-D Secure) at action_url; the answer comes by webhook
  };
  Kind kind = Kind::Pending;
  std::string reference;  // the provider's id for the payment
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> decline_code;     // card_declined, insufficient_funds, expired_card, ...
  std::optional<std::string> decline_message;  // for the customer
  std::optional<std::string> action_url;
};

// A capture, a void or a refund: done at once, or refused (the reason is the provider's).
struct OperationOutcome {
  bool succeeded = false;
  std::string reference;  // the provider's id for what was done (a refund's id); may be empty
  std::optional<std::string> failure_message;
};

struct WebhookVerdict {
  // Valid only when the signature checks and the body is an event (a signed body that is not one
  // is Malformed).
  SignatureCheck check = SignatureCheck::Malformed;
  std::optional<ProviderEvent> event;  // set exactly when check is Valid
};

// The provider could not be reached or did not answer in time: nothing is known to have happened,
// and the call may be retried (authorize() and refund() are idempotent by their ids).
class ProviderUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;

  // Its name in URLs (/webhooks/{provider}), in payments.provider and in settings: "sandbox".
  virtual std::string_view name() const noexcept = 0;

  virtual boost::asio::awaitable<AuthorizationOutcome> authorize(AuthorizationRequest request) = 0;
  virtual boost::asio::awaitable<OperationOutcome> capture(std::string reference, Money amount) = 0;
  virtual boost::asio::awaitable<OperationOutcome> void_authorization(std::string reference) = 0;
  // `refund_id` is the idempotency key: the same refund asked twice is one refund.
  virtual boost::asio::awaitable<OperationOutcome> refund(std::string reference, std::string refund_id,
                                                          Money amount) = 0;

  // The request header its webhooks carry their signature in ("Sandbox-Signature"); empty when it
  // sends none.
  virtual std::string_view signature_header() const noexcept = 0;
  // Checks a webhook's signature header against its exact body, then reads the event.
  virtual WebhookVerdict parse_webhook(std::string_view signature_header, std::string_view body,
                                       Timestamp now) const = 0;
};

}  // namespace nelo::payments
