// The LedgerRepository writes what the posting rules return as one balanced ledger transaction,
// reads a capture's split back for refunds, and the database refuses a second capture of a payment.

#include <string>

#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"
#include "db_fixture.hpp"
#include "modules/payments/module.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "shared/module.hpp"

namespace nelo::test {
namespace {

namespace asio = boost::asio;
using namespace nelo::payments;

constexpr const char* kPayment = "01a21464-0000-7000-8000-0000000000a1";
constexpr const char* kCustomer = "01a21464-0000-7000-8000-0000000000c1";
constexpr const char* kShop = "01a21464-0000-7000-8000-0000000000d1";
const LedgerParties kParties{kCustomer, kShop, std::nullopt};

class PaymentsLedger : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool = make_pool(2);
  db::ModuleDb module{*pool, "payments"};
  LedgerRepository ledger;

  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    migrate(*pool, {{"payments", templates, payments::migrations()}});
    database.exec(
        "INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider,"
        " currency, amount, subtotal, delivery_fee, service_fee, status, captured_amount, refunded_amount)"
        " VALUES ('" + std::string(kPayment) + "', gen_random_uuid(), '" + kCustomer + "', '" + kShop +
        "', gen_random_uuid(), 'card', 'sandbox', 'EUR', 2950, 2620, 199, 131, 'captured', 2950, 0)");
  }

  std::string post(const LedgerPosting& posting, std::optional<std::string> refund_id = std::nullopt) {
    return run([&]() -> asio::awaitable<std::string> {
      auto tx = co_await module.begin();
      std::string id = co_await ledger.post(tx, kPayment, refund_id, posting);
      co_await tx.commit();
      co_return id;
    }());
  }
  std::optional<CaptureSplit> split() {
    return run([&]() -> asio::awaitable<std::optional<CaptureSplit>> {
      auto tx = co_await module.begin();
      co_return co_await ledger.capture_split(tx, kPayment);
    }());
  }
};

TEST_F(PaymentsLedger, ACaptureIsOneBalancedTransactionWhoseSplitReadsBack) {
  EXPECT_FALSE(split().has_value());
  const auto tx = post(capture_posting(kParties, "EUR", split_amount(2620, 199, 131, 1500)));
  EXPECT_EQ(database.value("SELECT kind || '/' || currency || '/' || payment_id FROM payments.ledger_transactions"
                           " WHERE id = '" + tx + "'"),
            std::string("capture/EUR/") + kPayment);
  EXPECT_EQ(database.value("SELECT string_agg(line_no || ':' || account || ':' || coalesce(party_id::text, '-') || ':'"
                           " || amount, ' ' ORDER BY line_no) FROM payments.ledger_lines"),
            std::string("1:customer:") + kCustomer + ":2950 2:merchant_payable:" + kShop + ":-2227 3:platform_fees:-:-723");
  EXPECT_EQ(split(), (CaptureSplit{2227, 723}));
}

TEST_F(PaymentsLedger, APaymentsMoneyComesInOnce) {
  post(capture_posting(kParties, "EUR", {2227, 723}));
  EXPECT_THROW(post(cash_collection_posting(kParties, "EUR", {2227, 723})), db::UniqueViolation);
  EXPECT_EQ(database.value("SELECT count(*) FROM payments.ledger_lines"), "3");
}

TEST_F(PaymentsLedger, ARefundNamesItsRefundAndAnUnbalancedPostingWritesNothing) {
  post(capture_posting(kParties, "EUR", {2227, 723}));
  database.exec("UPDATE payments.payments SET status = 'partially_refunded', refunded_amount = 1000");
  const std::string refund = "01a21464-0000-7000-8000-0000000000e1";
  database.exec("INSERT INTO payments.refunds (id, payment_id, amount, reason, status) VALUES ('" + refund + "', '" +
                kPayment + "', 1000, 'cold', 'succeeded')");
  EXPECT_THROW(post(refund_posting(kParties, "EUR", {2227, 723}, 0, 1000)), std::invalid_argument);  // no refund id
  post(refund_posting(kParties, "EUR", {2227, 723}, 0, 1000), refund);
  EXPECT_THROW(post(refund_posting(kParties, "EUR", {2227, 723}, 0, 1000), refund), db::UniqueViolation);
  LedgerPosting off{LedgerKind::Capture, "EUR", {{LedgerAccount::Customer, std::nullopt, 5},
                                                 {LedgerAccount::PlatformFees, std::nullopt, -4}}};
  EXPECT_THROW(post(off), std::invalid_argument);
  EXPECT_EQ(database.value("SELECT count(*) || '/' || sum(amount) FROM payments.ledger_lines"), "6/0");
  EXPECT_EQ(database.value("SELECT -sum(amount) FROM payments.ledger_lines WHERE account = 'customer'"
                           " AND transaction_id IN (SELECT id FROM payments.ledger_transactions WHERE kind = 'refund')"),
            "1000");
}

}  // namespace
}  // namespace nelo::test
