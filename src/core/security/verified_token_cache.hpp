#pragma once
// Remembers access tokens whose signature and claims were already checked, so a client sending
// the same token on every request pays the ECDSA verification (~60 us of CPU) once, not each time.
// Keyed by a BLAKE2b digest of the exact token bytes (no token material is kept), holding the
// principal and the expiry, which is still checked on every hit. One cache lives in each key set:
// replacing the keys (rotation, a retired kid) starts from an empty cache. Thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string_view>
#include <unordered_map>

#include "core/security/principal.hpp"

namespace nelo::security {

class VerifiedTokenCache {
 public:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Principal principal;
    std::int64_t expires_at = 0;  // the token's exp, Unix seconds
  };

  // capacity 0 disables the cache (find never hits, insert does nothing).
  explicit VerifiedTokenCache(std::size_t capacity) : capacity_(capacity) {}

  static Digest digest(std::string_view token);

  std::optional<Entry> find(const Digest& digest) const;
  // When full, entries expired at `now` (Unix seconds) are dropped first, then everything.
  void insert(const Digest& digest, Entry entry, std::int64_t now);
  std::size_t size() const;

 private:
  struct DigestHash {
    std::size_t operator()(const Digest& d) const noexcept;
  };
  std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<Digest, Entry, DigestHash> entries_;
};

}  // namespace nelo::security
