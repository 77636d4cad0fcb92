#pragma once
// The deliveries module's settings, from NELO_DELIVERIES_* environment variables
// (docs/operations.md, "Deliveries"). Drivers and pings read the first group; dispatch the second.

#include <chrono>
#include <map>
#include <string>

namespace nelo::deliveries {

struct DeliveriesSettings {
  // --- drivers and pings ---
  // NELO_DELIVERIES_DRIVER_SILENCE_SECONDS: a driver whose last fix is older than this is not
  // offered work (and not listed as nearby), online or not.
  std::chrono::seconds driver_silence_timeout{60};
  // NELO_DELIVERIES_PING_MAX_AGE_SECONDS: a ping recorded longer ago than this is refused (422).
  std::chrono::seconds ping_max_age{600};
  // NELO_DELIVERIES_PING_MAX_FUTURE_SECONDS: how far ahead of the server's clock a device's clock
  // may be (skew) before its ping is refused (422).
  std::chrono::seconds ping_max_future{30};
  // NELO_DELIVERIES_POSITION_FLUSH_MS: how often the latest position of each driver who pinged is
  // written to deliveries.driver_positions, in one statement.
  std::chrono::milliseconds position_flush_interval{1000};
  // NELO_DELIVERIES_ONLINE_CACHE_MS: how long a process trusts what it read of a driver's
  // online flag before reading it again (a ping checks it). Going online or offline through this
  // process updates it at once; through another process, within this delay.
  std::chrono::milliseconds online_cache_ttl{2000};
  // NELO_DELIVERIES_LIVE_RETENTION_SECONDS: a driver whose last fix is older than this leaves the
  // live index (a phone gone silent without going offline), checked every minute. At least the
  // silence timeout; tracking shows no position for them afterwards.
  std::chrono::seconds live_retention{3600};

  // --- dispatch ---
  // NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS: how long a driver has to accept an offer.
  std::chrono::seconds offer_timeout{30};
  // NELO_DELIVERIES_SEARCH_RADIUS_START_M / _MAX_M: the first search radius around a pickup, and
  // how far it widens.
  int search_radius_start_m = 1000;
  int search_radius_max_m = 8000;
  // NELO_DELIVERIES_DISPATCH_RETRY_SECONDS: how often an unassigned delivery is offered again.
  std::chrono::seconds dispatch_retry_interval{15};
  // NELO_DELIVERIES_UNASSIGNED_AFTER_SECONDS: after this long without a driver, a delivery is
  // reported unassigned.
  std::chrono::seconds unassigned_after{300};
  // NELO_DELIVERIES_OFFER_FANOUT: drivers offered a delivery at once. 1 is the sequential flow
  // (the next driver after a decline or a timeout); more lets several race for it, and the first to
  // accept takes it.
  int offer_fanout = 1;
  // NELO_DELIVERIES_DISPATCH_SWEEP_MS: how often offer deadlines and the queue are looked at.
  std::chrono::milliseconds dispatch_sweep_interval{500};
  // NELO_DELIVERIES_PIN_MAX_ATTEMPTS: wrong hand-over PINs allowed before the delivery is locked.
  int pin_max_attempts = 5;
};

// Reads the NELO_DELIVERIES_* variables (`env` overrides getenv, for tests). Throws
// std::invalid_argument listing every bad variable.
DeliveriesSettings deliveries_settings_from_environment(const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::deliveries
