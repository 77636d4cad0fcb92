#include "core/security/tokens.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/security/sodium_init.hpp"

namespace nelo::security {

namespace detail {

void ensure_sodium_initialized() {
  static const bool initialized = [] {
    // -1 means no usable entropy source: nothing random we produce could be trusted.
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    return true;
  }();
  (void)initialized;
}

}  // namespace detail

std::uint32_t random_below(std::uint32_t upper_bound) {
  detail::ensure_sodium_initialized();
  return randombytes_uniform(upper_bound);
}

std::string random_bytes(std::size_t bytes) {
  detail::ensure_sodium_initialized();
  std::string out(bytes, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string random_token(std::size_t bytes) {
  if (bytes < 16) throw std::invalid_argument("random_token: at least 16 bytes (128 bits) are required");
  auto raw = random_bytes(bytes);
  auto token = base64url_encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

std::array<unsigned char, 32> sha256_bytes(std::string_view data) {
  static_assert(crypto_hash_sha256_BYTES == 32);
  detail::ensure_sodium_initialized();
  std::array<unsigned char, 32> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return digest;
}

std::string sha256_hex(std::string_view data) {
  auto digest = sha256_bytes(data);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  // sodium_base64_encoded_len counts the terminating NUL that bin2base64 writes.
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // libsodium 1.0.18 reads every byte from 0x80 up as an alphabet character (found by
  // tests/fuzz/jwt_fuzz.cpp: "\xff\xff\xff\x80" decoded as "____" does): check the alphabet here.
  for (char c : text) {
    const bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                             c == '-' || c == '_';
    if (!in_alphabet) return std::nullopt;
  }
  // Every 4 characters carry 3 bytes; this bound is never exceeded by a valid input.
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        /*ignore=*/nullptr, &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  // base642bin stops at the first character it cannot use and still succeeds: insist that it
  // consumed everything.
  if (end != text.data() + text.size()) return std::nullopt;
  out.resize(length);
  return out;
}

std::string hex_encode(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                     /*ignore=*/nullptr, &length, &end) != 0 ||
      end != text.data() + text.size() || length != out.size()) {
    return std::nullopt;
  }
  return out;
}

void wipe(std::string& secret) noexcept {
  // Growing to capacity() never reallocates, so this reaches every byte the buffer owns.
  secret.resize(secret.capacity());
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace nelo::security
