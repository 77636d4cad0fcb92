#pragma once
// Reading whole payments with their refunds (GET /api/v1/payments/{id}, ?order_id=), outside any
// transaction: two statements, the payment then its refunds.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "modules/payments/payment_record.hpp"

namespace nelo::payments {

class PaymentReadRepository {
 public:
  explicit PaymentReadRepository(db::ModuleDb& db) : db_(db) {}

  // The payment `id` (a canonical UUID) with its refunds; nullopt when there is none.
  boost::asio::awaitable<std::optional<PaymentView>> find(std::string id);
  // The payments of an order (a canonical UUID; one at most today), with their refunds.
  boost::asio::awaitable<std::vector<PaymentView>> find_by_order(std::string order_id);

 private:
  boost::asio::awaitable<void> add_refunds(PaymentView& payment);

  db::ModuleDb& db_;
};

}  // namespace nelo::payments
