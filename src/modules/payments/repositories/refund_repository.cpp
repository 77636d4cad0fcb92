#include "modules/payments/repositories/refund_repository.hpp"

#include <stdexcept>

#include "core/db/params.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/repositories/payment_rows.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

const std::string kLock =
    "SELECT " + std::string(kPaymentColumns) + " FROM payments.payments WHERE id = $1::uuid FOR UPDATE";

const std::string kFind = "SELECT " + std::string(kRefundColumns) + " FROM payments.refunds WHERE id = $1::uuid";

constexpr std::string_view kInsert =
    "INSERT INTO payments.refunds (id, payment_id, amount, reason, status, provider_reference, failure_message,"
    " requested_by) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::uuid) RETURNING created_at";

constexpr std::string_view kApply =
    "UPDATE payments.payments SET refunded_amount = refunded_amount + $4, status = $3, version = version + 1,"
    " updated_at = now() WHERE id = $1::uuid AND status = $2 RETURNING version, updated_at";

}  // namespace

asio::awaitable<std::optional<PaymentView>> RefundRepository::lock_payment(db::Transaction& tx,
                                                                            const std::string& id) {
  const db::Params p = db::params(id);
  auto r = co_await tx.execute(kLock, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_payment(r.front());
}

asio::awaitable<std::optional<RefundRecord>> RefundRepository::find(db::Transaction& tx, const std::string& refund_id) {
  const db::Params p = db::params(refund_id);
  auto r = co_await tx.execute(kFind, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_refund(r.front());
}

asio::awaitable<Timestamp> RefundRepository::insert(db::Transaction& tx, const RefundRecord& refund) {
  db::Params p = db::params(refund.id, refund.payment_id, refund.amount, refund.reason, refund.status);
  p.push_back(db::to_param(refund.provider_reference));
  p.push_back(db::to_param(refund.failure_message));
  p.push_back(db::to_param(refund.requested_by));
  auto r = co_await tx.execute(kInsert, p);
  co_return r.front().get<Timestamp>(0);
}

asio::awaitable<RefundRepository::Applied> RefundRepository::apply(db::Transaction& tx, const std::string& payment_id,
                                                                  PaymentStatus from, PaymentStatus to,
                                                                  std::int64_t amount) {
  const db::Params p =
      db::params(payment_id, std::string(to_string(from)), std::string(to_string(to)), amount);
  auto r = co_await tx.execute(kApply, p);
  if (r.empty()) {
    throw std::logic_error("payments: payment " + payment_id + " was not " + std::string(to_string(from)));
  }
  co_return Applied{r.front().get<std::int32_t>(0), r.front().get<Timestamp>(1)};
}

}  // namespace nelo::payments
