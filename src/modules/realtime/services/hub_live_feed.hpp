#pragma once
// The LiveFeed the composition root hands the deliveries module: a driver's accepted position goes
// to whoever watches that driver (delivery:<id>:position channels) and to admin:city, coalescing
// per driver in every queue; an offer goes to the driver's driver:offers channel.

#include "modules/realtime/services/hub.hpp"
#include "shared/interfaces/live_feed.hpp"

namespace nelo::realtime {

class HubLiveFeed final : public LiveFeed {
 public:
  explicit HubLiveFeed(Hub& hub) : hub_(hub) {}
  void driver_moved(const LivePositionDto& position) noexcept override;
  void offer_made(const LiveOfferDto& offer) noexcept override;

 private:
  Hub& hub_;
};

}  // namespace nelo::realtime
