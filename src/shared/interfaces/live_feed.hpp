#pragma once
// What the deliveries module tells the real-time gateway directly, without the event bus:
// signals too frequent and too disposable for the outbox (architecture §5): a driver's accepted
// position (tens of thousands a second across a city) and an offer just made to a driver (so that
// it reaches the driver with no polling). Implemented by the realtime module; the composition root
// wires it. Both calls are on the caller's hot path: they queue and return, never wait, never
// throw. A process without the gateway passes a null pointer (nothing is told).

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>

namespace nelo {

struct LivePositionDto {
  std::string driver_id;
  double lat = 0;
  double lng = 0;
  std::optional<double> heading_deg;
  std::optional<double> speed_mps;
  std::string recorded_at;  // RFC 3339 (milliseconds), when the device took the fix

  bool operator==(const LivePositionDto&) const = default;
};

struct LiveOfferDto {
  std::string offer_id;
  std::string delivery_id;
  std::string driver_id;
  int distance_m = 0;   // the driver to the pickup, straight line
  int eta_seconds = 0;  // the driver to the pickup
  std::string expires_at;  // RFC 3339 (milliseconds): answer before it
  std::string pickup_name;
  std::string pickup_address;

  bool operator==(const LiveOfferDto&) const = default;
};

class LiveFeed {
 public:
  virtual ~LiveFeed() = default;
  // A position the deliveries module accepted (applied to the live index).
  virtual void driver_moved(const LivePositionDto& position) noexcept = 0;
  // An offer made to a driver, once the transaction that made it committed.
  virtual void offer_made(const LiveOfferDto& offer) noexcept = 0;
};

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const LivePositionDto& position);
LivePositionDto tag_invoke(const boost::json::value_to_tag<LivePositionDto>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const LiveOfferDto& offer);
LiveOfferDto tag_invoke(const boost::json::value_to_tag<LiveOfferDto>&, const boost::json::value& in);

}  // namespace nelo
