#include "modules/realtime/services/event_feeds.hpp"

#include <boost/json/serialize.hpp>

#include <initializer_list>

#include "modules/realtime/services/channels.hpp"

namespace nelo::realtime {

namespace json = boost::json;

namespace {

// What a watcher of an order sees of an order or delivery event: the change, not the snapshot
// (no addresses, no payment details: re-read the resource for those).
const std::initializer_list<std::string_view> kOrderFields = {
    "order_id", "status", "previous_status", "action", "actor", "reason", "changed_at", "version", "total"};
const std::initializer_list<std::string_view> kDeliveryFields = {
    "delivery_id", "order_id", "status", "previous_status", "action", "driver_id", "reason", "changed_at", "version"};

json::object pick(const json::object& payload, std::initializer_list<std::string_view> fields) {
  json::object out;
  for (auto field : fields) {
    if (const json::value* v = payload.if_contains(field)) out[field] = *v;
  }
  return out;
}

std::string string_field(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

HubMessage publish(std::string topic, std::string_view event, const std::string& data) {
  HubMessage m;
  m.kind = HubMessage::Kind::Publish;
  m.topic = std::move(topic);
  m.event = std::string(event);
  m.data = data;
  return m;
}

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (n == name) return true;
  }
  return false;
}

const std::initializer_list<std::string_view> kOrderEvents = {
    "order.placed",    "order.accepted",  "order.preparing", "order.ready_for_pickup",
    "order.picked_up", "order.delivered", "order.rejected",  "order.cancelled"};
const std::initializer_list<std::string_view> kDeliveryEvents = {
    "delivery.assigned", "delivery.picked_up", "delivery.completed", "delivery.failed", "delivery.cancelled"};

}  // namespace

const std::vector<std::string>& followed_events() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (auto n : kOrderEvents) names.emplace_back(n);
    for (auto n : kDeliveryEvents) names.emplace_back(n);
    names.emplace_back("notification.created");
    return names;
  }();
  return kNames;
}

std::vector<HubMessage> hub_messages_for(std::string_view event_name, const json::object& payload) {
  std::vector<HubMessage> out;
  if (one_of(event_name, kOrderEvents)) {
    const std::string order_id = string_field(payload, "order_id");
    if (order_id.empty()) return out;
    const std::string data = json::serialize(pick(payload, kOrderFields));
    out.push_back(publish(topics::order(order_id), event_name, data));
    out.push_back(publish(std::string(topics::kCityOrders), event_name, data));
    return out;
  }
  if (one_of(event_name, kDeliveryEvents)) {
    const std::string order_id = string_field(payload, "order_id");
    const std::string delivery_id = string_field(payload, "delivery_id");
    if (order_id.empty() || delivery_id.empty()) return out;
    const std::string data = json::serialize(pick(payload, kDeliveryFields));
    out.push_back(publish(topics::order(order_id), event_name, data));
    out.push_back(publish(std::string(topics::kCityOrders), event_name, data));
    if (one_of(event_name, {"delivery.completed", "delivery.failed", "delivery.cancelled"})) {
      HubMessage end;
      end.kind = HubMessage::Kind::End;
      end.topic = topics::delivery_position(delivery_id);
      end.reason = string_field(payload, "status");
      if (end.reason.empty()) end.reason = "ended";
      out.push_back(std::move(end));
    }
    if (one_of(event_name, {"delivery.failed", "delivery.cancelled"})) {
      HubMessage recheck;
      recheck.kind = HubMessage::Kind::Recheck;
      recheck.topic = topics::order(order_id);
      out.push_back(std::move(recheck));
    }
    return out;
  }
  if (event_name == "notification.created") {
    const json::value* realtime = payload.if_contains("realtime");
    if (realtime && realtime->is_bool() && !realtime->get_bool()) return out;
    const std::string recipient = string_field(payload, "user_id");
    if (recipient.empty()) return out;
    json::object data = payload;
    data.erase("realtime");
    out.push_back(publish(topics::user_notifications(recipient), event_name, json::serialize(data)));
  }
  return out;
}

}  // namespace nelo::realtime
