#pragma once
// The sandbox card processor: a simulator that behaves like a real one, for development, tests and
// the demo. It knows a few test tokens and nothing else (no card numbers):
//
//   tok_visa                succeeds at once
//   tok_declined            declined: card_declined
//   tok_insufficient_funds  declined: insufficient_funds
//   tok_expired_card        declined: expired_card
//   tok_slow                pending; authorized `slow_delay` later
//   tok_3ds                 requires_action: the customer confirms (or refuses) at action_url
//   anything else           declined: invalid_token
//
// It keeps its own records of every charge and refund (what reconciliation compares nelo's
// payments against) and reports every outcome as an event for its webhook sender, in the order
// they happened. It never keeps a token: a charge remembers the card's brand and last four only.
// Authorizations are idempotent by nelo's payment id, refunds by nelo's refund id.
// Thread-safe: one mutex around short, allocation-only critical sections.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "modules/payments/providers/payment_provider.hpp"

namespace nelo::payments {

struct SandboxRefund {
  std::string reference;  // re_...
  std::string refund_id;  // nelo's refund id (idempotency key)
  std::int64_t amount = 0;
  Timestamp created_at{};
};

struct SandboxCharge {
  std::string reference;   // sbx_...
  std::string payment_id;  // nelo's payment id (idempotency key)
  Money amount;
  // requires_action | processing | authorized | declined | captured | voided
  std::string status;
  std::string card_brand;
  std::string card_last4;
  std::optional<std::string> decline_code;
  std::optional<std::string> decline_message;
  std::int64_t captured = 0;
  std::int64_t refunded = 0;
  std::vector<SandboxRefund> refunds;
  Timestamp created_at{};
  std::optional<Timestamp> settles_at;  // processing (tok_slow): when the answer comes
};

// A webhook to send: `body` is the exact JSON text that gets signed.
struct SandboxEvent {
  std::string id;    // evt_...
  std::string type;  // payment.authorized | payment.failed | payment.captured | payment.voided | refund.succeeded
  std::string reference;
  std::string body;
};

class SandboxProcessor {
 public:
  // action_base_url: where the customer's browser reaches the 3-D Secure page, e.g.
  // "http://localhost:8000/api/v1/payments/sandbox/3ds" (the charge's reference is appended).
  SandboxProcessor(const Clock& clock, std::chrono::milliseconds slow_delay, std::string action_base_url);

  AuthorizationOutcome authorize(const AuthorizationRequest& request);
  OperationOutcome capture(const std::string& reference, const Money& amount);
  OperationOutcome void_authorization(const std::string& reference);
  OperationOutcome refund(const std::string& reference, const std::string& refund_id, const Money& amount);

  // The 3-D Secure step: the customer approves (authorized) or refuses (declined:
  // authentication_failed). False when the reference is unknown or awaits no confirmation.
  bool confirm(const std::string& reference, bool approve);

  // Settles every tok_slow charge whose time has come (authorized); returns how many.
  std::size_t settle_due();
  // The earliest moment settle_due() has something to do, if any.
  std::optional<Timestamp> next_settlement() const;

  // Events not yet handed to the sender, oldest first; handing them over empties the queue.
  std::vector<SandboxEvent> take_events();

  // Called, under the processor's lock, with every charge that changed and the event the change
  // produced (null when none: a charge waiting for its answer), before the call that changed it
  // returns: the journal (sandbox_journal.hpp) writes it there. Set during start-up only.
  using Recorder = std::function<void(const SandboxCharge&, const SandboxEvent*)>;
  void record_with(Recorder recorder);
  // Puts back what a journal kept: the charges, and the events not yet sent (queued for the
  // sender again). During start-up only, before any call.
  void restore(std::vector<SandboxCharge> charges, std::vector<SandboxEvent> unsent);

  // Every charge, by reference (reconciliation); one charge, if known.
  std::vector<SandboxCharge> charges() const;
  std::optional<SandboxCharge> charge(const std::string& reference) const;

 private:
  void emit(const SandboxCharge& charge, const std::string& type, const SandboxRefund* refund = nullptr);
  AuthorizationOutcome outcome_of(const SandboxCharge& charge) const;

  const Clock& clock_;
  std::chrono::milliseconds slow_delay_;
  std::string action_base_url_;
  mutable std::mutex mutex_;
  std::map<std::string, SandboxCharge> charges_;             // by reference
  std::map<std::string, std::string> reference_by_payment_;  // payment id -> reference
  // The slow charges still processing, by when they settle: settle_due() reads only those due,
  // not every charge the processor ever made.
  std::set<std::pair<Timestamp, std::string>> settling_;
  std::deque<SandboxEvent> events_;
  Recorder recorder_;
};

}  // namespace nelo::payments
