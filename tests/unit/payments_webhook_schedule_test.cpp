// The sandbox's webhook schedule: events go out in the order they happened unless one is held
// back (so a later one overtakes it) or doubled on purpose; failures are retried with exponential
// backoff up to a cap, then abandoned.

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "modules/payments/sandbox/webhook_sender.hpp"

namespace nelo::payments {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = Timestamp(std::chrono::seconds(1'765'000'000));

// Hands out the scripted numbers in turn (then 999: no chaos), each reduced below n.
struct Script {
  std::shared_ptr<std::deque<std::uint32_t>> values = std::make_shared<std::deque<std::uint32_t>>();
  std::uint32_t operator()(std::uint32_t n) const {
    std::uint32_t v = 999;
    if (!values->empty()) {
      v = values->front();
      values->pop_front();
    }
    return n == 0 ? 0 : v % n;
  }
};

std::vector<SandboxEvent> events(std::initializer_list<const char*> ids) {
  std::vector<SandboxEvent> out;
  for (const char* id : ids) out.push_back(SandboxEvent{id, "payment.authorized", "sbx_1", "{}"});
  return out;
}

// Every delivery due at `now`, in the order take_next() hands them out.
std::vector<WebhookDelivery> take_due(WebhookSchedule& schedule, Timestamp now) {
  std::vector<WebhookDelivery> out;
  while (auto next = schedule.take_next(now)) out.push_back(std::move(*next));
  return out;
}

std::vector<std::string> ids(const std::vector<WebhookDelivery>& deliveries) {
  std::vector<std::string> out;
  for (const auto& d : deliveries) out.push_back(d.event.id);
  return out;
}

WebhookSenderOptions options() {
  WebhookSenderOptions o;
  o.duplicate_per_mille = 50;
  o.hold_per_mille = 100;
  o.max_hold = 2000ms;
  o.first_retry = 500ms;
  o.max_backoff = 4000ms;
  o.max_attempts = 6;
  return o;
}

TEST(WebhookSchedule, WithoutChaosEventsGoOutAtOnceInOrder) {
  Script script;
  WebhookSchedule schedule(options(), script);
  schedule.add(events({"evt_a", "evt_b", "evt_c"}), kNow);
  EXPECT_EQ(ids(take_due(schedule, kNow)), (std::vector<std::string>{"evt_a", "evt_b", "evt_c"}));
  EXPECT_EQ(schedule.pending(), 0u);
}

TEST(WebhookSchedule, AHeldEventIsOvertakenAndADoubledOneGoesTwice) {
  Script script;
  // evt_a: held (10 < 100) by 1500 ms, not doubled; evt_b: not held, doubled (20 < 50) 700 ms later.
  *script.values = {10, 1'500'000, 999, 999, 20, 700'000};
  WebhookSchedule schedule(options(), script);
  schedule.add(events({"evt_a", "evt_b"}), kNow);
  EXPECT_EQ(ids(take_due(schedule, kNow)), (std::vector<std::string>{"evt_b"}));
  EXPECT_EQ(ids(take_due(schedule, kNow + 700ms)), (std::vector<std::string>{"evt_b"})) << "the second copy";
  EXPECT_TRUE(take_due(schedule, kNow + 1499ms).empty());
  EXPECT_EQ(ids(take_due(schedule, kNow + 1500ms)), (std::vector<std::string>{"evt_a"})) << "after evt_b";
  EXPECT_EQ(schedule.stats().held, 1u);
  EXPECT_EQ(schedule.stats().duplicated, 1u);
}

TEST(WebhookSchedule, FailuresBackOffExponentiallyThenGiveUp) {
  Script script;
  WebhookSchedule schedule(options(), script);
  schedule.add(events({"evt_a"}), kNow);
  auto due = take_due(schedule, kNow);
  ASSERT_EQ(due.size(), 1u);
  Timestamp at = kNow;
  std::vector<std::chrono::milliseconds> waits;
  for (int attempt = 1; attempt <= 6; ++attempt) {
    auto delivery = due.at(0);
    delivery.attempts = attempt;
    schedule.failed(delivery, at);
    if (schedule.pending() == 0) break;
    due = take_due(schedule, Timestamp::max());
    ASSERT_EQ(due.size(), 1u);
    waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(due[0].due - at));
    at = due[0].due;
  }
  EXPECT_EQ(waits, (std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms, 4000ms, 4000ms}));
  EXPECT_EQ(schedule.stats().retried, 5u);
  EXPECT_EQ(schedule.stats().abandoned, 1u);
  schedule.succeeded(due.at(0));
  EXPECT_EQ(schedule.stats().delivered, 1u);
}

}  // namespace
}  // namespace nelo::payments
