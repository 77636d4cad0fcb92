#include "app/demo/simulate/driver_actor.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "app/demo/simulate/city.hpp"
#include "app/demo/simulate/janitor.hpp"
#include "app/demo/simulate/json_read.hpp"
#include "app/demo/simulate/options.hpp"
#include "app/demo/simulate/order_actor.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/statistics.hpp"
#include "core/json_text.hpp"
#include "core/time.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr Vehicle kVehicles[] = {{"bike", 15}, {"bike", 15}, {"scooter", 25}, {"scooter", 25}, {"car", 22}};

// Pings: every few simulated seconds on the move, every half minute parked; in real time never
// more often than kMinPing (a device has its limits too) and never rarer than the server's
// silence limit allows (a driver silent for 60 s is offered nothing).
constexpr double kMovingPingSim = 5;
constexpr double kParkedPingSim = 30;
constexpr auto kMinMovingPing = 200ms;
constexpr auto kMinParkedPing = 500ms;
constexpr auto kMaxMovingPing = 5s;
constexpr auto kMaxParkedPing = 20s;
// Offers are polled in real time: their deadline on the server is in real seconds.
constexpr auto kOfferPoll = 500ms;
// A driver reads an offer and taps accept (or decline) after a few simulated seconds, within
// kMaxReaction of real time whatever the speed-up (the offer's deadline is 30 real seconds).
constexpr double kReactionMin = 3, kReactionMax = 10;
constexpr auto kMaxReaction = 10s;
// Time spent at the shop and at the door, in simulated seconds.
constexpr double kAtShopMin = 30, kAtShopMax = 90;
constexpr double kAtDoorMin = 20, kAtDoorMax = 60;
// Going offline is retried this long while the server says a delivery is still held.
constexpr auto kOfflineWithin = 5s;
// An offer for a delivery the customers' side has not learnt yet is waited for this long.
constexpr auto kRecogniseWithin = 3s;

Runtime::Duration clamp_real(Runtime::Duration d, Runtime::Duration low, Runtime::Duration high) {
  return std::clamp(d, std::chrono::duration_cast<Runtime::Duration>(low),
                    std::chrono::duration_cast<Runtime::Duration>(high));
}

double round6(double x) { return std::round(x * 1e6) / 1e6; }

std::string recorded_now() {
  return to_rfc3339_millis(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
}

double speed_mps(const Driver& d) { return d.vehicle.speed_kmh / 3.6; }

asio::awaitable<bool> ping(World& world, Driver& driver, double speed) {
  const double heading = std::round(driver.heading * 10) / 10;  // rounding 359.96 up would be out of range
  json::object fix{{"lat", round6(driver.at.lat)},
                   {"lng", round6(driver.at.lng)},
                   {"accuracy_m", 5.0},
                   {"heading", heading >= 360 ? 0.0 : heading},
                   {"speed_mps", std::round(speed * 10) / 10},
                   {"recorded_at", recorded_now()}};
  auto answer = co_await world.send("PUT", "/api/v1/deliveries/drivers/me/location", &driver.session,
                                    to_json_text(fix));
  ++world.stats.pings;
  co_return world.expect(answer, 200, "PUT /api/v1/deliveries/drivers/me/location");
}

// Along a street-like route to `target`, pinging on the way. False when the simulation stopped.
asio::awaitable<bool> drive_to(World& world, Driver& driver, GeoPoint target) {
  auto& runtime = world.runtime;
  const Route route(driver.at, target, runtime.chance(0.5));
  const double speed = speed_mps(driver);
  const auto tick = clamp_real(runtime.real_of_sim(kMovingPingSim), kMinMovingPing, kMaxMovingPing);
  double travelled = 0;
  auto last = Clock::now();
  while (travelled < route.length_m()) {
    if (!co_await runtime.sleep_real(tick)) co_return false;
    const auto now = Clock::now();
    travelled += speed * runtime.speedup() * std::chrono::duration<double>(now - last).count();
    last = now;
    driver.heading = route.heading_at(travelled);
    driver.at = route.position_at(travelled);
    co_await ping(world, driver, travelled < route.length_m() ? speed : 0.0);
  }
  driver.at = target;
  co_return true;
}

asio::awaitable<bool> step(World& world, Driver& driver, const std::string& delivery_id, const char* action,
                           std::string body = {}) {
  auto answer = co_await world.send("POST", "/api/v1/deliveries/" + delivery_id + "/" + action, &driver.session,
                                    std::move(body));
  co_return world.expect(answer, 200, std::string("POST /api/v1/deliveries/{id}/") + action + " as its driver");
}

Runtime::Duration parked_ping_interval(const Runtime& runtime) {
  return clamp_real(runtime.real_of_sim(kParkedPingSim), kMinParkedPing, kMaxParkedPing);
}

// Parked for `seconds` of simulated time (at the shop, at the door), pinging as a parked
// device does. False when the simulation stopped.
asio::awaitable<bool> linger(World& world, Driver& driver, double seconds) {
  auto& runtime = world.runtime;
  const auto until = Clock::now() + runtime.real_of_sim(seconds);
  const auto interval = parked_ping_interval(runtime);
  while (Clock::now() < until) {
    const auto left = std::chrono::duration_cast<Runtime::Duration>(until - Clock::now());
    if (!co_await runtime.sleep_real(std::min(left, interval))) co_return false;
    if (Clock::now() < until) co_await ping(world, driver, 0.0);
  }
  co_return true;
}

// At the shop until the kitchen is done: picked up earlier, the order would not follow (the
// server ignores a pick-up before ready, by design). False when stopped or given up meanwhile.
asio::awaitable<bool> wait_until_ready(World& world, Driver& driver, const Order& order) {
  auto& runtime = world.runtime;
  auto next_ping = Clock::now() + parked_ping_interval(runtime);
  while (!order.ready && !order.finished) {
    if (!co_await runtime.sleep_real(100ms)) co_return false;
    if (Clock::now() >= next_ping) {
      co_await ping(world, driver, 0.0);
      next_ping = Clock::now() + parked_ping_interval(runtime);
    }
  }
  co_return !order.finished;
}

// From the accepted offer to the hand-over. Stopped on the way, the delivery is left as it is:
// the clean-up settles it.
asio::awaitable<void> deliver(World& world, Driver& driver, std::shared_ptr<Order> order, GeoPoint pickup,
                              GeoPoint dropoff, WaitGroup& followups) {
  auto& runtime = world.runtime;
  auto& stats = world.stats;
  const std::string id = order->delivery_id;
  if (!co_await drive_to(world, driver, pickup)) co_return;
  if (!co_await step(world, driver, id, "arrived-pickup")) {
    co_await give_up(world, order, "arrived-pickup refused");
    co_return;
  }
  if (!co_await linger(world, driver, runtime.uniform(kAtShopMin, kAtShopMax))) co_return;
  if (!co_await wait_until_ready(world, driver, *order)) co_return;
  if (!co_await step(world, driver, id, "picked-up")) {
    co_await give_up(world, order, "picked-up refused");
    co_return;
  }
  ++stats.orders.picked_up;
  if (!co_await drive_to(world, driver, dropoff)) co_return;
  if (!co_await step(world, driver, id, "arrived-dropoff")) {
    co_await give_up(world, order, "arrived-dropoff refused");
    co_return;
  }
  const std::string pin = co_await read_pin(world, *order);
  if (!co_await linger(world, driver, runtime.uniform(kAtDoorMin, kAtDoorMax))) co_return;
  bool handed_over = false;
  if (!pin.empty()) {
    json::object hand_over{{"pin", pin}};
    handed_over = co_await step(world, driver, id, "delivered", to_json_text(hand_over));
  }
  if (!handed_over) {
    co_await give_up(world, order, "the hand-over was refused");
    co_return;
  }
  order->handed_over = true;
  ++stats.orders.delivered;
  stats.mark_delivered();
  stats.deliver_minutes.add(std::chrono::duration<double>(Clock::now() - order->placed_at).count() *
                            runtime.speedup() / 60.0);
  spawn(runtime, stats, followups, confirm_delivered(world, order), "confirming a delivered order");
}

// An offer: recognised as one of this run's deliveries, then accepted (and delivered) or
// declined. True when the driver took it: the list of offers read before is stale by now.
asio::awaitable<bool> answer_offer(World& world, Driver& driver, const json::value& offer, WaitGroup& followups) {
  auto& runtime = world.runtime;
  auto& stats = world.stats;
  const std::string offer_id = text_of(offer, "id");
  const std::string path = "/api/v1/deliveries/offers/" + offer_id;
  ++stats.offers.seen;

  auto order = world.city.order_of_delivery(text_of(offer, "delivery_id"));
  const auto give_up_at = Clock::now() + kRecogniseWithin;
  while (!order && Clock::now() < give_up_at) {
    if (!co_await runtime.sleep_real(100ms)) co_return false;
    order = world.city.order_of_delivery(text_of(offer, "delivery_id"));
  }
  const bool decline = !order || runtime.chance(world.options.decline_probability);
  const auto reaction = std::min(runtime.real_of_sim(runtime.uniform(kReactionMin, kReactionMax)),
                                 std::chrono::duration_cast<Runtime::Duration>(kMaxReaction));
  if (!co_await runtime.sleep_real(reaction)) co_return false;

  if (decline) {
    auto answer = co_await world.send("POST", path + "/decline", &driver.session);
    if (answer.status == 409) {
      ++stats.offers.lost;  // expired meanwhile
    } else if (world.expect(answer, 204, "POST /api/v1/deliveries/offers/{id}/decline")) {
      ++(order ? stats.offers.declined : stats.offers.foreign);
    }
    co_return false;
  }
  auto answer = co_await world.send("POST", path + "/accept", &driver.session);
  if (answer.status == 409) {  // expired, or taken (with a fan-out above 1)
    ++stats.offers.lost;
    co_return false;
  }
  if (!world.expect(answer, 200, "POST /api/v1/deliveries/offers/{id}/accept")) co_return false;
  ++stats.offers.accepted;
  if (order->finished) {  // given up meanwhile: settled, which frees the driver
    co_await settle_order(world, order->id, "Simulation gave up on it");
    co_return true;
  }
  order->assigned = true;
  ++stats.orders.assigned;
  stats.assign_seconds.add(std::chrono::duration<double>(Clock::now() - order->accepted_at).count());

  const auto delivery = parse_body(answer.body);
  const auto* pickup = field(delivery, "pickup");
  const auto* dropoff = field(delivery, "dropoff");
  if (!pickup || !dropoff) {
    stats.unexpected(path + "/accept", "the accepted delivery has no pickup or dropoff");
    co_await give_up(world, order, "the accepted delivery was unreadable");
    co_return true;
  }
  const GeoPoint from{number_of(*pickup, "lat"), number_of(*pickup, "lng")};
  const GeoPoint to{number_of(*dropoff, "lat"), number_of(*dropoff, "lng")};
  driver.busy = true;
  ++stats.drivers_busy;
  co_await deliver(world, driver, order, from, to, followups);
  driver.busy = false;
  --stats.drivers_busy;
  co_return true;
}

}  // namespace

const Vehicle& vehicle_of(int index) { return kVehicles[static_cast<std::size_t>(index) % std::size(kVehicles)]; }

asio::awaitable<bool> go_online(World& world, Driver& driver) {
  json::object profile{{"vehicle", driver.vehicle.name}, {"capacity", 1}};
  auto made = co_await world.send("PUT", "/api/v1/deliveries/drivers/me", &driver.session, to_json_text(profile));
  if (made.status != 201 && !world.expect(made, 200, "PUT /api/v1/deliveries/drivers/me")) co_return false;
  auto online = co_await world.send("POST", "/api/v1/deliveries/drivers/me/online", &driver.session);
  if (!world.expect(online, 200, "POST /api/v1/deliveries/drivers/me/online")) co_return false;
  driver.online = true;
  ++world.stats.drivers_online;
  co_return co_await ping(world, driver, 0.0);
}

asio::awaitable<void> drive_shift(World& world, Driver& driver, WaitGroup& followups) {
  auto& runtime = world.runtime;
  const auto parked_ping = parked_ping_interval(runtime);
  auto last_ping = Clock::now();
  while (!runtime.stopping()) {
    if (Clock::now() - last_ping >= parked_ping) {
      co_await ping(world, driver, 0.0);
      last_ping = Clock::now();
    }
    auto listed = co_await world.send("GET", "/api/v1/deliveries/offers", &driver.session);
    if (world.expect(listed, 200, "GET /api/v1/deliveries/offers")) {
      for (const auto& offer : items_of(parse_body(listed.body))) {
        if (runtime.stopping()) break;
        if (!driver.seen_offers.insert(text_of(offer, "id")).second) continue;
        const bool took = co_await answer_offer(world, driver, offer, followups);
        last_ping = Clock::now();
        if (took) break;
      }
      if (driver.seen_offers.size() > 256) driver.seen_offers.clear();
    }
    if (!co_await runtime.sleep_real(kOfferPoll)) break;
  }
}

asio::awaitable<bool> go_offline(World& world, Driver& driver) {
  if (!driver.online) co_return true;
  // A delivery cancelled with its order is cancelled by an event a moment later: until then the
  // driver still holds it (409 active-delivery).
  const auto give_up_at = Clock::now() + kOfflineWithin;
  while (true) {
    auto answer = co_await world.send("POST", "/api/v1/deliveries/drivers/me/offline", &driver.session);
    if (answer.status == 409 && Clock::now() < give_up_at) {
      asio::steady_timer pause(world.runtime.executor(), 200ms);
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    if (answer.status == 409) co_return false;  // still holding a delivery
    if (!world.expect(answer, 200, "POST /api/v1/deliveries/drivers/me/offline")) co_return false;
    driver.online = false;
    --world.stats.drivers_online;
    co_return true;
  }
}

}  // namespace nelo::app::demo::sim
