#pragma once
// What other modules may ask the payments module (implemented in-process by
// modules/payments/services/payment_directory). Orders hands a card order's token over through
// authorize_card() during the placement request, so that the token never rides in an event or
// rests in a table (docs/api/payments.md, "The saga"); and shows an order's payment status with
// the order. Everything else between orders and payments goes through events.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <optional>
#include <string>

#include "shared/interfaces/money.hpp"

namespace nelo {

// What payments copies of an order to take its money: who pays, who is paid, how much and its split.
struct PaymentOrderDto {
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  Money total;                 // subtotal + delivery_fee + service_fee
  std::int64_t subtotal = 0;   // minor units of total.currency
  std::int64_t delivery_fee = 0;
  std::int64_t service_fee = 0;

  bool operator==(const PaymentOrderDto&) const = default;
};

// An order's payment as its customer, merchant or an admin may see it.
struct PaymentStatusDto {
  std::string payment_id;
  std::string status;  // requires_authorization | authorized | captured | partially_refunded | refunded
                       // | failed | voided
  std::string method;  // card | cash
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> failure_code;    // when failed: card_declined, insufficient_funds, ...
  std::optional<std::string> failure_reason;  // when failed: a message the customer can read
  // While the card waits for the customer's confirmation (3-D Secure): the page to open.
  std::optional<std::string> action_url;

  bool operator==(const PaymentStatusDto&) const = default;
};

class PaymentInterface {
 public:
  virtual ~PaymentInterface() = default;

  // Authorizes a card order's payment with the provider's token, once the order is committed.
  // The token lives only for this call: it is never stored, logged or published. A decline is not
  // an error (the payment fails and payment.failed rejects the order); a second call for the same
  // order does nothing. Throws when the payment could not be recorded or the provider not reached:
  // the order then fails after the authorization timeout, never stays pending.
  virtual boost::asio::awaitable<void> authorize_card(PaymentOrderDto order, std::string card_token) = 0;

  // The order's payment, or nullopt when none exists (yet).
  virtual boost::asio::awaitable<std::optional<PaymentStatusDto>> get_payment_for_order(std::string order_id) = 0;
};

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const PaymentOrderDto& order);
PaymentOrderDto tag_invoke(const boost::json::value_to_tag<PaymentOrderDto>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const PaymentStatusDto& payment);
PaymentStatusDto tag_invoke(const boost::json::value_to_tag<PaymentStatusDto>&, const boost::json::value& in);

}  // namespace nelo
