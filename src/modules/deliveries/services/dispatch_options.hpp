#pragma once
// What dispatch is tuned by: module.cpp fills it from DeliveriesSettings (NELO_DELIVERIES_*,
// docs/operations.md).

#include <chrono>

namespace nelo::deliveries {

struct DispatchOptions {
  std::chrono::seconds offer_timeout{30};
  int search_radius_start_m = 1000;
  int search_radius_max_m = 8000;
  std::chrono::seconds retry_interval{15};     // nobody in range: search again after this
  std::chrono::seconds unassigned_after{300};  // then delivery.unassigned, once
  std::chrono::seconds driver_silence{60};     // a driver silent longer is not offered work
  // Drivers offered a delivery at once: 1 is the sequential flow (the next one after a decline or
  // a timeout); more lets several race for it, and the first to accept takes it.
  int offer_fanout = 1;
  std::chrono::milliseconds sweep_interval{500};  // how often deadlines and the queue are looked at
  int pin_max_attempts = 5;
};

}  // namespace nelo::deliveries
