#pragma once
// What the simulation counts: orders, offers and drivers, the latencies that matter to a
// customer, and every answer the server was not expected to give (the simulator is also a
// correctness probe: a healthy server gives none).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nelo::app::demo::sim {

// A set of durations, with percentiles by nearest rank.
class Samples {
 public:
  void add(double value) { values_.push_back(value); }
  std::size_t size() const noexcept { return values_.size(); }
  // `p` in [0, 100]; nullopt when empty.
  std::optional<double> percentile(double p) const;

 private:
  std::vector<double> values_;
};

struct OrderCounts {
  std::int64_t placed = 0;       // 201 from POST /orders
  std::int64_t refused = 0;      // placement answered something else (counted as an error too)
  std::int64_t no_shop = 0;      // arrivals with no open shop delivering to the address
  std::int64_t accepted = 0;     // by the merchant
  std::int64_t ready = 0;        // ready for pick-up
  std::int64_t assigned = 0;     // a driver accepted its offer
  std::int64_t picked_up = 0;
  std::int64_t delivered = 0;    // the hand-over with the PIN answered 200
  std::int64_t confirmed = 0;    // ... and the customer then read the order as `delivered`
  std::int64_t failed = 0;       // gave up on: no delivery, no driver in time, a step refused
  std::int64_t cancelled = 0;    // settled by the admin when the simulation stopped
};

struct OfferCounts {
  std::int64_t seen = 0;      // distinct offers the drivers received
  std::int64_t accepted = 0;
  std::int64_t declined = 0;  // by choice (--decline-probability)
  std::int64_t lost = 0;      // expired or taken before the driver's accept arrived (409)
  std::int64_t foreign = 0;   // for a delivery this simulation did not make: declined
};

class Statistics {
 public:
  using Clock = std::chrono::steady_clock;

  Statistics();

  OrderCounts orders;
  OfferCounts offers;
  int drivers_online = 0;
  int drivers_busy = 0;
  std::int64_t requests = 0;
  std::int64_t pings = 0;

  Samples assign_seconds;   // merchant accepted -> a driver's accept answered, real seconds
  Samples deliver_minutes;  // order placed -> handed over, simulated minutes

  // An answer nobody expected (or no answer): counted, and the first few kept with the
  // server's problem detail ("HTTP 409: An order in state ...") to be printed.
  void unexpected(const std::string& what, const std::string& description);
  std::int64_t errors() const noexcept { return errors_; }
  const std::vector<std::string>& error_samples() const noexcept { return error_samples_; }
  // Lines not printed yet (the progress printer prints them as they come, then forgets them).
  std::vector<std::string> take_new_errors();

  // Elapsed time counts from here (the first order), not from the set-up.
  void restart_clock() { start_ = Clock::now(); }
  double elapsed_seconds() const;
  void mark_placed() { placed_at_.push_back(elapsed_seconds()); }
  void mark_delivered() { delivered_at_.push_back(elapsed_seconds()); }
  // Orders placed, and handed over, in [from, to) seconds after the start: a steady window's
  // rates compare how fast orders leave the city with how fast they come in.
  std::int64_t placed_between(double from, double to) const;
  std::int64_t delivered_between(double from, double to) const;
  std::vector<std::string> delivered_order_ids;

 private:
  Clock::time_point start_;
  std::int64_t errors_ = 0;
  std::vector<std::string> error_samples_;
  std::size_t errors_printed_ = 0;
  std::vector<double> placed_at_;
  std::vector<double> delivered_at_;
};

}  // namespace nelo::app::demo::sim
