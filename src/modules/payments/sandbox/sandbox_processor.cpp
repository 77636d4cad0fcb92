#include "modules/payments/sandbox/sandbox_processor.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "core/security/tokens.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;
using Kind = AuthorizationOutcome::Kind;

struct TestCard {
  std::string_view token;
  std::string_view brand;
  std::string_view last4;
  std::string_view status;  // what authorize() does with it
  std::string_view decline_code;
  std::string_view decline_message;
};

// clang-format off
constexpr TestCard kTestCards[] = {
    {"tok_visa",               "visa",       "4242", "authorized",      "", ""},
    {"tok_declined",           "visa",       "0002", "declined",        "card_declined", "Your card was declined."},
    {"tok_insufficient_funds", "visa",       "9995", "declined",        "insufficient_funds", "Your card has insufficient funds."},
    {"tok_expired_card",       "mastercard", "0069", "declined",        "expired_card", "Your card has expired."},
    {"tok_slow",               "visa",       "0077", "processing",      "", ""},
    {"tok_3ds",                "visa",       "3155", "requires_action", "", ""},
};
// clang-format on

OperationOutcome refused(std::string message) { return OperationOutcome{false, "", std::move(message)}; }

json::value nullable(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

}  // namespace

SandboxProcessor::SandboxProcessor(const Clock& clock, std::chrono::milliseconds slow_delay,
                                   std::string action_base_url)
    : clock_(clock), slow_delay_(slow_delay), action_base_url_(std::move(action_base_url)) {}

AuthorizationOutcome SandboxProcessor::outcome_of(const SandboxCharge& c) const {
  AuthorizationOutcome out;
  out.reference = c.reference;
  out.card_brand = c.card_brand;
  out.card_last4 = c.card_last4;
  if (c.status == "declined") {
    out.kind = Kind::Declined;
    out.decline_code = c.decline_code;
    out.decline_message = c.decline_message;
  } else if (c.status == "requires_action") {
    out.kind = Kind::RequiresAction;
    out.action_url = action_base_url_ + "/" + c.reference;
  } else if (c.status == "processing") {
    out.kind = Kind::Pending;
  } else {
    out.kind = Kind::Authorized;  // and anything after it: the authorization itself happened
  }
  return out;
}

AuthorizationOutcome SandboxProcessor::authorize(const AuthorizationRequest& request) {
  std::lock_guard lock(mutex_);
  if (auto known = reference_by_payment_.find(request.payment_id); known != reference_by_payment_.end()) {
    return outcome_of(charges_.at(known->second));  // a retry: the same charge, no new event
  }
  SandboxCharge c;
  c.reference = "sbx_" + security::random_token(16);
  c.payment_id = request.payment_id;
  c.amount = request.amount;
  c.created_at = clock_.now();
  const auto card = std::find_if(std::begin(kTestCards), std::end(kTestCards),
                                 [&](const TestCard& t) { return t.token == request.card_token; });
  if (card == std::end(kTestCards)) {
    c.status = "declined";
    c.card_brand = "unknown";
    c.card_last4 = "0000";
    c.decline_code = "invalid_token";
    c.decline_message = "The card could not be read. Please use another card.";
  } else {
    c.status = card->status;
    c.card_brand = card->brand;
    c.card_last4 = card->last4;
    if (!card->decline_code.empty()) {
      c.decline_code = std::string(card->decline_code);
      c.decline_message = std::string(card->decline_message);
    }
  }
  if (request.amount.amount <= 0) {
    c.status = "declined";
    c.decline_code = "invalid_amount";
    c.decline_message = "The amount is not valid.";
  }
  if (c.status == "processing") c.settles_at = c.created_at + std::chrono::duration_cast<std::chrono::microseconds>(slow_delay_);
  const std::string reference = c.reference;
  reference_by_payment_.emplace(c.payment_id, reference);
  auto& stored = charges_.emplace(reference, std::move(c)).first->second;
  if (stored.settles_at) settling_.emplace(*stored.settles_at, reference);
  if (stored.status == "authorized") emit(stored, "payment.authorized");
  if (stored.status == "declined") emit(stored, "payment.failed");
  if (recorder_ && (stored.status == "processing" || stored.status == "requires_action")) recorder_(stored, nullptr);
  return outcome_of(stored);
}

OperationOutcome SandboxProcessor::capture(const std::string& reference, const Money& amount) {
  std::lock_guard lock(mutex_);
  auto it = charges_.find(reference);
  if (it == charges_.end()) return refused("No such payment: " + reference);
  auto& c = it->second;
  if (c.status == "captured" && c.captured == amount.amount) return OperationOutcome{true, reference, std::nullopt};
  if (c.status != "authorized") return refused("This payment is " + c.status + " and cannot be captured.");
  if (amount.currency != c.amount.currency || amount.amount <= 0 || amount.amount > c.amount.amount) {
    return refused("The capture amount must be between 1 and the authorized amount, in its currency.");
  }
  c.status = "captured";
  c.captured = amount.amount;
  emit(c, "payment.captured");
  return OperationOutcome{true, reference, std::nullopt};
}

OperationOutcome SandboxProcessor::void_authorization(const std::string& reference) {
  std::lock_guard lock(mutex_);
  auto it = charges_.find(reference);
  if (it == charges_.end()) return refused("No such payment: " + reference);
  auto& c = it->second;
  if (c.status == "voided") return OperationOutcome{true, reference, std::nullopt};
  if (c.status != "authorized" && c.status != "processing" && c.status != "requires_action") {
    return refused("This payment is " + c.status + " and cannot be voided.");
  }
  c.status = "voided";
  if (c.settles_at) settling_.erase({*c.settles_at, reference});
  c.settles_at.reset();
  emit(c, "payment.voided");
  return OperationOutcome{true, reference, std::nullopt};
}

OperationOutcome SandboxProcessor::refund(const std::string& reference, const std::string& refund_id,
                                          const Money& amount) {
  std::lock_guard lock(mutex_);
  auto it = charges_.find(reference);
  if (it == charges_.end()) return refused("No such payment: " + reference);
  auto& c = it->second;
  for (const auto& r : c.refunds) {
    if (r.refund_id == refund_id) return OperationOutcome{true, r.reference, std::nullopt};  // a retry
  }
  if (c.status != "captured") return refused("This payment is " + c.status + " and cannot be refunded.");
  if (amount.currency != c.amount.currency || amount.amount <= 0 || c.refunded + amount.amount > c.captured) {
    return refused("The refund exceeds what is left to refund.");
  }
  SandboxRefund r{"re_" + security::random_token(16), refund_id, amount.amount, clock_.now()};
  c.refunded += amount.amount;
  c.refunds.push_back(r);
  emit(c, "refund.succeeded", &c.refunds.back());
  return OperationOutcome{true, r.reference, std::nullopt};
}

bool SandboxProcessor::confirm(const std::string& reference, bool approve) {
  std::lock_guard lock(mutex_);
  auto it = charges_.find(reference);
  if (it == charges_.end() || it->second.status != "requires_action") return false;
  auto& c = it->second;
  if (approve) {
    c.status = "authorized";
    emit(c, "payment.authorized");
  } else {
    c.status = "declined";
    c.decline_code = "authentication_failed";
    c.decline_message = "The card's authentication (3-D Secure) was not completed.";
    emit(c, "payment.failed");
  }
  return true;
}

std::size_t SandboxProcessor::settle_due() {
  std::lock_guard lock(mutex_);
  const Timestamp now = clock_.now();
  std::size_t settled = 0;
  while (!settling_.empty() && settling_.begin()->first <= now) {
    const auto node = settling_.extract(settling_.begin());
    auto& c = charges_.at(node.value().second);
    if (c.status != "processing") continue;
    c.status = "authorized";
    c.settles_at.reset();
    emit(c, "payment.authorized");
    ++settled;
  }
  return settled;
}

std::optional<Timestamp> SandboxProcessor::next_settlement() const {
  std::lock_guard lock(mutex_);
  if (settling_.empty()) return std::nullopt;
  return settling_.begin()->first;
}

std::vector<SandboxEvent> SandboxProcessor::take_events() {
  std::lock_guard lock(mutex_);
  std::vector<SandboxEvent> out(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

std::vector<SandboxCharge> SandboxProcessor::charges() const {
  std::lock_guard lock(mutex_);
  std::vector<SandboxCharge> out;
  out.reserve(charges_.size());
  for (const auto& [reference, c] : charges_) out.push_back(c);
  return out;
}

std::optional<SandboxCharge> SandboxProcessor::charge(const std::string& reference) const {
  std::lock_guard lock(mutex_);
  auto it = charges_.find(reference);
  if (it == charges_.end()) return std::nullopt;
  return it->second;
}

void SandboxProcessor::emit(const SandboxCharge& c, const std::string& type, const SandboxRefund* refund) {
  SandboxEvent e;
  e.id = "evt_" + security::random_token(16);
  e.type = type;
  e.reference = c.reference;
  json::object data{{"reference", c.reference},
                    {"payment_id", c.payment_id},
                    {"status", c.status},
                    {"amount", c.amount.amount},
                    {"currency", c.amount.currency},
                    {"captured", c.captured},
                    {"refunded", c.refunded},
                    {"card", json::object{{"brand", c.card_brand}, {"last4", c.card_last4}}},
                    {"decline_code", nullable(c.decline_code)},
                    {"decline_message", nullable(c.decline_message)}};
  if (refund) {
    data["refund"] = json::object{{"reference", refund->reference}, {"refund_id", refund->refund_id},
                                  {"amount", refund->amount}};
  }
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  e.body = json::serialize(json::object{{"id", e.id}, {"type", e.type}, {"created", created}, {"data", std::move(data)}});
  events_.push_back(std::move(e));
  if (recorder_) recorder_(c, &events_.back());
}

void SandboxProcessor::record_with(Recorder recorder) { recorder_ = std::move(recorder); }

void SandboxProcessor::restore(std::vector<SandboxCharge> charges, std::vector<SandboxEvent> unsent) {
  std::lock_guard lock(mutex_);
  for (auto& c : charges) {
    reference_by_payment_[c.payment_id] = c.reference;
    const std::string reference = c.reference;
    if (c.settles_at) settling_.emplace(*c.settles_at, reference);
    charges_.insert_or_assign(reference, std::move(c));
  }
  for (auto& e : unsent) events_.push_back(std::move(e));
}

}  // namespace nelo::payments
