#include "modules/realtime/services/client_queue.hpp"

#include <algorithm>
#include <utility>

namespace nelo::realtime {

bool ClientQueue::full_locked(SteadyClock::time_point now) {
  if (pending_.size() < capacity_) return false;
  if (!full_since_) full_since_ = now;
  return true;
}

ClientQueue::Push ClientQueue::push_event(QueuedMessage message, SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  std::string key;
  if (!message.coalesce_key.empty()) {
    key = message.channel + '\n' + message.coalesce_key;
    if (auto it = coalesced_.find(key); it != coalesced_.end()) {
      QueuedMessage& waiting = pending_[it->second];
      waiting.text = std::move(message.text);
      waiting.event = std::move(message.event);
      return Push::Coalesced;
    }
  }
  auto open = seq_.find(message.channel);
  if (open == seq_.end()) return Push::Ignored;
  std::uint64_t& seq = open->second;
  ++seq;
  if (full_locked(now)) {
    ++dropped_;
    return Push::Dropped;
  }
  message.seq = seq;
  if (!key.empty()) coalesced_.emplace(std::move(key), pending_.size());
  pending_.push_back(std::move(message));
  return Push::Queued;
}

void ClientQueue::open(const std::string& channel) {
  std::lock_guard lock(mutex_);
  seq_.try_emplace(channel, 0);
}

ClientQueue::Push ClientQueue::push_control(std::string text, SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  if (full_locked(now)) {
    ++dropped_;
    return Push::Dropped;
  }
  QueuedMessage message;
  message.text = std::move(text);
  pending_.push_back(std::move(message));
  return Push::Queued;
}

std::vector<QueuedMessage> ClientQueue::drain() {
  std::lock_guard lock(mutex_);
  std::vector<QueuedMessage> out;
  out.swap(pending_);
  coalesced_.clear();
  full_since_.reset();
  return out;
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
  auto it = seq_.find(channel);
  return it == seq_.end() ? 0 : it->second;
}

void ClientQueue::forget(const std::string& channel) {
  std::lock_guard lock(mutex_);
  seq_.erase(channel);
  std::erase_if(pending_, [&](const QueuedMessage& m) { return m.channel == channel && !m.event.empty(); });
  coalesced_.clear();  // indexes moved: rebuilt from what is left
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (!pending_[i].coalesce_key.empty()) coalesced_[pending_[i].channel + '\n' + pending_[i].coalesce_key] = i;
  }
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
