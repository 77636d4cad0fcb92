// POST /api/v1/payments/webhooks/{provider} on the real `nelo` binary: a forged, altered,
// unsigned or stale webhook changes nothing (401, 400); a genuine one (signed with either secret
// of a rotation) moves its payment once and publishes payment.authorized; replays are duplicates;
// news that arrives after the payment moved on (out of order) is recorded and ignored; the same
// event sent ten times at once is applied by exactly one request.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "core/security/webhook_signature.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;

constexpr const char* kHook = "/api/v1/payments/webhooks/sandbox";
constexpr const char* kCurrent = "whsec_e2e_current_secret_0001";
constexpr const char* kPrevious = "whsec_e2e_previous_secret_001";
constexpr const char* kPayment = "01a21464-0000-7000-8000-00000000e2e1";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string event(const std::string& id, const std::string& type, const std::string& reference = "sbx_e2e_1") {
  return json::serialize(json::object{
      {"id", id},
      {"type", type},
      {"created", unix_now()},
      {"data", json::object{{"reference", reference},
                            {"card", json::object{{"brand", "visa"}, {"last4", "4242"}}},
                            {"decline_code", "card_declined"},
                            {"decline_message", "Your card was declined."}}}});
}

std::string signature(const std::string& secret, std::int64_t t, const std::string& body) {
  return security::sign_webhook(std::vector<std::string>{secret}, t, body);
}

class PaymentsWebhooksE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          {"NELO_PAYMENTS_WEBHOOK_SECRETS", std::string(kCurrent) + "," + kPrevious}});
    server_->start();
    db_->exec(std::string("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id,"
                          " method, provider, provider_reference, currency, amount, subtotal, delivery_fee,"
                          " service_fee, status) VALUES ('") +
              kPayment +
              "', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'card', 'sandbox',"
              " 'sbx_e2e_1', 'EUR', 2950, 2620, 199, 131, 'requires_authorization')");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete db_;
    db_ = nullptr;
  }

  HttpResponse post(const std::string& path, const std::string& body, const std::string& signature_header) {
    HttpClient client("127.0.0.1", server_->port());
    Headers headers = {{"Content-Type", "application/json"}};
    if (!signature_header.empty()) headers.emplace_back("Sandbox-Signature", signature_header);
    return client.request("POST", path, body, headers);
  }
  std::string payment(const std::string& column) {
    return db_->value("SELECT coalesce(" + column + "::text, '-') FROM payments.payments WHERE id = '" + kPayment + "'");
  }
  std::string count(const std::string& sql) { return db_->value("SELECT count(*) FROM " + sql); }

  static TestDatabase* db_;
  static NeloProcess* server_;
};

TestDatabase* PaymentsWebhooksE2E::db_ = nullptr;
NeloProcess* PaymentsWebhooksE2E::server_ = nullptr;

TEST_F(PaymentsWebhooksE2E, OnlyAGenuineRecentSignatureOverTheExactBodyIsHeard) {
  const std::string body = event("evt_e2e_forged", "payment.authorized");
  const std::int64_t now = unix_now();
  std::string altered = body;
  altered.replace(altered.find("4242"), 4, "9999");

  EXPECT_EQ(post(kHook, body, "").status, 401) << "no signature";
  EXPECT_EQ(post(kHook, body, signature("whsec_someone_else_000000", now, body)).status, 401) << "unknown secret";
  EXPECT_EQ(post(kHook, altered, signature(kCurrent, now, body)).status, 401) << "altered body";
  EXPECT_EQ(post(kHook, body, "t=" + std::to_string(now) + ",v1=zz").status, 401) << "garbage";
  const auto stale = post(kHook, body, signature(kCurrent, now - 301, body));
  EXPECT_EQ(stale.status, 400) << stale.body;
  EXPECT_EQ(stale.header("content-type").value_or(""), "application/problem+json");
  EXPECT_EQ(post(kHook, body, signature(kCurrent, now + 301, body)).status, 400) << "from the future";
  EXPECT_EQ(post("/api/v1/payments/webhooks/stripe", body, signature(kCurrent, now, body)).status, 404);
  EXPECT_EQ(post("/api/v1/payments/webhooks/cash", body, signature(kCurrent, now, body)).status, 404)
      << "cash sends no webhooks";

  EXPECT_EQ(payment("status"), "requires_authorization") << "nothing changed";
  EXPECT_EQ(count("payments.provider_events"), "0");
  EXPECT_EQ(count("payments.outbox"), "0");
}

TEST_F(PaymentsWebhooksE2E, AGenuineEventMovesThePaymentOnceAndLateNewsIsIgnored) {
  const std::string authorized = event("evt_e2e_auth", "payment.authorized");
  // Signed with the secret being rotated out: still accepted.
  const std::string header = signature(kPrevious, unix_now(), authorized);
  const auto first = post(kHook, authorized, header);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("outcome").as_string(), "applied");
  EXPECT_EQ(payment("status"), "authorized");
  EXPECT_EQ(payment("card_last4"), "4242");
  EXPECT_EQ(payment("version"), "2");

  for (int i = 0; i < 3; ++i) {
    const auto replay = post(kHook, authorized, header);
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.json().at("outcome").as_string(), "duplicate");
  }
  // A decline that arrives after the authorization (out of order): recorded, ignored.
  const std::string declined = event("evt_e2e_late_failure", "payment.failed");
  const auto late = post(kHook, declined, signature(kCurrent, unix_now(), declined));
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(late.json().at("outcome").as_string(), "ignored");
  EXPECT_EQ(payment("status"), "authorized");
  EXPECT_EQ(payment("failure_code"), "-");
  EXPECT_EQ(payment("version"), "2");

  EXPECT_EQ(db_->value("SELECT string_agg(event_id || ':' || outcome, ',' ORDER BY received_at)"
                       " FROM payments.provider_events"),
            "evt_e2e_auth:applied,evt_e2e_late_failure:ignored");
  EXPECT_EQ(count("payments.outbox WHERE name = 'payment.authorized'"), "1") << "published once";
  EXPECT_EQ(count("payments.outbox"), "1");
}

TEST_F(PaymentsWebhooksE2E, TheSameEventArrivingTenTimesAtOnceIsAppliedOnce) {
  db_->exec("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
            " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status) VALUES"
            " (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'card',"
            " 'sandbox', 'sbx_e2e_2', 'EUR', 1200, 1000, 100, 100, 'requires_authorization')");
  const std::string declined = event("evt_e2e_race", "payment.failed", "sbx_e2e_2");
  const std::string header = signature(kCurrent, unix_now(), declined);
  std::atomic<int> applied{0}, duplicate{0}, other{0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 10; ++i) {
    senders.emplace_back([&] {
      const auto r = post(kHook, declined, header);
      const std::string outcome = r.status == 200 ? std::string(r.json().at("outcome").as_string()) : "";
      if (outcome == "applied") ++applied;
      else if (outcome == "duplicate") ++duplicate;
      else ++other;
    });
  }
  for (auto& s : senders) s.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(duplicate.load(), 9);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(db_->value("SELECT status || ' ' || failure_code || ' ' || version FROM payments.payments"
                       " WHERE provider_reference = 'sbx_e2e_2'"),
            "failed card_declined 2");
  EXPECT_EQ(count("payments.outbox WHERE name = 'payment.failed'"), "1");
}

}  // namespace
}  // namespace nelo::test
