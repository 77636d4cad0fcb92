// The real-time hub (modules/realtime/services/hub.hpp): topics to subscribers, what this process
// sends also goes to the relay, what comes from the relay does not go back to it.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "modules/realtime/services/hub.hpp"

namespace nelo::realtime {
namespace {

struct Recorder final : Subscriber {
  std::vector<std::string> seen;
  void deliver(const std::string& channel, const SharedEvent& e) override { seen.push_back(channel + " " + e->event); }
  void end(const std::string& channel, const std::string& reason) override { seen.push_back(channel + " end " + reason); }
  void recheck(const std::string& channel) override { seen.push_back(channel + " recheck"); }
};

struct CountingRelay final : Relay {
  int sent = 0;
  void send(const HubMessage&) override { ++sent; }
};

HubMessage publish(std::string topic, std::string event) {
  HubMessage m;
  m.topic = std::move(topic);
  m.event = std::move(event);
  return m;
}

TEST(RealtimeHub, SendsEachTopicToItsSubscribersUnderTheirChannelNames) {
  Hub hub;
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  hub.subscribe("driver:1:position", a, "delivery:9:position");
  hub.subscribe("driver:1:position", b, "admin:city");
  hub.subscribe("order:5", a, "order:5");
  hub.subscribe("order:5", a, "order:5");  // twice: once
  hub.send(publish("driver:1:position", "driver.moved"));
  hub.send(publish("order:5", "order.accepted"));
  hub.send(publish("order:6", "order.accepted"));
  EXPECT_EQ(a->seen, (std::vector<std::string>{"delivery:9:position driver.moved", "order:5 order.accepted"}));
  EXPECT_EQ(b->seen, (std::vector<std::string>{"admin:city driver.moved"}));
  EXPECT_EQ(hub.delivered(), 3u);

  HubMessage end;
  end.kind = HubMessage::Kind::End;
  end.topic = "order:5";
  end.reason = "delivered";
  hub.send(end);
  EXPECT_EQ(a->seen.back(), "order:5 end delivered");

  hub.unsubscribe("order:5", a.get());
  hub.unsubscribe("driver:1:position", a.get());
  hub.send(publish("driver:1:position", "driver.moved"));
  EXPECT_EQ(a->seen.size(), 3u);
  EXPECT_EQ(b->seen.size(), 2u);
  EXPECT_EQ(hub.topics(), 1u) << "a topic without subscribers is forgotten";
}

TEST(RealtimeHub, WhatThisProcessSendsGoesToTheRelayWhatComesFromItDoesNot) {
  Hub hub;
  CountingRelay relay;
  hub.set_relay(&relay);
  auto a = std::make_shared<Recorder>();
  hub.subscribe("order:5", a, "order:5");
  hub.send(publish("order:5", "order.accepted"));
  hub.receive(publish("order:5", "order.preparing"));
  EXPECT_EQ(relay.sent, 1);
  EXPECT_EQ(a->seen.size(), 2u) << "both reach the local subscriber";
}

}  // namespace
}  // namespace nelo::realtime
