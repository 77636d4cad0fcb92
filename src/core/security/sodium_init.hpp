#pragma once
// Internal to core/security: libsodium must be initialised once before any call (it picks
// its implementations and seeds the CSPRNG). Every entry point calls this; it is cheap after
// the first time.

namespace nelo::security::detail {

void ensure_sodium_initialized();

}  // namespace nelo::security::detail
