// The delivery state machine as data: every (status, action, actor) combination against an
// independent statement of the rules, the one 409 and what it says, and the diagrams drawn from
// the table; the PIN's shape.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "core/errors.hpp"
#include "modules/deliveries/module.hpp"
#include "modules/deliveries/names.hpp"
#include "modules/deliveries/services/pin.hpp"
#include "modules/deliveries/state_machine.hpp"

namespace nelo::deliveries {
namespace {

using S = DeliveryStatus;
using A = DeliveryAction;
using K = ActorKind;

constexpr A kAllActions[] = {A::Offer, A::Requeue,       A::Assign,  A::ArrivePickup, A::PickUp,
                             A::ArriveDropoff, A::Deliver, A::Fail, A::Cancel};

// The rules, written apart from the table: (from, action, actor) -> (to, event).
std::map<std::tuple<S, A, K>, std::pair<S, std::string>> rules() {
  std::map<std::tuple<S, A, K>, std::pair<S, std::string>> r;
  r[{S::Pending, A::Offer, K::System}] = {S::Offered, ""};
  r[{S::Offered, A::Requeue, K::System}] = {S::Pending, ""};
  r[{S::Offered, A::Assign, K::Driver}] = {S::Assigned, "delivery.assigned"};
  r[{S::Assigned, A::ArrivePickup, K::Driver}] = {S::AtPickup, ""};
  r[{S::AtPickup, A::PickUp, K::Driver}] = {S::PickedUp, "delivery.picked_up"};
  r[{S::PickedUp, A::ArriveDropoff, K::Driver}] = {S::AtDropoff, ""};
  r[{S::AtDropoff, A::Deliver, K::Driver}] = {S::Delivered, "delivery.completed"};
  r[{S::AtDropoff, A::Deliver, K::Admin}] = {S::Delivered, "delivery.completed"};
  r[{S::PickedUp, A::Deliver, K::Admin}] = {S::Delivered, "delivery.completed"};
  for (S s : {S::Pending, S::Offered, S::Assigned, S::AtPickup}) r[{s, A::Cancel, K::System}] = {S::Cancelled, "delivery.cancelled"};
  for (S s : {S::Assigned, S::AtPickup, S::PickedUp, S::AtDropoff}) {
    r[{s, A::Fail, K::Driver}] = {S::Failed, "delivery.failed"};
    r[{s, A::Fail, K::Admin}] = {S::Failed, "delivery.failed"};
  }
  return r;
}

TEST(DeliveriesStateMachine, EveryCombinationFollowsTheRules) {
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

TEST(DeliveriesStateMachine, TheConflictNamesTheStateTheActionAndWhoMay) {
  try {
    resolve_transition(S::PickedUp, A::Cancel, K::System);
    FAIL() << "cancelled after pickup";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("'picked_up'"), std::string::npos) << e.detail();
    EXPECT_NE(e.detail().find("cancel"), std::string::npos) << e.detail();
  }
  try {
    resolve_transition(S::PickedUp, A::Deliver, K::Driver);
    FAIL() << "a driver delivered without arriving";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("is for: admin"), std::string::npos) << e.detail();
  }
}

TEST(DeliveriesStateMachine, TerminalStatesAndWhoHoldsADelivery) {
  std::set<S> terminal;
  for (S s : kAllStatuses) {
    if (is_terminal(s)) terminal.insert(s);
  }
  EXPECT_EQ(terminal, (std::set<S>{S::Delivered, S::Cancelled, S::Failed}));
  for (S s : kAllStatuses) {
    const bool held = s == S::Assigned || s == S::AtPickup || s == S::PickedUp || s == S::AtDropoff;
    EXPECT_EQ(is_held_by_driver(s), held) << to_string(s);
  }
  EXPECT_EQ(kInitialStatus, S::Pending);
  for (S s : kAllStatuses) EXPECT_EQ(parse_delivery_status(to_string(s)), s);
  EXPECT_FALSE(parse_delivery_status("lost").has_value());
}

TEST(DeliveriesStateMachine, DiagramsAreDrawnFromTheTable) {
  const std::string mermaid = state_machine_diagram("mermaid");
  EXPECT_EQ(mermaid.rfind("stateDiagram-v2\n  [*] --> pending\n", 0), 0u) << mermaid;
  EXPECT_NE(mermaid.find("at_dropoff --> delivered: deliver (driver, admin) / delivery.completed"), std::string::npos)
      << mermaid;
  EXPECT_NE(mermaid.find("assigned --> at_pickup: arrive_pickup (driver) / no event"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("failed --> [*]"), std::string::npos);
  std::size_t arrows = 0;
  for (std::size_t at = mermaid.find(": "); at != std::string::npos; at = mermaid.find(": ", at + 1)) ++arrows;
  EXPECT_EQ(arrows, transitions().size()) << "one line per transition";
  const std::string dot = state_machine_diagram("dot");
  EXPECT_EQ(dot.rfind("digraph delivery {", 0), 0u);
  EXPECT_NE(dot.find("delivered [peripheries=2];"), std::string::npos);
  EXPECT_THROW(state_machine_diagram("png"), std::invalid_argument);
}

TEST(DeliveriesPin, FourDigitsSpreadOverTheirRange) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string pin = new_pin();
    ASSERT_EQ(pin.size(), 4u);
    ASSERT_EQ(pin.find_first_not_of("0123456789"), std::string::npos) << pin;
    seen.insert(pin);
  }
  EXPECT_GT(seen.size(), 150u) << "200 draws from 10,000 values rarely repeat";
}

}  // namespace
}  // namespace nelo::deliveries
