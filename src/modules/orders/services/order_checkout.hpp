#pragma once
// Checks an order request against the modules that own what it refers to (users: the delivery
// address and the customer's contact; catalog: the merchant, open now, and its products at their
// current prices) and prices it. Only reads: quoting and placing share it, placing then writes.
// Every problem is reported at once, as a 422 naming the request field.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "core/time.hpp"
#include "modules/orders/models.hpp"
#include "modules/orders/services/orders_settings.hpp"
#include "shared/interfaces/catalog_interface.hpp"
#include "shared/interfaces/user_interface.hpp"

namespace nelo::orders {


// A request that passed every check, with what the order will copy.
struct CheckedOrder {
  Quote quote;
  std::string merchant_owner_id;
  MerchantSnapshot merchant;
  AddressSnapshot delivery_address;
};

class OrderCheckout {
 public:
  // A null interface means that module is not served by this process: checks answer 503.
  OrderCheckout(UserInterface* users, CatalogInterface* catalog, PricingSettings pricing,
                const Clock& clock)
      : users_(users), catalog_(catalog), pricing_(std::move(pricing)), clock_(clock) {}

  // Throws ValidationError (422) listing every problem: unknown or closed merchant (merchant_id),
  // unknown or foreign address or one outside the delivery radius (address_id), unknown, foreign
  // or unavailable products (items[i].product_id), mixed currencies or a subtotal under the
  // merchant's minimum (items). ServiceUnavailable (503) when users or catalog is unavailable.
  boost::asio::awaitable<CheckedOrder> check(std::string customer_id, OrderRequest request);

  // check() reduced to what a client sees before ordering.
  boost::asio::awaitable<Quote> quote(std::string customer_id, OrderRequest request);

  // The customer's name and phone, to copy into the order. ServiceUnavailable when users is not
  // available or has no profile for them (it exists as soon as they have an address).
  boost::asio::awaitable<CustomerSnapshot> customer(std::string customer_id);

  const PricingSettings& pricing() const noexcept { return pricing_; }

 private:
  UserInterface* users_;
  CatalogInterface* catalog_;
  PricingSettings pricing_;
  const Clock& clock_;
};

}  // namespace nelo::orders
