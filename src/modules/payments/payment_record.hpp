#pragma once
// A payment as it is stored, with its refunds: what GET /api/v1/payments/{id} shows (less the
// fields only the module needs) and what a refund works on. Never a card token: there is none.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "modules/payments/payment_models.hpp"

namespace nelo::payments {

struct RefundRecord {
  std::string id;
  std::string payment_id;
  std::int64_t amount = 0;  // minor units of the payment's currency
  std::string reason;
  std::string status;  // pending | succeeded | failed
  std::optional<std::string> provider_reference;
  std::optional<std::string> failure_message;
  std::optional<std::string> requested_by;  // the admin; null when the platform refunded
  Timestamp created_at{};
};

struct PaymentView {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  PaymentMethod method = PaymentMethod::Card;
  std::string provider;
  std::optional<std::string> provider_reference;
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t subtotal = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t service_fee = 0;
  PaymentStatus status = PaymentStatus::RequiresAuthorization;
  std::int64_t captured_amount = 0;
  std::int64_t refunded_amount = 0;
  std::optional<std::string> failure_code;
  std::optional<std::string> failure_message;
  int version = 1;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> authorized_at;
  std::optional<Timestamp> captured_at;
  std::optional<Timestamp> voided_at;
  std::optional<Timestamp> failed_at;
  std::vector<RefundRecord> refunds;  // oldest first
};

// What a refund made: the refund, and its payment after it (its `refunds` left empty).
struct RefundResult {
  RefundRecord refund;
  PaymentView payment;
};

}  // namespace nelo::payments
