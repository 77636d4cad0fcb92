// What the payments schema itself refuses, whatever the code above it does: a ledger transaction
// whose lines do not sum to zero (checked at commit), edits to the append-only ledger, refunds
// beyond the captured amount (even 50 at once, each on its own connection), a payment whose
// amounts and status disagree, a provider event or a capture recorded twice. Every statement runs
// as the module's role, as the module's own would.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "db_fixture.hpp"
#include "modules/payments/module.hpp"
#include "shared/module.hpp"

namespace nelo::test {
namespace {

constexpr const char* kPayment = "01a21464-0000-7000-8000-0000000000a1";

class PaymentsSchema : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool = make_pool(2);

  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    migrate(*pool, {{"payments", templates, payments::migrations()}});
  }

  // Runs `sql` in one transaction as nelo_payments, on a connection of its own; throws
  // std::runtime_error with the server's message when it fails (the commit included).
  void as_module(const std::string& sql) const {
    database.exec("BEGIN; SET LOCAL ROLE nelo_payments; " + sql + "; COMMIT");
  }
  // The server's message when `sql` fails as the module, "committed" when it does not.
  std::string refusal(const std::string& sql) const {
    try {
      as_module(sql);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "committed";
  }

  // A card payment of 29.50 EUR (26.20 for the merchant, 3.30 of fees) in `status`.
  void insert_payment(const std::string& status, long captured, long refunded = 0, const char* id = kPayment) const {
    as_module(
        "INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider,"
        " provider_reference, card_last4, currency, amount, subtotal, delivery_fee, service_fee, status,"
        " captured_amount, refunded_amount) VALUES ('" + std::string(id) + "', gen_random_uuid(), gen_random_uuid(),"
        " gen_random_uuid(), gen_random_uuid(), 'card', 'sandbox', 'pay_' || md5(random()::text), '4242', 'EUR',"
        " 2950, 2620, 199, 131, '" + status + "', " + std::to_string(captured) + ", " + std::to_string(refunded) + ")");
  }

  std::string ledger_transaction(const char* id, const std::string& kind = "capture") const {
    return "INSERT INTO payments.ledger_transactions (id, payment_id, kind, currency) VALUES ('" + std::string(id) +
           "', '" + kPayment + "', '" + kind + "', 'EUR')";
  }
  static std::string line(const char* tx, int no, const char* account, long amount) {
    return "INSERT INTO payments.ledger_lines (transaction_id, line_no, account, amount) VALUES ('" + std::string(tx) +
           "', " + std::to_string(no) + ", '" + account + "', " + std::to_string(amount) + ")";
  }
  std::string refund(long amount, const std::string& status = "succeeded") const {
    return "INSERT INTO payments.refunds (id, payment_id, amount, reason, status) VALUES (gen_random_uuid(), '" +
           std::string(kPayment) + "', " + std::to_string(amount) + ", 'cold pizza', '" + status + "')";
  }
  std::string count(const std::string& table) const {
    return database.value("SELECT count(*) FROM payments." + table);
  }
};

constexpr const char* kTx = "01a21464-0000-7000-8000-0000000000b1";
constexpr const char* kTx2 = "01a21464-0000-7000-8000-0000000000b2";

TEST_F(PaymentsSchema, ABalancedLedgerTransactionCommitsLineByLine) {
  insert_payment("captured", 2950);
  // The lines go in one at a time: the balance is checked at commit, not after each line.
  as_module(ledger_transaction(kTx) + "; " + line(kTx, 1, "provider_clearing", 2950) + "; " +
            line(kTx, 2, "merchant_payable", -2620) + "; " + line(kTx, 3, "platform_fees", -330));
  EXPECT_EQ(database.value("SELECT sum(amount) || '/' || count(*) FROM payments.ledger_lines"), "0/3");
}

TEST_F(PaymentsSchema, AnUnbalancedLedgerTransactionIsRefusedByTheDatabase) {
  insert_payment("captured", 2950);
  const std::string off_by_one = refusal(ledger_transaction(kTx) + "; " + line(kTx, 1, "provider_clearing", 2950) +
                                         "; " + line(kTx, 2, "merchant_payable", -2620) + "; " +
                                         line(kTx, 3, "platform_fees", -329));
  EXPECT_NE(off_by_one.find("does not balance: 3 line(s) summing to 1"), std::string::npos) << off_by_one;
  EXPECT_EQ(count("ledger_transactions"), "0");
  EXPECT_EQ(count("ledger_lines"), "0");

  const std::string no_lines = refusal(ledger_transaction(kTx));
  EXPECT_NE(no_lines.find("does not balance: 0 line(s)"), std::string::npos) << no_lines;
  EXPECT_NE(refusal(ledger_transaction(kTx2) + "; " + line(kTx2, 1, "petty_cash", 5) + "; " +
                    line(kTx2, 2, "customer", -5)).find("ledger_lines_account_check"),
            std::string::npos);
  // Lines added later to a committed transaction are checked too.
  as_module(ledger_transaction(kTx) + "; " + line(kTx, 1, "provider_clearing", 2950) + "; " +
            line(kTx, 2, "merchant_payable", -2950));
  const std::string added = refusal(line(kTx, 3, "platform_fees", 10));
  EXPECT_NE(added.find("does not balance"), std::string::npos) << added;
  EXPECT_NE(refusal(line(kTx, 3, "platform_fees", 0)).find("ledger_lines_amount_check"), std::string::npos);
  EXPECT_EQ(count("ledger_lines"), "2");
}

TEST_F(PaymentsSchema, TheLedgerIsAppendOnly) {
  insert_payment("captured", 2950);
  as_module(ledger_transaction(kTx) + "; " + line(kTx, 1, "provider_clearing", 2950) + "; " +
            line(kTx, 2, "merchant_payable", -2950));
  for (const std::string sql : {"UPDATE payments.ledger_lines SET amount = amount * 2",
                                "DELETE FROM payments.ledger_lines WHERE line_no = 2",
                                "UPDATE payments.ledger_transactions SET currency = 'USD'",
                                "TRUNCATE payments.ledger_lines, payments.ledger_transactions"}) {
    const std::string why = refusal(sql);
    EXPECT_NE(why.find("the ledger is append-only"), std::string::npos) << sql << ": " << why;
  }
  EXPECT_EQ(database.value("SELECT string_agg(amount::text, ',' ORDER BY line_no) FROM payments.ledger_lines"),
            "2950,-2950");
}

TEST_F(PaymentsSchema, APaymentsMoneyComesInOnce) {
  insert_payment("captured", 2950);
  as_module(ledger_transaction(kTx) + "; " + line(kTx, 1, "provider_clearing", 2950) + "; " +
            line(kTx, 2, "merchant_payable", -2950));
  const std::string twice = refusal(ledger_transaction(kTx2, "cash_collection") + "; " +
                                    line(kTx2, 1, "driver_cash_float", 2950) + "; " +
                                    line(kTx2, 2, "merchant_payable", -2950));
  EXPECT_NE(twice.find("ledger_transactions_one_capture"), std::string::npos) << twice;
  EXPECT_NE(refusal(ledger_transaction(kTx2, "refund")).find("ledger_transactions_check"), std::string::npos)
      << "a refund transaction names its refund";
}

TEST_F(PaymentsSchema, RefundsNeverTotalMoreThanTheCapture) {
  insert_payment("captured", 2950);
  as_module(refund(2000));
  const std::string over = refusal(refund(951));
  EXPECT_NE(over.find("would total 2951, more than the 2950 captured"), std::string::npos) << over;
  // A failed refund does not count, and cannot come back to life beyond the capture.
  as_module(refund(5000, "failed"));
  EXPECT_NE(refusal("UPDATE payments.refunds SET status = 'succeeded' WHERE amount = 5000")
                .find("would total 7000, more than the 2950 captured"),
            std::string::npos);
  EXPECT_NE(refusal("UPDATE payments.refunds SET amount = 3000 WHERE amount = 2000").find("more than the 2950"),
            std::string::npos);
  as_module(refund(950, "pending"));
  EXPECT_NE(refusal(refund(1)).find("would total 2951"), std::string::npos);
  EXPECT_EQ(database.value("SELECT sum(amount) FROM payments.refunds WHERE status <> 'failed'"), "2950");
}

TEST_F(PaymentsSchema, NothingIsRefundedBeforeACapture) {
  insert_payment("authorized", 0);
  EXPECT_NE(refusal(refund(1)).find("more than the 0 captured"), std::string::npos);
}

TEST_F(PaymentsSchema, FiftyConcurrentRefundsStopAtTheCapturedAmount) {
  insert_payment("captured", 2950);
  // 50 refunds of 1.00 against 29.50 captured, each in its own transaction on its own
  // connection, all at once: the trigger alone (no service, no row lock taken by the caller).
  // Each transaction lingers after its insert, so that without the trigger's row lock they would
  // all check the sum before any of them committed (and far more than 29 would pass).
  std::atomic<int> accepted{0}, refused{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&] {
      const std::string why = refusal(refund(100) + "; SELECT pg_sleep(0.05)");
      if (why == "committed") ++accepted;
      else if (why.find("more than the 2950 captured") != std::string::npos) ++refused;
      else ++other;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(accepted.load(), 29);
  EXPECT_EQ(refused.load(), 21);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(database.value("SELECT sum(amount) FROM payments.refunds"), "2900");
}

TEST_F(PaymentsSchema, APaymentsStatusAndAmountsAgree) {
  const auto refused = [&](const std::string& status, long captured, long refunded) {
    try {
      insert_payment(status, captured, refunded, "01a21464-0000-7000-8000-0000000000a9");
    } catch (const std::runtime_error& e) {
      return std::string(e.what()).find("violates check constraint") != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused("captured", 0, 0)) << "captured without money";
  EXPECT_TRUE(refused("authorized", 2950, 0)) << "money before the capture";
  EXPECT_TRUE(refused("captured", 3000, 0)) << "more than the amount";
  EXPECT_TRUE(refused("partially_refunded", 2950, 3000)) << "refunded more than captured";
  EXPECT_TRUE(refused("refunded", 2950, 1000)) << "refunded, but not all of it";
  EXPECT_TRUE(refused("partially_refunded", 2950, 2950)) << "partially, yet all of it";
  EXPECT_TRUE(refused("captured", 2950, 100)) << "a refund shows in the status";
  EXPECT_TRUE(refused("pending", 0, 0)) << "not a status";
  EXPECT_TRUE(refused("failed", 0, 0)) << "failed without a reason";
  EXPECT_FALSE(refused("partially_refunded", 2950, 950));
  EXPECT_NE(refusal("UPDATE payments.payments SET refunded_amount = 3000, status = 'refunded'")
                .find("violates check constraint"),
            std::string::npos);
}

TEST_F(PaymentsSchema, AProviderEventIsRecordedOnce) {
  insert_payment("authorized", 0);
  const std::string event = std::string("INSERT INTO payments.provider_events (provider, event_id, type, payment_id,"
                                        " outcome) VALUES ('sandbox', 'evt_1', 'payment.authorized', '") +
                            kPayment + "', 'applied')";
  as_module(event);
  EXPECT_NE(refusal(event).find("provider_events_pkey"), std::string::npos);
  as_module("INSERT INTO payments.provider_events (provider, event_id, type, outcome)"
            " VALUES ('other', 'evt_1', 'payment.authorized', 'ignored')");
  EXPECT_EQ(count("provider_events"), "2") << "event ids are the provider's: another may reuse one";
}

}  // namespace
}  // namespace nelo::test
