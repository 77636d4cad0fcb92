#include "modules/realtime/services/client_queue.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace nelo::realtime {

bool ClientQueue::full_locked(SteadyClock::time_point now) {
  if (pending_.size() < capacity_) return false;
  if (!full_since_) full_since_ = now;
  return true;
}

std::size_t ClientQueue::coalesce_slot(const Channel* channel, const PublishedEvent& event) {
  return event.coalesce_hash ^ (reinterpret_cast<std::uintptr_t>(channel) * 0x9E3779B97F4A7C15ull);
}

ClientQueue::Push ClientQueue::push_event(const std::string& channel, const SharedEvent& event,
                                          SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  auto open = channels_.find(channel);
  if (open == channels_.end()) return Push::Ignored;
  Channel& c = open->second;
  const bool coalesces = !event->coalesce_key.empty();
  std::size_t slot = 0;
  if (coalesces) {
    slot = coalesce_slot(&c, *event);
    if (auto it = coalesced_.find(slot); it != coalesced_.end()) {
      Pending& waiting = pending_[it->second];
      // A different key with the same slot (a hash collision) is simply not coalesced.
      if (waiting.channel == &c && waiting.event->coalesce_key == event->coalesce_key) {
        waiting.event = event;
        return Push::Coalesced;
      }
    }
  }
  ++c.seq;
  if (full_locked(now)) {
    ++dropped_;
    return Push::Dropped;
  }
  if (coalesces) coalesced_.try_emplace(slot, pending_.size());
  pending_.push_back(Pending{&c, c.seq, event, {}});
  return Push::Queued;
}

void ClientQueue::open(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto [it, added] = channels_.try_emplace(channel);
  if (!added) return;
  it->second.head = R"({"type":"event","channel":)";
  it->second.head += boost::json::serialize(boost::json::string_view(channel));
  it->second.head += R"(,"seq":)";
}

ClientQueue::Push ClientQueue::push_control(std::string text, SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  if (full_locked(now)) {
    ++dropped_;
    return Push::Dropped;
  }
  pending_.push_back(Pending{nullptr, 0, nullptr, std::move(text)});
  return Push::Queued;
}

std::size_t ClientQueue::drain_into(std::string& frame) {
  frame.clear();
  std::lock_guard lock(mutex_);
  const std::size_t count = pending_.size();
  if (count == 0) return 0;
  std::size_t bytes = 2 + count;
  for (const Pending& p : pending_) bytes += p.channel ? p.channel->head.size() + 20 + p.event->tail.size() : p.control.size();
  frame.reserve(bytes);
  frame.push_back('[');
  for (std::size_t i = 0; i < count; ++i) {
    const Pending& p = pending_[i];
    if (i) frame.push_back(',');
    if (!p.channel) {
      frame += p.control;
      continue;
    }
    frame += p.channel->head;
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, p.seq);
    frame.append(digits, written.ptr);
    frame += p.event->tail;
  }
  frame.push_back(']');
  pending_.clear();  // keeps its capacity: the next events need no allocation
  coalesced_.clear();
  full_since_.reset();
  return count;
}

void ClientQueue::discard() {
  std::lock_guard lock(mutex_);
  pending_.clear();
  coalesced_.clear();
  full_since_.reset();
}

bool ClientQueue::empty() const {
  std::lock_guard lock(mutex_);
  return pending_.empty();
}

std::size_t ClientQueue::size() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

std::uint64_t ClientQueue::last_seq(const std::string& channel) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.seq;
}

void ClientQueue::reindex_locked() {
  coalesced_.clear();
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const Pending& p = pending_[i];
    if (p.channel && !p.event->coalesce_key.empty()) coalesced_.try_emplace(coalesce_slot(p.channel, *p.event), i);
  }
}

void ClientQueue::forget(const std::string& channel) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  const Channel* gone = &it->second;
  std::erase_if(pending_, [&](const Pending& p) { return p.channel == gone; });
  channels_.erase(it);
  reindex_locked();  // indexes moved: rebuilt from what is left
  if (pending_.size() < capacity_) full_since_.reset();
}

std::optional<ClientQueue::SteadyClock::duration> ClientQueue::full_for(SteadyClock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (!full_since_) return std::nullopt;
  return now - *full_since_;
}

std::uint64_t ClientQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace nelo::realtime
