// The wire form of CatalogInterface's DTOs, which a remote (HTTP) implementation will speak.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "shared/interfaces/catalog_interface.hpp"

namespace nelo {
namespace {

namespace json = boost::json;

MerchantDto sample_merchant() {
  MerchantDto m;
  m.id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  m.owner_id = "0190f5d2-7b1c-7a3e-9f00-0123456789ac";
  m.name = "Chez Léon";
  m.phone = "+33142685300";
  m.address = "12 rue de Rivoli, 75004 Paris";
  m.lat = 48.85661234567891;
  m.lng = 2.3522;
  m.time_zone = "Europe/Paris";
  m.prep_time_minutes = 15;
  m.min_order = Money{1500, "EUR"};
  m.delivery_radius_m = 3000;
  m.open = true;
  return m;
}

ProductDto sample_product() {
  ProductDto p;
  p.id = "0190f5d3-0000-7000-8000-000000000001";
  p.merchant_id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  p.name = "Croque-monsieur";
  p.description = "Jambon, comté";
  p.price = Money{950, "EUR"};
  p.available = false;
  p.category = "Plats";
  return p;
}

std::string error_of(const json::value& v) {
  try {
    (void)json::value_to<MerchantDto>(v);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(CatalogInterfaceJson, MerchantRoundTrips) {
  const MerchantDto m = sample_merchant();
  const json::value v = json::value_from(m);
  EXPECT_EQ(json::value_to<MerchantDto>(v), m);
  EXPECT_EQ(v.at("min_order"), json::parse(R"({"amount": 1500, "currency": "EUR"})"));
  EXPECT_EQ(v.at("open").as_bool(), true);
  EXPECT_EQ(v.as_object().size(), 12u);
  // Through text, as a remote implementation would see it: coordinates survive exactly.
  EXPECT_EQ(json::value_to<MerchantDto>(json::parse(json::serialize(v))), m);
}

TEST(CatalogInterfaceJson, ProductRoundTripsWithNullOptionals) {
  ProductDto p = sample_product();
  EXPECT_EQ(json::value_to<ProductDto>(json::value_from(p)), p);
  p.description.reset();
  p.category.reset();
  const json::value v = json::value_from(p);
  EXPECT_TRUE(v.at("description").is_null()) << "absent optionals are written as null";
  EXPECT_TRUE(v.at("category").is_null());
  EXPECT_EQ(json::value_to<ProductDto>(v), p);
  json::object missing = v.as_object();
  missing.erase("description");
  EXPECT_EQ(json::value_to<ProductDto>(json::value(missing)), p) << "a missing optional reads as absent";
}

TEST(CatalogInterfaceJson, MalformedDocumentsNameTheField) {
  json::object m = json::value_from(sample_merchant()).as_object();
  EXPECT_EQ(error_of(json::array{}), "MerchantDto: expected a JSON object");
  json::object no_owner = m;
  no_owner.erase("owner_id");
  EXPECT_EQ(error_of(no_owner), "MerchantDto.owner_id: missing");
  json::object float_prep = m;
  float_prep["prep_time_minutes"] = 15.5;
  EXPECT_EQ(error_of(float_prep), "MerchantDto.prep_time_minutes: expected an integer");
  json::object huge_radius = m;
  huge_radius["delivery_radius_m"] = 1e12;
  EXPECT_EQ(error_of(huge_radius), "MerchantDto.delivery_radius_m: expected an integer");
  json::object bad_money = m;
  bad_money["min_order"] = json::object{{"amount", 1500}, {"currency", "eur"}};
  EXPECT_EQ(error_of(bad_money), "MerchantDto.min_order: Money.currency: expected three upper-case letters");
  json::object lat_text = m;
  lat_text["lat"] = "48.85";
  EXPECT_EQ(error_of(lat_text), "MerchantDto.lat: expected a number");

  json::object p = json::value_from(sample_product()).as_object();
  p["available"] = "yes";
  EXPECT_THROW((void)json::value_to<ProductDto>(json::value(p)), std::invalid_argument);
}

}  // namespace
}  // namespace nelo
