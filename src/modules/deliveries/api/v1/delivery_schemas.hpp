#pragma once
// The deliveries API's representations (offers, deliveries) and their JSON Schemas for OpenAPI.

#include <boost/json/value.hpp>

#include <vector>

#include "modules/deliveries/delivery_models.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"
#include "modules/deliveries/services/delivery_views.hpp"

namespace nelo::deliveries {

// {items: [offer...]}: an offer is {id, delivery_id, status, expires_at, distance_m, eta_seconds,
// pickup {name, address, lat, lng}, dropoff {address, lat, lng}, trip_distance_m}.
boost::json::value offers_json(const std::vector<OfferView>& offers);
// A delivery as the driver holding it sees it: both ends in full (the customer's first name, the
// instructions and notes), never the PIN.
boost::json::value driver_delivery_json(const Delivery& delivery);

// A delivery as `view.role` may see it (delivery_views.hpp), and its tracking.
boost::json::value delivery_view_json(const DeliveryView& view);
boost::json::value tracking_json(const TrackingView& tracking);

// {items: [delivery as an admin sees it...], next_cursor}.
boost::json::value delivery_page_json(const DeliveryPage& page);

boost::json::value offer_list_schema();
boost::json::value driver_delivery_schema();
boost::json::value delivery_view_schema();
boost::json::value tracking_schema();
boost::json::value delivery_page_schema();

}  // namespace nelo::deliveries
