#include "modules/payments/repositories/ledger_report_repository.hpp"

#include <map>

#include "modules/payments/repositories/payment_rows.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

// merchant_payable per merchant; the other accounts summed over their parties.
constexpr std::string_view kBalances =
    "SELECT t.currency, l.account, CASE WHEN l.account = 'merchant_payable' THEN l.party_id END AS party,"
    " sum(l.amount)::bigint FROM payments.ledger_lines l"
    " JOIN payments.ledger_transactions t ON t.id = l.transaction_id"
    " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

constexpr std::string_view kCounts =
    "SELECT (SELECT count(*) FROM payments.ledger_transactions), (SELECT count(*) FROM payments.ledger_lines)";

const std::string kPayments = "SELECT " + std::string(kPaymentColumns) + " FROM payments.payments ORDER BY created_at, id";
const std::string kRefunds = "SELECT " + std::string(kRefundColumns) + " FROM payments.refunds ORDER BY created_at, id";

constexpr std::string_view kTransactions =
    "SELECT t.id, t.payment_id, t.refund_id, t.kind, t.currency, count(l.line_no),"
    " coalesce(sum(l.amount), 0)::bigint, coalesce(sum(l.amount) FILTER (WHERE l.amount > 0), 0)::bigint"
    " FROM payments.ledger_transactions t LEFT JOIN payments.ledger_lines l ON l.transaction_id = t.id"
    " GROUP BY t.id ORDER BY t.created_at, t.id";

}  // namespace

asio::awaitable<LedgerBalances> LedgerReportRepository::balances() {
  const db::TxOptions options{.isolation = db::Isolation::RepeatableRead, .read_only = true};
  auto tx = co_await db_.begin(options);
  LedgerBalances out;
  auto r = co_await tx.execute(kBalances);
  for (const auto row : r) {
    out.rows.push_back(AccountBalance{row.get<std::string>(0), row.get<std::string>(1),
                                      row.get<std::optional<std::string>>(2), row.get<std::int64_t>(3)});
  }
  auto counts = co_await tx.execute(kCounts);
  out.transactions = counts.front().get<std::int64_t>(0);
  out.lines = counts.front().get<std::int64_t>(1);
  co_await tx.commit();
  co_return out;
}

asio::awaitable<PaymentsSnapshot> LedgerReportRepository::snapshot() {
  const db::TxOptions options{.isolation = db::Isolation::RepeatableRead, .read_only = true};
  auto tx = co_await db_.begin(options);
  PaymentsSnapshot out;
  std::map<std::string, std::size_t> index;
  auto payments = co_await tx.execute(kPayments);
  for (const auto row : payments) {
    out.payments.push_back(read_payment(row));
    index.emplace(out.payments.back().id, out.payments.size() - 1);
  }
  auto refunds = co_await tx.execute(kRefunds);
  for (const auto row : refunds) {
    RefundRecord refund = read_refund(row);
    out.payments.at(index.at(refund.payment_id)).refunds.push_back(std::move(refund));
  }
  auto transactions = co_await tx.execute(kTransactions);
  for (const auto row : transactions) {
    LedgerTransactionSummary t;
    t.id = row.get<std::string>(0);
    t.payment_id = row.get<std::string>(1);
    t.refund_id = row.get<std::optional<std::string>>(2);
    t.kind = row.get<std::string>(3);
    t.currency = row.get<std::string>(4);
    t.lines = row.get<std::int64_t>(5);
    t.sum = row.get<std::int64_t>(6);
    t.debits = row.get<std::int64_t>(7);
    out.transactions.push_back(std::move(t));
  }
  co_await tx.commit();
  co_return out;
}

}  // namespace nelo::payments
