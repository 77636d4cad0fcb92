// The bounded queue of one real-time client (modules/realtime/services/client_queue.hpp): events
// numbered per channel, positions coalesced, a full queue drops (spending the number, so the client
// sees a gap) and reports how long it has been full; what it drains is one frame, a JSON array of
// the messages as docs/realtime.md writes them.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "modules/realtime/services/client_queue.hpp"

namespace nelo::realtime {
namespace {

namespace json = boost::json;
using Clock = ClientQueue::SteadyClock;
using namespace std::chrono_literals;

// An event whose data is the JSON string `data`, coalescing under `key` when one is given.
SharedEvent event(const std::string& data, std::string key = {}) {
  HubMessage m;
  m.event = "test.event";
  m.data = json::serialize(json::value(data));
  m.coalesce_key = std::move(key);
  return PublishedEvent::make(m);
}

// One message of a drained frame.
struct Sent {
  std::string type;
  std::string channel;
  std::uint64_t seq = 0;
  std::string text;  // an event's data (a string here)
};

std::vector<Sent> drain(ClientQueue& q) {
  std::string frame = "left over";
  const std::size_t n = q.drain_into(frame);
  std::vector<Sent> out;
  if (n == 0) {
    EXPECT_TRUE(frame.empty());
    return out;
  }
  const json::value parsed = json::parse(frame);
  const json::array& messages = parsed.as_array();
  EXPECT_EQ(messages.size(), n);
  for (const auto& v : messages) {
    const json::object& m = v.as_object();
    Sent s;
    s.type = std::string(m.at("type").as_string());
    if (s.type == "event") {
      s.channel = std::string(m.at("channel").as_string());
      s.seq = m.at("seq").to_number<std::uint64_t>();
      s.text = std::string(m.at("data").as_string());
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(RealtimeClientQueue, DrainsOneFrameInTheDocumentedForm) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("order:\"1\"");
  HubMessage no_data;
  no_data.event = "x.happened";
  ASSERT_EQ(q.push_event("order:\"1\"", event("a"), now), ClientQueue::Push::Queued);
  ASSERT_EQ(q.push_control(R"({"type":"pong"})", now), ClientQueue::Push::Queued);
  ASSERT_EQ(q.push_event("order:\"1\"", PublishedEvent::make(no_data), now), ClientQueue::Push::Queued);
  std::string frame;
  EXPECT_EQ(q.drain_into(frame), 3u);
  EXPECT_EQ(frame, R"([{"type":"event","channel":"order:\"1\"","seq":1,"event":"test.event","data":"a"},)"
                   R"({"type":"pong"},)"
                   R"({"type":"event","channel":"order:\"1\"","seq":2,"event":"x.happened","data":null}])");
  EXPECT_EQ(q.drain_into(frame), 0u);
  EXPECT_TRUE(frame.empty());
}

TEST(RealtimeClientQueue, NumbersEachChannelsEventsFromOne) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("a");
  q.open("b");
  EXPECT_EQ(q.push_event("a", event("1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("b", event("1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("a", event("2"), now), ClientQueue::Push::Queued);
  auto out = drain(q);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].seq, 1u);
  EXPECT_EQ(out[1].seq, 1u);
  EXPECT_EQ(out[2].seq, 2u);
  EXPECT_EQ(out[2].text, "2");
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.push_event("a", event("3"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(drain(q).at(0).seq, 3u) << "numbers go on across drains";
  EXPECT_EQ(q.last_seq("a"), 3u);
}

TEST(RealtimeClientQueue, IgnoresEventsOfAChannelThatIsNotOpen) {
  ClientQueue q(16);
  EXPECT_EQ(q.push_event("never", event("x"), Clock::now()), ClientQueue::Push::Ignored);
  EXPECT_TRUE(q.empty());
}

TEST(RealtimeClientQueue, APositionReplacesTheOneStillWaitingKeepingItsPlaceAndNumber) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("pos");
  q.open("order");
  EXPECT_EQ(q.push_event("pos", event("p1", "driver-1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("order", event("o1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("pos", event("p2", "driver-1"), now), ClientQueue::Push::Coalesced);
  EXPECT_EQ(q.push_event("pos", event("q1", "driver-2"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("pos", event("p3", "driver-1"), now), ClientQueue::Push::Coalesced);
  auto out = drain(q);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].text, "p3") << "only the latest position of driver-1";
  EXPECT_EQ(out[0].seq, 1u);
  EXPECT_EQ(out[1].text, "o1");
  EXPECT_EQ(out[2].text, "q1");
  EXPECT_EQ(out[2].seq, 2u) << "a coalesced position spends no number";
  // After a drain the next position is queued again, not merged into what was sent.
  EXPECT_EQ(q.push_event("pos", event("p4", "driver-1"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(drain(q).at(0).seq, 3u);
}

TEST(RealtimeClientQueue, TheSameKeyOnTwoChannelsDoesNotCoalesce) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("delivery:1:position");
  q.open("admin:city");
  const SharedEvent moved = event("p1", "driver-1");
  EXPECT_EQ(q.push_event("delivery:1:position", moved, now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("admin:city", moved, now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("admin:city", event("p2", "driver-1"), now), ClientQueue::Push::Coalesced);
  auto out = drain(q);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "p1");
  EXPECT_EQ(out[1].channel, "admin:city");
  EXPECT_EQ(out[1].text, "p2");
}

TEST(RealtimeClientQueue, AFullQueueDropsSpendingTheNumberSoTheClientSeesAGap) {
  ClientQueue q(2);
  const auto t0 = Clock::now();
  q.open("a");
  EXPECT_EQ(q.push_event("a", event("1"), t0), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("a", event("2"), t0), ClientQueue::Push::Queued);
  EXPECT_FALSE(q.full_for(t0)) << "full only once something did not fit";
  EXPECT_EQ(q.push_event("a", event("3"), t0), ClientQueue::Push::Dropped);
  EXPECT_EQ(q.push_control(R"({"type":"pong"})", t0 + 1s), ClientQueue::Push::Dropped);
  ASSERT_TRUE(q.full_for(t0 + 3s));
  EXPECT_EQ(*q.full_for(t0 + 3s), 3s) << "full since the first drop";
  EXPECT_EQ(q.dropped(), 2u);
  auto out = drain(q);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(q.full_for(t0 + 4s)) << "a drain ends the overflow";
  EXPECT_EQ(q.push_event("a", event("4"), t0), ClientQueue::Push::Queued);
  EXPECT_EQ(drain(q).at(0).seq, 4u) << "3 was dropped: the client sees 2 then 4";
}

TEST(RealtimeClientQueue, AFullQueueStillCoalescesPositions) {
  ClientQueue q(1);
  const auto now = Clock::now();
  q.open("pos");
  EXPECT_EQ(q.push_event("pos", event("p1", "d"), now), ClientQueue::Push::Queued);
  EXPECT_EQ(q.push_event("pos", event("p2", "d"), now), ClientQueue::Push::Coalesced);
  EXPECT_FALSE(q.full_for(now)) << "the latest position replaced the waiting one: nothing was lost";
  EXPECT_EQ(drain(q).at(0).text, "p2");
}

TEST(RealtimeClientQueue, ForgettingAChannelRemovesItsEventsAndRestartsItsNumbers) {
  ClientQueue q(16);
  const auto now = Clock::now();
  q.open("a");
  q.open("b");
  q.push_event("a", event("1"), now);
  q.push_event("b", event("1", "k"), now);
  q.push_control(R"({"type":"unsubscribed","channel":"a"})", now);
  q.forget("a");
  EXPECT_EQ(q.push_event("a", event("late"), now), ClientQueue::Push::Ignored);
  EXPECT_EQ(q.push_event("b", event("2", "k"), now), ClientQueue::Push::Coalesced) << "indexes rebuilt";
  auto out = drain(q);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "2");
  EXPECT_EQ(out[1].type, "unsubscribed") << "protocol messages stay";
  q.open("a");
  q.push_event("a", event("again"), now);
  EXPECT_EQ(drain(q).at(0).seq, 1u);
}

}  // namespace
}  // namespace nelo::realtime
