#include "shared/events/subscriptions.hpp"

#include <algorithm>
#include <stdexcept>

#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

void insert_sorted(std::vector<std::string>& names, const std::string& name) {
  auto it = std::lower_bound(names.begin(), names.end(), name);
  if (it == names.end() || *it != name) names.insert(it, name);
}

}  // namespace

void Subscriptions::add(std::string subscriber, std::string event_name, BatchHandler handler) {
  if (frozen_) throw std::logic_error("events: subscribe() after the bus started (" + subscriber + ")");
  if (!is_valid_module_name(subscriber)) throw std::invalid_argument("events: invalid subscriber '" + subscriber + "'");
  if (!is_valid_event_name(event_name)) {
    throw std::invalid_argument("events: invalid event name '" + event_name + "' (expected <entity>.<past_tense>)");
  }
  if (!handler) throw std::invalid_argument("events: empty handler for " + subscriber + "/" + event_name);
  auto key = std::make_pair(subscriber, event_name);
  if (handlers_.contains(key)) {
    throw std::invalid_argument("events: " + subscriber + " already subscribes to " + event_name);
  }
  handlers_.emplace(std::move(key), std::move(handler));
  insert_sorted(by_event_[event_name], subscriber);
  insert_sorted(subscribers_, subscriber);
}

const std::vector<std::string>& Subscriptions::subscribers_of(std::string_view event_name) const {
  static const std::vector<std::string> kNone;
  auto it = by_event_.find(event_name);
  return it == by_event_.end() ? kNone : it->second;
}

std::vector<std::string> Subscriptions::event_names_of(std::string_view subscriber) const {
  std::vector<std::string> names;
  for (const auto& [key, handler] : handlers_) {
    if (key.first == subscriber) names.push_back(key.second);  // the map's order: sorted
  }
  return names;
}

const BatchHandler* Subscriptions::find(std::string_view subscriber, std::string_view event_name) const {
  auto it = handlers_.find(std::make_pair(std::string(subscriber), std::string(event_name)));
  return it == handlers_.end() ? nullptr : &it->second;
}

}  // namespace nelo::events
