// JSON mappings of OrderInterface's and DeliveryInterface's DTOs (the wire form of their future
// remote implementations), and the payloads the orders module publishes and reads on the bus.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "modules/orders/services/order_events.hpp"
#include "modules/orders/state_machine.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/order_interface.hpp"

namespace nelo {
namespace {

namespace json = boost::json;

OrderSummaryDto summary() {
  OrderSummaryDto o;
  o.id = "0190f5d2-7b1c-7a3e-9f00-0000000000aa";
  o.customer_id = "0190f5d2-7b1c-7a3e-9f00-0000000000bb";
  o.merchant_id = "0190f5d2-7b1c-7a3e-9f00-0000000000cc";
  o.status = "placed";
  o.payment_method = "cash";
  o.total = Money{2194, "EUR"};
  o.pickup = GeoPointDto{48.85, 2.35};
  o.dropoff = GeoPointDto{48.86, 2.36};
  o.created_at = "2026-11-25T14:03:27.512Z";
  return o;
}

TEST(OrdersInterfaceJson, OrderSummaryRoundTrips) {
  const OrderSummaryDto o = summary();
  const json::value v = json::value_from(o);
  EXPECT_EQ(v.at("total").at("amount").as_int64(), 2194);
  EXPECT_EQ(v.at("pickup").at("lat").as_double(), 48.85);
  EXPECT_EQ(json::value_to<OrderSummaryDto>(v), o);
}

TEST(OrdersInterfaceJson, OrderSummaryNamesTheBrokenField) {
  json::value v = json::value_from(summary());
  v.as_object().erase("status");
  try {
    json::value_to<OrderSummaryDto>(v);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("OrderSummaryDto.status"), std::string::npos) << e.what();
  }
  v = json::value_from(summary());
  v.as_object()["dropoff"] = json::object{{"lat", "north"}, {"lng", 2}};
  try {
    json::value_to<OrderSummaryDto>(v);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("dropoff"), std::string::npos) << e.what();
  }
  EXPECT_THROW(json::value_to<OrderSummaryDto>(json::value(42)), std::invalid_argument);
}

TEST(OrdersInterfaceJson, DeliverySummaryRoundTripsWithAndWithoutDriver) {
  DeliverySummaryDto d;
  d.id = "d1";
  d.order_id = "o1";
  d.status = "assigned";
  EXPECT_EQ(json::value_to<DeliverySummaryDto>(json::value_from(d)), d);
  const json::value bare = json::value_from(d);
  EXPECT_TRUE(bare.at("driver").is_null());
  EXPECT_TRUE(bare.at("estimated_arrival").is_null());
  d.driver = DriverSummaryDto{"u1", "Sam", std::string("+33612345678")};
  d.estimated_arrival = "2026-11-25T14:30:00.000Z";
  d.pin = "0427";
  EXPECT_EQ(json::value_to<DeliverySummaryDto>(json::value_from(d)), d);
  EXPECT_EQ(json::value_from(d).at("pin"), json::value("0427"));
  json::value broken = json::value_from(d);
  broken.as_object()["driver"].as_object().erase("name");
  EXPECT_THROW(json::value_to<DeliverySummaryDto>(broken), std::invalid_argument);
}

// --- bus payloads ---

orders::Order order() {
  orders::Order o;
  o.id = "0190f5d2-7b1c-7a3e-9f00-0000000000aa";
  o.customer_id = "0190f5d2-7b1c-7a3e-9f00-0000000000bb";
  o.merchant_id = "0190f5d2-7b1c-7a3e-9f00-0000000000cc";
  o.merchant_owner_id = "0190f5d2-7b1c-7a3e-9f00-0000000000dd";
  o.status = orders::OrderStatus::PendingPayment;
  o.payment_method = orders::PaymentMethod::Card;
  o.lines = {{"0190f5d2-7b1c-7a3e-9f00-0000000000ee", "Margherita", 950, 2, 1900}};
  o.pricing = {"EUR", 1900, 199, 95, 2194};
  o.delivery_address.point = {48.86, 2.36};
  o.merchant.point = {48.85, 2.35};
  o.customer.name = "Élodie";
  return o;
}

TEST(OrdersEvents, CreatedCarriesTheOrderAsPlacedButNeverTheCardToken) {
  orders::Payment payment;
  payment.method = orders::PaymentMethod::Card;
  payment.token = "tok_visa";
  const json::object p = orders::order_created_payload(order(), payment);
  for (const char* field : {"order_id", "customer_id", "merchant_id", "merchant_owner_id", "status", "payment_method",
                            "total", "version", "items", "pricing", "payment", "distance_m", "delivery_address",
                            "pickup", "customer", "notes", "created_at"}) {
    EXPECT_TRUE(p.contains(field)) << field;
  }
  EXPECT_EQ(p.at("status").as_string(), "pending_payment");
  EXPECT_EQ(json::serialize(p.at("payment")), R"({"method":"card"})") << "the token goes to payments directly";
  EXPECT_EQ(json::serialize(p).find("tok_visa"), std::string::npos);
  EXPECT_EQ(json::serialize(p.at("total")), R"({"amount":2194,"currency":"EUR"})");
  EXPECT_EQ(p.at("delivery_address").at("lat").as_double(), 48.86);
  EXPECT_EQ(p.at("pickup").at("lng").as_double(), 2.35);
}

TEST(OrdersEvents, TransitionSaysWhereFromWhatAndWho) {
  orders::Order o = order();
  o.status = orders::OrderStatus::Cancelled;
  o.version = 3;
  const auto* t = orders::find_transition(orders::OrderStatus::Placed, orders::Action::Cancel);
  ASSERT_NE(t, nullptr);
  orders::Actor actor;
  actor.kind = orders::ActorKind::Customer;
  actor.id = o.customer_id;
  const json::object p = orders::order_transition_payload(o, *t, actor, std::string("Changed my mind"));
  EXPECT_EQ(p.at("status").as_string(), "cancelled");
  EXPECT_EQ(p.at("previous_status").as_string(), "placed");
  EXPECT_EQ(p.at("action").as_string(), "cancel");
  EXPECT_EQ(p.at("actor").at("kind").as_string(), "customer");
  EXPECT_EQ(p.at("actor").at("id").as_string(), o.customer_id);
  EXPECT_EQ(p.at("reason").as_string(), "Changed my mind");
  EXPECT_EQ(p.at("version").as_int64(), 3);
  EXPECT_FALSE(p.contains("payment"));
  const json::object by_system = orders::order_transition_payload(o, *t, orders::Actor::system(), std::nullopt);
  EXPECT_TRUE(by_system.at("actor").at("id").is_null());
  EXPECT_TRUE(by_system.at("reason").is_null());
}

TEST(OrdersEvents, OrderReferenceNeedsAUuidAndIgnoresTheRest) {
  const auto ref = orders::parse_order_reference(
      json::object{{"order_id", "0190f5d2-7b1c-7a3e-9f00-0000000000aa"}, {"reason", "card declined"}, {"extra", 1}});
  EXPECT_EQ(ref.order_id, "0190f5d2-7b1c-7a3e-9f00-0000000000aa");
  EXPECT_EQ(ref.reason, "card declined");
  EXPECT_FALSE(orders::parse_order_reference(json::object{{"order_id", "0190f5d2-7b1c-7a3e-9f00-0000000000aa"}})
                   .reason.has_value());
  EXPECT_THROW(orders::parse_order_reference(json::object{}), std::invalid_argument);
  EXPECT_THROW(orders::parse_order_reference(json::object{{"order_id", "42"}}), std::invalid_argument);
  EXPECT_THROW(orders::parse_order_reference(json::object{{"order_id", 42}}), std::invalid_argument);
}

}  // namespace
}  // namespace nelo
