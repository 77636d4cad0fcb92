// Reading the auth module's `user.registered` payload (docs/events.md).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "modules/users/services/profile_service.hpp"

namespace nelo::users {
namespace {

namespace json = boost::json;

json::object v1_payload() {
  return {{"user_id", "0190F5D2-7B1C-7A3E-9F00-0123456789AB"},
          {"email", "elodie@example.com"},
          {"name", "Élodie Martin"},
          {"role", "customer"},
          {"registered_at", "2026-11-25T14:03:27.512Z"}};
}

TEST(UsersRegisteredEvent, ReadsVersion1) {
  auto user = parse_user_registered(v1_payload());
  EXPECT_EQ(user.user_id, "0190f5d2-7b1c-7a3e-9f00-0123456789ab") << "canonical lower case";
  EXPECT_EQ(user.email, "elodie@example.com");
  EXPECT_EQ(user.name, "Élodie Martin");
  EXPECT_FALSE(user.locale.has_value());
}

TEST(UsersRegisteredEvent, IgnoresUnknownFieldsAndHonoursAValidLocale) {
  auto payload = v1_payload();
  payload["marketing_opt_in"] = true;
  payload["locale"] = "en";
  EXPECT_EQ(parse_user_registered(payload).locale, "en");
  payload["locale"] = "klingon";
  EXPECT_FALSE(parse_user_registered(payload).locale.has_value()) << "an unknown locale falls back to the default";
}

TEST(UsersRegisteredEvent, RefusesPayloadsThatBreakTheContract) {
  for (const char* field : {"user_id", "email", "name"}) {
    auto payload = v1_payload();
    payload.erase(field);
    EXPECT_THROW(parse_user_registered(payload), std::invalid_argument) << "without " << field;
    payload[field] = 42;
    EXPECT_THROW(parse_user_registered(payload), std::invalid_argument) << field << " not a string";
  }
  auto bad_id = v1_payload();
  bad_id["user_id"] = "42";
  EXPECT_THROW(parse_user_registered(bad_id), std::invalid_argument);
  auto bad_email = v1_payload();
  bad_email["email"] = "nobody";
  EXPECT_THROW(parse_user_registered(bad_email), std::invalid_argument);
  auto blank_name = v1_payload();
  blank_name["name"] = " ";
  EXPECT_THROW(parse_user_registered(blank_name), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::users
