// Black-box tests of the real-time gateway (GET /api/v1/realtime, docs/realtime.md) on the real
// `nelo` binary, PostgreSQL and, for two processes, redis-server, with a Beast WebSocket client:
// a customer watches an order go from placed to delivered and sees the driver move; a driver gets
// an offer with no polling; another user's order is refused with an error and the socket stays
// open; an expired token closes with 4001 unless renewed over the socket; a revoked session
// closes with 4003; a client that stops reading is closed with 4008 while another on the same
// channel keeps hearing it; a client on one process hears an order change made on another.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"
#include "support/auth_client.hpp"
#include "support/dispatch_world.hpp"
#include "support/http_client.hpp"
#include "support/websocket_client.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kWait = 15s;

std::string text(const json::object& m, std::string_view key) {
  const auto* v = m.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t seq_of(const json::object& m) {
  const auto* v = m.if_contains("seq");
  return v && v->is_int64() ? v->as_int64() : v && v->is_uint64() ? static_cast<std::int64_t>(v->as_uint64()) : -1;
}

std::string all_frames(const WebSocketClient& c) {
  std::string out;
  for (const auto& f : c.frames()) out += f + "\n";
  return out;
}

WebSocketClient::Headers bearer_header(const TestAccount& who) {
  return {{"Authorization", "Bearer " + who.access_token}};
}

// The next event of `channel` named `event`, numbered after the last one seen (whether the events
// in between were looked at or not: the test checks the whole numbering at the end).
json::object expect_event(WebSocketClient& c, const std::string& channel, const std::string& event,
                          std::int64_t& last_seq) {
  auto m = c.wait_for([&](const json::object& x) { return text(x, "type") == "event" && text(x, "channel") == channel &&
                                                          text(x, "event") == event; },
                      kWait);
  EXPECT_TRUE(m.has_value()) << "no " << event << " on " << channel << "; received:\n" << all_frames(c);
  if (!m) return {};
  EXPECT_GT(seq_of(*m), last_seq) << "seq of " << event << " on " << channel << "\n" << all_frames(c);
  last_seq = seq_of(*m);
  return *m;
}

std::map<std::string, std::string> gateway_env() {
  return {{"NELO_REALTIME_AUTH_RECHECK_SECONDS", "1"}, {"NELO_REALTIME_AUTH_TIMEOUT_SECONDS", "2"}};
}

TEST(RealtimeE2E, ACustomerWatchesAnOrderFromPlacedToDeliveredAndSeesTheDriverMove) {
  DispatchWorld w(gateway_env());
  const double lat = 48.71, lng = 2.41;
  const TestAccount driver = w.driver(lat, lng, 300);
  const auto order = w.placed_order(lat, lng);

  WebSocketClient customer(w.process().port(), "/api/v1/realtime", bearer_header(order.customer));
  auto ready = customer.wait_for_type("ready", kWait);
  ASSERT_TRUE(ready) << all_frames(customer);
  EXPECT_EQ(text(*ready, "user_id"), order.customer.user_id);
  const std::string order_channel = "order:" + order.id;
  auto subscribed = subscribe(customer, order_channel);
  ASSERT_EQ(text(subscribed, "type"), "subscribed") << json::serialize(subscribed);
  EXPECT_EQ(seq_of(subscribed), 0);

  // The merchant's steps and the driver's, each heard once, in order, numbered 1, 2, 3... (the
  // placement itself is heard too when its event is delivered after the subscription)
  std::int64_t seq = 0;
  ASSERT_EQ(w.send("POST", "/api/v1/orders/" + order.id + "/accept", &order.owner).status, 200);
  auto accepted = expect_event(customer, order_channel, "order.accepted", seq);
  EXPECT_EQ(text(accepted.at("data").as_object(), "status"), "accepted");

  const std::string delivery = w.take(driver);
  ASSERT_FALSE(delivery.empty());
  auto assigned = expect_event(customer, order_channel, "delivery.assigned", seq);
  EXPECT_EQ(text(assigned.at("data").as_object(), "delivery_id"), delivery);
  EXPECT_EQ(text(assigned.at("data").as_object(), "driver_id"), driver.user_id);

  // The driver, held by the delivery now, is watched; a merchant never may.
  const std::string position_channel = "delivery:" + delivery + ":position";
  auto watching = subscribe(customer, position_channel);
  ASSERT_EQ(text(watching, "type"), "subscribed") << json::serialize(watching);
  {
    WebSocketClient merchant(w.process().port(), "/api/v1/realtime", bearer_header(order.owner));
    auto refused = subscribe(merchant, position_channel);
    EXPECT_EQ(text(refused, "type"), "error");
    EXPECT_EQ(text(refused, "code"), "forbidden");
    EXPECT_EQ(text(subscribe(merchant, order_channel), "type"), "subscribed") << "the shop's owner sees its order";
  }

  std::int64_t position_seq = 0;
  for (int step = 1; step <= 3; ++step) {
    const double moved = lat + (300.0 - 80 * step) / kMetresPerDegree;
    json::object ping{{"lat", moved}, {"lng", lng}, {"recorded_at", now_text()}};
    ASSERT_LT(w.send("PUT", std::string(kDriverMe) + "/location", &driver, json::serialize(ping)).status, 300);
    auto m = customer.wait_for(
        [&](const json::object& x) {
          if (text(x, "channel") != position_channel || text(x, "event") != "driver.moved") return false;
          return std::abs(x.at("data").at("lat").to_number<double>() - moved) < 1e-7;
        },
        kWait);
    ASSERT_TRUE(m) << "the driver's position " << step << "\n" << all_frames(customer);
    EXPECT_GT(seq_of(*m), position_seq);
    position_seq = seq_of(*m);
    EXPECT_EQ(text(m->at("data").as_object(), "driver_id"), driver.user_id);
  }

  auto r = w.send("POST", "/api/v1/deliveries/" + delivery + "/arrived-pickup", &driver);
  ASSERT_EQ(r.status, 200) << r.body;
  w.ready(order);
  expect_event(customer, order_channel, "order.preparing", seq);
  expect_event(customer, order_channel, "order.ready_for_pickup", seq);
  ASSERT_EQ(w.send("POST", "/api/v1/deliveries/" + delivery + "/picked-up", &driver).status, 200);
  // Both the delivery's event and the order's follow (their relative order is the bus's).
  auto picked = customer.wait_for([&](const json::object& x) { return text(x, "event") == "order.picked_up"; }, kWait);
  ASSERT_TRUE(picked) << all_frames(customer);
  ASSERT_EQ(w.send("POST", "/api/v1/deliveries/" + delivery + "/arrived-dropoff", &driver).status, 200);
  const std::string pin(w.order_once(order, "picked_up").at("delivery").at("pin").as_string());
  r = w.send("POST", "/api/v1/deliveries/" + delivery + "/delivered", &driver, R"({"pin": ")" + pin + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto delivered = customer.wait_for([&](const json::object& x) { return text(x, "event") == "order.delivered"; }, kWait);
  ASSERT_TRUE(delivered) << all_frames(customer);
  EXPECT_EQ(text(delivered->at("data").as_object(), "status"), "delivered");

  // The privacy window closed: the position channel ended (with the delivery's last event, so
  // before or after the order's), the order channel stays.
  customer.next(500ms);  // whatever is still on its way
  std::optional<json::object> ended;
  for (const auto& frame : customer.frames()) {
    const json::value parsed = json::parse(frame);
    for (const auto& m : parsed.as_array()) {
      if (text(m.as_object(), "type") == "unsubscribed" && text(m.as_object(), "channel") == position_channel) {
        ended = m.as_object();
      }
    }
  }
  ASSERT_TRUE(ended) << all_frames(customer);
  EXPECT_EQ(text(*ended, "reason"), "delivered");

  // Every event of the order channel was numbered without a gap.
  std::vector<std::int64_t> numbers;
  for (const auto& frame : customer.frames()) {
    const json::value parsed = json::parse(frame);
    for (const auto& m : parsed.as_array()) {
      if (text(m.as_object(), "channel") == order_channel && text(m.as_object(), "type") == "event") {
        numbers.push_back(seq_of(m.as_object()));
      }
    }
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], static_cast<std::int64_t>(i + 1));
  EXPECT_GE(numbers.size(), 7u) << all_frames(customer);
  EXPECT_TRUE(customer.is_open());
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

TEST(RealtimeE2E, ADriverGetsAnOfferWithNoPolling) {
  DispatchWorld w(gateway_env());
  const double lat = 48.72, lng = 2.42;
  const TestAccount driver = w.driver(lat, lng, 200);
  WebSocketClient socket(w.process().port());  // a browser: the token comes as the first message
  socket.send(json::object{{"type", "auth"}, {"token", driver.access_token}, {"id", "a1"}});
  auto ready = socket.wait_for_type("ready", kWait);
  ASSERT_TRUE(ready) << all_frames(socket);
  EXPECT_EQ(text(*ready, "id"), "a1");
  ASSERT_EQ(text(subscribe(socket, "driver:offers"), "type"), "subscribed");

  const auto order = w.accepted_order(lat, lng);
  auto offer = socket.wait_for([](const json::object& x) { return text(x, "event") == "offer.made"; }, kWait);
  ASSERT_TRUE(offer) << all_frames(socket);
  EXPECT_EQ(text(*offer, "channel"), "driver:offers");
  EXPECT_EQ(seq_of(*offer), 1);
  const json::object& data = offer->at("data").as_object();
  EXPECT_EQ(text(data, "driver_id"), driver.user_id);
  EXPECT_FALSE(text(data, "expires_at").empty());
  // The same offer the polling route lists.
  const json::array listed = w.offers(driver);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(text(data, "offer_id"), std::string(listed[0].at("id").as_string()));
  (void)order;

  // A customer may not listen to drivers' offers, nor an admin's city.
  const TestAccount customer = w.account("customer");
  WebSocketClient other(w.process().port(), "/api/v1/realtime", bearer_header(customer));
  EXPECT_EQ(text(subscribe(other, "driver:offers"), "code"), "forbidden");
  EXPECT_EQ(text(subscribe(other, "admin:city"), "code"), "forbidden");
}

TEST(RealtimeE2E, AnotherUsersOrderIsRefusedAndTheSocketStaysOpen) {
  DispatchWorld w(gateway_env());
  const auto order = w.placed_order(48.73, 2.43);
  const TestAccount stranger = w.account("customer");
  WebSocketClient socket(w.process().port(), "/api/v1/realtime", bearer_header(stranger));
  ASSERT_TRUE(socket.wait_for_type("ready", kWait));

  auto refused = subscribe(socket, "order:" + order.id);
  EXPECT_EQ(text(refused, "type"), "error");
  EXPECT_EQ(text(refused, "code"), "forbidden");
  EXPECT_EQ(text(refused, "channel"), "order:" + order.id);
  // Unknown ids answer the same (no oracle); unknown channels and bad messages are errors too.
  EXPECT_EQ(text(subscribe(socket, "order:" + new_uuid()), "code"), "forbidden");
  EXPECT_EQ(text(subscribe(socket, "order:not-a-uuid"), "code"), "bad_request");
  EXPECT_EQ(text(subscribe(socket, "weather"), "code"), "bad_request");
  socket.send("{not json");
  auto malformed = socket.wait_for_type("error", kWait);
  ASSERT_TRUE(malformed);
  EXPECT_EQ(text(*malformed, "code"), "bad_request");
  socket.send(R"({"type": "subscribe", "channel": "notifications", "extra": 1})");
  auto invalid = socket.wait_for_type("error", kWait);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(text(*invalid, "code"), "invalid");

  // Still open: a ping is answered, and the merchant's change of that order never reaches it.
  socket.send(R"({"type": "ping", "id": 7})");
  auto pong = socket.wait_for_type("pong", kWait);
  ASSERT_TRUE(pong) << all_frames(socket);
  EXPECT_EQ(pong->at("id").as_int64(), 7);
  ASSERT_EQ(w.send("POST", "/api/v1/orders/" + order.id + "/accept", &order.owner).status, 200);
  EXPECT_FALSE(socket.wait_for_type("event", 1500ms)) << all_frames(socket);
  EXPECT_TRUE(socket.is_open());

  // Its own notifications channel is fine; an admin watches the city and the order.
  EXPECT_EQ(text(subscribe(socket, "notifications"), "type"), "subscribed");
  WebSocketClient admin(w.process().port(), "/api/v1/realtime", bearer_header(w.admin()));
  EXPECT_EQ(text(subscribe(admin, "admin:city"), "type"), "subscribed");
  EXPECT_EQ(text(subscribe(admin, "order:" + order.id), "type"), "subscribed");
}

TEST(RealtimeE2E, WithoutAValidTokenTheSocketClosesWith4000) {
  DispatchWorld w(gateway_env());
  {
    WebSocketClient silent(w.process().port());  // never authenticates
    EXPECT_EQ(silent.wait_closed(kWait), 4000) << all_frames(silent);
  }
  {
    WebSocketClient forged(w.process().port(), "/api/v1/realtime", {{"Authorization", "Bearer not.a.token"}});
    EXPECT_EQ(forged.wait_closed(kWait), 4000) << all_frames(forged);
  }
  {
    WebSocketClient early(w.process().port());
    early.send(R"({"type": "subscribe", "channel": "notifications", "id": 1})");
    auto refused = early.wait_for_type("error", kWait);
    ASSERT_TRUE(refused);
    EXPECT_EQ(text(*refused, "code"), "unauthenticated");
  }
  // A plain GET is not an upgrade.
  auto c = w.client();
  EXPECT_EQ(c.request("GET", "/api/v1/realtime", "", {}).status, 400);
}

// The access token lives NELO_JWT_ACCESS_TTL_SECONDS (30 s, its minimum, here): a socket that is
// not given a new one closes with 4001 when it expires; one renewed over the socket stays open.
TEST(RealtimeE2E, AnExpiredTokenClosesWith4001UnlessRenewedOverTheSocket) {
  auto env = gateway_env();
  env["NELO_JWT_ACCESS_TTL_SECONDS"] = "30";
  DispatchWorld w(env);
  TestAccount customer = w.account("customer");
  WebSocketClient expiring(w.process().port(), "/api/v1/realtime", bearer_header(customer));
  WebSocketClient renewed(w.process().port(), "/api/v1/realtime", bearer_header(customer));
  ASSERT_TRUE(expiring.wait_for_type("ready", kWait));
  ASSERT_TRUE(renewed.wait_for_type("ready", kWait));
  ASSERT_EQ(text(subscribe(renewed, "notifications"), "type"), "subscribed");

  std::this_thread::sleep_for(10s);
  auto c = w.client();
  auto fresh = refresh(c, customer.refresh_token);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const std::string token(fresh.json().at("access_token").as_string());
  renewed.send(json::object{{"type", "auth"}, {"token", token}});
  auto answer = renewed.wait_for_type("renewed", kWait);
  ASSERT_TRUE(answer) << all_frames(renewed);

  EXPECT_EQ(expiring.wait_closed(40s), 4001) << all_frames(expiring);
  renewed.send(R"({"type": "ping"})");
  EXPECT_TRUE(renewed.wait_for_type("pong", kWait)) << all_frames(renewed);
  EXPECT_TRUE(renewed.is_open());
}

TEST(RealtimeE2E, ARevokedSessionIsClosedWith4003) {
  DispatchWorld w(gateway_env());
  TestAccount customer = w.account("customer");
  WebSocketClient socket(w.process().port(), "/api/v1/realtime", bearer_header(customer));
  ASSERT_TRUE(socket.wait_for_type("ready", kWait));
  auto out = w.send("POST", "/api/v1/auth/logout", &customer);
  ASSERT_LT(out.status, 300) << out.body;
  // NELO_REALTIME_AUTH_RECHECK_SECONDS is 1 here.
  EXPECT_EQ(socket.wait_closed(10s), 4003) << all_frames(socket);
}

// The value of an unlabelled counter on the admin listener's /metrics; -1 when absent.
double metric(const DispatchWorld& w, const std::string& name) {
  HttpClient admin("127.0.0.1", w.process().admin_port());
  auto r = admin.get("/metrics");
  std::istringstream lines(r.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name, 0) != 0) continue;
    const std::string rest = line.substr(name.size());
    if (rest.empty() || (rest[0] != ' ' && rest[0] != '{')) continue;  // another series with this prefix
    return std::stod(line.substr(line.find_last_of(' ') + 1));
  }
  return -1;
}

// Two admins watch the city while three drivers pour positions in. One never reads its socket
// (a small receive buffer here, and a small send buffer on the server, so the kernel holds little):
// its queue fills (positions of three drivers, a queue of two) and stays full past the grace, so
// it is closed with 4008. The other reads all along and keeps hearing the city to the end.
TEST(RealtimeE2E, AClientThatStopsReadingIsClosedWith4008WhileAReaderKeepsHearing) {
  auto env = gateway_env();
  env["NELO_REALTIME_QUEUE_MESSAGES"] = "2";
  env["NELO_REALTIME_SLOW_CLIENT_GRACE_MS"] = "300";
  env["NELO_REALTIME_SEND_BUFFER_BYTES"] = "4096";
  DispatchWorld w(env);
  const double lat = 48.76, lng = 2.46;
  std::vector<TestAccount> drivers;
  for (int i = 0; i < 3; ++i) drivers.push_back(w.driver(lat, lng, 100.0 * (i + 1)));
  const TestAccount admin = w.admin();

  WebSocketClient slow(w.process().port(), "/api/v1/realtime", bearer_header(admin), 4096);
  WebSocketClient reader(w.process().port(), "/api/v1/realtime", bearer_header(admin));
  ASSERT_EQ(text(subscribe(slow, "admin:city"), "type"), "subscribed");
  ASSERT_EQ(text(subscribe(reader, "admin:city"), "type"), "subscribed");
  ASSERT_EQ(metric(w, "nelo_realtime_slow_clients_total"), 0);

  // The reader reads on its own thread (the client is its alone until joined); the last position,
  // sent once the slow client is closed, is the one it must hear.
  const double last_lat = lat + 7.0 / kMetresPerDegree;
  std::atomic<bool> stop{false};
  std::atomic<int> heard{0};
  std::atomic<bool> heard_last{false};
  std::thread reading([&] {
    while (!stop && reader.is_open()) {
      auto m = reader.next(50ms);
      if (!m || text(*m, "event") != "driver.moved") continue;
      ++heard;
      if (std::abs(m->at("data").at("lat").to_number<double>() - last_lat) < 1e-9) heard_last = true;
    }
  });

  HttpClient publisher = w.client();
  int sent = 0;
  auto ping = [&](const TestAccount& driver, double at_lat) {
    json::object body{{"lat", at_lat}, {"lng", lng}, {"recorded_at", now_text()}};
    auto r = publisher.request("PUT", std::string(kDriverMe) + "/location", json::serialize(body),
                               {bearer(driver.access_token), {"Content-Type", "application/json"}});
    EXPECT_LT(r.status, 300) << r.body;
    ++sent;
  };
  const auto deadline = std::chrono::steady_clock::now() + 8s;
  double slow_closed = 0;
  while (std::chrono::steady_clock::now() < deadline && slow_closed < 1) {
    for (int k = 0; k < 30; ++k) {
      const std::size_t i = static_cast<std::size_t>(sent) % drivers.size();
      ping(drivers[i], lat + (100.0 * static_cast<double>(i + 1) + (sent % 10)) / kMetresPerDegree);
    }
    slow_closed = metric(w, "nelo_realtime_slow_clients_total");
  }
  ASSERT_EQ(slow_closed, 1) << "after " << sent << " positions; the reader heard " << heard;
  ping(drivers[0], last_lat);
  for (int i = 0; i < 100 && !heard_last; ++i) std::this_thread::sleep_for(50ms);
  stop = true;
  reading.join();

  EXPECT_TRUE(heard_last) << "the reader did not hear the last position; it heard " << heard << " of " << sent;
  EXPECT_TRUE(reader.is_open());
  EXPECT_GT(metric(w, "nelo_realtime_dropped_total"), 0);
  // The slow client, reading again, gets what the kernel held, then the close frame.
  EXPECT_EQ(slow.wait_closed(5s), 4008) << all_frames(slow);
  EXPECT_EQ(metric(w, "nelo_realtime_slow_clients_total"), 1) << "only the slow client";
}

// Two nelo processes on one database and one Redis: the customer listens through the second, the
// merchant accepts through the first, whose bus delivers the event to one of them; Redis carries it
// to the other.
TEST(RealtimeE2E, AClientOnOneProcessHearsAnOrderChangeMadeOnAnother) {
  const char* redis = std::getenv("NELO_TEST_REDIS_URL");
  if (!redis || !*redis) GTEST_SKIP() << "NELO_TEST_REDIS_URL is not set (./scripts/test starts a redis-server)";
  auto env = gateway_env();
  env["REDIS_URL"] = redis;
  env["NELO_REDIS_KEY_PREFIX"] = "realtime-" + new_uuid();
  DispatchWorld w(env);
  w.start_second();
  const double lat = 48.74, lng = 2.44;
  const TestAccount driver = w.driver(lat, lng, 250);  // pinged to the first process
  const auto order = w.placed_order(lat, lng);

  WebSocketClient on_second(w.process(1).port(), "/api/v1/realtime", bearer_header(order.customer));
  ASSERT_TRUE(on_second.wait_for_type("ready", kWait));
  const std::string channel = "order:" + order.id;
  ASSERT_EQ(text(subscribe(on_second, channel), "type"), "subscribed");
  std::this_thread::sleep_for(500ms);  // the second process's Redis subscription is up
  ASSERT_EQ(w.send_via(0, "POST", "/api/v1/orders/" + order.id + "/accept", &order.owner).status, 200);
  std::int64_t seq = 0;
  expect_event(on_second, channel, "order.accepted", seq);

  // And a driver's position pinged to the first reaches an admin watching the city on the second.
  WebSocketClient admin(w.process(1).port(), "/api/v1/realtime", bearer_header(w.admin()));
  ASSERT_EQ(text(subscribe(admin, "admin:city"), "type"), "subscribed");
  const double moved = lat + 50 / kMetresPerDegree;
  json::object ping{{"lat", moved}, {"lng", lng}, {"recorded_at", now_text()}};
  ASSERT_LT(w.send_via(0, "PUT", std::string(kDriverMe) + "/location", &driver, json::serialize(ping)).status, 300);
  auto seen = admin.wait_for(
      [&](const json::object& x) {
        return text(x, "event") == "driver.moved" && text(x.at("data").as_object(), "driver_id") == driver.user_id;
      },
      kWait);
  EXPECT_TRUE(seen) << all_frames(admin);
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

}  // namespace
}  // namespace nelo::test
