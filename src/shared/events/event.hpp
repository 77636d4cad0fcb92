#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "core/time.hpp"

namespace nelo::events {

// An event as stored in the publisher's outbox and handed to subscribers.
struct Event {
  std::string id;         // UUID, also the inbox deduplication key
  std::string name;       // "<entity>.<past_tense>", e.g. "order.created"
  int version = 1;        // payload schema version (docs/events.md)
  std::string publisher;  // module (== schema) that published it
  boost::json::object payload;
  Timestamp occurred_at{};
};

}  // namespace nelo::events
