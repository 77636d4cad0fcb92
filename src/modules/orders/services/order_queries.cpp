#include "modules/orders/services/order_queries.hpp"

#include <spdlog/spdlog.h>

#include "core/error_text.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/orders/repositories/order_repository.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

[[noreturn]] void order_not_found(const std::string& order_id) {
  throw NotFound(is_uuid(order_id) ? "Order " + order_id + " does not exist" : std::string("The order does not exist"));
}

}  // namespace

bool can_view(const Order& order, const Viewer& viewer) noexcept {
  if (viewer.user_id.empty()) return false;
  if (viewer.admin) return true;
  if (viewer.merchant && order.merchant_owner_id == viewer.user_id) return true;
  return viewer.customer && order.customer_id == viewer.user_id;
}

asio::awaitable<OrderDetails> OrderQueries::get(Viewer viewer, std::string order_id) {
  if (!is_uuid(order_id)) order_not_found(order_id);
  auto found = co_await orders_.find_with_history(order_id);
  if (!found || !can_view(found->order, viewer)) order_not_found(order_id);

  OrderDetails details;
  details.order = std::move(found->order);
  details.history = std::move(found->history);
  const Order& o = details.order;

  // Each part on its own: a module that is down costs its part, not the answer.
  std::exception_ptr failure;
  if (users_) {
    try {
      details.customer = co_await customer(o.customer_id);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (!users_ || failure) {
    if (failure) spdlog::warn("orders: customer of order {} unavailable: {}", o.id, error_text(failure));
    details.unavailable.push_back("customer");
  }

  failure = nullptr;
  if (catalog_) {
    try {
      details.merchant = co_await merchant(o.merchant_id);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (!catalog_ || failure) {
    if (failure) spdlog::warn("orders: merchant of order {} unavailable: {}", o.id, error_text(failure));
    details.unavailable.push_back("merchant");
  }

  failure = nullptr;
  if (deliveries_) {
    try {
      details.delivery = co_await deliveries_->get_delivery_for_order(o.id);
      // The PIN proves the parcel reached its customer: nobody else sees it (not the merchant, not an admin).
      if (details.delivery && o.customer_id != viewer.user_id) details.delivery->pin.reset();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (!deliveries_ || failure) {
    if (failure) spdlog::warn("orders: delivery of order {} unavailable: {}", o.id, error_text(failure));
    details.unavailable.push_back("delivery");
  }

  failure = nullptr;
  if (payments_) {
    try {
      details.payment = co_await payments_->get_payment_for_order(o.id);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (!payments_ || failure) {
    if (failure) spdlog::warn("orders: payment of order {} unavailable: {}", o.id, error_text(failure));
    details.unavailable.push_back("payment");
  }
  co_return details;
}

asio::awaitable<std::optional<UserDto>> OrderQueries::customer(const std::string& user_id) {
  if (auto remembered = customers_.find(user_id)) co_return std::move(*remembered);
  auto found = co_await users_->get_user_by_id(user_id);
  customers_.put(user_id, found);
  co_return found;
}

asio::awaitable<std::optional<MerchantDto>> OrderQueries::merchant(const std::string& merchant_id) {
  if (auto remembered = merchants_.find(merchant_id)) co_return std::move(*remembered);
  auto found = co_await catalog_->get_merchant(merchant_id, clock_.now());
  merchants_.put(merchant_id, found);
  co_return found;
}

asio::awaitable<OrderPage> OrderQueries::list(Viewer viewer, OrderListQuery query) {
  ListScope scope = ListScope::All;
  if (viewer.admin) {
    scope = ListScope::All;
  } else if (viewer.merchant) {
    scope = ListScope::MerchantOwner;
  } else if (viewer.customer) {
    scope = ListScope::Customer;
  } else {
    throw Forbidden("Orders are listed for customers, merchants and admins");
  }
  if (viewer.user_id.empty() || (scope != ListScope::All && !is_uuid(viewer.user_id))) {
    throw Forbidden("Orders are listed for customers, merchants and admins");
  }
  const std::size_t limit = query.limit;
  OrderPage page;
  // One more than asked tells whether another page follows.
  page.items = co_await orders_.list(scope, viewer.user_id, query, limit + 1);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    OrderKey key;
    key.created_at = page.items.back().created_at;
    key.id = page.items.back().id;
    page.next = key;
  }
  co_return page;
}

}  // namespace nelo::orders
