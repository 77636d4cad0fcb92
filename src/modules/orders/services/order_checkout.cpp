#include "modules/orders/services/order_checkout.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <cmath>
#include <map>

#include "core/errors.hpp"
#include "core/geo/geodesic.hpp"
#include "modules/orders/services/pricing.hpp"
#include "modules/orders/services/settled.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

// A distance no two points on Earth exceed (half the equator is ~20 038 km).
constexpr double kMaxDistance = 2.1e7;

void require(const void* dependency, std::string_view module) {
  if (!dependency) {
    throw ServiceUnavailable("Orders cannot be checked right now: the " + std::string(module) +
                             " module is not available to this server");
  }
}

std::string item_field(std::size_t index, std::string_view name) {
  return "items[" + std::to_string(index) + "]." + std::string(name);
}

AddressSnapshot snapshot(const AddressDto& a) {
  AddressSnapshot s;
  s.address_id = a.id;
  s.label = a.label;
  s.line1 = a.line1;
  s.line2 = a.line2;
  s.city = a.city;
  s.postal_code = a.postal_code;
  s.country = a.country;
  s.instructions = a.instructions;
  s.point = {a.lat, a.lng};
  return s;
}

MerchantSnapshot snapshot(const MerchantDto& m) {
  MerchantSnapshot s;
  s.name = m.name;
  s.phone = m.phone;
  s.address = m.address;
  s.time_zone = m.time_zone;
  s.prep_time_minutes = m.prep_time_minutes;
  s.point = {m.lat, m.lng};
  return s;
}

}  // namespace

asio::awaitable<CheckedOrder> OrderCheckout::check(std::string customer_id, OrderRequest request) {
  require(users_, "users");
  require(catalog_, "catalog");
  Validator v;
  const Timestamp now = clock_.now();

  // The three reads at once (one round trip of latency instead of three). Products are asked
  // for even when the merchant turns out to be unknown: the answer is then empty and unused.
  std::vector<std::string> ids;
  ids.reserve(request.items.size());
  for (const auto& item : request.items) ids.push_back(item.product_id);
  using namespace asio::experimental::awaitable_operators;
  auto address_read = settle(users_->get_user_address(customer_id, request.address_id));
  auto merchant_read = settle(catalog_->get_merchant(request.merchant_id, now));
  auto products_read = settle(catalog_->get_products(request.merchant_id, std::move(ids)));
  auto reads = co_await (std::move(address_read) && std::move(merchant_read) && std::move(products_read));
  auto& [address_result, merchant_result, products_result] = reads;
  // Several may fail at once (the database is down): the first one's error is the answer.
  for (const auto* failure : {&address_result.failure, &merchant_result.failure, &products_result.failure}) {
    if (*failure) std::rethrow_exception(*failure);
  }
  auto address = std::move(*address_result.value);
  auto merchant = std::move(*merchant_result.value);
  auto products = std::move(*products_result.value);
  if (!merchant) {
    v.add("merchant_id", "is not a known merchant");
  } else if (!merchant->open) {
    v.add("merchant_id", "is closed at the moment; try again during its opening hours");
  }
  if (!address) v.add("address_id", "is not one of your delivery addresses");

  CheckedOrder checked;
  checked.quote.merchant_id = request.merchant_id;
  checked.quote.address_id = request.address_id;

  double distance = 0;
  if (merchant && address) {
    distance = geo::distance_m(merchant->lat, merchant->lng, address->lat, address->lng);
    if (!std::isfinite(distance) || distance < 0 || distance > kMaxDistance) {
      throw std::logic_error("orders: the geodesic distance is impossible (a point outside its ranges?)");
    }
    // Whole metres rounded up: for an integer radius R, ceil(d) <= R exactly when d <= R, so the
    // stored distance, the fee tier and the radius check all agree.
    checked.quote.distance_m = static_cast<int>(std::ceil(distance));
    if (checked.quote.distance_m > merchant->delivery_radius_m) {
      v.add("address_id", "is " + std::to_string(checked.quote.distance_m) +
                              " m from the merchant, outside its delivery radius of " +
                              std::to_string(merchant->delivery_radius_m) + " m");
    }
  }

  if (!merchant) {
    v.throw_if_invalid();  // products of an unknown merchant cannot be checked
  }

  std::map<std::string, const ProductDto*, std::less<>> by_id;
  for (const auto& p : products) by_id.emplace(p.id, &p);

  const std::string& currency = merchant->min_order.currency;
  bool lines_ok = true;
  bool mixed_currency = false;
  std::int64_t subtotal = 0;
  for (std::size_t i = 0; i < request.items.size(); ++i) {
    const auto& item = request.items[i];
    auto found = by_id.find(item.product_id);
    if (found == by_id.end()) {
      v.add(item_field(i, "product_id"), "is not a product of this merchant");
      lines_ok = false;
      continue;
    }
    const ProductDto& product = *found->second;
    if (!product.available) {
      v.add(item_field(i, "product_id"), "is not available at the moment");
      lines_ok = false;
      continue;
    }
    if (product.price.currency != currency) mixed_currency = true;
    OrderLine line;
    line.product_id = product.id;
    line.name = product.name;
    line.unit_price = product.price.amount;
    line.quantity = item.quantity;
    if (line.unit_price < 0 || __builtin_mul_overflow(line.unit_price, std::int64_t{line.quantity}, &line.line_total) ||
        __builtin_add_overflow(subtotal, line.line_total, &subtotal)) {
      subtotal = kMaxSubtotal + 1;
    }
    checked.quote.lines.push_back(std::move(line));
  }
  if (mixed_currency) {
    v.add("items", "mixes currencies: every product must be priced in the merchant's currency (" + currency + ")");
  } else if (lines_ok && subtotal > kMaxSubtotal) {
    v.add("items", "add up to more than an order may cost");
  } else if (lines_ok && subtotal < merchant->min_order.amount) {
    v.add("items", "add up to " + std::to_string(subtotal) + ", below this merchant's minimum order of " +
                       std::to_string(merchant->min_order.amount) + " (" + currency + " minor units)");
  }
  v.throw_if_invalid();

  checked.quote.pricing = price(pricing_, currency, subtotal, checked.quote.distance_m);
  checked.merchant_owner_id = merchant->owner_id;
  checked.merchant = snapshot(*merchant);
  checked.delivery_address = snapshot(*address);
  co_return checked;
}

asio::awaitable<Quote> OrderCheckout::quote(std::string customer_id, OrderRequest request) {
  auto checked = co_await check(std::move(customer_id), std::move(request));
  co_return std::move(checked.quote);
}

asio::awaitable<CustomerSnapshot> OrderCheckout::customer(std::string customer_id) {
  require(users_, "users");
  auto user = co_await users_->get_user_by_id(customer_id);
  if (!user) {
    throw ServiceUnavailable("Your profile could not be read; try again in a moment",
                             std::chrono::seconds(1));
  }
  CustomerSnapshot c;
  c.name = user->name;
  c.phone = user->phone;
  co_return c;
}

}  // namespace nelo::orders
