#pragma once
// HMAC-SHA256 (libsodium crypto_auth_hmacsha256, kept out of this header), for signatures that
// another party checks with the same secret: webhooks a payment provider sends.

#include <array>
#include <string_view>

namespace nelo::security {

// The MAC of `message` under `key` (any length; RFC 2104 hashes keys longer than the block).
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view message);

}  // namespace nelo::security
