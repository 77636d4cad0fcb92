#pragma once
// A small thread-safe map whose entries expire a fixed time after they were stored, bounded in
// size (when full, expired entries go first, then everything: a cache, never a store). For data
// read through another module's interface that may be a few seconds old (an order's view of its
// merchant), so a hot read does not ask the same question on every request.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

namespace nelo::cache {

template <class Key, class Value, class Hash = std::hash<Key>>
class ExpiringCache {
 public:
  using Clock = std::chrono::steady_clock;

  // ttl 0 or capacity 0 disables the cache: find never hits.
  ExpiringCache(std::chrono::milliseconds ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}

  bool enabled() const noexcept { return ttl_.count() > 0 && capacity_ > 0; }

  std::optional<Value> find(const Key& key, Clock::time_point now = Clock::now()) const {
    if (!enabled()) return std::nullopt;
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expires_at <= now) return std::nullopt;
    return it->second.value;
  }

  // Expires `ttl` after `now`.
  void put(const Key& key, Value value, Clock::time_point now = Clock::now()) {
    put_until(key, std::move(value), now + ttl_, now);
  }

  // Expires at `expires_at` instead (an entry whose lifetime is its own, e.g. a block that ends
  // with its window).
  void put_until(const Key& key, Value value, Clock::time_point expires_at, Clock::time_point now = Clock::now()) {
    if (!enabled()) return;
    std::unique_lock lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) {
      std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires_at <= now; });
      if (entries_.size() >= capacity_) entries_.clear();
    }
    entries_.insert_or_assign(key, Entry{std::move(value), expires_at});
  }

  void erase(const Key& key) {
    std::unique_lock lock(mutex_);
    entries_.erase(key);
  }

  std::size_t size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Value value;
    Clock::time_point expires_at;
  };
  std::chrono::milliseconds ttl_;
  std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<Key, Entry, Hash> entries_;
};

}  // namespace nelo::cache
