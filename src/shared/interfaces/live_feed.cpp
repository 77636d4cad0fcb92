#include "shared/interfaces/live_feed.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "shared/interfaces/dto_json.hpp"

namespace nelo {
namespace json = boost::json;

namespace {

json::value optional_number(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

std::optional<double> read_optional_number(const json::value& in, std::string_view name) {
  const json::value* v = in.as_object().if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_number()) throw std::invalid_argument("LivePositionDto." + std::string(name) + ": expected a number");
  return v->to_number<double>();
}

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const LivePositionDto& position) {
  out = json::object{{"driver_id", position.driver_id},
                     {"lat", position.lat},
                     {"lng", position.lng},
                     {"heading", optional_number(position.heading_deg)},
                     {"speed_mps", optional_number(position.speed_mps)},
                     {"recorded_at", position.recorded_at}};
}

LivePositionDto tag_invoke(const json::value_to_tag<LivePositionDto>&, const json::value& in) {
  dto_json::Fields f(in, "LivePositionDto");
  LivePositionDto position;
  position.driver_id = f.string("driver_id");
  position.lat = f.number("lat");
  position.lng = f.number("lng");
  position.heading_deg = read_optional_number(in, "heading");
  position.speed_mps = read_optional_number(in, "speed_mps");
  position.recorded_at = f.string("recorded_at");
  return position;
}

void tag_invoke(const json::value_from_tag&, json::value& out, const LiveOfferDto& offer) {
  out = json::object{{"offer_id", offer.offer_id},
                     {"delivery_id", offer.delivery_id},
                     {"driver_id", offer.driver_id},
                     {"distance_m", offer.distance_m},
                     {"eta_seconds", offer.eta_seconds},
                     {"expires_at", offer.expires_at},
                     {"pickup", json::object{{"name", offer.pickup_name}, {"address", offer.pickup_address}}}};
}

LiveOfferDto tag_invoke(const json::value_to_tag<LiveOfferDto>&, const json::value& in) {
  dto_json::Fields f(in, "LiveOfferDto");
  LiveOfferDto offer;
  offer.offer_id = f.string("offer_id");
  offer.delivery_id = f.string("delivery_id");
  offer.driver_id = f.string("driver_id");
  offer.distance_m = f.integer("distance_m");
  offer.eta_seconds = f.integer("eta_seconds");
  offer.expires_at = f.string("expires_at");
  const json::value* pickup_value = in.as_object().if_contains("pickup");
  const json::value none;
  dto_json::Fields pickup(pickup_value ? *pickup_value : none, "LiveOfferDto.pickup");
  offer.pickup_name = pickup.string("name");
  offer.pickup_address = pickup.string("address");
  return offer;
}

}  // namespace nelo
