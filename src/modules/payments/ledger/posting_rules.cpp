#include "modules/payments/ledger/posting_rules.hpp"

#include <stdexcept>

namespace nelo::payments {
namespace {

// Appends a line unless it is zero (a merchant with nothing to be paid, a refund too small to
// reach the platform's part): the schema refuses zero lines.
void add(LedgerPosting& posting, LedgerAccount account, std::optional<std::string> party, std::int64_t amount) {
  if (amount != 0) posting.lines.push_back(LedgerLine{account, std::move(party), amount});
}

LedgerPosting incoming(LedgerKind kind, LedgerAccount from, std::optional<std::string> from_party,
                       const LedgerParties& parties, const std::string& currency, const CaptureSplit& split) {
  if (split.merchant < 0 || split.platform < 0 || split.total() <= 0) {
    throw std::invalid_argument("ledger: a capture must be positive and split into non-negative parts");
  }
  LedgerPosting posting{kind, currency, {}};
  add(posting, from, std::move(from_party), split.total());
  add(posting, LedgerAccount::MerchantPayable, parties.merchant_id, -split.merchant);
  add(posting, LedgerAccount::PlatformFees, std::nullopt, -split.platform);
  return posting;
}

}  // namespace

std::string_view to_string(LedgerAccount account) noexcept {
  switch (account) {
    case LedgerAccount::Customer: return "customer";
    case LedgerAccount::MerchantPayable: return "merchant_payable";
    case LedgerAccount::PlatformFees: return "platform_fees";
    case LedgerAccount::DriverCashFloat: return "driver_cash_float";
    case LedgerAccount::ProviderClearing: return "provider_clearing";
  }
  return "unknown";
}

std::string_view to_string(LedgerKind kind) noexcept {
  switch (kind) {
    case LedgerKind::Capture: return "capture";
    case LedgerKind::CashCollection: return "cash_collection";
    case LedgerKind::Refund: return "refund";
  }
  return "unknown";
}

CaptureSplit split_amount(std::int64_t subtotal, std::int64_t delivery_fee, std::int64_t service_fee,
                          int commission_bps) {
  if (subtotal < 0 || delivery_fee < 0 || service_fee < 0) {
    throw std::invalid_argument("ledger: an order's amounts are never negative");
  }
  if (commission_bps < 0 || commission_bps > kMaxCommissionBps) {
    throw std::invalid_argument("ledger: the commission is 0 to 10000 basis points");
  }
  const std::int64_t commission = (subtotal * commission_bps + kMaxCommissionBps / 2) / kMaxCommissionBps;
  return CaptureSplit{subtotal - commission, delivery_fee + service_fee + commission};
}

LedgerPosting capture_posting(const LedgerParties& parties, const std::string& currency, const CaptureSplit& split) {
  return incoming(LedgerKind::Capture, LedgerAccount::Customer, parties.customer_id, parties, currency, split);
}

LedgerPosting cash_collection_posting(const LedgerParties& parties, const std::string& currency,
                                      const CaptureSplit& split) {
  return incoming(LedgerKind::CashCollection, LedgerAccount::DriverCashFloat, parties.driver_id, parties, currency,
                  split);
}

LedgerPosting refund_posting(const LedgerParties& parties, const std::string& currency, const CaptureSplit& split,
                             std::int64_t refunded_before, std::int64_t amount) {
  const std::int64_t captured = split.total();
  if (amount <= 0) throw std::invalid_argument("ledger: a refund must be positive");
  if (split.merchant < 0 || split.platform < 0 || captured <= 0) {
    throw std::invalid_argument("ledger: only a positive capture can be refunded");
  }
  if (refunded_before < 0 || refunded_before > captured || amount > captured - refunded_before) {
    throw std::invalid_argument("ledger: refunds would exceed the capture");
  }
  // The merchant's share of the running total, so rounding never drifts across parts. 128 bits
  // keep refunded * merchant exact for any bigint amounts (GCC's extension, hence __extension__).
  __extension__ using Wide = __int128;
  const auto merchant_share = [&](std::int64_t refunded) {
    return static_cast<std::int64_t>(static_cast<Wide>(refunded) * split.merchant / captured);
  };
  const std::int64_t merchant = merchant_share(refunded_before + amount) - merchant_share(refunded_before);
  LedgerPosting posting{LedgerKind::Refund, currency, {}};
  add(posting, LedgerAccount::Customer, parties.customer_id, -amount);
  add(posting, LedgerAccount::MerchantPayable, parties.merchant_id, merchant);
  add(posting, LedgerAccount::PlatformFees, std::nullopt, amount - merchant);
  return posting;
}

bool is_balanced(const LedgerPosting& posting) noexcept {
  if (posting.lines.size() < 2) return false;
  std::int64_t sum = 0;
  for (const auto& line : posting.lines) {
    if (line.amount == 0) return false;
    sum += line.amount;
  }
  return sum == 0;
}

}  // namespace nelo::payments
