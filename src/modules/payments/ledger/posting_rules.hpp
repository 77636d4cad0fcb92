#pragma once
// The ledger's posting rules, as pure functions: which balanced lines each movement of money
// writes (docs/api/payments.md, "The ledger"). No database, no clock: the LedgerRepository
// writes what these return, in the transaction that moves the payment.
//
// Amounts are minor units, positive for a debit and negative for a credit; every posting sums to
// zero. The platform's fee on an order is its delivery fee and service fee plus a commission on
// the subtotal (NELO_PAYMENTS_COMMISSION_BPS basis points, rounded half up); the merchant is owed
// the rest of the subtotal.
//
//   capture (card)        customer +amount          merchant_payable -merchant   platform_fees -platform
//   cash_collection       driver_cash_float +amount merchant_payable -merchant   platform_fees -platform
//   refund                customer -refund          merchant_payable +its part   platform_fees +its part
//
// A refund takes back from the merchant and the platform in proportion to what each got at the
// capture, computed on the running total (floor(refunded_after * merchant / captured) minus the
// same before), so that refunds in any number of parts give back exactly the capture's split once
// everything is refunded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::payments {

enum class LedgerAccount { Customer, MerchantPayable, PlatformFees, DriverCashFloat, ProviderClearing };
enum class LedgerKind { Capture, CashCollection, Refund };

std::string_view to_string(LedgerAccount account) noexcept;
std::string_view to_string(LedgerKind kind) noexcept;

struct LedgerLine {
  LedgerAccount account = LedgerAccount::Customer;
  std::optional<std::string> party_id;  // whose account: the customer, the merchant, the driver
  std::int64_t amount = 0;              // debit > 0, credit < 0, never 0

  bool operator==(const LedgerLine&) const = default;
};

struct LedgerPosting {
  LedgerKind kind = LedgerKind::Capture;
  std::string currency;
  std::vector<LedgerLine> lines;  // at least two, summing to zero
};

// Who a payment's lines name.
struct LedgerParties {
  std::string customer_id;
  std::string merchant_id;
  std::optional<std::string> driver_id;  // the driver who collected the cash, when known
};

// How a captured amount divides between the merchant and the platform.
struct CaptureSplit {
  std::int64_t merchant = 0;
  std::int64_t platform = 0;

  std::int64_t total() const noexcept { return merchant + platform; }
  bool operator==(const CaptureSplit&) const = default;
};

inline constexpr int kMaxCommissionBps = 10'000;

// The split of an order's amount (subtotal + delivery_fee + service_fee): the platform keeps both
// fees and `commission_bps` of the subtotal (half up). Throws std::invalid_argument for a negative
// part or commission_bps outside [0, 10000].
CaptureSplit split_amount(std::int64_t subtotal, std::int64_t delivery_fee, std::int64_t service_fee,
                          int commission_bps);

// A card capture of split.total(). Throws std::invalid_argument when the total is not positive.
LedgerPosting capture_posting(const LedgerParties& parties, const std::string& currency, const CaptureSplit& split);

// Cash the driver collected on delivery: split.total() into the driver's float.
LedgerPosting cash_collection_posting(const LedgerParties& parties, const std::string& currency,
                                      const CaptureSplit& split);

// A refund of `amount` after `refunded_before` of the capture `split` went back. Throws
// std::invalid_argument when amount is not positive or the refunds would exceed the capture.
LedgerPosting refund_posting(const LedgerParties& parties, const std::string& currency, const CaptureSplit& split,
                             std::int64_t refunded_before, std::int64_t amount);

// True when the posting has at least two lines, none zero, summing to zero.
bool is_balanced(const LedgerPosting& posting) noexcept;

}  // namespace nelo::payments
