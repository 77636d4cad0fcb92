#pragma once
// Domain types of the deliveries module's drivers part: what repositories return and services
// work on. Positions are live/live_locations.hpp's DriverPosition.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace nelo::deliveries {

inline constexpr int kMinCapacity = 1;
inline constexpr int kMaxCapacity = 5;  // the table's CHECK says the same

// "bike", "scooter" or "car": what the table accepts.
bool is_vehicle(std::string_view text);

// What a driver says about themself (PUT /drivers/me): the whole profile, replaced each time.
struct DriverProfile {
  std::string vehicle;
  int capacity = kMinCapacity;  // simultaneous deliveries
};

struct Driver {
  std::string user_id;
  std::string vehicle;
  int capacity = kMinCapacity;
  bool online = false;
  std::optional<Timestamp> online_since;  // set while online
  Timestamp created_at{};
  Timestamp updated_at{};
};

// The answer to PUT /drivers/me: the profile, and whether this call created it.
struct SavedDriver {
  Driver driver;
  bool created = false;
};

// A position ping is refused (422) when recorded before `earliest` (too old to mean anything) or
// after `latest` (the device's clock is ahead by more than the allowed skew).
struct PingWindow {
  std::chrono::system_clock::time_point earliest;
  std::chrono::system_clock::time_point latest;
};

// A batch of pings (apps buffer them while offline) holds at most this many points.
inline constexpr std::size_t kMaxBatchPoints = 50;

// What a ping did: applied, or ignored because a position recorded later is already known (an
// out-of-order ping). recorded_at is the ping's (a batch's latest point).
struct PingResult {
  bool applied = false;
  std::chrono::system_clock::time_point recorded_at;
};

}  // namespace nelo::deliveries
