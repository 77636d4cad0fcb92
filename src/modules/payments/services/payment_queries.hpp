#pragma once
// Reading payments: GET /api/v1/payments/{id} and GET /api/v1/payments?order_id=. A payment is
// seen by its order's customer, by its merchant's user (the rule the orders module applies to the
// order: a merchant account that owns the shop, as copied on the payment when it was created)
// and by admins; anyone else is told it does not exist (404, like another user's order), so ids
// cannot be probed.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "modules/payments/payment_record.hpp"

namespace nelo::payments {

class PaymentReadRepository;

// Who is asking, with the roles that matter here.
struct PaymentViewer {
  std::string user_id;
  bool admin = false;
  bool merchant = false;
  bool customer = false;
};

// Whether `viewer` may read `payment`.
bool can_view(const PaymentView& payment, const PaymentViewer& viewer) noexcept;

class PaymentQueries {
 public:
  explicit PaymentQueries(PaymentReadRepository& payments) : payments_(payments) {}

  // NotFound (404) when there is no such payment or the viewer may not see it.
  boost::asio::awaitable<PaymentView> get(PaymentViewer viewer, std::string payment_id);
  // The order's payments the viewer may see (none for an order that is not theirs, unknown
  // orders included). ValidationError (field order_id) for a malformed id.
  boost::asio::awaitable<std::vector<PaymentView>> of_order(PaymentViewer viewer, std::string order_id);

 private:
  PaymentReadRepository& payments_;
};

}  // namespace nelo::payments
