#include "modules/payments/repositories/payment_rows.hpp"

#include <stdexcept>
#include <string>

#include "modules/payments/names.hpp"

namespace nelo::payments {

PaymentStatus stored_status(std::string_view text) {
  const auto status = parse_payment_status(text);
  if (!status) throw std::logic_error("payments: unknown status in the database: " + std::string(text));
  return *status;
}

PaymentMethod stored_method(std::string_view text) {
  const auto method = parse_payment_method(text);
  if (!method) throw std::logic_error("payments: unknown method in the database: " + std::string(text));
  return *method;
}

PaymentView read_payment(const db::Row& row) {
  PaymentView p;
  p.id = row.get<std::string>(0);
  p.order_id = row.get<std::string>(1);
  p.customer_id = row.get<std::string>(2);
  p.merchant_id = row.get<std::string>(3);
  p.merchant_owner_id = row.get<std::string>(4);
  p.method = stored_method(row.text(5));
  p.provider = row.get<std::string>(6);
  p.provider_reference = row.get<std::optional<std::string>>(7);
  p.card_brand = row.get<std::optional<std::string>>(8);
  p.card_last4 = row.get<std::optional<std::string>>(9);
  p.currency = row.get<std::string>(10);
  p.amount = row.get<std::int64_t>(11);
  p.subtotal = row.get<std::int64_t>(12);
  p.delivery_fee = row.get<std::int64_t>(13);
  p.service_fee = row.get<std::int64_t>(14);
  p.status = stored_status(row.text(15));
  p.captured_amount = row.get<std::int64_t>(16);
  p.refunded_amount = row.get<std::int64_t>(17);
  p.failure_code = row.get<std::optional<std::string>>(18);
  p.failure_message = row.get<std::optional<std::string>>(19);
  p.version = row.get<std::int32_t>(20);
  p.created_at = row.get<Timestamp>(21);
  p.updated_at = row.get<Timestamp>(22);
  p.authorized_at = row.get<std::optional<Timestamp>>(23);
  p.captured_at = row.get<std::optional<Timestamp>>(24);
  p.voided_at = row.get<std::optional<Timestamp>>(25);
  p.failed_at = row.get<std::optional<Timestamp>>(26);
  return p;
}

RefundRecord read_refund(const db::Row& row) {
  RefundRecord r;
  r.id = row.get<std::string>(0);
  r.payment_id = row.get<std::string>(1);
  r.amount = row.get<std::int64_t>(2);
  r.reason = row.get<std::string>(3);
  r.status = row.get<std::string>(4);
  r.provider_reference = row.get<std::optional<std::string>>(5);
  r.failure_message = row.get<std::optional<std::string>>(6);
  r.requested_by = row.get<std::optional<std::string>>(7);
  r.created_at = row.get<Timestamp>(8);
  return r;
}

}  // namespace nelo::payments
