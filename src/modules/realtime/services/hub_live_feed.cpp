#include "modules/realtime/services/hub_live_feed.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <spdlog/spdlog.h>

#include "modules/realtime/services/channels.hpp"

namespace nelo::realtime {

namespace json = boost::json;

void HubLiveFeed::driver_moved(const LivePositionDto& position) noexcept {
  try {
    HubMessage m;
    m.kind = HubMessage::Kind::Publish;
    m.event = "driver.moved";
    m.data = json::serialize(json::value_from(position));
    m.coalesce_key = position.driver_id;
    m.topic = topics::driver_position(position.driver_id);
    hub_.send(m);
    m.topic = std::string(topics::kCityPositions);
    hub_.send(m);
  } catch (const std::exception& e) {
    spdlog::warn("realtime: position of driver {} not fanned out: {}", position.driver_id, e.what());
  }
}

void HubLiveFeed::offer_made(const LiveOfferDto& offer) noexcept {
  try {
    HubMessage m;
    m.kind = HubMessage::Kind::Publish;
    m.event = "offer.made";
    m.data = json::serialize(json::value_from(offer));
    m.topic = topics::user_offers(offer.driver_id);
    hub_.send(m);
  } catch (const std::exception& e) {
    spdlog::warn("realtime: offer {} not fanned out: {}", offer.offer_id, e.what());
  }
}

}  // namespace nelo::realtime
