// GET /api/v1/payments/{id}, GET /api/v1/payments?order_id=, POST /api/v1/payments/{id}/refunds
// and GET /api/v1/payments/ledger/balances on the real `nelo` binary: who may read a payment
// (its customer, its merchant's owner, admins; anyone else 404, anonymous 401, other roles 403),
// refunds for admins only under an Idempotency-Key with Stripe's semantics, 422 for bad bodies,
// 409 beyond what is left, 50 concurrent refunds that never exceed the capture, the ledger's
// balances summing to zero, and `nelo payments reconcile` agreeing, then finding a broken row.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"
#include "support/auth_client.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kPayments = "/api/v1/payments";

class PaymentsApiE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}, {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"}});
    server_->start();
    HttpClient client("127.0.0.1", server_->port(), 15s);
    admin_ = new TestAccount(make_admin(client, *db_));
    customer_ = new TestAccount(register_and_login(client, unique_email("payer")));
    other_customer_ = new TestAccount(register_and_login(client, unique_email("stranger")));
    merchant_ = new TestAccount(register_with_role(client, *admin_, unique_email("shop"), "merchant"));
    other_merchant_ = new TestAccount(register_with_role(client, *admin_, unique_email("other-shop"), "merchant"));
    driver_ = new TestAccount(register_with_role(client, *admin_, unique_email("driver"), "driver"));
  }
  static void TearDownTestSuite() {
    for (auto* a : {admin_, customer_, other_customer_, merchant_, other_merchant_, driver_}) delete a;
    delete server_;
    delete db_;
  }

  // A cash payment of 29.50 EUR of customer_ to merchant_'s shop, collected (captured), with its
  // collection in the ledger, written as the superuser. Returns {payment id, order id}.
  std::pair<std::string, std::string> captured_payment(const std::string& status = "captured") {
    const std::string id = new_uuid(), order = new_uuid(), merchant = new_uuid(), tx = new_uuid();
    const bool captured = status != "authorized";
    db_->exec("BEGIN; INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
              " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status,"
              " captured_amount) VALUES ('" + id + "', '" + order + "', '" + customer_->user_id + "', '" + merchant +
              "', '" + merchant_->user_id + "', 'cash', 'cash', 'cash_" + id + "', 'EUR', 2950, 2620, 199, 131, '" +
              status + "', " + (captured ? "2950" : "0") + ");" +
              (captured ? "INSERT INTO payments.ledger_transactions (id, payment_id, kind, currency) VALUES ('" + tx +
                              "', '" + id + "', 'cash_collection', 'EUR');"
                              "INSERT INTO payments.ledger_lines (transaction_id, line_no, account, party_id, amount)"
                              " VALUES ('" + tx + "', 1, 'driver_cash_float', NULL, 2950), ('" + tx +
                              "', 2, 'merchant_payable', '" + merchant + "', -2620), ('" + tx +
                              "', 3, 'platform_fees', NULL, -330);"
                        : std::string()) +
              "COMMIT");
    return {id, order};
  }

  HttpResponse get(const std::string& target, const TestAccount* who) {
    Headers headers;
    if (who) headers.push_back(bearer(who->access_token));
    return client_.get(target, headers);
  }
  HttpResponse refund(const std::string& payment, const std::string& body, const TestAccount* who,
                      std::optional<std::string> key) {
    Headers headers = {{"Content-Type", "application/json"}};
    if (who) headers.push_back(bearer(who->access_token));
    if (key) headers.emplace_back("Idempotency-Key", *key);
    return client_.request("POST", std::string(kPayments) + "/" + payment + "/refunds", body, headers);
  }
  static std::string refund_body(std::int64_t amount, const std::string& reason = "Cold pizza") {
    return json::serialize(json::object{{"amount", json::object{{"amount", amount}, {"currency", "EUR"}}},
                                        {"reason", reason}});
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static TestAccount *admin_, *customer_, *other_customer_, *merchant_, *other_merchant_, *driver_;
  HttpClient client_{"127.0.0.1", server_->port(), 15s};
};

TestDatabase* PaymentsApiE2E::db_ = nullptr;
NeloProcess* PaymentsApiE2E::server_ = nullptr;
TestAccount* PaymentsApiE2E::admin_ = nullptr;
TestAccount* PaymentsApiE2E::customer_ = nullptr;
TestAccount* PaymentsApiE2E::other_customer_ = nullptr;
TestAccount* PaymentsApiE2E::merchant_ = nullptr;
TestAccount* PaymentsApiE2E::other_merchant_ = nullptr;
TestAccount* PaymentsApiE2E::driver_ = nullptr;

TEST_F(PaymentsApiE2E, ThePaymentIsReadByItsCustomerItsMerchantAndAdminsOnly) {
  const auto [id, order] = captured_payment();
  const std::string one = std::string(kPayments) + "/" + id;
  for (const TestAccount* who : {customer_, merchant_, admin_}) {
    const auto r = get(one, who);
    ASSERT_EQ(r.status, 200) << who->email << ": " << r.body;
    const json::value body = r.json();
    EXPECT_EQ(body.at("id").as_string(), id);
    EXPECT_EQ(body.at("order_id").as_string(), order);
    EXPECT_EQ(body.at("status").as_string(), "captured");
    EXPECT_EQ(body.at("method").as_string(), "cash");
    EXPECT_EQ(body.at("captured_amount").at("amount").as_int64(), 2950);
    EXPECT_EQ(body.at("refunded_amount").at("amount").as_int64(), 0);
    EXPECT_EQ(body.at("provider_reference").as_string(), "cash_" + id);
    EXPECT_TRUE(body.at("refunds").as_array().empty());
    EXPECT_EQ(r.body.find("token"), std::string::npos) << r.body;
  }
  for (const TestAccount* who : {other_customer_, other_merchant_}) {
    const auto r = get(one, who);
    EXPECT_EQ(r.status, 404) << who->email;
    expect_problem(r, 404);
  }
  EXPECT_EQ(get(std::string(kPayments) + "/" + new_uuid(), admin_).status, 404);
  EXPECT_EQ(get(std::string(kPayments) + "/not-a-uuid", customer_).status, 404);
  EXPECT_EQ(get(one, nullptr).status, 401);
  EXPECT_EQ(get(one, driver_).status, 403);

  // By order: the same rule, as a list; another's order has none.
  auto mine = get(std::string(kPayments) + "?order_id=" + order, customer_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json::value mine_body = mine.json();
  ASSERT_EQ(mine_body.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine_body.at("items").as_array()[0].at("id").as_string(), id);
  const auto theirs = get(std::string(kPayments) + "?order_id=" + order, other_customer_);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.json().at("items").as_array().empty());
  EXPECT_EQ(theirs.body.find(id), std::string::npos);
  expect_problem(get(std::string(kPayments), customer_), 422);
  expect_problem(get(std::string(kPayments) + "?order_id=nope", customer_), 422);
}

TEST_F(PaymentsApiE2E, RefundsAreForAdminsUnderAnIdempotencyKey) {
  const auto [id, order] = captured_payment();
  EXPECT_EQ(refund(id, refund_body(100), nullptr, new_uuid()).status, 401);
  EXPECT_EQ(refund(id, refund_body(100), customer_, new_uuid()).status, 403);
  EXPECT_EQ(refund(id, refund_body(100), merchant_, new_uuid()).status, 403);
  expect_problem(refund(id, refund_body(100), admin_, std::nullopt), 400);

  // Validation: every problem at once, and the key keeps that answer.
  const std::string bad_key = new_uuid();
  const std::string bad = R"({"amount": {"amount": -5, "currency": "eur"}, "reason": " ", "note": 1})";
  const auto invalid = refund(id, bad, admin_, bad_key);
  expect_problem(invalid, 422);
  EXPECT_EQ(error_fields(invalid),
            (std::vector<std::string>{"note", "amount.amount", "amount.currency", "reason"}))
      << invalid.body;
  const auto invalid_again = refund(id, bad, admin_, bad_key);
  EXPECT_EQ(invalid_again.status, 422);
  EXPECT_EQ(invalid_again.body, invalid.body);
  EXPECT_EQ(invalid_again.header("idempotent-replayed").value_or(""), "true");

  // A refund, replayed by its key, refused for another body under the same key.
  const std::string key = new_uuid();
  const auto made = refund(id, refund_body(1000), admin_, key);
  ASSERT_EQ(made.status, 201) << made.body;
  const json::value made_body = made.json();
  EXPECT_EQ(made_body.at("amount").at("amount").as_int64(), 1000);
  EXPECT_EQ(made_body.at("status").as_string(), "succeeded");
  EXPECT_EQ(made_body.at("payment").at("status").as_string(), "partially_refunded");
  EXPECT_EQ(made_body.at("payment").at("refundable_amount").at("amount").as_int64(), 1950);
  const auto replay = refund(id, refund_body(1000), admin_, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, made.body);
  EXPECT_EQ(replay.header("idempotent-replayed").value_or(""), "true");
  expect_problem(refund(id, refund_body(999), admin_, key), 422);
  EXPECT_EQ(db_->value("SELECT count(*) FROM payments.refunds WHERE payment_id = '" + id + "'"), "1");

  // Beyond what is left: 409, nothing written; the rest: refunded.
  const auto beyond = refund(id, refund_body(1951), admin_, new_uuid());
  expect_problem(beyond, 409);
  EXPECT_NE(beyond.body.find("1951"), std::string::npos) << beyond.body;
  expect_problem(refund(id, R"({"amount": {"amount": 5, "currency": "USD"}, "reason": "x"})", admin_, new_uuid()), 422);
  ASSERT_EQ(refund(id, refund_body(1950), admin_, new_uuid()).status, 201);
  const auto read = get(std::string(kPayments) + "/" + id, customer_);
  const json::value read_body = read.json();
  EXPECT_EQ(read_body.at("status").as_string(), "refunded");
  EXPECT_EQ(read_body.at("refunds").as_array().size(), 2u);
  expect_problem(refund(id, refund_body(1), admin_, new_uuid()), 409);

  // Not captured: 409; unknown: 404.
  const auto [authorized, unused] = captured_payment("authorized");
  const auto not_captured = refund(authorized, refund_body(100), admin_, new_uuid());
  expect_problem(not_captured, 409);
  EXPECT_NE(not_captured.body.find("'authorized'"), std::string::npos) << not_captured.body;
  expect_problem(refund(new_uuid(), refund_body(100), admin_, new_uuid()), 404);
  // The refunds' events went out with them.
  EXPECT_EQ(db_->value("SELECT count(*) FROM payments.outbox WHERE name = 'payment.refunded' AND payload->>'payment_id' = '" +
                       id + "'"),
            "2");
}

TEST_F(PaymentsApiE2E, FiftyConcurrentRefundsNeverExceedTheCapture) {
  const auto [id, order] = captured_payment();  // 2950 captured: 29 refunds of 100 fit
  std::atomic<int> created{0}, conflicts{0};
  std::mutex mutex;
  std::vector<std::string> unexpected;
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, payment = id] {
      HttpClient client("127.0.0.1", server_->port(), 30s);
      const auto r = client.request("POST", std::string(kPayments) + "/" + payment + "/refunds", refund_body(100),
                                    {{"Content-Type", "application/json"}, bearer(admin_->access_token),
                                     {"Idempotency-Key", new_uuid()}});
      const bool clear_409 = r.status == 409 &&
                             r.header("content-type").value_or("") == "application/problem+json" &&
                             r.body.find("exceeds what is left to refund") != std::string::npos;
      if (r.status == 201) {
        ++created;
      } else if (clear_409) {
        ++conflicts;
      } else {
        std::lock_guard lock(mutex);
        unexpected.push_back(std::to_string(r.status) + " " + r.body);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected, e.g. " << unexpected.front();
  EXPECT_EQ(created.load(), 29);
  EXPECT_EQ(conflicts.load(), 21);
  EXPECT_EQ(db_->value("SELECT refunded_amount || '/' || captured_amount FROM payments.payments WHERE id = '" + id + "'"),
            "2900/2950");
  EXPECT_EQ(db_->value("SELECT sum(amount) FROM payments.refunds WHERE payment_id = '" + id + "'"), "2900");
}

TEST_F(PaymentsApiE2E, LedgerBalancesSumToZeroAndReconcileAgreesUntilARowBreaks) {
  const auto [id, order] = captured_payment();
  ASSERT_EQ(refund(id, refund_body(500), admin_, new_uuid()).status, 201);
  EXPECT_EQ(get(std::string(kPayments) + "/ledger/balances", customer_).status, 403);
  EXPECT_EQ(get(std::string(kPayments) + "/ledger/balances", nullptr).status, 401);
  const auto r = get(std::string(kPayments) + "/ledger/balances", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value body = r.json();
  const auto& currencies = body.at("currencies").as_array();
  ASSERT_EQ(currencies.size(), 1u) << r.body;
  const auto& eur = currencies[0];
  EXPECT_EQ(eur.at("currency").as_string(), "EUR");
  EXPECT_EQ(eur.at("total").at("amount").as_int64(), 0) << r.body;
  EXPECT_LT(eur.at("accounts").at("merchant_payable").at("amount").as_int64(), 0) << "owed to merchants";
  EXPECT_GT(eur.at("accounts").at("driver_cash_float").at("amount").as_int64(), 0) << "cash the drivers hold";
  EXPECT_FALSE(eur.at("merchants").as_array().empty());

  const std::map<std::string, std::string> env = {{"DATABASE_URL", db_->conninfo()}};
  auto [clean_code, clean] = run_nelo({"payments", "reconcile"}, env);
  EXPECT_EQ(clean_code, 0) << clean;
  EXPECT_NE(clean.find(": 0 difference(s)"), std::string::npos) << clean;

  db_->exec("UPDATE payments.refunds SET amount = 400 WHERE payment_id = '" + id + "'");
  auto [broken_code, broken] = run_nelo({"payments", "reconcile"}, env);
  EXPECT_EQ(broken_code, 1) << broken;
  EXPECT_NE(broken.find("payment " + id + ": says 500 refunded but its succeeded refunds total 400"), std::string::npos)
      << broken;
  db_->exec("UPDATE payments.refunds SET amount = 500 WHERE payment_id = '" + id + "'");
}

}  // namespace
}  // namespace nelo::test
