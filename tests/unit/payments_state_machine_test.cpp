// The payment state machine as data: every (status, action, actor) combination against an
// independent statement of the rules, nothing back from captured, stages that only move forward
// (what keeps late webhooks from moving a payment backwards), which refund a request is, and the
// diagrams drawn from the table.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "core/errors.hpp"
#include "modules/payments/module.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/state_machine.hpp"

namespace nelo::payments {
namespace {

using S = PaymentStatus;
using A = PaymentAction;
using K = ActorKind;

// The rules as issue 17 states them, written apart from the table: (from, action, actor) -> (to, event).
std::map<std::tuple<S, A, K>, std::pair<S, std::string>> rules() {
  std::map<std::tuple<S, A, K>, std::pair<S, std::string>> r;
  r[{S::RequiresAuthorization, A::Authorize, K::Provider}] = {S::Authorized, "payment.authorized"};
  r[{S::RequiresAuthorization, A::Fail, K::Provider}] = {S::Failed, "payment.failed"};
  // The saga's sweep: the provider was never asked (the token was lost) or never answered in time.
  r[{S::RequiresAuthorization, A::Fail, K::System}] = {S::Failed, "payment.failed"};
  r[{S::RequiresAuthorization, A::Collect, K::System}] = {S::Captured, "payment.captured"};
  r[{S::RequiresAuthorization, A::Void, K::System}] = {S::Voided, "payment.voided"};
  r[{S::Authorized, A::Capture, K::System}] = {S::Captured, "payment.captured"};
  r[{S::Authorized, A::Void, K::System}] = {S::Voided, "payment.voided"};
  r[{S::Authorized, A::Void, K::Provider}] = {S::Voided, "payment.voided"};
  for (K k : {K::Admin, K::System}) {
    r[{S::Captured, A::RefundPart, k}] = {S::PartiallyRefunded, "payment.refunded"};
    r[{S::Captured, A::RefundRest, k}] = {S::Refunded, "payment.refunded"};
    r[{S::PartiallyRefunded, A::RefundPart, k}] = {S::PartiallyRefunded, "payment.refunded"};
    r[{S::PartiallyRefunded, A::RefundRest, k}] = {S::Refunded, "payment.refunded"};
  }
  return r;
}

TEST(PaymentsStateMachine, EveryCombinationFollowsTheRules) {
  const auto expected = rules();
  for (S s : kAllStatuses) {
    for (A a : kAllActions) {
      for (K k : kAllActorKinds) {
        const auto it = expected.find({s, a, k});
        if (it == expected.end()) {
          EXPECT_THROW(resolve_transition(s, a, k), Conflict)
              << to_string(s) << " " << to_string(a) << " by " << to_string(k);
          continue;
        }
        const Transition& t = resolve_transition(s, a, k);
        EXPECT_EQ(t.to, it->second.first) << to_string(s) << " " << to_string(a);
        EXPECT_EQ(std::string(t.event), it->second.second) << to_string(s) << " " << to_string(a);
      }
    }
  }
}

TEST(PaymentsStateMachine, NothingLeadsBackFromCaptured) {
  const std::set<S> after_capture = {S::Captured, S::PartiallyRefunded, S::Refunded};
  for (const auto& t : transitions()) {
    if (!after_capture.contains(t.from)) continue;
    EXPECT_TRUE(t.to == S::PartiallyRefunded || t.to == S::Refunded)
        << to_string(t.from) << " --" << to_string(t.action) << "--> " << to_string(t.to);
  }
  EXPECT_THROW(resolve_transition(S::Captured, A::Void, K::System), Conflict);
  EXPECT_THROW(resolve_transition(S::Captured, A::Fail, K::Provider), Conflict);
  EXPECT_THROW(resolve_transition(S::Refunded, A::RefundPart, K::Admin), Conflict);
}

TEST(PaymentsStateMachine, EveryTransitionMovesForwardSoLateNewsCanBeRecognised) {
  for (const auto& t : transitions()) {
    if (t.from == t.to) {
      EXPECT_EQ(t.action, A::RefundPart) << "only a further partial refund stays where it is";
      continue;
    }
    EXPECT_GT(stage(t.to), stage(t.from)) << to_string(t.from) << " --" << to_string(t.action) << "--> "
                                          << to_string(t.to);
  }
  // A webhook saying "authorized" for a payment already captured or voided is late news.
  EXPECT_LT(stage(S::Authorized), stage(S::Captured));
  EXPECT_LT(stage(S::Authorized), stage(S::Voided));
  EXPECT_LT(stage(S::RequiresAuthorization), stage(S::Failed));
}

TEST(PaymentsStateMachine, TheConflictNamesTheStateTheActionAndWhoMay) {
  try {
    resolve_transition(S::Captured, A::Void, K::System);
    FAIL() << "voided after capture";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("'captured'"), std::string::npos) << e.detail();
    EXPECT_NE(e.detail().find("voided"), std::string::npos) << e.detail();
  }
  try {
    resolve_transition(S::RequiresAuthorization, A::Authorize, K::Admin);
    FAIL() << "an admin authorized a card";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("is for: provider"), std::string::npos) << e.detail();
  }
}

TEST(PaymentsStateMachine, ProviderNewsThatCanNeverApplyAgainIsKnownFromTheTable) {
  // The webhook intake records such news as ignored without a lock: it must be exactly the news
  // that no later status could take.
  const auto P = ActorKind::Provider;
  EXPECT_TRUE(may_ever_apply(S::RequiresAuthorization, A::Authorize, P));
  EXPECT_TRUE(may_ever_apply(S::RequiresAuthorization, A::Fail, P));
  // A hold the provider lets expire: still to come while the authorization is awaited.
  EXPECT_TRUE(may_ever_apply(S::RequiresAuthorization, A::Void, P));
  EXPECT_TRUE(may_ever_apply(S::Authorized, A::Void, P));
  for (S s : {S::Authorized, S::Captured, S::PartiallyRefunded, S::Refunded, S::Failed, S::Voided}) {
    EXPECT_FALSE(may_ever_apply(s, A::Authorize, P)) << to_string(s);
    EXPECT_FALSE(may_ever_apply(s, A::Fail, P)) << to_string(s);
  }
  for (S s : {S::Captured, S::PartiallyRefunded, S::Refunded, S::Failed, S::Voided}) {
    EXPECT_FALSE(may_ever_apply(s, A::Void, P)) << to_string(s);
  }
  // Whoever asks: a refund stays possible from authorized (after the capture), never for the provider.
  EXPECT_TRUE(may_ever_apply(S::Authorized, A::RefundRest, ActorKind::Admin));
  EXPECT_FALSE(may_ever_apply(S::Authorized, A::RefundRest, P));
}

TEST(PaymentsStateMachine, TerminalStatesAndNames) {
  std::set<S> terminal;
  for (S s : kAllStatuses) {
    if (is_terminal(s)) terminal.insert(s);
  }
  EXPECT_EQ(terminal, (std::set<S>{S::Refunded, S::Failed, S::Voided}));
  EXPECT_EQ(kInitialStatus, S::RequiresAuthorization);
  for (S s : kAllStatuses) EXPECT_EQ(parse_payment_status(to_string(s)), s);
  EXPECT_FALSE(parse_payment_status("pending").has_value());
  EXPECT_EQ(parse_payment_method("card"), PaymentMethod::Card);
  EXPECT_EQ(parse_payment_method("cash"), PaymentMethod::Cash);
  EXPECT_FALSE(parse_payment_method("cheque").has_value());
}

TEST(PaymentsRefundAction, PartThenRestAndNeverAboveTheCapture) {
  EXPECT_EQ(refund_action(2950, 0, 1000), A::RefundPart);
  EXPECT_EQ(refund_action(2950, 1000, 1950), A::RefundRest);
  EXPECT_EQ(refund_action(2950, 0, 2950), A::RefundRest);
  EXPECT_THROW(refund_action(2950, 1000, 1951), Conflict);
  EXPECT_THROW(refund_action(2950, 2950, 1), Conflict);
  EXPECT_THROW(refund_action(0, 0, 1), Conflict) << "nothing captured, nothing to refund";
  EXPECT_THROW(refund_action(2950, 0, 0), ValidationError);
  EXPECT_THROW(refund_action(2950, 0, -5), ValidationError);
  try {
    refund_action(2950, 2000, 1000);
    FAIL();
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("(950 of 2950 captured)"), std::string::npos) << e.detail();
  }
}

TEST(PaymentsStateMachine, DiagramsAreDrawnFromTheTable) {
  const std::string mermaid = state_machine_diagram("mermaid");
  EXPECT_EQ(mermaid.rfind("stateDiagram-v2\n  [*] --> requires_authorization\n", 0), 0u) << mermaid;
  EXPECT_NE(mermaid.find("requires_authorization --> authorized: authorize (provider) / payment.authorized"),
            std::string::npos)
      << mermaid;
  EXPECT_NE(mermaid.find("captured --> partially_refunded: refund_part (system, admin) / payment.refunded"),
            std::string::npos)
      << mermaid;
  EXPECT_NE(mermaid.find("voided --> [*]"), std::string::npos);
  std::size_t arrows = 0;
  for (std::size_t at = mermaid.find(": "); at != std::string::npos; at = mermaid.find(": ", at + 1)) ++arrows;
  EXPECT_EQ(arrows, transitions().size()) << "one line per transition";
  const std::string dot = state_machine_diagram("dot");
  EXPECT_EQ(dot.rfind("digraph payment {", 0), 0u);
  EXPECT_NE(dot.find("refunded [peripheries=2];"), std::string::npos);
  EXPECT_THROW(state_machine_diagram("png"), std::invalid_argument);
}

TEST(PaymentsStateMachine, TheApiDocumentShowsTheDiagramOfTheTable) {
  std::ifstream in(std::string(NELO_SOURCE_DIR) + "/docs/api/payments.md");
  ASSERT_TRUE(in) << "docs/api/payments.md";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("```mermaid\n" + state_machine_diagram("mermaid") + "```\n"), std::string::npos)
      << "docs/api/payments.md must show `nelo payments diagram` as it prints today:\n"
      << state_machine_diagram("mermaid");
}

}  // namespace
}  // namespace nelo::payments
