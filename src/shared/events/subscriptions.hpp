#pragma once
// Who listens to what, in this process: filled at start-up by the modules, read-only afterwards
// (freeze()), so the dispatcher and publish() read it without locks.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/events/event_bus.hpp"

namespace nelo::events {

class Subscriptions {
 public:
  // Throws std::invalid_argument on a bad name, an empty handler or a second handler for the same
  // pair, and std::logic_error once frozen.
  void add(std::string subscriber, std::string event_name, BatchHandler handler);
  void freeze() noexcept { frozen_ = true; }
  bool frozen() const noexcept { return frozen_; }

  // Modules subscribed to event_name, sorted.
  const std::vector<std::string>& subscribers_of(std::string_view event_name) const;
  // The events the subscriber handles in this process, sorted.
  std::vector<std::string> event_names_of(std::string_view subscriber) const;
  // Null when the subscriber has no handler for the event in this process.
  const BatchHandler* find(std::string_view subscriber, std::string_view event_name) const;
  // Every module with at least one handler here, sorted: this process claims only their deliveries.
  const std::vector<std::string>& subscribers() const noexcept { return subscribers_; }

 private:
  bool frozen_ = false;
  std::map<std::pair<std::string, std::string>, BatchHandler, std::less<>> handlers_;
  std::map<std::string, std::vector<std::string>, std::less<>> by_event_;
  std::vector<std::string> subscribers_;
};

}  // namespace nelo::events
