#include "modules/realtime/services/hub.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <algorithm>
#include <functional>
#include <string_view>

namespace nelo::realtime {

SharedEvent PublishedEvent::make(const HubMessage& message) {
  auto e = std::make_shared<PublishedEvent>();
  e->event = message.event;
  e->coalesce_key = message.coalesce_key;
  e->coalesce_hash = std::hash<std::string_view>{}(e->coalesce_key);
  e->tail.reserve(message.data.size() + message.event.size() + 24);
  e->tail += R"(,"event":)";
  e->tail += boost::json::serialize(boost::json::string_view(message.event));
  e->tail += R"(,"data":)";
  e->tail += message.data.empty() ? std::string_view("null") : std::string_view(message.data);
  e->tail += '}';
  return e;
}

void Hub::subscribe(const std::string& topic, const std::shared_ptr<Subscriber>& subscriber, const std::string& channel) {
  std::lock_guard lock(mutex_);
  Snapshot& current = topics_[topic];
  auto next = current ? std::make_shared<std::vector<Entry>>(*current) : std::make_shared<std::vector<Entry>>();
  for (const auto& e : *next) {
    if (e.subscriber.get() == subscriber.get() && e.channel == channel) return;
  }
  next->push_back({subscriber, channel});
  current = std::move(next);
}

void Hub::unsubscribe(const std::string& topic, const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  auto next = std::make_shared<std::vector<Entry>>();
  next->reserve(it->second->size());
  for (const auto& e : *it->second) {
    if (e.subscriber.get() != subscriber) next->push_back(e);
  }
  if (next->empty()) topics_.erase(it);
  else it->second = std::move(next);
}

Hub::Snapshot Hub::snapshot(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  return it == topics_.end() ? nullptr : it->second;
}

void Hub::send(const HubMessage& message) {
  receive(message);
  if (relay_) relay_->send(message);
}

void Hub::receive(const HubMessage& message) {
  const Snapshot subscribers = snapshot(message.topic);
  if (!subscribers) return;
  const SharedEvent event = message.kind == HubMessage::Kind::Publish ? PublishedEvent::make(message) : nullptr;
  for (const auto& e : *subscribers) {
    switch (message.kind) {
      case HubMessage::Kind::Publish: e.subscriber->deliver(e.channel, event); break;
      case HubMessage::Kind::End: e.subscriber->end(e.channel, message.reason); break;
      case HubMessage::Kind::Recheck: e.subscriber->recheck(e.channel); break;
    }
  }
  delivered_.fetch_add(subscribers->size(), std::memory_order_relaxed);
}

std::size_t Hub::topics() const {
  std::lock_guard lock(mutex_);
  return topics_.size();
}

}  // namespace nelo::realtime
