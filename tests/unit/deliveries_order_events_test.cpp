// What deliveries reads from the orders module's events: the snapshots of order.created, the order
// of the others, and a broken contract refused (retried by the bus, then dead).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "modules/deliveries/services/order_event_readers.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;

json::object order_created() {
  return json::parse(R"({
    "order_id": "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B",
    "customer_id": "11111111-1111-4111-8111-111111111111",
    "merchant_id": "22222222-2222-4222-8222-222222222222",
    "merchant_owner_id": "33333333-3333-4333-8333-333333333333",
    "status": "placed", "version": 1, "unknown_field": [1, 2],
    "delivery_address": {"address_id": "44444444-4444-4444-8444-444444444444", "label": "Home",
                         "line1": "10 rue de Rivoli", "line2": "Bât. B", "city": "Paris", "postal_code": "75004",
                         "country": "FR", "instructions": "Code 4521B", "lat": 48.8606, "lng": 2.3376},
    "pickup": {"name": "Chez Nelo", "phone": "+33140000000", "address": "1 place de l'Hôtel de Ville",
               "lat": 48.8566, "lng": 2.3522, "prep_time_minutes": 15},
    "customer": {"name": "  Élodie Martin", "phone": null},
    "notes": "Ring twice"
  })").as_object();
}

TEST(DeliveriesOrderEvents, OrderCreatedGivesBothSnapshots) {
  const OrderSnapshot s = read_order_created(order_created());
  EXPECT_EQ(s.order_id, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b") << "canonical, as PostgreSQL writes it";
  EXPECT_EQ(s.merchant_owner_id, "33333333-3333-4333-8333-333333333333");
  EXPECT_EQ(s.pickup.name, "Chez Nelo");
  EXPECT_EQ(s.pickup.phone, "+33140000000");
  EXPECT_EQ(s.pickup.point, (Point{48.8566, 2.3522}));
  EXPECT_EQ(s.dropoff.customer_first_name, "Élodie") << "the first name only";
  EXPECT_EQ(s.dropoff.address, "10 rue de Rivoli, Bât. B, 75004 Paris");
  EXPECT_EQ(s.dropoff.instructions, std::optional<std::string>("Code 4521B"));
  EXPECT_EQ(s.dropoff.notes, std::optional<std::string>("Ring twice"));
  EXPECT_EQ(s.dropoff.point, (Point{48.8606, 2.3376}));
}

TEST(DeliveriesOrderEvents, NullsAreNone) {
  json::object payload = order_created();
  payload["notes"] = nullptr;
  payload["delivery_address"].as_object()["line2"] = nullptr;
  payload["delivery_address"].as_object()["instructions"] = nullptr;
  const OrderSnapshot s = read_order_created(payload);
  EXPECT_FALSE(s.dropoff.notes.has_value());
  EXPECT_FALSE(s.dropoff.instructions.has_value());
  EXPECT_EQ(s.dropoff.address, "10 rue de Rivoli, 75004 Paris");
}

TEST(DeliveriesOrderEvents, ABrokenContractIsRefused) {
  for (const char* key : {"order_id", "pickup", "delivery_address", "customer"}) {
    json::object payload = order_created();
    payload.erase(key);
    EXPECT_THROW(read_order_created(payload), std::invalid_argument) << key;
  }
  json::object far = order_created();
  far["pickup"].as_object()["lat"] = 91.0;
  EXPECT_THROW(read_order_created(far), std::invalid_argument);
  json::object text = order_created();
  text["delivery_address"].as_object()["lng"] = "2.33";
  EXPECT_THROW(read_order_created(text), std::invalid_argument);
  EXPECT_THROW(read_order_id(json::object{{"order_id", "nope"}}), std::invalid_argument);
  EXPECT_EQ(read_order_id(json::object{{"order_id", "11111111-1111-4111-8111-111111111111"}}),
            "11111111-1111-4111-8111-111111111111");
}

}  // namespace
}  // namespace nelo::deliveries
