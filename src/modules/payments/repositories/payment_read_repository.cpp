#include "modules/payments/repositories/payment_read_repository.hpp"

#include "core/db/params.hpp"
#include "modules/payments/repositories/payment_rows.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

const std::string kById = "SELECT " + std::string(kPaymentColumns) + " FROM payments.payments WHERE id = $1::uuid";
const std::string kByOrder =
    "SELECT " + std::string(kPaymentColumns) + " FROM payments.payments WHERE order_id = $1::uuid ORDER BY created_at, id";
const std::string kRefunds = "SELECT " + std::string(kRefundColumns) +
                             " FROM payments.refunds WHERE payment_id = $1::uuid ORDER BY created_at, id";

}  // namespace

asio::awaitable<std::optional<PaymentView>> PaymentReadRepository::find(std::string id) {
  const db::Params p = db::params(id);
  auto r = co_await db_.execute(kById, p);
  if (r.empty()) co_return std::nullopt;
  PaymentView payment = read_payment(r.front());
  co_await add_refunds(payment);
  co_return payment;
}

asio::awaitable<std::vector<PaymentView>> PaymentReadRepository::find_by_order(std::string order_id) {
  const db::Params p = db::params(order_id);
  auto r = co_await db_.execute(kByOrder, p);
  std::vector<PaymentView> out;
  for (const auto row : r) out.push_back(read_payment(row));
  for (auto& payment : out) co_await add_refunds(payment);
  co_return out;
}

asio::awaitable<void> PaymentReadRepository::add_refunds(PaymentView& payment) {
  const db::Params p = db::params(payment.id);
  auto r = co_await db_.execute(kRefunds, p);
  for (const auto row : r) payment.refunds.push_back(read_refund(row));
}

}  // namespace nelo::payments
