#include "app/demo/simulate/order_actor.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <random>

#include "app/demo/simulate/city.hpp"
#include "app/demo/simulate/janitor.hpp"
#include "app/demo/simulate/json_read.hpp"
#include "app/demo/simulate/options.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/statistics.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Realistic delays, in simulated seconds.
constexpr double kAcceptMin = 20, kAcceptMax = 90;       // the shop notices the order and accepts
constexpr double kStartMin = 10, kStartMax = 45;         // ... and starts preparing it
constexpr double kPrepSpreadMin = 0.7, kPrepSpreadMax = 1.3;  // of the shop's preparation time
// Margin kept inside a shop's delivery radius: the server measures on the ellipsoid, we on a plane.
constexpr double kRadiusMarginM = 50;
constexpr int kMaxLines = 4;
// Real time: the bus brings order.accepted to deliveries, and delivery.completed back to orders,
// within milliseconds on a healthy server; these are generous bounds.
constexpr auto kDeliveryAppearsWithin = 20s;
constexpr auto kDeliveredWithin = 15s;

// A few products that reach the shop's minimum order.
json::array basket(const Shop& shop, Runtime& runtime) {
  std::vector<const Product*> picks;
  for (const auto& p : shop.products) picks.push_back(&p);
  std::shuffle(picks.begin(), picks.end(), runtime.rng());
  const auto lines = std::min<std::size_t>(picks.size(), 1 + runtime.rng()() % kMaxLines);
  std::vector<std::pair<const Product*, std::int64_t>> chosen;
  std::int64_t subtotal = 0;
  for (std::size_t i = 0; i < lines; ++i) {
    const std::int64_t quantity = runtime.chance(0.25) ? 2 : 1;
    chosen.emplace_back(picks[i], quantity);
    subtotal += picks[i]->price * quantity;
  }
  // Below the minimum: more of the last line (a line takes at most 50).
  auto& [product, quantity] = chosen.back();
  while (subtotal < shop.min_order && quantity < 50 && product->price > 0) {
    ++quantity;
    subtotal += product->price;
  }
  json::array items;
  for (const auto& [p, q] : chosen) items.push_back(json::object{{"product_id", p->id}, {"quantity", q}});
  return items;
}

struct Pick {
  Customer* customer = nullptr;
  const Address* address = nullptr;
  Shop* shop = nullptr;
};

// A customer, one of their addresses, and an open shop that delivers there.
Pick choose(World& world) {
  auto& city = world.city;
  auto& runtime = world.runtime;
  Pick pick;
  if (city.customers.empty()) return pick;
  pick.customer = city.customers[runtime.rng()() % city.customers.size()].get();
  if (pick.customer->addresses.empty()) return pick;
  pick.address = &pick.customer->addresses[runtime.rng()() % pick.customer->addresses.size()];
  std::vector<Shop*> candidates;
  for (const auto& shop : city.shops) {
    if (shop->open && !shop->products.empty() &&
        distance_m(shop->at, pick.address->at) <= shop->delivery_radius_m - kRadiusMarginM) {
      candidates.push_back(shop.get());
    }
  }
  if (!candidates.empty()) pick.shop = candidates[runtime.rng()() % candidates.size()];
  return pick;
}

// The customer's app reads the order until its delivery appears (made by the deliveries module
// on order.accepted): its id is how a driver's offer is recognised as one of this run's.
asio::awaitable<bool> learn_delivery(World& world, Order& order) {
  const auto deadline = std::chrono::steady_clock::now() + kDeliveryAppearsWithin;
  while (true) {
    auto read = co_await world.send("GET", "/api/v1/orders/" + order.id, &order.customer->session);
    if (!world.expect(read, 200, "GET /api/v1/orders/{id} as its customer")) co_return false;
    const auto body = parse_body(read.body);
    if (const auto* delivery = field(body, "delivery"); delivery && delivery->is_object()) {
      world.city.set_delivery(order, text_of(*delivery, "id"));
      co_return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      world.stats.unexpected("GET /api/v1/orders/" + order.id,
                             "no delivery 20 s after the merchant accepted the order (order.accepted not handled?)");
      co_return false;
    }
    if (!co_await world.runtime.sleep_real(200ms)) co_return false;
  }
}

// A merchant's step on the order: POST /orders/{id}/<step> as the shop's owner.
asio::awaitable<bool> merchant_step(World& world, Order& order, const char* step) {
  auto answer = co_await world.send("POST", "/api/v1/orders/" + order.id + "/" + step, order.shop->owner);
  co_return world.expect(answer, 200, std::string("POST /api/v1/orders/{id}/") + step + " as its merchant");
}

// One order from its placement until it is ready for pick-up; the driver takes it from there.
asio::awaitable<void> follow_order(World& world, Pick pick) {
  auto& stats = world.stats;
  auto& runtime = world.runtime;
  json::object request{{"merchant_id", pick.shop->id},
                       {"items", basket(*pick.shop, runtime)},
                       {"address_id", pick.address->id},
                       {"payment", json::object{{"method", "cash"}}},
                       {"notes", kSimulatedOrderNote}};
  auto placed = co_await world.send("POST", "/api/v1/orders", &pick.customer->session, to_json_text(request),
                                    runtime.unique_key());
  if (placed.status != 201) {
    ++stats.orders.refused;
    world.expect(placed, 201, "POST /api/v1/orders");
    co_return;
  }
  auto order = world.city.add_order(text_of(parse_body(placed.body), "id"), *pick.customer, *pick.shop);
  ++stats.orders.placed;
  stats.mark_placed();

  if (!co_await runtime.sleep_sim(runtime.uniform(kAcceptMin, kAcceptMax))) co_return;
  if (!co_await merchant_step(world, *order, "accept")) {
    co_await give_up(world, order, "the merchant could not accept it");
    co_return;
  }
  order->accepted_at = Order::Clock::now();
  ++stats.orders.accepted;
  if (!co_await learn_delivery(world, *order)) {
    if (!runtime.stopping()) co_await give_up(world, order, "its delivery never appeared");
    co_return;
  }

  if (!co_await runtime.sleep_sim(runtime.uniform(kStartMin, kStartMax))) co_return;
  if (!co_await merchant_step(world, *order, "preparing")) {
    co_await give_up(world, order, "the merchant could not start preparing it");
    co_return;
  }
  const double prep = pick.shop->prep_time_minutes * 60.0 * runtime.uniform(kPrepSpreadMin, kPrepSpreadMax);
  if (!co_await runtime.sleep_sim(prep)) co_return;
  if (order->finished) co_return;  // given up meanwhile (a driver's step was refused)
  if (!co_await merchant_step(world, *order, "ready")) {
    co_await give_up(world, order, "the merchant could not mark it ready");
    co_return;
  }
  order->ready = true;
  ++stats.orders.ready;
}

// Which shops are open changes with the hours (three demo shops keep real ones).
asio::awaitable<void> refresh_opening(World& world) {
  for (const auto& shop : world.city.shops) {
    auto read = co_await world.send("GET", "/api/v1/catalog/merchants/" + shop->id, nullptr);
    if (world.expect(read, 200, "GET /api/v1/catalog/merchants/{id}")) {
      shop->open = flag_of(parse_body(read.body), "open_now");
    }
  }
}

}  // namespace

asio::awaitable<void> run_customers(World& world, WaitGroup& orders) {
  auto& runtime = world.runtime;
  std::exponential_distribution<double> gap(world.options.order_rate / 60.0);  // arrivals per real second
  auto next_refresh = std::chrono::steady_clock::now() + 60s;
  while (runtime.phase() == Phase::Running) {
    const auto wait = std::chrono::duration<double>(gap(runtime.rng()));
    if (!co_await runtime.sleep_real(std::chrono::duration_cast<Runtime::Duration>(wait))) break;
    if (runtime.phase() != Phase::Running) break;
    if (std::chrono::steady_clock::now() >= next_refresh) {
      co_await refresh_opening(world);
      next_refresh = std::chrono::steady_clock::now() + 60s;
    }
    const Pick pick = choose(world);
    if (!pick.shop) {
      ++world.stats.orders.no_shop;
      continue;
    }
    spawn(runtime, world.stats, orders, follow_order(world, pick), "following an order");
  }
}

asio::awaitable<std::string> read_pin(World& world, const Order& order) {
  auto read = co_await world.send("GET", "/api/v1/orders/" + order.id, &order.customer->session);
  if (!world.expect(read, 200, "GET /api/v1/orders/{id} as its customer")) co_return std::string();
  const auto body = parse_body(read.body);
  const auto* delivery = field(body, "delivery");
  const std::string pin = delivery ? text_of(*delivery, "pin") : std::string();
  if (pin.empty()) world.stats.unexpected("GET /api/v1/orders/" + order.id, "its customer sees no delivery PIN");
  co_return pin;
}

asio::awaitable<void> confirm_delivered(World& world, std::shared_ptr<Order> order) {
  const auto deadline = std::chrono::steady_clock::now() + kDeliveredWithin;
  std::string status;
  while (true) {
    auto read = co_await world.send("GET", "/api/v1/orders/" + order->id, &order->customer->session);
    if (!world.expect(read, 200, "GET /api/v1/orders/{id} as its customer")) break;
    status = text_of(parse_body(read.body), "status");
    if (status == "delivered") {
      ++world.stats.orders.confirmed;
      world.stats.delivered_order_ids.push_back(order->id);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      world.stats.unexpected("GET /api/v1/orders/" + order->id,
                             "still '" + status + "' 15 s after the driver handed it over (delivery.completed lost?)");
      break;
    }
    // Not through the runtime's sleep: a confirmation finishes even while the simulation stops.
    asio::steady_timer pause(world.runtime.executor(), 100ms);
    co_await pause.async_wait(asio::use_awaitable);
  }
  world.city.finish(*order);
}

asio::awaitable<void> give_up(World& world, std::shared_ptr<Order> order, std::string why) {
  if (order->finished) co_return;
  ++world.stats.orders.failed;
  world.city.finish(*order);
  co_await settle_order(world, order->id, "Simulation gave up: " + why);
}

}  // namespace nelo::app::demo::sim
