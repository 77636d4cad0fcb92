#include "modules/payments/services/payment_queries.hpp"

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/payments/repositories/payment_read_repository.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

[[noreturn]] void payment_not_found(const std::string& id) {
  throw NotFound(is_uuid(id) ? "Payment " + id + " does not exist" : std::string("The payment does not exist"));
}

}  // namespace

bool can_view(const PaymentView& payment, const PaymentViewer& viewer) noexcept {
  if (viewer.user_id.empty()) return false;
  if (viewer.admin) return true;
  if (viewer.merchant && payment.merchant_owner_id == viewer.user_id) return true;
  return viewer.customer && payment.customer_id == viewer.user_id;
}

asio::awaitable<PaymentView> PaymentQueries::get(PaymentViewer viewer, std::string payment_id) {
  const auto id = canonical_uuid(payment_id);
  if (!id) payment_not_found(payment_id);
  auto found = co_await payments_.find(*id);
  if (!found || !can_view(*found, viewer)) payment_not_found(*id);
  co_return std::move(*found);
}

asio::awaitable<std::vector<PaymentView>> PaymentQueries::of_order(PaymentViewer viewer, std::string order_id) {
  const auto id = canonical_uuid(order_id);
  if (!id) throw ValidationError("order_id", "must be a UUID");
  auto all = co_await payments_.find_by_order(*id);
  std::vector<PaymentView> out;
  for (auto& p : all) {
    if (can_view(p, viewer)) out.push_back(std::move(p));
  }
  co_return out;
}

}  // namespace nelo::payments
