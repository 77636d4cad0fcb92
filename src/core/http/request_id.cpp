#include "core/http/request_id.hpp"

#include <cstdint>
#include <random>

namespace nelo::http {

namespace {

// xoshiro256** (Blackman and Vigna): fast, and plenty for identifiers.
class Xoshiro {
 public:
  Xoshiro() {
    std::random_device rd;
    for (auto& word : s_) word = (std::uint64_t{rd()} << 32) ^ rd();
  }
  std::uint64_t next() noexcept {
    std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace

bool is_acceptable_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string generate_request_id() {
  thread_local Xoshiro rng;
  std::uint64_t hi = rng.next(), lo = rng.next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t pos = 0;
  auto put = [&](std::uint64_t word, int nibbles) {
    for (int i = nibbles - 1; i >= 0; --i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      out[pos++] = kHex[(word >> (i * 4)) & 0xF];
    }
  };
  put(hi, 16);
  put(lo, 16);
  return out;
}

}  // namespace nelo::http
