// The orders API's request parsing: the shape a body must have, every problem reported at once as
// a 422 naming its field, and nothing the server decides (prices, totals, status, owner) accepted
// from a client. Also the list query, its cursor, and the JSON of an order.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "modules/orders/api/v1/order_cursor.hpp"
#include "modules/orders/api/v1/schemas.hpp"

namespace nelo::orders {
namespace {

namespace json = boost::json;

constexpr std::string_view kMerchant = "0190f5d2-7b1c-7a3e-9f00-000000000001";
constexpr std::string_view kAddress = "0190f5d2-7b1c-7a3e-9f00-000000000002";
constexpr std::string_view kProductA = "0190f5d2-7b1c-7a3e-9f00-00000000000a";
constexpr std::string_view kProductB = "0190f5d2-7b1c-7a3e-9f00-00000000000b";

json::object valid() {
  return json::object{{"merchant_id", kMerchant},
                      {"items", json::array{json::object{{"product_id", kProductA}, {"quantity", 2}},
                                            json::object{{"product_id", kProductB}, {"quantity", 1}}}},
                      {"address_id", kAddress},
                      {"payment", json::object{{"method", "card"}, {"token", "tok_visa_4242"}}},
                      {"notes", "  Ring twice  "}};
}

std::vector<FieldError> errors_of(const json::object& body, RequestKind kind = RequestKind::Place) {
  try {
    parse_order_request(body, kind);
  } catch (const ValidationError& e) {
    return e.errors();
  }
  ADD_FAILURE() << "accepted: " << json::serialize(body);
  return {};
}

bool has_error(const std::vector<FieldError>& errors, std::string_view field, std::string_view fragment = "") {
  return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
    return e.field == field && e.message.find(fragment) != std::string::npos;
  });
}

std::string dump(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
  return out;
}

TEST(OrdersRequest, ParsesAValidBody) {
  const OrderRequest r = parse_order_request(valid(), RequestKind::Place);
  EXPECT_EQ(r.merchant_id, kMerchant);
  EXPECT_EQ(r.address_id, kAddress);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].product_id, kProductA);
  EXPECT_EQ(r.items[0].quantity, 2);
  EXPECT_EQ(r.items[1].quantity, 1);
  ASSERT_TRUE(r.payment.has_value());
  EXPECT_EQ(r.payment->method, PaymentMethod::Card);
  EXPECT_EQ(r.payment->token, "tok_visa_4242");
  EXPECT_EQ(r.notes, "Ring twice") << "trimmed";
}

TEST(OrdersRequest, IdsAreReturnedInLowerCase) {
  json::object body = valid();
  body["merchant_id"] = "0190F5D2-7B1C-7A3E-9F00-000000000001";
  const OrderRequest r = parse_order_request(body, RequestKind::Place);
  EXPECT_EQ(r.merchant_id, kMerchant);
}

TEST(OrdersRequest, CashNeedsNoTokenAndRefusesOne) {
  json::object body = valid();
  body["payment"] = json::object{{"method", "cash"}};
  EXPECT_EQ(parse_order_request(body, RequestKind::Place).payment->method, PaymentMethod::Cash);
  body["payment"] = json::object{{"method", "cash"}, {"token", "tok_x"}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.token", "cash"));
}

TEST(OrdersRequest, CardNeedsAWellFormedToken) {
  json::object body = valid();
  body["payment"] = json::object{{"method", "card"}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.token", "required"));
  body["payment"] = json::object{{"method", "card"}, {"token", "has space"}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.token"));
  body["payment"] = json::object{{"method", "card"}, {"token", std::string(256, 'x')}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.token"));
  body["payment"] = json::object{{"method", "card"}, {"token", 4242}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.token", "string"));
  body["payment"] = json::object{{"method", "cheque"}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.method", "card, cash"));
  // A card number is not a field at all: it is never stored nor forwarded.
  body["payment"] = json::object{{"method", "card"}, {"token", "tok_x"}, {"card_number", "4242424242424242"}};
  EXPECT_TRUE(has_error(errors_of(body), "payment.card_number", "not a known field"));
}

TEST(OrdersRequest, PaymentIsRequiredToPlaceButNotToQuote) {
  json::object body = valid();
  body.erase("payment");
  EXPECT_TRUE(has_error(errors_of(body, RequestKind::Place), "payment", "required"));
  EXPECT_FALSE(parse_order_request(body, RequestKind::Quote).payment.has_value());
}

TEST(OrdersRequest, PricesTotalsStatusAndOwnersAreRefusedNeverApplied) {
  json::object body = valid();
  body["total"] = json::object{{"amount", 1}, {"currency", "EUR"}};
  body["subtotal"] = 1;
  body["pricing"] = json::object{};
  body["delivery_fee"] = 0;
  body["status"] = "delivered";
  body["customer_id"] = "0190f5d2-7b1c-7a3e-9f00-0000000000ff";
  body["user_id"] = "0190f5d2-7b1c-7a3e-9f00-0000000000ff";
  body["items"].as_array()[0].as_object()["price"] = 1;
  body["items"].as_array()[0].as_object()["unit_price"] = json::object{{"amount", 1}, {"currency", "EUR"}};
  body["items"].as_array()[1].as_object()["line_total"] = 1;
  const auto errors = errors_of(body);
  for (const char* field : {"total", "subtotal", "pricing", "delivery_fee", "status", "customer_id", "user_id",
                            "items[0].price", "items[0].unit_price", "items[1].line_total"}) {
    EXPECT_TRUE(has_error(errors, field, "set by the server")) << field << "\n" << dump(errors);
  }
  EXPECT_EQ(errors.size(), 10u) << dump(errors);
}

TEST(OrdersRequest, UnknownFieldsAreRefused) {
  json::object body = valid();
  body["coupon"] = "FREE";
  body["items"].as_array()[0].as_object()["colour"] = "red";
  const auto errors = errors_of(body);
  EXPECT_TRUE(has_error(errors, "coupon", "not a known field")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "items[0].colour", "not a known field")) << dump(errors);
}

TEST(OrdersRequest, RequiredFieldsAndUuidsAllReportedAtOnce) {
  const auto errors = errors_of(json::object{{"merchant_id", "not-a-uuid"}, {"address_id", 12}});
  EXPECT_TRUE(has_error(errors, "merchant_id", "UUID")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "address_id", "string")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "items", "required")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "payment", "required")) << dump(errors);
}

TEST(OrdersRequest, ItemsMustHaveOneToFiftyLines) {
  json::object body = valid();
  body["items"] = json::array{};
  EXPECT_TRUE(has_error(errors_of(body), "items", "at least one"));
  json::array many;
  for (int i = 0; i < 51; ++i) {
    char id[37];
    std::snprintf(id, sizeof id, "0190f5d2-7b1c-7a3e-9f00-%012d", i);
    many.push_back(json::object{{"product_id", id}, {"quantity", 1}});
  }
  body["items"] = many;
  EXPECT_TRUE(has_error(errors_of(body), "items", "at most 50"));
  many.pop_back();
  body["items"] = many;
  EXPECT_EQ(parse_order_request(body, RequestKind::Place).items.size(), 50u);
  body["items"] = "everything";
  EXPECT_TRUE(has_error(errors_of(body), "items", "array"));
  body["items"] = json::array{42};
  EXPECT_TRUE(has_error(errors_of(body), "items[0]", "object"));
}

TEST(OrdersRequest, QuantityMustBeAnIntegerFromOneToFifty) {
  for (const json::value& bad : {json::value(0), json::value(51), json::value(-1), json::value(2.5), json::value("2"),
                                 json::value(nullptr)}) {
    json::object body = valid();
    body["items"].as_array()[1].as_object()["quantity"] = bad;
    EXPECT_TRUE(has_error(errors_of(body), "items[1].quantity")) << json::serialize(bad);
  }
  json::object body = valid();
  body["items"].as_array()[1].as_object()["quantity"] = 50;
  EXPECT_EQ(parse_order_request(body, RequestKind::Place).items[1].quantity, 50);
}

TEST(OrdersRequest, ARepeatedProductIsRefusedNotMerged) {
  json::object body = valid();
  body["items"].as_array()[1].as_object()["product_id"] = "0190F5D2-7B1C-7A3E-9F00-00000000000A";  // kProductA
  const auto errors = errors_of(body);
  EXPECT_TRUE(has_error(errors, "items[1].product_id", "repeats items[0].product_id")) << dump(errors);
}

TEST(OrdersRequest, NotesAreBoundedFreeTextAndBlankMeansNone) {
  json::object body = valid();
  body["notes"] = "   ";
  EXPECT_FALSE(parse_order_request(body, RequestKind::Place).notes.has_value());
  body["notes"] = "Door code 4521\nthird floor";
  EXPECT_EQ(parse_order_request(body, RequestKind::Place).notes, "Door code 4521\nthird floor");
  body["notes"] = std::string(501, 'x');
  EXPECT_TRUE(has_error(errors_of(body), "notes", "500"));
  body["notes"] = std::string(500, 'x');
  EXPECT_TRUE(parse_order_request(body, RequestKind::Place).notes.has_value());
  body["notes"] = "bell\x07";
  EXPECT_TRUE(has_error(errors_of(body), "notes", "control"));
}

// --- reasons ---

TEST(OrdersReason, RequiredForRejectOptionalForCancel) {
  EXPECT_EQ(parse_reason(json::object{{"reason", " Out of stock "}}, true), "Out of stock");
  EXPECT_THROW(parse_reason(json::object{}, true), ValidationError);
  EXPECT_THROW(parse_reason(json::object{{"reason", "  "}}, true), ValidationError);
  EXPECT_FALSE(parse_reason(json::object{}, false).has_value());
  EXPECT_FALSE(parse_reason(json::object{{"reason", nullptr}}, false).has_value());
  EXPECT_THROW(parse_reason(json::object{{"reason", std::string(501, 'x')}}, false), ValidationError);
  EXPECT_THROW(parse_reason(json::object{{"status", "cancelled"}}, false), ValidationError);
}

// --- the list ---

TEST(OrdersListQuery, DefaultsClampsAndValidatesStatus) {
  OrderListQuery q = parse_list_query(std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(q.limit, kDefaultPageSize);
  EXPECT_FALSE(q.status.has_value());
  EXPECT_EQ(parse_list_query("placed", "5", std::nullopt).status, OrderStatus::Placed);
  EXPECT_EQ(parse_list_query(std::nullopt, "5", std::nullopt).limit, 5u);
  EXPECT_EQ(parse_list_query(std::nullopt, "1000", std::nullopt).limit, kMaxPageSize);
  EXPECT_EQ(parse_list_query(std::nullopt, "99999999999999999999999", std::nullopt).limit, kMaxPageSize);
  EXPECT_FALSE(parse_list_query("", std::nullopt, std::nullopt).status.has_value());
  for (const char* bad : {"0", "-1", "x", "1.5", ""}) {
    EXPECT_THROW(parse_list_query(std::nullopt, bad, std::nullopt), ValidationError) << bad;
  }
  try {
    parse_list_query("shipped", std::nullopt, "garbage");
    FAIL() << "accepted";
  } catch (const ValidationError& e) {
    EXPECT_TRUE(has_error(e.errors(), "status", "ready_for_pickup"));
    EXPECT_TRUE(has_error(e.errors(), "cursor"));
  }
}

TEST(OrdersCursor, RoundTripsAndRefusesForgeries) {
  OrderKey key;
  key.created_at = Timestamp(std::chrono::microseconds(1'764'079'407'512'345));
  key.id = std::string(kMerchant);
  const std::string cursor = kOrderCursor.encode(key);
  EXPECT_EQ(kOrderCursor.decode(cursor), key);
  EXPECT_EQ(parse_list_query(std::nullopt, std::nullopt, cursor).after, key);
  for (const char* bad : {"", "abc", "bzEuMS5ub3QtYS11dWlk", "YTEuMS4wMTkwZjVkMi03YjFjLTdhM2UtOWYwMC0wMDAwMDAwMDAwMDE"}) {
    EXPECT_FALSE(kOrderCursor.decode(bad).has_value()) << bad;
  }
}

// --- JSON of an order ---

TEST(OrdersJson, AnOrderHasEveryDocumentedFieldAndMoneyAsObjects) {
  Order o;
  o.id = "0190f5d2-7b1c-7a3e-9f00-0000000000aa";
  o.customer_id = "c";
  o.merchant_id = std::string(kMerchant);
  o.status = OrderStatus::ReadyForPickup;
  o.payment_method = PaymentMethod::Cash;
  o.lines = {{std::string(kProductA), "Margherita", 950, 2, 1900}};
  o.pricing = {"EUR", 1900, 199, 95, 2194};
  o.delivery_address.line2 = std::nullopt;
  const json::object body = json::parse(to_json_text(o)).as_object();
  for (const char* field : {"id", "status", "customer_id", "merchant_id", "payment_method", "items", "pricing",
                            "distance_m", "notes", "delivery_address", "merchant_snapshot", "customer_snapshot",
                            "version", "created_at", "updated_at"}) {
    EXPECT_TRUE(body.contains(field)) << field;
  }
  EXPECT_EQ(body.at("status").as_string(), "ready_for_pickup");
  EXPECT_TRUE(body.at("notes").is_null());
  EXPECT_EQ(json::serialize(body.at("pricing").at("total")), R"({"amount":2194,"currency":"EUR"})");
  EXPECT_EQ(json::serialize(body.at("items").at(0).at("unit_price")), R"({"amount":950,"currency":"EUR"})");
  EXPECT_EQ(body.at("items").at(0).at("quantity").as_int64(), 2);
  EXPECT_FALSE(body.contains("merchant_owner_id")) << "internal";
}

}  // namespace
}  // namespace nelo::orders
