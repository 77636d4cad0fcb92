// Issue 17's closing check on the real `nelo` binary: 500 orders mixing every sandbox token and
// cash, in a seeded random order, through the real webhook path; the 3-D Secure ones confirmed or
// refused on their page; some cancelled after authorization (voids), some delivered (captures
// and cash collections), some of those refunded in parts. Then `nelo payments reconcile` finds no
// difference between payments, refunds, the ledger and the sandbox processor's own records, and
// no card token is in any table or in the server's log.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"
#include "support/dispatch_world.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::vector<std::string> kTokens = {"tok_visa",         "tok_declined", "tok_insufficient_funds",
                                          "tok_expired_card", "tok_slow",     "tok_3ds",
                                          "cash"};

std::string field(const json::value& object, const char* name) {
  const json::value& v = object.at(name);
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

// Waits until `sql` (a count) is 0; returns the last count.
std::string zero_once(DispatchWorld& w, const std::string& sql, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string count = w.database().value(sql);
  while (count != "0" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    count = w.database().value(sql);
  }
  return count;
}

TEST(PaymentsRandomizedE2E, FiveHundredOrdersOfEveryKindReconcileWithNoDifferenceAndLeaveNoToken) {
  DispatchWorld w({{"NELO_PAYMENTS_SANDBOX_SLOW_MS", "1000"},
                   {"NELO_OUTBOX_RETRY_BASE_MS", "200"},
                   {"NELO_PAYMENTS_WEBHOOK_SECRETS", "whsec_e2e_randomized_000001"}});
  const double lat = 48.70, lng = 2.70;
  const TestAccount driver = w.driver(lat, lng, 300);
  const auto first = w.placed_order(lat, lng);  // the shop, its product and a customer with an address
  ASSERT_FALSE(first.id.empty());
  auto seen = w.send("GET", "/api/v1/orders/" + first.id, &first.customer);
  ASSERT_EQ(seen.status, 200) << seen.body;
  const json::value first_order = seen.json();
  const std::string merchant = field(first_order, "merchant_id");
  const std::string product = field(first_order.at("items").as_array().at(0), "product_id");
  auto addresses = w.send("GET", "/api/v1/users/me/addresses", &first.customer);
  ASSERT_EQ(addresses.status, 200) << addresses.body;
  const json::value address_list = addresses.json();
  const std::string address = field(address_list.at("items").as_array().at(0), "id");

  std::mt19937 random(20261207);
  struct Placed {
    DispatchWorld::Order order;
    std::string token;
  };
  std::vector<Placed> placed;
  for (int i = 0; i < 500; ++i) {
    const std::string& token = kTokens[random() % kTokens.size()];
    json::object payment = token == "cash" ? json::object{{"method", "cash"}}
                                           : json::object{{"method", "card"}, {"token", token}};
    json::object body{{"merchant_id", merchant},
                      {"address_id", address},
                      {"items", json::array{json::object{{"product_id", product}, {"quantity", 1 + i % 3}}}},
                      {"payment", payment}};
    auto r = w.send("POST", "/api/v1/orders", &first.customer, json::serialize(body),
                    {{"Idempotency-Key", new_uuid()}});
    ASSERT_EQ(r.status, 201) << r.body;
    DispatchWorld::Order order = first;
    order.id = field(r.json(), "id");
    placed.push_back({order, token});
  }

  // Each 3-D Secure card is confirmed, or refused, on the page its order names.
  for (const auto& p : placed) {
    if (p.token != "tok_3ds") continue;
    std::string action_url;
    for (int i = 0; i < 100 && action_url.size() < 5; ++i, std::this_thread::sleep_for(50ms)) {
      const json::value order = w.order_once(p.order, "pending_payment", 1ms);
      const json::value& payment = order.at("payment");
      if (payment.is_object() && payment.at("action_url").is_string()) action_url = field(payment, "action_url");
    }
    const auto path_at = action_url.find("/api/v1/payments/sandbox/3ds/");
    ASSERT_NE(path_at, std::string::npos) << action_url;
    const std::string outcome = random() % 3 == 0 ? "refuse" : "approve";
    ASSERT_EQ(w.send("POST", action_url.substr(path_at) + "?outcome=" + outcome, nullptr).status, 200);
  }
  EXPECT_EQ(zero_once(w, "SELECT count(*) FROM orders.orders WHERE status = 'pending_payment'", 90s), "0")
      << "every card was answered, by webhook";

  // Some customers change their mind once their card is held: the hold is voided.
  int cancelled = 0;
  std::vector<const Placed*> kept;
  for (const auto& p : placed) {
    const std::string status =
        w.database().value("SELECT status FROM orders.orders WHERE id = '" + p.order.id + "'");
    if (status != "placed") continue;
    if (random() % 4 == 0) {
      auto r = w.send("POST", "/api/v1/orders/" + p.order.id + "/cancel", &p.order.customer,
                      R"({"reason": "changed my mind"})");
      ASSERT_EQ(r.status, 200) << r.body;
      ++cancelled;
    } else {
      kept.push_back(&p);
    }
  }
  EXPECT_GT(cancelled, 20);

  // A few are delivered (cards captured, cash collected), and two of those refunded in parts.
  std::vector<std::string> delivered;
  for (const Placed* p : kept) {
    if (delivered.size() == 4) break;
    const bool wanted = p->token == "cash" ? delivered.size() == 3 : delivered.size() < 3;
    if (!wanted) continue;
    ASSERT_EQ(w.send("POST", "/api/v1/orders/" + p->order.id + "/accept", &p->order.owner).status, 200);
    const std::string delivery = w.take(driver);
    ASSERT_FALSE(delivery.empty());
    const json::value details = w.order_once(p->order, "accepted");
    const std::string pin = field(details.at("delivery"), "pin");
    ASSERT_EQ(w.send("POST", delivery_path(delivery, "arrived-pickup"), &driver).status, 200);
    w.ready(p->order);
    ASSERT_EQ(w.send("POST", delivery_path(delivery, "picked-up"), &driver).status, 200);
    ASSERT_EQ(w.send("POST", delivery_path(delivery, "arrived-dropoff"), &driver).status, 200);
    ASSERT_EQ(w.send("POST", delivery_path(delivery, "delivered"), &driver, R"({"pin": ")" + pin + R"("})").status,
              200);
    delivered.push_back(p->order.id);
  }
  ASSERT_EQ(delivered.size(), 4u);
  for (const auto& id : delivered) {
    ASSERT_EQ(zero_once(w, "SELECT count(*) FROM payments.payments WHERE order_id = '" + id +
                               "' AND status <> 'captured'", 30s),
              "0");
  }
  for (int which = 0; which < 2; ++which) {
    const std::string payment =
        w.database().value("SELECT id FROM payments.payments WHERE order_id = '" + delivered[which] + "'");
    const std::int64_t amount = std::stoll(
        w.database().value("SELECT amount FROM payments.payments WHERE id = '" + payment + "'"));
    std::vector<std::int64_t> parts = {amount / 3};
    if (which == 0) parts.push_back(amount - amount / 3);  // the rest
    for (const auto part : parts) {
      json::object body{{"amount", json::object{{"amount", part}, {"currency", "EUR"}}}, {"reason", "Cold pizza"}};
      auto r = w.send("POST", "/api/v1/payments/" + payment + "/refunds", &w.admin(), json::serialize(body),
                      {{"Idempotency-Key", new_uuid()}});
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }

  // Every hold of a cancelled order released; nothing left half-way.
  EXPECT_EQ(zero_once(w, "SELECT count(*) FROM payments.payments p JOIN orders.orders o ON o.id = p.order_id"
                         " WHERE o.status IN ('cancelled', 'rejected') AND p.status NOT IN ('voided', 'failed')", 60s),
            "0");
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.payments"), std::to_string(placed.size() + 1));
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.payments WHERE status = 'refunded'"), "1");
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.payments WHERE status = 'partially_refunded'"), "1");
  EXPECT_EQ(w.database().value("SELECT coalesce(sum(amount), 0) FROM payments.ledger_lines"), "0");

  const std::map<std::string, std::string> env = {{"DATABASE_URL", w.database().conninfo()}};
  auto [code, report] = run_nelo({"payments", "reconcile"}, env);
  EXPECT_EQ(code, 0) << report;
  EXPECT_NE(report.find(": 0 difference(s)"), std::string::npos) << report;

  const auto tables = w.database().column(
      "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables"
      " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')");
  ASSERT_GT(tables.size(), 20u);
  for (const auto& token : kTokens) {
    if (token == "cash") continue;
    for (const auto& table : tables) {
      EXPECT_EQ(w.database().value("SELECT count(*) FROM " + table + " t WHERE strpos(t::text, '" + token + "') > 0"),
                "0")
          << token << " found in " << table;
    }
    EXPECT_EQ(w.output().find(token), std::string::npos) << token << " found in the server's log";
  }
}

}  // namespace
}  // namespace nelo::test
