#include "modules/deliveries/deliveries_settings.hpp"

#include <string>

#include "core/env_reader.hpp"

namespace nelo::deliveries {
namespace {

constexpr long long kDay = 24 * 3600;

}  // namespace

DeliveriesSettings deliveries_settings_from_environment(const std::map<std::string, std::string>* env) {
  DeliveriesSettings s;
  EnvReader r(env);
  r.duration("NELO_DELIVERIES_DRIVER_SILENCE_SECONDS", s.driver_silence_timeout, 1, kDay);
  r.duration("NELO_DELIVERIES_PING_MAX_AGE_SECONDS", s.ping_max_age, 1, 7 * kDay);
  r.duration("NELO_DELIVERIES_PING_MAX_FUTURE_SECONDS", s.ping_max_future, 0, 3600);
  r.duration("NELO_DELIVERIES_POSITION_FLUSH_MS", s.position_flush_interval, 10, 3'600'000);
  r.duration("NELO_DELIVERIES_ONLINE_CACHE_MS", s.online_cache_ttl, 0, 60'000);
  r.duration("NELO_DELIVERIES_LIVE_RETENTION_SECONDS", s.live_retention, 1, 30 * kDay);
  r.duration("NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS", s.offer_timeout, 1, 3600);
  r.integer("NELO_DELIVERIES_SEARCH_RADIUS_START_M", s.search_radius_start_m, 1, 100'000);
  r.integer("NELO_DELIVERIES_SEARCH_RADIUS_MAX_M", s.search_radius_max_m, 1, 100'000);
  r.duration("NELO_DELIVERIES_DISPATCH_RETRY_SECONDS", s.dispatch_retry_interval, 1, 3600);
  r.duration("NELO_DELIVERIES_UNASSIGNED_AFTER_SECONDS", s.unassigned_after, 1, kDay);
  r.integer("NELO_DELIVERIES_OFFER_FANOUT", s.offer_fanout, 1, 50);
  r.duration("NELO_DELIVERIES_DISPATCH_SWEEP_MS", s.dispatch_sweep_interval, 10, 60'000);
  r.integer("NELO_DELIVERIES_PIN_MAX_ATTEMPTS", s.pin_max_attempts, 1, 100);
  if (s.search_radius_start_m > s.search_radius_max_m) {
    r.problem("NELO_DELIVERIES_SEARCH_RADIUS_START_M (" + std::to_string(s.search_radius_start_m) +
              ") must not exceed NELO_DELIVERIES_SEARCH_RADIUS_MAX_M (" + std::to_string(s.search_radius_max_m) + ")");
  }
  if (s.live_retention < s.driver_silence_timeout) {
    r.problem("NELO_DELIVERIES_LIVE_RETENTION_SECONDS (" + std::to_string(s.live_retention.count()) +
              ") must be at least NELO_DELIVERIES_DRIVER_SILENCE_SECONDS (" +
              std::to_string(s.driver_silence_timeout.count()) + ")");
  }
  r.throw_if_problems("deliveries");
  return s;
}

}  // namespace nelo::deliveries
