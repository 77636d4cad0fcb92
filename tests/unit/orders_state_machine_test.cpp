// The order state machine as data: every (status, action, actor) combination against an
// independent statement of the rules, the one 409 and what it says, and the diagrams drawn from
// the table.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>

#include "core/errors.hpp"
#include "modules/orders/module.hpp"
#include "modules/orders/names.hpp"
#include "modules/orders/state_machine.hpp"

namespace nelo::orders {
namespace {

using S = OrderStatus;
using A = Action;
using K = ActorKind;

struct Expected {
  S to;
  std::set<K> actors;
  std::string event;
};

// The rules as the issue states them, written out independently of kTransitions.
const std::map<std::pair<S, A>, Expected>& expected_rules() {
  static const std::map<std::pair<S, A>, Expected> kRules = {
      {{S::PendingPayment, A::Place}, {S::Placed, {K::System}, "order.placed"}},
      {{S::PendingPayment, A::Reject}, {S::Rejected, {K::System}, "order.rejected"}},
      {{S::PendingPayment, A::Cancel}, {S::Cancelled, {K::Customer, K::Admin}, "order.cancelled"}},
      {{S::Placed, A::Accept}, {S::Accepted, {K::Merchant, K::Admin}, "order.accepted"}},
      {{S::Placed, A::Reject}, {S::Rejected, {K::Merchant, K::Admin}, "order.rejected"}},
      {{S::Placed, A::Cancel}, {S::Cancelled, {K::Customer, K::Admin}, "order.cancelled"}},
      {{S::Accepted, A::StartPreparing}, {S::Preparing, {K::Merchant, K::Admin}, "order.preparing"}},
      {{S::Accepted, A::Cancel}, {S::Cancelled, {K::Admin}, "order.cancelled"}},
      {{S::Preparing, A::MarkReady}, {S::ReadyForPickup, {K::Merchant, K::Admin}, "order.ready_for_pickup"}},
      {{S::Preparing, A::Cancel}, {S::Cancelled, {K::Admin}, "order.cancelled"}},
      {{S::ReadyForPickup, A::PickUp}, {S::PickedUp, {K::System}, "order.picked_up"}},
      {{S::ReadyForPickup, A::Cancel}, {S::Cancelled, {K::Admin}, "order.cancelled"}},
      {{S::PickedUp, A::Deliver}, {S::Delivered, {K::System}, "order.delivered"}},
      {{S::PickedUp, A::Cancel}, {S::Cancelled, {K::Admin}, "order.cancelled"}},
  };
  return kRules;
}

TEST(OrdersStateMachine, EveryStatusActionActorCombinationFollowsTheRules) {
  int legal = 0;
  int illegal = 0;
  for (S from : kAllStatuses) {
    for (A action : kAllActions) {
      const auto rule = expected_rules().find({from, action});
      for (K actor : kAllActorKinds) {
        const std::string what = std::string(to_string(from)) + " / " + std::string(to_string(action)) + " by " +
                                 std::string(to_string(actor));
        const bool allowed = rule != expected_rules().end() && rule->second.actors.count(actor) == 1;
        if (allowed) {
          ++legal;
          const Transition& t = resolve_transition(from, action, actor);
          EXPECT_EQ(t.from, from) << what;
          EXPECT_EQ(t.action, action) << what;
          EXPECT_EQ(t.to, rule->second.to) << what;
          EXPECT_EQ(t.event, rule->second.event) << what;
        } else {
          ++illegal;
          EXPECT_THROW(resolve_transition(from, action, actor), Conflict) << what;
        }
      }
    }
  }
  EXPECT_EQ(legal, 20);
  EXPECT_EQ(legal + illegal, 9 * 8 * 4);
}

TEST(OrdersStateMachine, TableHasExactlyTheExpectedRowsAndNoDuplicates) {
  std::set<std::pair<S, A>> seen;
  for (const auto& t : transitions()) {
    EXPECT_TRUE(seen.insert({t.from, t.action}).second)
        << "two rows for " << to_string(t.from) << " / " << to_string(t.action);
    auto rule = expected_rules().find({t.from, t.action});
    ASSERT_NE(rule, expected_rules().end()) << "unexpected row " << to_string(t.from) << " / " << to_string(t.action);
    EXPECT_NE(t.actors, 0) << "a row nobody may perform";
    EXPECT_EQ(t.event.substr(0, 6), "order.");
    EXPECT_EQ(t.event, "order." + std::string(to_string(t.to))) << "each event is named after the state it enters";
  }
  EXPECT_EQ(seen.size(), expected_rules().size());
}

TEST(OrdersStateMachine, TerminalStatesAreExactlyDeliveredRejectedCancelled) {
  std::set<S> terminal;
  for (S s : kAllStatuses) {
    if (is_terminal(s)) terminal.insert(s);
  }
  EXPECT_EQ(terminal, (std::set<S>{S::Delivered, S::Rejected, S::Cancelled}));
  for (S s : terminal) {
    for (A action : kAllActions) EXPECT_EQ(find_transition(s, action), nullptr);
  }
  EXPECT_EQ(kInitialStatus, S::PendingPayment);
}

TEST(OrdersStateMachine, EveryStatusIsReachableFromTheInitialOne) {
  std::set<S> reached{kInitialStatus};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& t : transitions()) {
      if (reached.count(t.from) && reached.insert(t.to).second) grew = true;
    }
  }
  EXPECT_EQ(reached.size(), std::size(kAllStatuses));
}

TEST(OrdersStateMachine, IllegalTransitionNamesTheStatusAndTheAction) {
  try {
    resolve_transition(S::Delivered, A::Cancel, K::Admin);
    FAIL() << "accepted";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    const std::string detail = e.detail();
    EXPECT_NE(detail.find("'delivered'"), std::string::npos) << detail;
    EXPECT_NE(detail.find("cancel"), std::string::npos) << detail;
  }
  try {
    resolve_transition(S::Accepted, A::Cancel, K::Customer);
    FAIL() << "accepted";
  } catch (const Conflict& e) {
    const std::string detail = e.detail();
    EXPECT_NE(detail.find("'accepted'"), std::string::npos) << detail;
    EXPECT_NE(detail.find("by its customer"), std::string::npos) << detail;
    EXPECT_NE(detail.find("admin"), std::string::npos) << "says who may: " << detail;
  }
  try {
    resolve_transition(S::Placed, A::Accept, K::Merchant);
    resolve_transition(S::Accepted, A::Accept, K::Merchant);
    FAIL() << "accepted twice";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("'accepted' cannot be accepted"), std::string::npos) << e.detail();
  }
}

TEST(OrdersNames, RoundTripAndRejectUnknownText) {
  for (S s : kAllStatuses) EXPECT_EQ(parse_status(to_string(s)), s);
  for (A a : kAllActions) EXPECT_EQ(parse_action(to_string(a)), a);
  for (K k : kAllActorKinds) EXPECT_EQ(parse_actor_kind(to_string(k)), k);
  EXPECT_EQ(parse_payment_method("card"), PaymentMethod::Card);
  EXPECT_EQ(parse_payment_method("cash"), PaymentMethod::Cash);
  for (const char* bad : {"", "Placed", "PLACED", "ready", "unknown", "placed "}) {
    EXPECT_FALSE(parse_status(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_payment_method("cheque").has_value());
  EXPECT_EQ(status_list(),
            "pending_payment, placed, accepted, preparing, ready_for_pickup, picked_up, delivered, rejected, cancelled");
}

// --- diagrams ---

TEST(OrdersStateDiagram, MermaidHasOneEdgePerRowAndTheTerminalStates) {
  const std::string diagram = state_machine_diagram("mermaid");
  EXPECT_EQ(diagram.rfind("stateDiagram-v2\n", 0), 0u) << diagram;
  EXPECT_NE(diagram.find("[*] --> pending_payment\n"), std::string::npos) << diagram;
  EXPECT_NE(diagram.find("  placed --> accepted: accept (merchant, admin) / order.accepted\n"), std::string::npos)
      << diagram;
  EXPECT_NE(diagram.find("  pending_payment --> cancelled: cancel (customer, admin) / order.cancelled\n"),
            std::string::npos)
      << diagram;
  for (const char* end : {"delivered --> [*]", "rejected --> [*]", "cancelled --> [*]"}) {
    EXPECT_NE(diagram.find(end), std::string::npos) << end;
  }
  std::size_t edges = 0;
  for (std::size_t at = diagram.find(" --> "); at != std::string::npos; at = diagram.find(" --> ", at + 1)) ++edges;
  EXPECT_EQ(edges, transitions().size() + 1 + 3) << "rows + start + three terminal states";
}

TEST(OrdersStateDiagram, DotIsADigraphWithOneEdgePerRow) {
  const std::string diagram = state_machine_diagram("dot");
  EXPECT_EQ(diagram.rfind("digraph order {\n", 0), 0u) << diagram;
  EXPECT_EQ(diagram.back(), '\n');
  EXPECT_NE(diagram.find("}\n"), std::string::npos);
  EXPECT_NE(diagram.find("preparing -> ready_for_pickup [label=\"mark_ready\\n(merchant, admin)\\norder.ready_for_pickup\"];"),
            std::string::npos)
      << diagram;
  EXPECT_NE(diagram.find("delivered [peripheries=2];"), std::string::npos) << diagram;
  std::size_t edges = 0;
  for (std::size_t at = diagram.find(" -> "); at != std::string::npos; at = diagram.find(" -> ", at + 1)) ++edges;
  EXPECT_EQ(edges, transitions().size() + 1) << "rows + start";
}

TEST(OrdersStateDiagram, UnknownFormatIsRefused) {
  EXPECT_THROW(state_machine_diagram("svg"), std::invalid_argument);
  EXPECT_THROW(state_machine_diagram(""), std::invalid_argument);
  EXPECT_THROW(state_machine_diagram("Mermaid"), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::orders
