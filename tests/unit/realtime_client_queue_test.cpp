// The bounded queue of one real-time client (modules/realtime/services/client_queue.hpp): events
// numbered per channel, positions coalesced, a full queue drops (spending the number, so the client
// sees a gap) and reports how long it has been full.

#include <gtest/gtest.h>

#include "modules/realtime/services/client_queue.hpp"

namespace nelo::realtime {
namespace {

using Clock = ClientQueue::SteadyClock;
using namespace std::chrono_literals;

QueuedMessage event(std::string channel, std::string data, std::string key = {}) {
  QueuedMessage m;
  m.channel = std::move(channel);
  m.event = "test.event";
  m.text = std::move(data);
  m.coalesce_key = std::move(key);
  return m;
}

TEST(RealtimeClientQueue, NumbersEachChannelsEventsFromOne) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("a");
  q.open("b");
  EXPECT_EQ(q.push_event(event("a", "1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("b", "1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("a", "2"), now), ClientQueue::Push::Queued);
  auto out = q.drain();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].seq, 1u);
  EXPECT_EQ(out[1].seq, 1u);
  EXPECT_EQ(out[2].seq, 2u);
  EXPECT_EQ(out[2].text, "2");
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.push_event(event("a", "3"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.drain().at(0).seq, 3u) << "numbers go on across drains";
  EXPECT_EQ(q.last_seq("a"), 3u);
}

TEST(RealtimeClientQueue, IgnoresEventsOfAChannelThatIsNotOpen) {
  ClientQueue q(16);
  EXPECT_EQ(q.push_event(event("never", "x"), Clock::now()), ClientQueue::Push::Ignored);
  EXPECT_TRUE(q.empty());
}

TEST(RealtimeClientQueue, APositionReplacesTheOneStillWaitingKeepingItsPlaceAndNumber) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("pos");
  q.open("order");
  EXPECT_EQ(q.push_event(event("pos", "p1", "driver-1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("order", "o1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("pos", "p2", "driver-1"), now), ClientQueue::Push::Coalesced);
  EXPECT_EQ(q.push_event(event("pos", "q1", "driver-2"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("pos", "p3", "driver-1"), now), ClientQueue::Push::Coalesced);
  auto out = q.drain();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].text, "p3") << "only the latest position of driver-1";
  EXPECT_EQ(out[0].seq, 1u);
  EXPECT_EQ(out[1].text, "o1");
  EXPECT_EQ(out[2].text, "q1");
  EXPECT_EQ(out[2].seq, 2u) << "a coalesced position spends no number";
  // After a drain the next position is queued again, not merged into what was sent.
  EXPECT_EQ(q.push_event(event("pos", "p4", "driver-1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.drain().at(0).seq, 3u);
}

TEST(RealtimeClientQueue, AFullQueueDropsSpendingTheNumberSoTheClientSeesAGap) {
  ClientQueue q(2);
  const auto t0 = Clock::now();
  q.open("a");
  EXPECT_EQ(q.push_event(event("a", "1"), t0), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("a", "2"), t0), ClientQueue::Push::Queued);
  EXPECT_FALSE(q.full_for(t0)) << "full only once something did not fit";
  EXPECT_EQ(q.push_event(event("a", "3"), t0), ClientQueue::Push::Dropped);
  EXPECT_EQ(q.push_control(R"({"type":"pong"})", t0 + 1s), ClientQueue::Push::Dropped);
  ASSERT_TRUE(q.full_for(t0 + 3s));
  EXPECT_EQ(*q.full_for(t0 + 3s), 3s) << "full since the first drop";
  EXPECT_EQ(q.dropped(), 2u);
  auto out = q.drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(q.full_for(t0 + 4s)) << "a drain ends the overflow";
  EXPECT_EQ(q.push_event(event("a", "4"), t0), ClientQueue::Push::Queued);
  EXPECT_EQ(q.drain().at(0).seq, 4u) << "3 was dropped: the client sees 2 then 4";
}

TEST(RealtimeClientQueue, AFullQueueStillCoalescesPositions) {
  ClientQueue q(1);
  const auto now = Clock::now();
  q.open("pos");
  EXPECT_EQ(q.push_event(event("pos", "p1", "d"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event(event("pos", "p2", "d"), now), ClientQueue::Push::Coalesced);
  EXPECT_FALSE(q.full_for(now)) << "the latest position replaced the waiting one: nothing was lost";
  EXPECT_EQ(q.drain().at(0).text, "p2");
}

TEST(RealtimeClientQueue, ForgettingAChannelRemovesItsEventsAndRestartsItsNumbers) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("a");
  q.open("b");
  q.push_event(event("a", "1"), now);
  q.push_event(event("b", "1", "k"), now);
  q.push_control(R"({"type":"unsubscribed","channel":"a"})", now);
  q.forget("a");
  EXPECT_EQ(q.push_event(event("a", "late"), now), ClientQueue::Push::Ignored);
  EXPECT_EQ(q.push_event(event("b", "2", "k"), now), ClientQueue::Push::Coalesced) << "indexes rebuilt";
  auto out = q.drain();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "2");
  EXPECT_TRUE(out[1].event.empty()) << "protocol messages stay";
  q.open("a");
  q.push_event(event("a", "again"), now);
  EXPECT_EQ(q.drain().at(0).seq, 1u);
}

}  // namespace
}  // namespace nelo::realtime
