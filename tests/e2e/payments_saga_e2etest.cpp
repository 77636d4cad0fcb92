// The saga between orders and payments on the real `nelo` binary, through the real webhook path:
// the in-process sandbox processor answers card tokens and POSTs signed webhooks to the server's
// own endpoint. A card order is placed (tok_visa), rejected with the reason the customer reads
// (declined, insufficient funds, expired), placed seconds later (tok_slow: by webhook only) or
// after the customer confirms on the 3-D Secure page (tok_3ds); a cancellation after
// authorization voids the hold and leaves the ledger untouched; a delivery captures the card, or
// records the cash, with balanced ledger lines; and a kill -9 between the payment's authorization
// and the order's update ends, after a restart, with both consistent. After each, the card token
// is in no table and not in the server's log.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "support/bus_sql.hpp"
#include "support/dispatch_world.hpp"
#include "support/fault_harness.hpp"
#include "support/problem_checks.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::map<std::string, std::string> saga_env() {
  return {{"NELO_PAYMENTS_SANDBOX_SLOW_MS", "1500"},
          {"NELO_PAYMENTS_SWEEP_INTERVAL_MS", "200"},
          {"NELO_OUTBOX_LEASE_SECONDS", "3"},
          {"NELO_OUTBOX_RETRY_BASE_MS", "200"},
          {"NELO_PAYMENTS_WEBHOOK_SECRETS", "whsec_e2e_saga_secret_00001"}};
}

json::object card(const std::string& token) { return json::object{{"method", "card"}, {"token", token}}; }

// The token in no row of any table of the database, and not in the server's log.
void expect_token_nowhere(DispatchWorld& w, const std::string& token) {
  const auto tables = w.database().column(
      "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables"
      " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')");
  ASSERT_GT(tables.size(), 20u);
  for (const auto& table : tables) {
    EXPECT_EQ(w.database().value("SELECT count(*) FROM " + table + " t WHERE strpos(t::text, '" + token + "') > 0"),
              "0")
        << token << " found in " << table;
  }
  EXPECT_EQ(w.output().find(token), std::string::npos) << token << " found in the server's log";
}

std::string payment_field(const json::value& order, const char* field) {
  const json::value& payment = order.at("payment");
  if (!payment.is_object()) return "(no payment)";
  const json::value& v = payment.at(field);
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

// The order's last history entry's reason (why it was rejected or cancelled).
std::string last_reason(const json::value& order) {
  const json::value& last = order.at("history").as_array().back();
  return last.at("reason").is_string() ? std::string(last.at("reason").as_string()) : "(none)";
}

// The payment's status in its own table, once it is `status` (or after `timeout`).
std::string payment_once(DispatchWorld& w, const std::string& order_id, const std::string& status,
                         std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const std::string now =
        w.database().value("SELECT coalesce(max(status), '-') FROM payments.payments WHERE order_id = '" + order_id + "'");
    if (now == status || std::chrono::steady_clock::now() >= deadline) return now;
    std::this_thread::sleep_for(50ms);
  }
}

std::string ledger_of(DispatchWorld& w, const std::string& order_id) {
  return w.database().value(
      "SELECT coalesce(string_agg(t.kind || ':' || l.account || ':' || l.amount, ' ' ORDER BY l.line_no), '')"
      " FROM payments.ledger_transactions t JOIN payments.ledger_lines l ON l.transaction_id = t.id"
      " JOIN payments.payments p ON p.id = t.payment_id WHERE p.order_id = '" + order_id + "'");
}

// The driver's whole delivery of the order, from the offer to the door (PIN from the customer).
void deliver(DispatchWorld& w, const DispatchWorld::Order& order, const TestAccount& driver) {
  const std::string id = w.take(driver);
  ASSERT_FALSE(id.empty());
  const json::value details = w.order_once(order, "accepted");
  ASSERT_TRUE(details.at("delivery").is_object()) << details;
  const std::string pin(details.at("delivery").at("pin").as_string());
  ASSERT_EQ(w.send("POST", delivery_path(id, "arrived-pickup"), &driver).status, 200);
  w.ready(order);
  ASSERT_EQ(w.send("POST", delivery_path(id, "picked-up"), &driver).status, 200);
  ASSERT_EQ(w.send("POST", delivery_path(id, "arrived-dropoff"), &driver).status, 200);
  auto r = w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": ")" + pin + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(w.order_once(order, "delivered").at("status").as_string(), "delivered");
}

TEST(PaymentsSagaE2E, AGoodCardPlacesTheOrderThroughTheRealWebhookPath) {
  DispatchWorld w(saga_env());
  const auto order = w.placed_order(48.10, 2.10, card("tok_visa"));
  ASSERT_FALSE(order.id.empty());
  const json::value placed = w.order_once(order, "placed");
  EXPECT_EQ(placed.at("status").as_string(), "placed");
  EXPECT_EQ(payment_field(placed, "status"), "authorized");
  EXPECT_EQ(payment_field(placed, "method"), "card");
  EXPECT_EQ(payment_field(placed, "card_brand"), "visa");
  EXPECT_EQ(payment_field(placed, "card_last4"), "4242");
  EXPECT_EQ(payment_field(placed, "failure_reason"), "null");
  // The sandbox really posted its signed webhook to the server's endpoint, which recorded it.
  const std::string payment_id = payment_field(placed, "id");
  bool heard = false;
  for (int i = 0; i < 100 && !heard; ++i, std::this_thread::sleep_for(100ms)) {
    heard = w.database().value("SELECT count(*) FROM payments.provider_events WHERE provider = 'sandbox' AND"
                               " type = 'payment.authorized'") != "0";
  }
  EXPECT_TRUE(heard) << "no webhook reached the endpoint";
  // The merchant sees the same payment; a stranger does not see the order at all.
  auto merchants = w.send("GET", "/api/v1/orders/" + order.id, &order.owner);
  ASSERT_EQ(merchants.status, 200);
  EXPECT_EQ(payment_field(merchants.json(), "id"), payment_id);
  expect_token_nowhere(w, "tok_visa");
}

TEST(PaymentsSagaE2E, DeclinedCardsRejectTheOrderWithTheReasonTheCustomerReads) {
  DispatchWorld w(saga_env());
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"tok_declined", "card_declined", "declined"},
      {"tok_insufficient_funds", "insufficient_funds", "insufficient funds"},
      {"tok_expired_card", "expired_card", "expired"}};
  double lat = 48.20;
  for (const auto& [token, code, words] : cases) {
    const auto order = w.placed_order(lat += 0.05, 2.20, card(token));
    ASSERT_FALSE(order.id.empty());
    const json::value rejected = w.order_once(order, "rejected");
    EXPECT_EQ(rejected.at("status").as_string(), "rejected") << token;
    EXPECT_EQ(payment_field(rejected, "status"), "failed");
    EXPECT_EQ(payment_field(rejected, "failure_code"), code);
    const std::string reason = payment_field(rejected, "failure_reason");
    EXPECT_NE(reason.find(words), std::string::npos) << token << ": " << reason;
    EXPECT_EQ(last_reason(rejected), reason) << "the order's rejection carries the payment's reason";
    expect_token_nowhere(w, token);
  }
}

TEST(PaymentsSagaE2E, ASlowCardIsPlacedSecondsLaterByWebhook) {
  DispatchWorld w(saga_env());
  const auto order = w.placed_order(48.30, 2.30, card("tok_slow"));
  ASSERT_FALSE(order.id.empty());
  const json::value waiting = w.order_once(order, "pending_payment", 1ms);
  EXPECT_EQ(waiting.at("status").as_string(), "pending_payment");
  EXPECT_EQ(payment_field(waiting, "status"), "requires_authorization");
  const json::value placed = w.order_once(order, "placed");
  EXPECT_EQ(placed.at("status").as_string(), "placed");
  EXPECT_EQ(payment_field(placed, "card_last4"), "0077");
  // Only the webhook can have moved it: it is recorded as applied.
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.provider_events WHERE type = 'payment.authorized'"
                               " AND outcome = 'applied'"),
            "1");
  expect_token_nowhere(w, "tok_slow");
}

TEST(PaymentsSagaE2E, A3dsCardWaitsForTheCustomersConfirmationOnThePageItNames) {
  DispatchWorld w(saga_env());
  for (const bool approve : {true, false}) {
    const auto order = w.placed_order(approve ? 48.40 : 48.45, 2.40, card("tok_3ds"));
    ASSERT_FALSE(order.id.empty());
    std::string action_url;
    for (int i = 0; i < 100 && action_url.size() < 5; ++i, std::this_thread::sleep_for(50ms)) {
      action_url = payment_field(w.order_once(order, "pending_payment", 1ms), "action_url");
    }
    const auto path_at = action_url.find("/api/v1/payments/sandbox/3ds/");
    ASSERT_NE(path_at, std::string::npos) << action_url;
    const std::string path = action_url.substr(path_at);
    auto page = w.send("GET", path, nullptr);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("3155"), std::string::npos) << "the page names the card";
    expect_problem(w.send("POST", path + "?outcome=maybe", nullptr), 422);
    auto answer = w.send("POST", path + (approve ? "?outcome=approve" : "?outcome=refuse"), nullptr);
    ASSERT_EQ(answer.status, 200) << answer.body;
    expect_problem(w.send("POST", path + "?outcome=approve", nullptr), 404);  // answered once
    const json::value done = w.order_once(order, approve ? "placed" : "rejected");
    EXPECT_EQ(done.at("status").as_string(), approve ? "placed" : "rejected");
    EXPECT_EQ(payment_field(done, "action_url"), "null");
    if (!approve) {
      EXPECT_EQ(payment_field(done, "failure_code"), "authentication_failed");
    }
  }
  expect_problem(w.send("GET", "/api/v1/payments/sandbox/3ds/sbx_nothing", nullptr), 404);
  expect_token_nowhere(w, "tok_3ds");
}

TEST(PaymentsSagaE2E, CancellingAfterAuthorizationVoidsTheHoldAndTouchesNoLedger) {
  DispatchWorld w(saga_env());
  const auto order = w.placed_order(48.50, 2.50, card("tok_visa"));
  ASSERT_FALSE(order.id.empty());
  ASSERT_EQ(w.order_once(order, "placed").at("status").as_string(), "placed");
  auto cancelled = w.send("POST", "/api/v1/orders/" + order.id + "/cancel", &order.customer,
                          R"({"reason": "changed my mind"})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(payment_once(w, order.id, "voided"), "voided");
  EXPECT_EQ(payment_field(w.order_once(order, "cancelled"), "status"), "voided");
  EXPECT_EQ(ledger_of(w, order.id), "");
  expect_token_nowhere(w, "tok_visa");
}

TEST(PaymentsSagaE2E, DeliveryCapturesTheCardAndRecordsTheCashWithBalancedLedgerLines) {
  DispatchWorld w(saga_env());
  const double lat = 48.60, lng = 2.60;
  const TestAccount driver = w.driver(lat, lng, 300);
  // A card order: placed by its payment, accepted, delivered, captured.
  const auto card_order = w.placed_order(lat, lng, card("tok_visa"));
  ASSERT_FALSE(card_order.id.empty());
  ASSERT_EQ(w.order_once(card_order, "placed").at("status").as_string(), "placed");
  ASSERT_EQ(w.send("POST", "/api/v1/orders/" + card_order.id + "/accept", &card_order.owner).status, 200);
  deliver(w, card_order, driver);
  EXPECT_EQ(payment_once(w, card_order.id, "captured"), "captured");
  // 9.50 of food at 10% commission (0.95): 8.55 owed to the merchant, the rest is the platform's.
  const std::string total =
      w.database().value("SELECT amount FROM payments.payments WHERE order_id = '" + card_order.id + "'");
  const std::string platform = std::to_string(std::stol(total) - 855);
  EXPECT_EQ(ledger_of(w, card_order.id),
            "capture:customer:" + total + " capture:merchant_payable:-855 capture:platform_fees:-" + platform);
  // A cash order: placed at once, delivered, recorded as collected into the driver's float.
  const auto cash_order = w.accepted_order(lat, lng);
  deliver(w, cash_order, driver);
  EXPECT_EQ(payment_once(w, cash_order.id, "captured"), "captured");
  EXPECT_EQ(payment_field(w.order_once(cash_order, "delivered"), "method"), "cash");
  EXPECT_EQ(w.database().value("SELECT string_agg(l.account || ':' || coalesce(l.party_id::text, '-'), ' ' ORDER BY"
                               " l.line_no) FROM payments.ledger_lines l JOIN payments.ledger_transactions t ON"
                               " t.id = l.transaction_id WHERE t.kind = 'cash_collection' AND l.amount > 0"),
            "driver_cash_float:" + driver.user_id);
  EXPECT_EQ(w.database().value("SELECT count(*) || '/' || sum(amount) FROM payments.ledger_lines"), "6/0");
  expect_token_nowhere(w, "tok_visa");
}

// kill -9 after the payment's authorization was committed (with payment.authorized in the outbox)
// and before the order moved: the order's row is held locked so that orders cannot react, the
// server is killed, the lock released, the server restarted. The outbox delivers the event again
// (the dead instance's lease expires), and the order ends placed, once.
TEST(PaymentsSagaE2E, KilledBetweenTheAuthorizationAndTheOrdersUpdate_BothEndConsistent) {
  DispatchWorld w(saga_env());
  const auto order = w.placed_order(48.70, 2.70, card("tok_slow"));
  ASSERT_FALSE(order.id.empty());
  auto hold = std::make_unique<HeldTransaction>(w.database().conninfo());
  ASSERT_TRUE(hold->try_exec("SELECT 1 FROM orders.orders WHERE id = '" + order.id + "' FOR UPDATE"));
  ASSERT_EQ(payment_once(w, order.id, "authorized"), "authorized") << "the slow card settles by webhook";
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(w.database().value("SELECT status FROM orders.orders WHERE id = '" + order.id + "'"), "pending_payment");
  w.restart(/*crash=*/true);  // kill -9, then a new process on the same database
  hold->release();
  const json::value placed = w.order_once(order, "placed", 30s);
  EXPECT_EQ(placed.at("status").as_string(), "placed");
  EXPECT_EQ(payment_field(placed, "status"), "authorized");
  int placings = 0;
  for (const auto& entry : placed.at("history").as_array()) placings += entry.at("to").as_string() == "placed";
  EXPECT_EQ(placings, 1);
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.outbox WHERE name = 'payment.authorized'"), "1");
  EXPECT_EQ(w.database().value("SELECT count(*) FROM payments.outbox o JOIN orders.inbox i ON i.event_id = o.id"
                               " WHERE o.name = 'payment.authorized'"),
            "1")
      << "orders handled the one payment.authorized";
  EXPECT_EQ(w.database().value(undelivered_sql("payments", "orders")), "0");
  expect_token_nowhere(w, "tok_slow");
}

}  // namespace
}  // namespace nelo::test
