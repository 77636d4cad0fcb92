// Refunds against PostgreSQL, through the real service, repositories, ledger and sandbox
// processor: partial refunds then the rest (state, ledger, events, the processor's own records),
// a refund beyond what is left or of a payment not captured refused with nothing written, the
// same refund id asked twice making one refund at the provider, 50 concurrent refunds never
// exceeding the capture, and reconciliation finding nothing after a clean flow and each
// difference a superuser makes on purpose.

#include <boost/asio/co_spawn.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/metrics/registry.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db_fixture.hpp"
#include "modules/payments/ledger/posting_rules.hpp"
#include "modules/payments/module.hpp"
#include "modules/payments/repositories/ledger_report_repository.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "modules/payments/repositories/refund_repository.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/sandbox/sandbox_records.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/services/payment_refunds.hpp"
#include "modules/payments/services/reconciliation.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/module.hpp"
#include "support/test_bus_options.hpp"

namespace nelo::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using payments::PaymentRefunds;
using payments::RefundRequest;
using payments::RefundResult;

class PaymentsRefunds : public DbTest {
 protected:
  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    migrate(*pool, {{"payments", templates, payments::migrations()}});
    refunds.add_provider(sandbox);
    refunds.add_provider(cash);
  }
  void TearDown() override { bus.reset(); }

  // A card payment of 29.50 EUR (26.20 of subtotal, 3.30 of fees), authorized and captured at the
  // sandbox processor, stored captured, with its capture in the ledger. Returns its id.
  std::string captured_card_payment(std::int64_t subtotal = 2620, std::int64_t fees = 330) {
    const std::string id = new_uuid();
    const Money amount{subtotal + fees, "EUR"};
    const auto authorized = processor.authorize({id, amount, "tok_visa"});
    EXPECT_TRUE(processor.capture(authorized.reference, amount).succeeded);
    insert_payment(id, "card", "sandbox", authorized.reference, subtotal, fees);
    return id;
  }
  std::string captured_cash_payment() {
    const std::string id = new_uuid();
    insert_payment(id, "cash", "cash", "cash_" + id, 2620, 330);
    return id;
  }
  void insert_payment(const std::string& id, const std::string& method, const std::string& provider,
                      const std::string& reference, std::int64_t subtotal, std::int64_t fees) {
    const std::string customer = new_uuid(), merchant = new_uuid();
    database.exec("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
                  " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status,"
                  " captured_amount, captured_at) VALUES ('" + id + "', gen_random_uuid(), '" + customer + "', '" +
                  merchant + "', gen_random_uuid(), '" + method + "', '" + provider + "', '" + reference +
                  "', 'EUR', " + std::to_string(subtotal + fees) + ", " + std::to_string(subtotal) + ", " +
                  std::to_string(fees) + ", 0, 'captured', " + std::to_string(subtotal + fees) + ", now())");
    const payments::LedgerParties parties{customer, merchant, std::nullopt};
    const payments::CaptureSplit split{subtotal, fees};
    const auto posting = method == "cash" ? payments::cash_collection_posting(parties, "EUR", split)
                                          : payments::capture_posting(parties, "EUR", split);
    run([&]() -> asio::awaitable<void> {
      const std::optional<std::string> no_refund;
      auto tx = co_await module_db.begin();
      co_await ledger.post(tx, id, no_refund, posting);
      co_await tx.commit();
    }());
  }

  RefundResult refund(const std::string& payment, std::int64_t amount, std::string refund_id = new_uuid(),
                      std::string currency = "EUR") {
    RefundRequest request{std::move(refund_id), Money{amount, std::move(currency)}, "cold pizza", new_uuid()};
    return run(refunds.refund(payment, std::move(request)));
  }

  std::string value(const std::string& sql) const { return database.value(sql); }
  std::string payment(const std::string& id, const std::string& columns) const {
    return value("SELECT " + columns + " FROM payments.payments WHERE id = '" + id + "'");
  }

  payments::ReconciliationReport reconcile_now() {
    payments::LedgerReportRepository report(module_db);
    const auto snapshot = run(report.snapshot());
    return payments::reconcile(snapshot, payments::sandbox_records(processor.charges()));
  }
  static std::string differences(const payments::ReconciliationReport& r) { return payments::to_text(r); }

  std::shared_ptr<db::Pool> pool = make_pool(8);
  db::ModuleDb module_db{*pool, "payments"};
  metrics::Registry registry;
  std::unique_ptr<events::OutboxEventBus> bus = std::make_unique<events::OutboxEventBus>(
      *pool, io.get_executor(), fast_bus_options("payments-test"), registry, std::vector<std::string>{"payments"});
  SystemClock clock;
  payments::SandboxProcessor processor{clock, 3000ms, "http://127.0.0.1:1/3ds"};
  payments::SandboxProvider sandbox{processor, {"whsec_test_secret_0123456789"}, 300s};
  payments::CashProvider cash;
  payments::RefundRepository refund_rows;
  payments::LedgerRepository ledger;
  PaymentRefunds refunds{module_db, *bus, refund_rows, ledger};
};

TEST_F(PaymentsRefunds, APartialRefundThenTheRestMoveStateLedgerEventAndProcessor) {
  const std::string id = captured_card_payment();
  const RefundResult part = refund(id, 1000);
  EXPECT_EQ(part.payment.status, payments::PaymentStatus::PartiallyRefunded);
  EXPECT_EQ(part.payment.refunded_amount, 1000);
  EXPECT_EQ(part.refund.status, "succeeded");
  ASSERT_TRUE(part.refund.provider_reference);
  EXPECT_EQ(part.refund.provider_reference->substr(0, 3), "re_");
  EXPECT_EQ(payment(id, "status || ' ' || refunded_amount || ' ' || version"), "partially_refunded 1000 2");

  const RefundResult rest = refund(id, 1950);
  EXPECT_EQ(rest.payment.status, payments::PaymentStatus::Refunded);
  EXPECT_EQ(payment(id, "status || ' ' || refunded_amount"), "refunded 2950");
  EXPECT_EQ(value("SELECT count(*) || ' ' || sum(amount) FROM payments.refunds WHERE payment_id = '" + id + "'"),
            "2 2950");

  // The ledger: the capture and two refunds, each balanced; the customer got everything back, and
  // the merchant and the platform gave back exactly what they got.
  EXPECT_EQ(value("SELECT count(*) FROM payments.ledger_transactions WHERE payment_id = '" + id + "' AND kind = 'refund'"),
            "2");
  EXPECT_EQ(value("SELECT string_agg(account || '=' || s, ',' ORDER BY account) FROM (SELECT l.account, sum(l.amount) s"
                  " FROM payments.ledger_lines l JOIN payments.ledger_transactions t ON t.id = l.transaction_id"
                  " WHERE t.payment_id = '" + id + "' GROUP BY l.account) a"),
            "customer=0,merchant_payable=0,platform_fees=0");
  // The events, in the transaction of each refund.
  EXPECT_EQ(value("SELECT string_agg(payload->>'status' || ':' || (payload->'refund'->'amount'->>'amount'), ','"
                  " ORDER BY (payload->>'version')::int) FROM payments.outbox WHERE name = 'payment.refunded'"),
            "partially_refunded:1000,refunded:1950");
  // The processor's own records agree.
  const auto charge = processor.charge(payment(id, "provider_reference"));
  ASSERT_TRUE(charge);
  EXPECT_EQ(charge->refunded, 2950);
  EXPECT_EQ(charge->refunds.size(), 2u);
  const auto report = reconcile_now();
  EXPECT_TRUE(report.differences.empty()) << differences(report);
}

TEST_F(PaymentsRefunds, BeyondWhatIsLeftOrNotCapturedIs409AndWritesNothing) {
  const std::string id = captured_card_payment();
  try {
    refund(id, 2951);
    FAIL() << "refunded more than the capture";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("2951"), std::string::npos) << e.detail();
  }
  refund(id, 2000);
  EXPECT_THROW(refund(id, 951), Conflict);
  EXPECT_EQ(payment(id, "status || ' ' || refunded_amount"), "partially_refunded 2000");
  refund(id, 950);
  EXPECT_THROW(refund(id, 1), Conflict) << "nothing left";

  const std::string authorized = new_uuid();
  database.exec("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
                " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status) VALUES ('" +
                authorized + "', gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'card',"
                " 'sandbox', 'sbx_not_captured', 'EUR', 2950, 2620, 199, 131, 'authorized')");
  try {
    refund(authorized, 100);
    FAIL() << "refunded an uncaptured payment";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("'authorized'"), std::string::npos) << e.detail();
  }
  EXPECT_THROW(refund(new_uuid(), 100), NotFound);
  EXPECT_THROW(refund("not-a-uuid", 100), NotFound);
  EXPECT_THROW(refund(captured_card_payment(), 100, new_uuid(), "USD"), ValidationError);
  EXPECT_EQ(value("SELECT count(*) FROM payments.refunds"), "2") << "only the two that succeeded";
  EXPECT_EQ(value("SELECT count(*) FROM payments.outbox"), "2");
}

TEST_F(PaymentsRefunds, TheSameRefundIdIsOneRefundAtTheProviderAfterACrash) {
  const std::string id = captured_card_payment();
  const std::string reference = payment(id, "provider_reference");
  // The first attempt reached the processor, then the server died before its commit.
  const std::string refund_id = new_uuid();
  ASSERT_TRUE(processor.refund(reference, refund_id, Money{500, "EUR"}).succeeded);
  // The retry (same Idempotency-Key: same refund id) is the same refund there, now recorded here.
  const RefundResult retried = refund(id, 500, refund_id);
  EXPECT_EQ(retried.payment.refunded_amount, 500);
  EXPECT_EQ(processor.charge(reference)->refunded, 500);
  EXPECT_EQ(processor.charge(reference)->refunds.size(), 1u);
  // The same id once more, after it committed: refused, nothing doubled.
  EXPECT_THROW(refund(id, 500, refund_id), Conflict);
  EXPECT_EQ(payment(id, "refunded_amount"), "500");
  const auto report = reconcile_now();
  EXPECT_TRUE(report.differences.empty()) << differences(report);
}

TEST_F(PaymentsRefunds, FiftyConcurrentRefundsNeverExceedTheCapture) {
  const std::string id = captured_card_payment();  // 2950 captured
  std::atomic<int> succeeded{0}, conflicts{0}, others{0};
  std::mutex mutex;
  std::vector<std::string> unexpected;
  for (int i = 0; i < 50; ++i) {
    RefundRequest request{new_uuid(), Money{100, "EUR"}, "concurrent", new_uuid()};
    asio::co_spawn(io, refunds.refund(id, std::move(request)), [&](std::exception_ptr e, RefundResult) {
      if (!e) {
        ++succeeded;
        return;
      }
      try {
        std::rethrow_exception(e);
      } catch (const Conflict&) {
        ++conflicts;
      } catch (const std::exception& other) {
        ++others;
        std::lock_guard lock(mutex);
        unexpected.push_back(other.what());
      }
    });
  }
  detail::run_io(io, 4);
  EXPECT_EQ(succeeded.load(), 29);
  EXPECT_EQ(conflicts.load(), 21);
  EXPECT_EQ(others.load(), 0) << (unexpected.empty() ? "" : unexpected.front());
  EXPECT_EQ(payment(id, "status || ' ' || refunded_amount"), "partially_refunded 2900");
  EXPECT_EQ(value("SELECT sum(amount) FROM payments.refunds WHERE payment_id = '" + id + "'"), "2900");
  EXPECT_EQ(processor.charge(payment(id, "provider_reference"))->refunded, 2900);
  const auto report = reconcile_now();
  EXPECT_TRUE(report.differences.empty()) << differences(report);
}

TEST_F(PaymentsRefunds, ACashRefundIsRecordedAndPostedLikeACardOne) {
  const std::string id = captured_cash_payment();
  const RefundResult r = refund(id, 2950);
  EXPECT_EQ(r.payment.status, payments::PaymentStatus::Refunded);
  EXPECT_EQ(r.refund.provider_reference.value_or(""), "cash_refund_" + r.refund.id);
  const auto report = reconcile_now();
  EXPECT_TRUE(report.differences.empty()) << differences(report);
}

TEST_F(PaymentsRefunds, ReconciliationFindsEveryRowBrokenOnPurpose) {
  const std::string card = captured_card_payment();
  refund(card, 1000);
  const std::string cash = captured_cash_payment();
  ASSERT_TRUE(reconcile_now().differences.empty()) << differences(reconcile_now());

  // A refund's amount changed behind the service's back (the trigger allows a smaller one).
  database.exec("UPDATE payments.refunds SET amount = 900 WHERE payment_id = '" + card + "'");
  auto report = reconcile_now();
  EXPECT_NE(differences(report).find("says 1000 refunded but its succeeded refunds total 900"), std::string::npos)
      << differences(report);
  EXPECT_NE(differences(report).find("is of 900 but ledger transaction"), std::string::npos) << differences(report);
  EXPECT_NE(differences(report).find("is of 900 but 1000 at sandbox"), std::string::npos) << differences(report);

  // An unbalanced ledger line slipped in with the triggers off (a superuser can).
  database.exec("SET session_replication_role = replica; INSERT INTO payments.ledger_lines (transaction_id, line_no,"
                " account, amount) SELECT id, 9, 'platform_fees', 5 FROM payments.ledger_transactions WHERE payment_id = '" +
                cash + "'; SET session_replication_role = origin");
  report = reconcile_now();
  EXPECT_NE(differences(report).find("does not balance: 4 line(s) summing to 5"), std::string::npos)
      << differences(report);

  // The processor holds a charge nelo knows nothing of.
  processor.authorize({new_uuid(), Money{1200, "EUR"}, "tok_visa"});
  report = reconcile_now();
  EXPECT_NE(differences(report).find("is not known to nelo by that reference"), std::string::npos)
      << differences(report);
  EXPECT_GE(report.differences.size(), 5u) << differences(report);
}

}  // namespace
}  // namespace nelo::test
