#include "modules/payments/repositories/ledger_repository.hpp"

#include <stdexcept>

#include "core/db/params.hpp"
#include "core/uuid.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kInsertTransaction =
    "INSERT INTO payments.ledger_transactions (id, payment_id, refund_id, kind, currency)"
    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5)";

// Every line in one statement: $2..$5 are parallel arrays (line_no, account, party, amount).
constexpr std::string_view kInsertLines =
    "INSERT INTO payments.ledger_lines (transaction_id, line_no, account, party_id, amount)"
    " SELECT $1::uuid, l.line_no, l.account, l.party_id, l.amount"
    " FROM unnest($2::smallint[], $3::text[], $4::uuid[], $5::bigint[]) AS l (line_no, account, party_id, amount)";

// The capture's (or cash collection's) credit lines: what the merchant and the platform got.
constexpr std::string_view kCaptureSplit =
    "SELECT coalesce(-sum(l.amount) FILTER (WHERE l.account = 'merchant_payable'), 0),"
    " coalesce(-sum(l.amount) FILTER (WHERE l.account = 'platform_fees'), 0), count(t.id)"
    " FROM payments.ledger_transactions t LEFT JOIN payments.ledger_lines l ON l.transaction_id = t.id"
    " WHERE t.payment_id = $1::uuid AND t.kind IN ('capture', 'cash_collection')";

// A PostgreSQL array literal where an element may be NULL (party_id).
std::string array_literal(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += values[i] ? *values[i] : "NULL";
  }
  return out + "}";
}

}  // namespace

asio::awaitable<std::string> LedgerRepository::post(db::Transaction& tx, const std::string& payment_id,
                                                    const std::optional<std::string>& refund_id,
                                                    const LedgerPosting& posting) {
  if (!is_balanced(posting)) throw std::invalid_argument("ledger: refusing an unbalanced posting");
  if ((posting.kind == LedgerKind::Refund) != refund_id.has_value()) {
    throw std::invalid_argument("ledger: a refund posting names its refund, and only it does");
  }
  std::string id = new_uuid_v7();
  db::Params head = db::params(id, payment_id, refund_id, std::string(to_string(posting.kind)), posting.currency);
  co_await tx.execute(kInsertTransaction, head);
  std::vector<std::optional<std::string>> numbers, accounts, parties, amounts;
  for (std::size_t i = 0; i < posting.lines.size(); ++i) {
    const auto& line = posting.lines[i];
    // Ids are UUIDs and accounts fixed words: nothing here needs quoting in an array literal.
    numbers.emplace_back(std::to_string(i + 1));
    accounts.emplace_back(std::string(to_string(line.account)));
    parties.push_back(line.party_id);
    amounts.emplace_back(std::to_string(line.amount));
  }
  db::Params lines = db::params(id, array_literal(numbers), array_literal(accounts), array_literal(parties),
                                array_literal(amounts));
  co_await tx.execute(kInsertLines, lines);
  co_return id;
}

asio::awaitable<std::optional<CaptureSplit>> LedgerRepository::capture_split(db::Transaction& tx,
                                                                             const std::string& payment_id) {
  db::Params p = db::params(payment_id);
  auto r = co_await tx.execute(kCaptureSplit, p);
  const auto row = r.front();
  if (row.get<std::int64_t>(2) == 0) co_return std::nullopt;
  co_return CaptureSplit{row.get<std::int64_t>(0), row.get<std::int64_t>(1)};
}

}  // namespace nelo::payments
