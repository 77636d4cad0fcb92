#pragma once
// Every SQL statement a refund needs, run in the caller's transaction: lock the payment, look a
// refund up by its id, write the refund, and move the payment's refunded amount and status.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "modules/payments/payment_record.hpp"

namespace nelo::payments {

class RefundRepository {
 public:
  // The payment (without its refunds), locked FOR UPDATE until the transaction ends: concurrent
  // refunds of one payment run one after the other. nullopt when there is no such payment.
  boost::asio::awaitable<std::optional<PaymentView>> lock_payment(db::Transaction& tx, const std::string& id);

  // The refund with this id, if any (the id is the idempotency key at the provider).
  boost::asio::awaitable<std::optional<RefundRecord>> find(db::Transaction& tx, const std::string& refund_id);

  // Writes the refund; returns its created_at. The schema's trigger refuses one that would take
  // the payment's refunds beyond its capture.
  boost::asio::awaitable<Timestamp> insert(db::Transaction& tx, const RefundRecord& refund);

  // refunded_amount += amount and from -> to; returns the payment's new version and updated_at.
  // Throws std::logic_error when the payment was not in `from` (the caller holds its lock).
  struct Applied {
    int version = 1;
    Timestamp updated_at{};
  };
  boost::asio::awaitable<Applied> apply(db::Transaction& tx, const std::string& payment_id, PaymentStatus from,
                                        PaymentStatus to, std::int64_t amount);
};

}  // namespace nelo::payments
