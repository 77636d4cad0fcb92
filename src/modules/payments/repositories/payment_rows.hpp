#pragma once
// The column lists of payments.payments and payments.refunds and their readers, shared by the
// repositories that read whole payments (payment_read_repository, refund_repository), and the
// readers of a stored status or method (payment_repository too).

#include <string_view>

#include "core/db/result.hpp"
#include "modules/payments/payment_record.hpp"

namespace nelo::payments {

// Columns of payments.payments, in the order read_payment() reads them.
inline constexpr std::string_view kPaymentColumns =
    "id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider, provider_reference, card_brand,"
    " card_last4, currency, amount, subtotal, delivery_fee, service_fee, status, captured_amount, refunded_amount,"
    " failure_code, failure_message, version, created_at, updated_at, authorized_at, captured_at, voided_at,"
    " failed_at";

// Columns of payments.refunds, in the order read_refund() reads them.
inline constexpr std::string_view kRefundColumns =
    "id, payment_id, amount, reason, status, provider_reference, failure_message, requested_by, created_at";

// A status or method read from payments.payments; throws std::logic_error on one the module does
// not know (a schema drift).
PaymentStatus stored_status(std::string_view text);
PaymentMethod stored_method(std::string_view text);

// Throws std::logic_error on a status or method the module does not know (a schema drift).
PaymentView read_payment(const db::Row& row);
RefundRecord read_refund(const db::Row& row);

}  // namespace nelo::payments
