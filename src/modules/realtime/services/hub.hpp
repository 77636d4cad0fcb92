#pragma once
// The real-time fan-out: who listens to which topic in this process, and what reaches them.
// A topic is an internal address ("order:<id>", "driver:<id>:position", "user:<id>:notifications",
// "city:positions", ...); a client channel ("order:<id>", "notifications", ...) subscribes to one or
// more topics (channels.hpp says which). Messages sent here reach this process's subscribers and,
// through the relay when one is set (Redis pub/sub), every other nelo process's.
//
// Fan-out never writes to a socket: it hands each subscriber the message, made once and shared
// (its bounded queue takes it, or drops it), and the subscriber's own writer sends everything it
// has in one write. A publish walks an immutable snapshot of the topic's subscribers, holding no
// lock; (un)subscribing only marks the snapshot stale (O(1): 10 000 clients subscribing to one
// topic after a deploy cost no 10 000 copies of the list each), and the next publish rebuilds it.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace nelo::realtime {

struct HubMessage {
  enum class Kind {
    Publish,  // an event for the topic's subscribers
    End,      // the right to the channel ended for everybody (a delivery's privacy window closed)
    Recheck,  // someone's right to the channel may have ended: authorise each subscriber again
  };
  Kind kind = Kind::Publish;
  std::string topic;
  std::string event;         // Publish: the event's name ("order.accepted", "driver.moved", ...)
  std::string data;          // Publish: the event's data, JSON text
  std::string coalesce_key;  // Publish: events with the same key replace each other in a queue
  std::string reason;        // End: why ("delivered", "cancelled", ...)
};

// A published event as every subscriber's queue holds it: made once per publish and shared by
// all of them (never copied per subscriber), with the frame text that follows the channel's
// sequence number already written.
struct PublishedEvent {
  std::string event;             // the event's name
  std::string coalesce_key;      // "" never coalesces
  std::size_t coalesce_hash = 0;  // std::hash of coalesce_key
  std::string tail;              // ,"event":"<name>","data":<data>}  (docs/realtime.md#messages)

  static std::shared_ptr<const PublishedEvent> make(const HubMessage& message);
};
using SharedEvent = std::shared_ptr<const PublishedEvent>;

// A client connection, as the hub sees it. Called from any thread; must not block.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void deliver(const std::string& channel, const SharedEvent& event) = 0;
  virtual void end(const std::string& channel, const std::string& reason) = 0;
  virtual void recheck(const std::string& channel) = 0;
};

// What carries messages to the other processes (and theirs to this one, through Hub::receive).
class Relay {
 public:
  virtual ~Relay() = default;
  virtual void send(const HubMessage& message) = 0;
};

class Hub {
 public:
  Hub() = default;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // `channel` is the name the subscriber knows the topic by.
  void subscribe(const std::string& topic, const std::shared_ptr<Subscriber>& subscriber, const std::string& channel);
  void unsubscribe(const std::string& topic, const Subscriber* subscriber);

  // Something happened in this process: its subscribers hear it, and the other processes' through
  // the relay.
  void send(const HubMessage& message);
  // Something happened in another process (the relay's receiving side): this process's subscribers.
  void receive(const HubMessage& message);

  // Set once, before the server starts.
  void set_relay(Relay* relay) { relay_ = relay; }

  std::size_t topics() const;
  std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::shared_ptr<Subscriber> subscriber;
    std::string channel;
  };
  using Snapshot = std::shared_ptr<const std::vector<Entry>>;
  struct Topic {
    // Each subscriber's channels on the topic (usually one).
    std::unordered_map<const Subscriber*, std::vector<Entry>> subscribers;
    Snapshot snapshot;  // null: stale, rebuilt by the next publish
  };

  Snapshot snapshot(const std::string& topic);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Topic> topics_;
  Relay* relay_ = nullptr;
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace nelo::realtime
