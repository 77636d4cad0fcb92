// The real-time gateway's pure parts: channel names (services/channels.hpp), what each bus event
// becomes on the channels (services/event_feeds.hpp), the Redis relay's wire form, and the client
// message reader (api/v1/client_messages.hpp).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "modules/realtime/api/v1/client_messages.hpp"
#include "modules/realtime/services/channels.hpp"
#include "modules/realtime/services/event_feeds.hpp"
#include "modules/realtime/services/redis_relay.hpp"

namespace nelo::realtime {
namespace {

namespace json = boost::json;
constexpr const char* kId = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";

TEST(RealtimeChannels, MatchesFixedNamesAndNamesWithAUuid) {
  std::string param;
  EXPECT_TRUE(match_channel("notifications", "notifications", param));
  EXPECT_EQ(param, "");
  EXPECT_FALSE(match_channel("notifications", "notifications:x", param));
  EXPECT_TRUE(match_channel("order:{id}", std::string("order:") + kId, param));
  EXPECT_EQ(param, kId);
  EXPECT_TRUE(match_channel("delivery:{id}:position", std::string("delivery:") + kId + ":position", param));
  EXPECT_EQ(param, kId);
  EXPECT_FALSE(match_channel("delivery:{id}:position", std::string("delivery:") + kId, param));
  EXPECT_FALSE(match_channel("order:{id}", "order:", param));
  EXPECT_FALSE(match_channel("order:{id}", "order:not-a-uuid", param));
  EXPECT_FALSE(match_channel("order:{id}", std::string("order:") + kId + ":position", param));
}

TEST(RealtimeChannels, EveryKindHasAPatternAndAnAuthorisation) {
  Channels channels(nullptr, nullptr);
  std::vector<std::string> patterns;
  for (const auto& kind : channels.kinds()) {
    patterns.push_back(kind.pattern);
    EXPECT_TRUE(kind.authorize) << kind.pattern;
  }
  EXPECT_EQ(patterns, (std::vector<std::string>{"notifications", "driver:offers", "admin:city", "order:{id}",
                                                "delivery:{id}:position"}));
}

json::object order_event(std::string status) {
  return json::object{{"order_id", kId},        {"customer_id", "c"}, {"status", status},
                      {"previous_status", "x"}, {"version", 3},       {"payment", json::object{{"token", "tok"}}}};
}

TEST(RealtimeEventFeeds, AnOrderChangeGoesToItsOrderAndTheCityWithoutTheSnapshot) {
  auto out = hub_messages_for("order.accepted", order_event("accepted"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].topic, std::string("order:") + kId);
  EXPECT_EQ(out[1].topic, "city:orders");
  EXPECT_EQ(out[0].event, "order.accepted");
  const json::object data = json::parse(out[0].data).as_object();
  EXPECT_EQ(data.at("status").as_string(), "accepted");
  EXPECT_FALSE(data.contains("payment")) << "never a payment detail";
  EXPECT_FALSE(data.contains("customer_id"));
  EXPECT_TRUE(hub_messages_for("order.accepted", json::object{{"status", "accepted"}}).empty()) << "no order id";
  EXPECT_TRUE(hub_messages_for("order.created", order_event("pending_payment")).empty()) << "not followed";
}

TEST(RealtimeEventFeeds, ADeliveryThatEndsClosesThePositionWindowAndRechecksTheOrder) {
  json::object payload{{"delivery_id", "d1"}, {"order_id", kId}, {"status", "cancelled"}, {"driver_id", "drv"}};
  auto out = hub_messages_for("delivery.cancelled", payload);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2].kind, HubMessage::Kind::End);
  EXPECT_EQ(out[2].topic, "delivery:d1:position");
  EXPECT_EQ(out[2].reason, "cancelled");
  EXPECT_EQ(out[3].kind, HubMessage::Kind::Recheck);
  EXPECT_EQ(out[3].topic, std::string("order:") + kId);
  payload["status"] = "delivered";
  out = hub_messages_for("delivery.completed", payload);
  ASSERT_EQ(out.size(), 3u) << "delivered: the window closes, nobody's right to the order ends";
  EXPECT_EQ(out[2].reason, "delivered");
  EXPECT_EQ(hub_messages_for("delivery.assigned", payload).size(), 2u);
}

TEST(RealtimeEventFeeds, ANotificationReachesItsRecipientUnlessRealtimeIsOff) {
  json::object payload{{"notification_id", "n1"}, {"user_id", "u1"}, {"title", "Order confirmed"}, {"realtime", true}};
  auto out = hub_messages_for("notification.created", payload);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "user:u1:notifications");
  EXPECT_FALSE(json::parse(out[0].data).as_object().contains("realtime"));
  payload["realtime"] = false;
  EXPECT_TRUE(hub_messages_for("notification.created", payload).empty());
  for (const auto& name : followed_events()) EXPECT_NE(name, "order.created");
}

TEST(RealtimeRedisRelay, EncodesAndDecodesABatch) {
  HubMessage a;
  a.topic = "driver:1:position";
  a.event = "driver.moved";
  a.data = R"({"lat":1.5})";
  a.coalesce_key = "1";
  HubMessage b;
  b.kind = HubMessage::Kind::End;
  b.topic = "delivery:2:position";
  b.reason = "delivered";
  std::string origin;
  auto back = RedisRelay::decode(RedisRelay::encode("me", {a, b}), origin);
  EXPECT_EQ(origin, "me");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].kind, HubMessage::Kind::Publish);
  EXPECT_EQ(back[0].data, a.data);
  EXPECT_EQ(back[0].coalesce_key, "1");
  EXPECT_EQ(back[1].kind, HubMessage::Kind::End);
  EXPECT_EQ(back[1].reason, "delivered");
  EXPECT_TRUE(RedisRelay::decode("not json", origin).empty());
  EXPECT_EQ(origin, "");
}

TEST(RealtimeClientMessages, ReadsEachTypeStrictly) {
  auto m = parse_client_message(R"({"type":"subscribe","channel":"notifications","id":"s1"})");
  EXPECT_EQ(m.type, ClientMessage::Type::Subscribe);
  EXPECT_EQ(m.channel, "notifications");
  EXPECT_EQ(m.id.as_string(), "s1");
  m = parse_client_message(R"({"type":"auth","token":"abc"})");
  EXPECT_EQ(m.type, ClientMessage::Type::Auth);
  EXPECT_EQ(m.token, "abc");
  EXPECT_TRUE(m.id.is_null());
  m = parse_client_message(R"({"type":"ping","id":3})");
  EXPECT_EQ(m.type, ClientMessage::Type::Ping);
  EXPECT_EQ(m.id.as_int64(), 3);

  EXPECT_THROW(parse_client_message("nope"), BadRequest);
  EXPECT_THROW(parse_client_message("[1]"), BadRequest);
  EXPECT_THROW(parse_client_message(R"({"type":"dance"})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"subscribe"})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"subscribe","channel":""})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"ping","extra":1})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"ping","id":1.5})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"auth","token":7})"), ValidationError);
  EXPECT_THROW(parse_client_message(R"({"type":"ping","type":"ping"})"), BadRequest) << "duplicate keys";
  EXPECT_THROW(parse_client_message(R"({"type":{"a":{"b":{"c":{}}}}})"), BadRequest) << "too deep";
}

}  // namespace
}  // namespace nelo::realtime
