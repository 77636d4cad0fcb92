#include "core/security/hmac.hpp"

#include <sodium.h>

#include "core/security/sodium_init.hpp"

namespace nelo::security {

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view message) {
  detail::ensure_sodium_initialized();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::array<unsigned char, 32> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return mac;
}

}  // namespace nelo::security
