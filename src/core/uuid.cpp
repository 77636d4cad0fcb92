#include "core/uuid.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace nelo {

namespace {

using Bytes = std::array<unsigned char, 16>;

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; it only fails if no entropy source exists.
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

std::string format(const Bytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string new_uuid() {
  ensure_sodium();
  Bytes b;
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  return format(b);
}

std::string new_uuid_v7() {
  ensure_sodium();
  // RFC 9562 method 1: a 12-bit counter in rand_a, reseeded every new millisecond, keeps ids
  // made by this process strictly increasing even within one millisecond.
  static std::mutex mutex;
  static std::uint64_t last_ms = 0;
  static std::uint16_t counter = 0;

  Bytes b;
  randombytes_buf(b.data(), b.size());
  std::uint64_t ms;
  std::uint16_t seq;
  {
    std::lock_guard lock(mutex);
    ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
    if (ms > last_ms) {
      last_ms = ms;
      counter = static_cast<std::uint16_t>(randombytes_uniform(0x800));  // leave headroom for increments
    } else if (++counter > 0xfff) {
      // Counter exhausted (or the clock went back): borrow the next millisecond.
      ++last_ms;
      counter = 0;
    }
    ms = last_ms;
    seq = counter;
  }
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | (seq >> 8));  // version 7 + high bits of the counter
  b[7] = static_cast<unsigned char>(seq & 0xff);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return format(b);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> canonical_uuid(std::string_view text) {
  if (!is_uuid(text)) return std::nullopt;
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace nelo
