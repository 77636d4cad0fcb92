#pragma once
// What is waiting to be written to one real-time client: a bounded queue shared by the threads
// that fan events out (push) and the connection's writer (drain, everything at once, into one
// frame). Each channel numbers its events (seq 1, 2, ...) so that a client sees a gap when one was
// lost. Positions of one driver coalesce: a newer one replaces the one still waiting, keeping its
// place and number (a position is the latest state, not a step the client could miss). A full
// queue drops the event but still spends its number, so the client sees the gap; a queue that
// stays full past a grace period marks the client as too slow. Thread-safe.
//
// An event is queued as the hub made it, shared by every client (no copy); the frame is written
// from pieces made once: the channel's head ({"type":"event","channel":"...","seq":), the number,
// the event's tail (hub.hpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "modules/realtime/services/hub.hpp"

namespace nelo::realtime {

class ClientQueue {
 public:
  using SteadyClock = std::chrono::steady_clock;

  explicit ClientQueue(std::size_t capacity) : capacity_(capacity) {}

  enum class Push { Queued, Coalesced, Dropped, Ignored };

  // Opens a channel: its events are taken from now on, numbered from 1.
  void open(const std::string& channel);
  // An event of `channel`: numbered, coalesced or dropped (the number spent); ignored when the
  // channel is not open (an event racing an unsubscribe). `now` stamps when the queue became full.
  Push push_event(const std::string& channel, const SharedEvent& event, SteadyClock::time_point now);
  // A protocol message (reply, error; its whole JSON text): never coalesced; dropped when the queue
  // is full.
  Push push_control(std::string text, SteadyClock::time_point now);

  // Writes everything queued, in order, into `frame` as one JSON array (docs/realtime.md#messages)
  // and returns how many messages it holds (0: nothing queued, `frame` is then empty). The queue is
  // then empty and no longer full.
  std::size_t drain_into(std::string& frame);
  // Forgets everything queued (a connection closing without sending it).
  void discard();
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
  struct Channel {
    std::uint64_t seq = 0;
    std::string head;  // {"type":"event","channel":<name>,"seq":
  };
  struct Pending {
    const Channel* channel = nullptr;  // null: a protocol message (`control`)
    std::uint64_t seq = 0;
    SharedEvent event;
    std::string control;
  };

  bool full_locked(SteadyClock::time_point now);
  static std::size_t coalesce_slot(const Channel* channel, const PublishedEvent& event);
  void reindex_locked();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<Pending> pending_;
  std::unordered_map<std::size_t, std::size_t> coalesced_;  // coalesce_slot -> index in pending_
  // Nodes never move: a Pending points at its channel, whose waiting events forget() removes.
  std::unordered_map<std::string, Channel> channels_;
  std::optional<SteadyClock::time_point> full_since_;
  std::uint64_t dropped_ = 0;
};

}  // namespace nelo::realtime
