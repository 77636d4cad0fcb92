#include "core/security/verified_token_cache.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>

#include "core/security/sodium_init.hpp"

namespace nelo::security {

VerifiedTokenCache::Digest VerifiedTokenCache::digest(std::string_view token) {
  detail::ensure_sodium_initialized();
  Digest out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  return out;
}

std::size_t VerifiedTokenCache::DigestHash::operator()(const Digest& d) const noexcept {
  // The digest is already uniformly distributed: its first bytes are a fine hash.
  std::size_t h;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

std::optional<VerifiedTokenCache::Entry> VerifiedTokenCache::find(const Digest& digest) const {
  if (capacity_ == 0) return std::nullopt;
  std::shared_lock lock(mutex_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::insert(const Digest& digest, Entry entry, std::int64_t now) {
  if (capacity_ == 0) return;
  std::unique_lock lock(mutex_);
  if (entries_.size() >= capacity_ && !entries_.contains(digest)) {
    std::erase_if(entries_, [now](const auto& item) { return item.second.expires_at <= now; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(digest, std::move(entry));
}

std::size_t VerifiedTokenCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace nelo::security
