#include "modules/auth/services/auth_settings.hpp"

#include "core/env_reader.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace nelo::auth {

AuthSettings auth_settings_from_environment(const Config& config, const std::map<std::string, std::string>* env) {
  AuthSettings s;
  s.issuer = config.jwt_issuer;
  s.audience = config.jwt_audience;
  s.access_ttl = config.jwt_access_ttl;
  s.key_encryption_key = config.jwt_key_encryption_key;
  s.hash_threads = std::max(1u, std::thread::hardware_concurrency() / 2);

  EnvReader r(env);
  r.duration("NELO_AUTH_REFRESH_TTL_SECONDS", s.refresh_ttl, 60, 365LL * 24 * 3600);
  r.duration("NELO_AUTH_SESSION_MAX_AGE_SECONDS", s.session_max_age, 60, 3650LL * 24 * 3600);
  r.integer("NELO_AUTH_MAX_SESSIONS_PER_USER", s.max_sessions_per_user, 1, 10000);
  r.integer("NELO_AUTH_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS", s.max_failures_per_account_and_address, 1, 1000);
  r.integer("NELO_AUTH_MAX_FAILURES_PER_ADDRESS", s.max_failures_per_address, 1, 100000);
  r.integer("NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", s.max_failures_per_account, 1, 100000);
  r.duration("NELO_AUTH_THROTTLE_WINDOW_SECONDS", s.throttle_window, 1, 24 * 3600);
  r.duration("NELO_AUTH_THROTTLE_FIRST_DELAY_SECONDS", s.throttle_first_delay, 1, 3600);
  r.duration("NELO_AUTH_THROTTLE_MAX_DELAY_SECONDS", s.throttle_max_delay, 1, 24 * 3600);
  r.duration("NELO_AUTH_ACCOUNT_MAX_DELAY_SECONDS", s.account_max_delay, 1, 3600);
  r.integer("NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS", s.max_registrations_per_address, 1, 1000000);
  r.duration("NELO_AUTH_REGISTRATION_WINDOW_SECONDS", s.registration_window, 1, 7 * 24 * 3600);
  r.duration("NELO_AUTH_KEY_REFRESH_SECONDS", s.key_refresh_interval, 1, 3600);
  s.key_activation_delay = 2 * s.key_refresh_interval;
  r.duration("NELO_AUTH_KEY_ACTIVATION_DELAY_SECONDS", s.key_activation_delay, 0, 24 * 3600);
  r.integer("NELO_AUTH_HASH_THREADS", s.hash_threads, 1, 64);
  r.integer("NELO_AUTH_HASH_MAX_PENDING", s.hash_max_pending, 1, 100000);

  r.throw_if_problems("auth");
  return s;
}

}  // namespace nelo::auth
