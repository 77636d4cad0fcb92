#pragma once
// What the ledger says, read back: the balance of each account (GET /api/v1/payments/ledger/
// balances) and a summary of each ledger transaction (what reconciliation compares payments and
// refunds against).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nelo::payments {

// One account's balance in one currency: positive is a debit balance, negative a credit one.
// party_id is set for merchant_payable (one row per merchant) and empty for the others (summed
// over every party).
struct AccountBalance {
  std::string currency;
  std::string account;
  std::optional<std::string> party_id;
  std::int64_t balance = 0;
};

struct LedgerBalances {
  std::vector<AccountBalance> rows;  // by currency, account, party
  std::int64_t transactions = 0;
  std::int64_t lines = 0;
};

struct LedgerTransactionSummary {
  std::string id;
  std::string payment_id;
  std::optional<std::string> refund_id;
  std::string kind;  // capture | cash_collection | refund
  std::string currency;
  std::int64_t lines = 0;
  std::int64_t sum = 0;     // zero when balanced
  std::int64_t debits = 0;  // the sum of its positive lines: the money it moves
};

}  // namespace nelo::payments
