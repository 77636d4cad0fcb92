#pragma once
// What is waiting to be written to one real-time client: a bounded queue shared by the threads
// that fan events out (push) and the connection's writer (drain, everything at once, into one
// frame). Each channel numbers its events (seq 1, 2, ...) so that a client sees a gap when one was
// lost. Positions of one driver coalesce: a newer one replaces the one still waiting, keeping its
// place and number (a position is the latest state, not a step the client could miss). A full
// queue drops the event but still spends its number, so the client sees the gap; a queue that
// stays full past a grace period marks the client as too slow. Thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace nelo::realtime {

struct QueuedMessage {
  std::string channel;       // "" for a message of the protocol itself (pong, error without channel)
  std::uint64_t seq = 0;     // the channel's number for an event; 0 for protocol messages
  std::string event;         // the event's name; "" for a protocol message
  std::string text;          // an event's data (JSON text), or a protocol message's whole JSON text
  std::string coalesce_key;  // events with the same channel and key replace each other; "" never
};

class ClientQueue {
 public:
  using SteadyClock = std::chrono::steady_clock;

  explicit ClientQueue(std::size_t capacity) : capacity_(capacity) {}

  enum class Push { Queued, Coalesced, Dropped, Ignored };

  // Opens a channel: its events are taken from now on, numbered from 1.
  void open(const std::string& channel);
  // An event of `message.channel`: numbered, coalesced or dropped (the number spent); ignored
  // when the channel is not open (an event racing an unsubscribe). `now` stamps when the queue
  // became full.
  Push push_event(QueuedMessage message, SteadyClock::time_point now);
  // A protocol message (reply, error): never coalesced; dropped when the queue is full.
  Push push_control(std::string text, SteadyClock::time_point now);

  // Everything queued, in order; the queue is then empty and no longer full.
  std::vector<QueuedMessage> drain();
  bool empty() const;
  std::size_t size() const;

  // The last number given to the channel's events (0: none yet).
  std::uint64_t last_seq(const std::string& channel) const;
  // Forgets a channel (after unsubscribing): its waiting events are removed and its numbering
  // starts again at 1 if it is subscribed again.
  void forget(const std::string& channel);

  // How long the queue has been full without being drained; nullopt while it is not.
  std::optional<SteadyClock::duration> full_for(SteadyClock::time_point now) const;
  // Events dropped since the queue was made (a counter for metrics and tests).
  std::uint64_t dropped() const;

 private:
  bool full_locked(SteadyClock::time_point now);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<QueuedMessage> pending_;
  std::unordered_map<std::string, std::size_t> coalesced_;  // channel + '\n' + key -> index in pending_
  std::unordered_map<std::string, std::uint64_t> seq_;
  std::optional<SteadyClock::time_point> full_since_;
  std::uint64_t dropped_ = 0;
};

}  // namespace nelo::realtime
