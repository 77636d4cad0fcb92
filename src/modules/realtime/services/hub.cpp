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
  Topic& t = topics_[topic];
  std::vector<Entry>& mine = t.subscribers[subscriber.get()];
  for (const auto& e : mine) {
    if (e.channel == channel) return;
  }
  mine.push_back({subscriber, channel});
  t.snapshot.reset();
}

void Hub::unsubscribe(const std::string& topic, const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end() || it->second.subscribers.erase(subscriber) == 0) return;
  if (it->second.subscribers.empty()) topics_.erase(it);
  else it->second.snapshot.reset();
}

Hub::Snapshot Hub::snapshot(const std::string& topic) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return nullptr;
  Topic& t = it->second;
  if (!t.snapshot) {
    auto all = std::make_shared<std::vector<Entry>>();
    all->reserve(t.subscribers.size());
    for (const auto& [who, entries] : t.subscribers) all->insert(all->end(), entries.begin(), entries.end());
    t.snapshot = std::move(all);
  }
  return t.snapshot;
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
