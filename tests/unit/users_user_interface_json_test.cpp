// The wire form of UserInterface's DTOs, which a remote (HTTP) implementation will speak.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "shared/interfaces/user_interface.hpp"

namespace nelo {
namespace {

namespace json = boost::json;

UserDto sample_user() {
  UserDto u;
  u.id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  u.email = "elodie@example.com";
  u.name = "Élodie";
  u.phone = "+33612345678";
  u.locale = "fr";
  return u;
}

AddressDto sample_address() {
  AddressDto a;
  a.id = "0190f5d2-7b1c-7a3e-9f00-000000000001";
  a.user_id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  a.label = "Home";
  a.line1 = "10 rue de Rivoli";
  a.line2 = "Bâtiment B";
  a.city = "Paris";
  a.postal_code = "75001";
  a.country = "FR";
  a.lat = 48.85590123456789;
  a.lng = 2.3601;
  a.instructions = "Code 4521B\nThird floor";
  a.is_default = true;
  return a;
}

TEST(UserInterfaceJson, UserRoundTrips) {
  for (bool with_phone : {true, false}) {
    UserDto u = sample_user();
    if (!with_phone) u.phone.reset();
    json::value v = json::value_from(u);
    EXPECT_EQ(json::value_to<UserDto>(v), u);
    // Through text too: what a remote call actually carries.
    EXPECT_EQ(json::value_to<UserDto>(json::parse(json::serialize(v))), u);
  }
}

TEST(UserInterfaceJson, UserFieldsAreSnakeCaseAndNullWhenAbsent) {
  UserDto u = sample_user();
  u.phone.reset();
  json::object o = json::value_from(u).as_object();
  EXPECT_EQ(o.size(), 5u);
  EXPECT_EQ(o.at("id").as_string(), u.id);
  EXPECT_EQ(o.at("email").as_string(), u.email);
  EXPECT_TRUE(o.at("phone").is_null());
  EXPECT_EQ(o.at("locale").as_string(), "fr");
}

TEST(UserInterfaceJson, AddressRoundTripsExactly) {
  for (bool with_optionals : {true, false}) {
    AddressDto a = sample_address();
    if (!with_optionals) {
      a.line2.reset();
      a.instructions.reset();
      a.is_default = false;
    }
    json::value v = json::value_from(a);
    EXPECT_EQ(json::value_to<AddressDto>(v), a);
    EXPECT_EQ(json::value_to<AddressDto>(json::parse(json::serialize(v))), a) << "coordinates survive text";
  }
  json::object o = json::value_from(sample_address()).as_object();
  for (const char* field : {"id", "user_id", "label", "line1", "line2", "city", "postal_code", "country", "lat", "lng",
                            "instructions", "is_default"}) {
    EXPECT_TRUE(o.contains(field)) << field;
  }
}

TEST(UserInterfaceJson, AcceptsIntegerCoordinatesAndIgnoresUnknownFields) {
  json::object o = json::value_from(sample_address()).as_object();
  o["lat"] = 45;
  o["added_in_a_later_version"] = "x";
  EXPECT_EQ(json::value_to<AddressDto>(json::value(o)).lat, 45.0);
}

TEST(UserInterfaceJson, MalformedDocumentsThrowNamingTheField) {
  json::object user = json::value_from(sample_user()).as_object();
  user.erase("email");
  try {
    (void)json::value_to<UserDto>(json::value(user));
    ADD_FAILURE() << "accepted a user without email";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("email"), std::string::npos) << e.what();
  }
  json::object address = json::value_from(sample_address()).as_object();
  address["lat"] = "48.8";
  EXPECT_THROW((void)json::value_to<AddressDto>(json::value(address)), std::invalid_argument);
  address = json::value_from(sample_address()).as_object();
  address["is_default"] = 1;
  EXPECT_THROW((void)json::value_to<AddressDto>(json::value(address)), std::invalid_argument);
  EXPECT_THROW((void)json::value_to<UserDto>(json::value(json::array{})), std::invalid_argument);
}

}  // namespace
}  // namespace nelo
