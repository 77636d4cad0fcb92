#include "modules/payments/services/reconciliation.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "modules/payments/names.hpp"

namespace nelo::payments {
namespace {

using std::to_string;

bool has_capture(PaymentStatus s) {
  return s == PaymentStatus::Captured || s == PaymentStatus::PartiallyRefunded || s == PaymentStatus::Refunded;
}

// What the provider may call a payment in this state.
std::set<std::string> provider_states(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::RequiresAuthorization: return {"processing", "requires_action"};
    case PaymentStatus::Authorized: return {"authorized"};
    case PaymentStatus::Captured:
    case PaymentStatus::PartiallyRefunded:
    case PaymentStatus::Refunded: return {"captured"};
    case PaymentStatus::Failed: return {"declined"};
    case PaymentStatus::Voided: return {"voided"};
  }
  return {};
}

std::string join(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " or ") + w;
  return out;
}

class Checker {
 public:
  explicit Checker(ReconciliationReport& report) : report_(report) {}

  void add(std::string subject, std::string message) {
    report_.differences.push_back({std::move(subject), std::move(message)});
  }

  void transactions(const std::vector<LedgerTransactionSummary>& all,
                    const std::map<std::string, const PaymentView*>& payments) {
    for (const auto& t : all) {
      const std::string subject = "ledger transaction " + t.id;
      if (t.lines < 2 || t.sum != 0) {
        add(subject, "does not balance: " + to_string(t.lines) + " line(s) summing to " + to_string(t.sum));
      }
      auto p = payments.find(t.payment_id);
      if (p == payments.end()) {
        add(subject, "names payment " + t.payment_id + ", which does not exist");
      } else if (t.currency != p->second->currency) {
        add(subject, "is in " + t.currency + " but its payment is in " + p->second->currency);
      }
    }
  }

  void payment(const PaymentView& p, const std::vector<const LedgerTransactionSummary*>& ledger) {
    const std::string subject = "payment " + p.id;
    const std::string status(to_string(p.status));
    // The state and the amounts.
    if ((p.captured_amount > 0) != has_capture(p.status)) {
      add(subject, "is " + status + " with " + to_string(p.captured_amount) + " captured");
    }
    if (p.captured_amount > p.amount) {
      add(subject, "captured " + to_string(p.captured_amount) + ", more than its amount " + to_string(p.amount));
    }
    if (p.refunded_amount > p.captured_amount) {
      add(subject, "refunded " + to_string(p.refunded_amount) + ", more than the " + to_string(p.captured_amount) +
                       " captured");
    }
    const bool refund_state = p.status == PaymentStatus::PartiallyRefunded || p.status == PaymentStatus::Refunded;
    if ((p.refunded_amount > 0) != refund_state) {
      add(subject, "is " + status + " with " + to_string(p.refunded_amount) + " refunded");
    }
    if (p.status == PaymentStatus::Refunded && p.refunded_amount != p.captured_amount) {
      add(subject, "is refunded but only " + to_string(p.refunded_amount) + " of " + to_string(p.captured_amount) +
                       " went back");
    }
    if (p.status == PaymentStatus::PartiallyRefunded && p.refunded_amount >= p.captured_amount) {
      add(subject, "is partially_refunded but " + to_string(p.refunded_amount) + " of " +
                       to_string(p.captured_amount) + " went back");
    }

    // Refunds against the payment.
    std::int64_t succeeded = 0;
    for (const auto& r : p.refunds) {
      if (r.status == "succeeded") succeeded += r.amount;
    }
    if (succeeded != p.refunded_amount) {
      add(subject, "says " + to_string(p.refunded_amount) + " refunded but its succeeded refunds total " +
                       to_string(succeeded));
    }

    // The capture against the ledger.
    const std::string capture_kind = p.method == PaymentMethod::Cash ? "cash_collection" : "capture";
    std::vector<const LedgerTransactionSummary*> captures;
    std::map<std::string, std::vector<const LedgerTransactionSummary*>> by_refund;
    for (const auto* t : ledger) {
      if (t->kind == "refund") {
        by_refund[t->refund_id.value_or("")].push_back(t);
      } else {
        captures.push_back(t);
        if (t->kind != capture_kind) {
          add(subject, "is a " + std::string(to_string(p.method)) + " payment but ledger transaction " + t->id +
                           " is a " + t->kind);
        }
      }
    }
    if (p.captured_amount > 0 && captures.empty()) {
      add(subject, "captured " + to_string(p.captured_amount) + " but the ledger has no " + capture_kind);
    } else if (p.captured_amount == 0 && !captures.empty()) {
      add(subject, "captured nothing but the ledger has " + to_string(captures.size()) + " capture(s)");
    } else if (captures.size() > 1) {
      add(subject, "has " + to_string(captures.size()) + " captures in the ledger");
    } else if (captures.size() == 1 && captures.front()->debits != p.captured_amount) {
      add(subject, "captured " + to_string(p.captured_amount) + " but ledger transaction " + captures.front()->id +
                       " moves " + to_string(captures.front()->debits));
    }

    // Each refund against the ledger.
    for (const auto& r : p.refunds) {
      auto found = by_refund.find(r.id);
      const std::size_t posted = found == by_refund.end() ? 0 : found->second.size();
      if (r.status == "succeeded") {
        if (posted != 1) {
          add("refund " + r.id, "succeeded but has " + to_string(posted) + " ledger transaction(s) instead of 1");
        } else if (found->second.front()->debits != r.amount) {
          add("refund " + r.id, "is of " + to_string(r.amount) + " but ledger transaction " +
                                    found->second.front()->id + " moves " + to_string(found->second.front()->debits));
        }
      } else if (posted != 0) {
        add("refund " + r.id, "is " + r.status + " but the ledger posted it");
      }
      if (found != by_refund.end()) by_refund.erase(found);
    }
    for (const auto& [refund_id, ts] : by_refund) {
      for (const auto* t : ts) add("ledger transaction " + t->id, "is a refund of " + subject + " naming no refund of it");
    }
  }

  void provider(const std::vector<PaymentView>& payments, const ProviderRecords& records) {
    std::map<std::string, const ProviderRecord*> by_reference;
    for (const auto& r : records.records) by_reference.emplace(r.reference, &r);
    std::set<std::string> matched;
    for (const auto& p : payments) {
      if (p.provider != records.provider || !p.provider_reference) continue;
      const std::string subject = "payment " + p.id;
      auto it = by_reference.find(*p.provider_reference);
      if (it == by_reference.end()) {
        add(subject, "is " + *p.provider_reference + " at " + records.provider + ", which has no such charge");
        continue;
      }
      matched.insert(it->first);
      const ProviderRecord& c = *it->second;
      const std::string at = " at " + records.provider;
      if (c.payment_id != p.id) add(subject, "its charge" + at + " belongs to payment " + c.payment_id);
      if (c.amount != p.amount || c.currency != p.currency) {
        add(subject, "is " + to_string(p.amount) + " " + p.currency + " but " + to_string(c.amount) + " " +
                         c.currency + at);
      }
      const auto states = provider_states(p.status);
      if (!states.contains(c.status)) {
        add(subject, "is " + std::string(to_string(p.status)) + " but " + c.status + at + " (expected " +
                         join(states) + ")");
      }
      if (c.captured != p.captured_amount) {
        add(subject, "captured " + to_string(p.captured_amount) + " but " + to_string(c.captured) + at);
      }
      if (c.refunded != p.refunded_amount) {
        add(subject, "refunded " + to_string(p.refunded_amount) + " but " + to_string(c.refunded) + at);
      }
      std::map<std::string, std::int64_t> theirs;
      for (const auto& r : c.refunds) theirs[r.refund_id] = r.amount;
      for (const auto& r : p.refunds) {
        if (r.status != "succeeded") continue;
        auto found = theirs.find(r.id);
        if (found == theirs.end()) {
          add("refund " + r.id, "succeeded but" + at + " there is no such refund");
        } else {
          if (found->second != r.amount) {
            add("refund " + r.id, "is of " + to_string(r.amount) + " but " + to_string(found->second) + at);
          }
          theirs.erase(found);
        }
      }
      for (const auto& [id, amount] : theirs) {
        add(subject, "has a refund " + id + " of " + to_string(amount) + at + " that nelo does not know");
      }
    }
    for (const auto& r : records.records) {
      if (matched.contains(r.reference)) continue;
      add(records.provider + " charge " + r.reference,
          "(payment " + r.payment_id + ", " + r.status + ", " + to_string(r.amount) + " " + r.currency +
              ") is not known to nelo by that reference");
    }
  }

 private:
  ReconciliationReport& report_;
};

}  // namespace

ReconciliationReport reconcile(const PaymentsSnapshot& snapshot, const std::optional<ProviderRecords>& provider) {
  ReconciliationReport report;
  report.payments = snapshot.payments.size();
  report.transactions = snapshot.transactions.size();
  Checker check(report);
  std::map<std::string, const PaymentView*> payments;
  for (const auto& p : snapshot.payments) {
    payments.emplace(p.id, &p);
    report.refunds += p.refunds.size();
  }
  check.transactions(snapshot.transactions, payments);
  std::map<std::string, std::vector<const LedgerTransactionSummary*>> ledger;
  for (const auto& t : snapshot.transactions) ledger[t.payment_id].push_back(&t);
  static const std::vector<const LedgerTransactionSummary*> kNone;
  for (const auto& p : snapshot.payments) {
    auto it = ledger.find(p.id);
    check.payment(p, it == ledger.end() ? kNone : it->second);
  }
  if (provider) {
    report.provider_records = provider->records.size();
    check.provider(snapshot.payments, *provider);
  }
  return report;
}

std::string to_text(const ReconciliationReport& report) {
  std::string out = "checked " + std::to_string(report.payments) + " payment(s), " + std::to_string(report.refunds) +
                    " refund(s), " + std::to_string(report.transactions) + " ledger transaction(s)";
  out += report.provider_records ? ", " + std::to_string(report.provider_records) + " provider record(s)" : "";
  out += ": " + std::to_string(report.differences.size()) + " difference(s)\n";
  for (const auto& d : report.differences) out += d.subject + ": " + d.message + "\n";
  return out;
}

}  // namespace nelo::payments
