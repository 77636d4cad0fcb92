#pragma once
// Small cryptographic helpers shared by the auth module and core: random opaque tokens,
// SHA-256, constant-time comparison and base64url. All backed by libsodium (kept out of
// this header so only core's implementation sees it).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::security {

// Opaque token for refresh tokens, reset links, ...: `bytes` bytes from libsodium's CSPRNG,
// base64url without padding. 32 bytes (256 bits) is the default: unguessable even when
// stored hashes leak, since they are looked up by hash.
std::string random_token(std::size_t bytes = 32);
// Raw bytes from the CSPRNG (nonces, keys).
std::string random_bytes(std::size_t bytes);
// A number in [0, upper_bound) from the CSPRNG, uniformly (no modulo bias); 0 when upper_bound < 2.
std::uint32_t random_below(std::uint32_t upper_bound);

// SHA-256. Refresh tokens are stored as sha256_hex(token): they are already high-entropy,
// so a fast hash is enough (no salt or Argon2 needed) and lookups stay indexable.
std::array<unsigned char, 32> sha256_bytes(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lowercase hex characters

// Compares in time independent of the contents (only the lengths may leak, which is fine for
// fixed-size values such as hashes and MACs).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// RFC 4648 section 5 alphabet, no padding (JWT, JWK, opaque tokens).
std::string base64url_encode(std::string_view bytes);
// Strict: nullopt on padding, whitespace, characters outside the alphabet, or non-zero
// trailing bits (so one byte string has exactly one accepted encoding).
std::optional<std::string> base64url_decode(std::string_view text);

// Lowercase hex, and its strict inverse (nullopt on odd length or a non-hex character).
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

// Overwrites a string's whole buffer (including spare capacity, where a moved or shortened
// secret may linger) before clearing it; for passwords and key material we hold.
void wipe(std::string& secret) noexcept;

}  // namespace nelo::security
