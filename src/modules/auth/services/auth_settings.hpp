#pragma once
// The auth module's own settings, from NELO_AUTH_* environment variables (docs/api/auth.md),
// plus what it takes from the platform Config (issuer, audience, access-token lifetime, key-
// encryption key).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "core/config.hpp"

namespace nelo::auth {

struct AuthSettings {
  // Tokens (from Config).
  std::string issuer = "nelo";
  std::string audience = "nelo-api";
  std::chrono::seconds access_ttl{15 * 60};
  std::string key_encryption_key;  // hex; empty: start() refuses to run
  // Tolerated clock difference for exp/iat/nbf; also added to the overlap of a rotated key.
  std::chrono::seconds leeway{30};

  // NELO_AUTH_REFRESH_TTL_SECONDS: lifetime of each refresh token (30 days).
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};

  // NELO_AUTH_SESSION_MAX_AGE_SECONDS: absolute lifetime of a session (a refresh-token family):
  // refreshing never takes it past this long after the login (90 days).
  std::chrono::seconds session_max_age{90 * 24 * 3600};
  // NELO_AUTH_MAX_SESSIONS_PER_USER: live sessions per account; a login beyond it revokes the
  // oldest (10).
  std::int64_t max_sessions_per_user = 10;

  // Login attempts (docs/api/auth.md, "Throttling"), each counter within
  // NELO_AUTH_THROTTLE_WINDOW_SECONDS of its first attempt. Past its allowance a counter imposes
  // a growing wait between attempts (NELO_AUTH_THROTTLE_FIRST_DELAY_SECONDS, then twice, four
  // times as long... up to its maximum) instead of a lock:
  // - NELO_AUTH_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: one account from one address (the limit a
  //   guesser meets; it cannot lock the owner out from elsewhere), waits up to
  //   NELO_AUTH_THROTTLE_MAX_DELAY_SECONDS;
  // - NELO_AUTH_MAX_FAILURES_PER_ADDRESS: one address across accounts (password spraying), the same;
  // - NELO_AUTH_MAX_FAILURES_PER_ACCOUNT: one account from everywhere, a much higher ceiling
  //   against distributed guessing, whose waits stay short (NELO_AUTH_ACCOUNT_MAX_DELAY_SECONDS).
  std::int64_t max_failures_per_account_and_address = 5;
  std::int64_t max_failures_per_address = 20;
  std::int64_t max_failures_per_account = 100;
  std::chrono::seconds throttle_window{15 * 60};
  std::chrono::seconds throttle_first_delay{1};
  std::chrono::seconds throttle_max_delay{15 * 60};
  std::chrono::seconds account_max_delay{30};

  // Registrations per client address: NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS within
  // NELO_AUTH_REGISTRATION_WINDOW_SECONDS.
  std::int64_t max_registrations_per_address = 20;
  std::chrono::seconds registration_window{3600};

  // NELO_AUTH_KEY_REFRESH_SECONDS: how often each instance reloads signing keys and revoked
  // sessions from the database (what another instance rotated or revoked reaches it within this).
  std::chrono::seconds key_refresh_interval{30};
  // NELO_AUTH_KEY_ACTIVATION_DELAY_SECONDS: a rotated key is published at once but signs only
  // after this, so every instance knows it before tokens signed by it arrive (default: twice the
  // refresh interval).
  std::chrono::seconds key_activation_delay{60};
  // Purge of expired refresh tokens and stale throttle counters.
  std::chrono::seconds purge_interval{10 * 60};

  // NELO_AUTH_HASH_THREADS (default: half the cores, at least 1), NELO_AUTH_HASH_MAX_PENDING (64):
  // Argon2id runs on its own threads with a bounded backlog (503 beyond it).
  std::size_t hash_threads = 1;
  std::size_t hash_max_pending = 64;

  // How long after a rotation the previous key keeps verifying: the last token it signed must
  // be able to live its whole life.
  std::chrono::seconds rotation_overlap() const { return access_ttl + leeway; }
  // How long a revoked session must stay in the in-memory deny list: until its last access token expired.
  std::chrono::seconds revocation_window() const { return access_ttl + leeway + key_refresh_interval; }
};

// Reads the NELO_AUTH_* variables (`env` overrides getenv, for tests) on top of `config`. Throws
// std::invalid_argument listing every bad variable.
AuthSettings auth_settings_from_environment(const Config& config,
                                            const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::auth
