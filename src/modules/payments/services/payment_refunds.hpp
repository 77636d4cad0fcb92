#pragma once
// POST /api/v1/payments/{id}/refunds: an admin gives part or all of a captured payment back.
//
// In one transaction: lock the payment (concurrent refunds of one payment run one after the
// other), check its state (captured or partially refunded, else 409) and what is left to refund
// (a refund beyond it is a 409, so the sum never exceeds the capture; the schema's trigger is the
// second line), ask the provider to refund (idempotent by the refund's id: a retry after a crash
// is the same refund there), then write the refund, the payment's new refunded amount and state
// (partially_refunded, or refunded when nothing is left), the ledger's refund posting and the
// payment.refunded event, and commit them together with the caller's CommitStep (the
// idempotency key's answer). A provider that refuses or does not answer leaves nothing written.

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>
#include <string_view>

#include "core/db/commit_writer.hpp"
#include "core/db/module_db.hpp"
#include "modules/payments/payment_record.hpp"
#include "modules/payments/providers/payment_provider.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/interfaces/money.hpp"

namespace nelo::payments {

class LedgerRepository;
class RefundRepository;

struct RefundRequest {
  // The refund's id, chosen by the caller (derived from its idempotency key, so that a retry of
  // the same request asks the provider for the same refund).
  std::string refund_id;
  Money amount;
  std::string reason;
  std::string requested_by;  // the admin's user id
};

class PaymentRefunds {
 public:
  PaymentRefunds(db::ModuleDb& db, events::EventBus& bus, RefundRepository& refunds, LedgerRepository& ledger);

  // Providers whose payments can be refunded, by name. Call during start-up only.
  void add_provider(PaymentProvider& provider);

  // NotFound: no such payment. ValidationError: an amount in another currency than the payment's.
  // Conflict (409): the payment is not captured (or already fully refunded), the amount exceeds
  // what is left to refund, the provider refused, or a request with the same refund id just made
  // it. ServiceUnavailable: the provider did not answer (nothing was refunded; retry).
  boost::asio::awaitable<RefundResult> refund(std::string payment_id, RefundRequest request,
                                              db::CommitStep<RefundResult> commit = {});

 private:
  PaymentProvider& provider_named(const std::string& name) const;

  db::ModuleDb& db_;
  events::EventBus& bus_;
  RefundRepository& refunds_;
  LedgerRepository& ledger_;
  std::map<std::string, PaymentProvider*, std::less<>> providers_;
};

}  // namespace nelo::payments
