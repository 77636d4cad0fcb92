#pragma once
// Reading orders. One order is composed like the seed's get_order_with_details: the order from
// this module's own tables, then the customer (users), the merchant as it is now (catalog) and
// the delivery (deliveries), each asked through its interface, never joined. A part whose module
// is not available, or fails, is null and named in `unavailable`: the order itself is still
// served. Customer and merchant answers are remembered for `details_cache_ttl` (a hot order read
// by its customer, merchant and courier then costs one query, not three); failures are not.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/cache/expiring_cache.hpp"
#include "core/time.hpp"
#include "modules/orders/models.hpp"
#include "shared/interfaces/catalog_interface.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/payment_interface.hpp"
#include "shared/interfaces/user_interface.hpp"

namespace nelo::orders {

class OrderRepository;

struct OrderDetails {
  Order order;
  std::vector<StatusChange> history;
  std::optional<UserDto> customer;              // the customer's current profile
  std::optional<MerchantDto> merchant;          // the merchant now (open now, current phone...)
  std::optional<DeliverySummaryDto> delivery;   // null until a delivery exists
  std::optional<PaymentStatusDto> payment;      // null until payments created it
  std::vector<std::string> unavailable;         // among "customer", "merchant", "delivery", "payment"
};

// Whether `viewer` may read `order`.
bool can_view(const Order& order, const Viewer& viewer) noexcept;

class OrderQueries {
 public:
  OrderQueries(OrderRepository& orders, UserInterface* users, CatalogInterface* catalog, DeliveryInterface* deliveries,
               PaymentInterface* payments, const Clock& clock, std::chrono::milliseconds details_cache_ttl = {})
      : orders_(orders),
        users_(users),
        catalog_(catalog),
        deliveries_(deliveries),
        payments_(payments),
        clock_(clock),
        customers_(details_cache_ttl, kDetailsCacheCapacity),
        merchants_(details_cache_ttl, kDetailsCacheCapacity) {}

  // NotFound (404) when the order does not exist or the viewer may not see it.
  boost::asio::awaitable<OrderDetails> get(Viewer viewer, std::string order_id);

  // Admins: every order; merchants: their merchants' orders; customers: their own (in that order
  // of precedence for an account with several roles). Forbidden for anyone else. query.limit >= 1.
  boost::asio::awaitable<OrderPage> list(Viewer viewer, OrderListQuery query);

 private:
  static constexpr std::size_t kDetailsCacheCapacity = 10'000;

  boost::asio::awaitable<std::optional<UserDto>> customer(const std::string& user_id);
  boost::asio::awaitable<std::optional<MerchantDto>> merchant(const std::string& merchant_id);

  OrderRepository& orders_;
  UserInterface* users_;
  CatalogInterface* catalog_;
  DeliveryInterface* deliveries_;
  PaymentInterface* payments_;
  const Clock& clock_;
  cache::ExpiringCache<std::string, std::optional<UserDto>> customers_;
  cache::ExpiringCache<std::string, std::optional<MerchantDto>> merchants_;
};

}  // namespace nelo::orders
