// `nelo sandbox-processor` as its own process beside `nelo serve` (NELO_PAYMENTS_SANDBOX_URL): its
// API answers only with its key; a 3-D Secure charge confirmed on its page reaches nelo as a signed
// webhook over HTTP and authorizes the payment; a refund through nelo's API is made at the
// processor over HTTP; `nelo payments reconcile` compares nelo with the processor's records; the
// processor's records survive kill -9, and a webhook still unsent when it died is sent after its
// restart.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <thread>

#include "core/uuid.hpp"
#include "support/auth_client.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec_e2e_sandbox_process_0001";
constexpr const char* kApiKey = "sk_e2e_sandbox_key_0001";

class SandboxProcessorE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    journal_ = std::filesystem::temp_directory_path() / ("nelo-sandbox-" + new_uuid() + ".jsonl");
    sandbox_port_ = free_port();
    nelo_port_ = free_port();
    start_nelo();
    start_sandbox();
  }
  void TearDown() override {
    sandbox_.reset();
    nelo_.reset();
    std::filesystem::remove(journal_);
  }

  std::string sandbox_url() const { return "http://127.0.0.1:" + std::to_string(sandbox_port_); }
  std::map<std::string, std::string> nelo_env() const {
    return {{"DATABASE_URL", db_.conninfo()},
            {"NELO_HTTP_PORT", std::to_string(nelo_port_)},
            {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
            {"NELO_PAYMENTS_WEBHOOK_SECRETS", kSecret},
            {"NELO_PAYMENTS_SANDBOX_URL", sandbox_url()},
            {"NELO_PAYMENTS_SANDBOX_API_KEY", kApiKey}};
  }
  void start_nelo() {
    nelo_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, nelo_env());
    nelo_->start();
  }
  void start_sandbox() {
    sandbox_ = std::make_unique<NeloProcess>(
        std::vector<std::string>{"sandbox-processor", "--port", std::to_string(sandbox_port_), "--journal",
                                 journal_.string(), "--webhook-url",
                                 "http://127.0.0.1:" + std::to_string(nelo_port_) + "/api/v1/payments/webhooks/sandbox"},
        std::map<std::string, std::string>{{"NELO_PAYMENTS_WEBHOOK_SECRETS", kSecret},
                                           {"NELO_PAYMENTS_SANDBOX_API_KEY", kApiKey}});
    sandbox_->launch();
    ASSERT_TRUE(eventually_blocking(
        [&] {
          try {
            return HttpClient("127.0.0.1", sandbox_port_, 1s).get("/health/live").status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        20s))
        << sandbox_->output();
  }

  HttpResponse to_sandbox(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& key = kApiKey) {
    HttpClient client("127.0.0.1", sandbox_port_, 10s);
    Headers headers = {{"Content-Type", "application/json"}};
    if (!key.empty()) headers.push_back(bearer(key));
    return client.request(method, path, body, headers);
  }
  // A charge made at the processor directly (the saga would make it), and nelo's payment for it.
  std::string authorize_at_sandbox(const std::string& payment_id, const std::string& token) {
    const auto r = to_sandbox("POST", "/v1/charges",
                              json::serialize(json::object{{"payment_id", payment_id},
                                                           {"amount", json::object{{"amount", 2950}, {"currency", "EUR"}}},
                                                           {"token", token}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(r.json().at("reference").as_string());
  }
  // The payment's row, as the saga commits it: before the provider is asked (no reference yet,
  // `reference` empty) or, when nelo is down anyway, with the provider's answer.
  void insert_payment(const std::string& id, const std::string& reference = {}) {
    const std::string ref = reference.empty() ? "NULL" : "'" + reference + "'";
    db_.exec("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
             " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status) VALUES ('" +
             id + "', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'card', 'sandbox', " +
             ref + ", 'EUR', 2950, 2620, 199, 131, 'requires_authorization')");
  }
  // The provider's answer recorded, unless its webhook was faster (it finds the payment by id).
  void record_reference(const std::string& id, const std::string& reference) {
    db_.exec("UPDATE payments.payments SET provider_reference = '" + reference + "' WHERE id = '" + id +
             "' AND provider_reference IS NULL");
  }
  // What the saga does on delivery, by hand: captured in nelo, with its capture in the ledger.
  void mark_captured(const std::string& id) {
  const std::string tx = new_uuid();
  db_.exec("BEGIN; UPDATE payments.payments SET status = 'captured', captured_amount = 2950, captured_at = now()"
           " WHERE id = '" + id + "'; INSERT INTO payments.ledger_transactions (id, payment_id, kind, currency) VALUES ('" +
           tx + "', '" + id + "', 'capture', 'EUR'); INSERT INTO payments.ledger_lines (transaction_id, line_no, account,"
           " amount) VALUES ('" + tx + "', 1, 'customer', 2950), ('" + tx + "', 2, 'merchant_payable', -2620), ('" + tx +
           "', 3, 'platform_fees', -330); COMMIT");
  }
  HttpResponse refund_through_nelo(const TestAccount& admin, const std::string& id, std::int64_t amount) {
    HttpClient api("127.0.0.1", nelo_port_, 15s);
    return api.request("POST", "/api/v1/payments/" + id + "/refunds",
                       json::serialize(json::object{{"amount", json::object{{"amount", amount}, {"currency", "EUR"}}},
                                                    {"reason", "Late delivery"}}),
                       {{"Content-Type", "application/json"}, bearer(admin.access_token), {"Idempotency-Key", new_uuid()}});
  }
  std::string status_of(const std::string& id) {
    return db_.value("SELECT status FROM payments.payments WHERE id = '" + id + "'");
  }
  bool becomes(const std::string& id, const std::string& status) {
    return eventually_blocking([&] { return status_of(id) == status; }, 20s);
  }
  std::pair<int, std::string> reconcile(bool in_process = false) {
    auto env = in_process ? in_process_env() : nelo_env();
    env.erase("NELO_HTTP_PORT");
    return run_nelo({"payments", "reconcile"}, env);
  }
  // nelo with the sandbox inside it, keeping its records in the same journal file.
  std::map<std::string, std::string> in_process_env() const {
    auto env = nelo_env();
    env.erase("NELO_PAYMENTS_SANDBOX_URL");
    env["NELO_PAYMENTS_SANDBOX_JOURNAL"] = journal_.string();
    return env;
  }

  TestDatabase db_;
  std::filesystem::path journal_;
  unsigned short sandbox_port_ = 0, nelo_port_ = 0;
  std::unique_ptr<NeloProcess> nelo_, sandbox_;
};

TEST_F(SandboxProcessorE2E, ThreeDSecureRefundAndReconcileAcrossTwoProcesses) {
  // The processor's API wants its key.
  EXPECT_EQ(to_sandbox("GET", "/v1/charges", "", "").status, 401);
  EXPECT_EQ(to_sandbox("GET", "/v1/charges", "", "sk_wrong").status, 401);
  EXPECT_EQ(to_sandbox("POST", "/v1/charges", R"({"payment_id": 1})").status, 422);

  // 3-D Secure: the customer opens the page and confirms; the webhook authorizes nelo's payment.
  const std::string id = new_uuid();
  const auto r = to_sandbox("POST", "/v1/charges",
                            json::serialize(json::object{{"payment_id", id},
                                                         {"amount", json::object{{"amount", 2950}, {"currency", "EUR"}}},
                                                         {"token", "tok_3ds"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value outcome = r.json();
  EXPECT_EQ(outcome.at("kind").as_string(), "requires_action");
  const std::string reference(outcome.at("reference").as_string());
  const std::string action(outcome.at("action_url").as_string());
  EXPECT_EQ(action, sandbox_url() + "/3ds/" + reference);
  EXPECT_EQ(r.body.find("tok_3ds"), std::string::npos) << "the answer never carries the token";
  insert_payment(id, reference);
  HttpClient browser("127.0.0.1", sandbox_port_, 10s);
  const auto page = browser.get("/3ds/" + reference);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("29.50 EUR"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("action=\"/3ds/" + reference + "/approve\""), std::string::npos) << page.body;
  // A form without fields: an empty body, whatever the browser says its type is.
  const auto confirmed = browser.request("POST", "/3ds/" + reference + "/approve", "",
                                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  ASSERT_TRUE(becomes(id, "authorized")) << status_of(id) << "\n" << sandbox_->output();
  EXPECT_EQ(browser.request("POST", "/3ds/" + reference + "/refuse", "").status, 404) << "answered already";
  EXPECT_EQ(db_.value("SELECT card_last4 FROM payments.payments WHERE id = '" + id + "'"), "3155");

  // Captured at the processor and in nelo (the saga's part, by hand), then refunded through nelo.
  ASSERT_EQ(to_sandbox("POST", "/v1/charges/" + reference + "/capture", R"({"amount": {"amount": 2950, "currency": "EUR"}})")
                .status,
            200);
  mark_captured(id);
  HttpClient api("127.0.0.1", nelo_port_, 15s);
  const auto admin = make_admin(api, db_);
  const auto refunded = api.request(
      "POST", "/api/v1/payments/" + id + "/refunds",
      R"({"amount": {"amount": 1000, "currency": "EUR"}, "reason": "Late delivery"})",
      {{"Content-Type", "application/json"}, bearer(admin.access_token), {"Idempotency-Key", new_uuid()}});
  ASSERT_EQ(refunded.status, 201) << refunded.body;
  const json::value refund_body = refunded.json();
  EXPECT_EQ(std::string(refund_body.at("provider_reference").as_string()).substr(0, 3), "re_");
  const auto charges = to_sandbox("GET", "/v1/charges", "");
  ASSERT_EQ(charges.status, 200);
  EXPECT_NE(charges.body.find("\"refunded\":1000"), std::string::npos) << charges.body;

  auto [code, out] = reconcile();
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("sandbox records: 1 charge(s) from " + sandbox_url()), std::string::npos) << out;

  // The processor dies and comes back: its records are still there, and still agree.
  sandbox_->kill();
  start_sandbox();
  EXPECT_NE(to_sandbox("GET", "/v1/charges", "").body.find("\"refunded\":1000"), std::string::npos);
  auto [after_code, after] = reconcile();
  EXPECT_EQ(after_code, 0) << after;

  // A charge nelo never heard of is a difference.
  authorize_at_sandbox(new_uuid(), "tok_visa");
  auto [ghost_code, ghost] = reconcile();
  EXPECT_EQ(ghost_code, 1) << ghost;
  EXPECT_NE(ghost.find("is not known to nelo by that reference"), std::string::npos) << ghost;
}

TEST_F(SandboxProcessorE2E, AWebhookUnsentWhenTheProcessorDiedIsSentAfterItsRestart) {
  nelo_->stop();  // nelo is down: the processor's webhook cannot be delivered
  const std::string id = new_uuid();
  const std::string reference = authorize_at_sandbox(id, "tok_visa");
  insert_payment(id, reference);
  std::this_thread::sleep_for(300ms);  // a failed attempt or two
  sandbox_->kill();
  start_nelo();
  EXPECT_EQ(status_of(id), "requires_authorization");
  start_sandbox();  // reads its journal: the event is still unsent
  ASSERT_TRUE(becomes(id, "authorized")) << status_of(id) << "\n" << sandbox_->output();
}

TEST_F(SandboxProcessorE2E, InProcessTheSandboxKeepsItsRecordsInItsJournalAcrossRestarts) {
  // A captured charge, made by the separate processor, which then stops: its journal holds it.
  const std::string id = new_uuid();
  // The row first, as the saga does: the processor's webhook may well arrive before its answer.
  insert_payment(id);
  const std::string reference = authorize_at_sandbox(id, "tok_visa");
  record_reference(id, reference);
  ASSERT_TRUE(becomes(id, "authorized")) << status_of(id) << "\n" << nelo_->output();
  ASSERT_EQ(to_sandbox("POST", "/v1/charges/" + reference + "/capture", R"({"amount": {"amount": 2950, "currency": "EUR"}})")
                .status,
            200);
  mark_captured(id);
  sandbox_->stop();
  // nelo now runs the sandbox in process, on that journal.
  nelo_->stop();
  nelo_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, in_process_env());
  nelo_->start();
  HttpClient api("127.0.0.1", nelo_port_, 15s);
  const auto admin = make_admin(api, db_);
  const auto part = refund_through_nelo(admin, id, 700);
  ASSERT_EQ(part.status, 201) << part.body << "\n" << nelo_->output();
  auto [code, out] = reconcile(true);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("sandbox records: 1 charge(s) from " + journal_.string()), std::string::npos) << out;

  // A crash: the refund the in-process processor made is still in its records afterwards.
  nelo_->kill();
  nelo_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, in_process_env());
  nelo_->start();
  const auto again = make_admin(api, db_);
  EXPECT_EQ(refund_through_nelo(again, id, 2251).status, 409) << "700 of 2950 went back already";
  const auto rest = refund_through_nelo(again, id, 2250);
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(status_of(id), "refunded");
  auto [after_code, after] = reconcile(true);
  EXPECT_EQ(after_code, 0) << after;
}

}  // namespace
}  // namespace nelo::test
