// The users module's field rules and request schemas: what a body may say, and the 422 it gets
// otherwise (every problem at once, unknown fields never applied).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "modules/users/api/v1/schemas.hpp"
#include "modules/users/countries.hpp"
#include "modules/users/validation.hpp"

namespace nelo::users {
namespace {

namespace json = boost::json;

json::object body(std::string_view text) { return parse_json_strict(text).as_object(); }

// The field errors a parser reports for `text`; fails the test if it accepts it.
template <class Parse>
std::vector<FieldError> errors_of(Parse parse, std::string_view text) {
  try {
    parse(body(text));
  } catch (const ValidationError& e) {
    return e.errors();
  }
  ADD_FAILURE() << "accepted: " << text;
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

constexpr std::string_view kValidAddress = R"({"label": "Home", "line1": "10 rue de Rivoli", "city": "Paris",
  "postal_code": "75001", "country": "FR", "lat": 48.8559, "lng": 2.3601})";

// --- locale, country (the text rules are core/text.hpp's: text_test.cpp) ---

TEST(UsersLocale, OnlyFrenchAndEnglish) {
  EXPECT_TRUE(is_supported_locale("fr"));
  EXPECT_TRUE(is_supported_locale("en"));
  for (const char* locale : {"", "FR", "de", "fr-FR", "en_US", "english"}) EXPECT_FALSE(is_supported_locale(locale));
}

TEST(UsersCountry, KnowsTheAssignedCodes) {
  EXPECT_EQ(assigned_country_code_count(), 249u);
  for (const char* code : {"FR", "DE", "US", "GB", "BE", "CH", "SN", "CI", "MA", "RE", "AQ", "SS", "SX", "ZW", "AD"}) {
    EXPECT_TRUE(is_assigned_country_code(code)) << code;
  }
}

TEST(UsersCountry, RefusesReservedUnassignedAndMalformedCodes) {
  // UK and EU are exceptionally reserved, XK is user-assigned, AN and YU were withdrawn.
  for (const char* code : {"UK", "EU", "XK", "AN", "YU", "ZZ", "AA", "fr", "F", "FRA", "", "1A"}) {
    EXPECT_FALSE(is_assigned_country_code(code)) << code;
  }
}

// --- PATCH /users/me ---

TEST(UsersProfilePatch, ReadsEveryField) {
  auto patch = parse_profile_patch(body(R"({"name": "Élodie Martin", "phone": "+33612345678", "locale": "en"})"));
  EXPECT_EQ(patch.name, "Élodie Martin");
  ASSERT_TRUE(patch.phone.has_value());
  EXPECT_EQ(*patch.phone, "+33612345678");
  EXPECT_EQ(patch.locale, "en");
}

TEST(UsersProfilePatch, AbsentFieldsAreLeftAloneAndNullPhoneRemovesIt) {
  auto only_locale = parse_profile_patch(body(R"({"locale": "fr"})"));
  EXPECT_FALSE(only_locale.name.has_value());
  EXPECT_FALSE(only_locale.phone.has_value()) << "absent: leave the phone alone";
  auto clear_phone = parse_profile_patch(body(R"({"phone": null})"));
  ASSERT_TRUE(clear_phone.phone.has_value()) << "null: part of the patch";
  EXPECT_FALSE(clear_phone.phone->has_value()) << "null: remove the phone";
}

TEST(UsersProfilePatch, EmptyPatchIs422) {
  auto errors = errors_of(parse_profile_patch, "{}");
  EXPECT_TRUE(has_error(errors, "body", "at least one")) << dump(errors);
}

TEST(UsersProfilePatch, MassAssignmentIsRefusedFieldByField) {
  auto errors = errors_of(parse_profile_patch,
                          R"({"name": "Eve", "id": "x", "user_id": "x", "role": "admin", "roles": ["admin"],
                              "email": "eve@example.com", "created_at": "2020-01-01T00:00:00Z"})");
  for (const char* field : {"id", "user_id", "role", "roles", "email", "created_at"}) {
    EXPECT_TRUE(has_error(errors, field, "not a known field")) << field << "\n" << dump(errors);
  }
  EXPECT_FALSE(has_error(errors, "name")) << dump(errors);
}

TEST(UsersProfilePatch, OnlyUnknownFieldsIsStill422) {
  auto errors = errors_of(parse_profile_patch, R"({"role": "admin"})");
  EXPECT_TRUE(has_error(errors, "role", "not a known field")) << dump(errors);
}

TEST(UsersProfilePatch, InvalidValuesAreAllReported) {
  auto errors = errors_of(parse_profile_patch, R"({"name": "  ", "phone": "06 12 34 56 78", "locale": "de"})");
  EXPECT_TRUE(has_error(errors, "name", "blank")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "phone", "E.164")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "locale", "fr, en")) << dump(errors);
}

TEST(UsersProfilePatch, NameAndLocaleCannotBeNulledAndTypesAreChecked) {
  auto nulls = errors_of(parse_profile_patch, R"({"name": null, "locale": null})");
  EXPECT_TRUE(has_error(nulls, "name", "null")) << dump(nulls);
  EXPECT_TRUE(has_error(nulls, "locale", "null")) << dump(nulls);
  auto types = errors_of(parse_profile_patch, R"({"name": 42, "phone": 33612345678, "locale": ["fr"]})");
  EXPECT_TRUE(has_error(types, "name", "string")) << dump(types);
  EXPECT_TRUE(has_error(types, "phone", "string")) << dump(types);
  EXPECT_TRUE(has_error(types, "locale", "string")) << dump(types);
}

TEST(UsersProfilePatch, NameLengthIsBounded) {
  std::string long_name(kMaxNameLength + 1, 'a');
  auto errors = errors_of(parse_profile_patch, R"({"name": ")" + long_name + R"("})");
  EXPECT_TRUE(has_error(errors, "name", "at most")) << dump(errors);
  EXPECT_NO_THROW(parse_profile_patch(body(R"({"name": ")" + std::string(kMaxNameLength, 'a') + R"("})")));
}

// --- POST /users/me/addresses ---

TEST(UsersNewAddress, ReadsAValidAddress) {
  auto a = parse_new_address(body(kValidAddress));
  EXPECT_EQ(a.label, "Home");
  EXPECT_EQ(a.line1, "10 rue de Rivoli");
  EXPECT_FALSE(a.line2.has_value());
  EXPECT_EQ(a.city, "Paris");
  EXPECT_EQ(a.postal_code, "75001");
  EXPECT_EQ(a.country, "FR");
  EXPECT_DOUBLE_EQ(a.lat, 48.8559);
  EXPECT_DOUBLE_EQ(a.lng, 2.3601);
  EXPECT_FALSE(a.instructions.has_value());
  EXPECT_FALSE(a.is_default);
}

TEST(UsersNewAddress, NormalisesTheCountryToUpperCase) {
  json::object b = body(kValidAddress);
  b["country"] = "be";
  EXPECT_EQ(parse_new_address(b).country, "BE");
}

TEST(UsersNewAddress, RequiredFieldsAreListedTogether) {
  auto errors = errors_of(parse_new_address, "{}");
  for (const char* field : {"label", "line1", "city", "postal_code", "country", "lat", "lng"}) {
    EXPECT_TRUE(has_error(errors, field, "required")) << field << "\n" << dump(errors);
  }
  EXPECT_FALSE(has_error(errors, "line2"));
  EXPECT_FALSE(has_error(errors, "instructions"));
  EXPECT_FALSE(has_error(errors, "is_default"));
}

TEST(UsersNewAddress, CoordinatesAreRangeChecked) {
  for (auto [lat, lng, bad] : std::vector<std::tuple<double, double, const char*>>{
           {90.0001, 0, "lat"}, {-90.5, 0, "lat"}, {0, 180.01, "lng"}, {0, -181, "lng"}}) {
    json::object b = body(kValidAddress);
    b["lat"] = lat;
    b["lng"] = lng;
    auto errors = errors_of(parse_new_address, json::serialize(b));
    EXPECT_TRUE(has_error(errors, bad, "between")) << lat << "," << lng << "\n" << dump(errors);
  }
  for (auto [lat, lng] : std::vector<std::pair<double, double>>{{90, 180}, {-90, -180}, {0, 0}}) {
    json::object b = body(kValidAddress);
    b["lat"] = lat;
    b["lng"] = lng;
    EXPECT_NO_THROW(parse_new_address(b)) << lat << "," << lng;
  }
  json::object as_strings = body(kValidAddress);
  as_strings["lat"] = "48.85";
  EXPECT_TRUE(has_error(errors_of(parse_new_address, json::serialize(as_strings)), "lat", "number"));
}

TEST(UsersNewAddress, IntegerCoordinatesAreNumbersToo) {
  json::object b = body(kValidAddress);
  b["lat"] = 45;
  b["lng"] = -3;
  auto a = parse_new_address(b);
  EXPECT_EQ(a.lat, 45.0);
  EXPECT_EQ(a.lng, -3.0);
}

TEST(UsersNewAddress, CountryMustBeAnAssignedCode) {
  for (const char* country : {"UK", "XX", "FRA", "France", "", "1"}) {
    json::object b = body(kValidAddress);
    b["country"] = country;
    auto errors = errors_of(parse_new_address, json::serialize(b));
    EXPECT_TRUE(has_error(errors, "country", "ISO 3166-1")) << country << "\n" << dump(errors);
  }
}

TEST(UsersNewAddress, LengthsAreBounded) {
  struct Case {
    const char* field;
    std::size_t max;
  };
  for (const Case& c : {Case{"label", kMaxLabelLength}, Case{"line1", kMaxLineLength}, Case{"line2", kMaxLineLength},
                        Case{"city", kMaxCityLength}, Case{"postal_code", kMaxPostalCodeLength},
                        Case{"instructions", kMaxInstructionsLength}}) {
    json::object b = body(kValidAddress);
    b[c.field] = std::string(c.max, 'x');
    EXPECT_NO_THROW(parse_new_address(b)) << c.field;
    b[c.field] = std::string(c.max + 1, 'x');
    auto errors = errors_of(parse_new_address, json::serialize(b));
    EXPECT_TRUE(has_error(errors, c.field, "at most")) << c.field << "\n" << dump(errors);
  }
}

TEST(UsersNewAddress, InstructionsMayHaveLineBreaksButLinesMayNot) {
  json::object b = body(kValidAddress);
  b["instructions"] = "Code 4521B\nThird floor, left";
  EXPECT_EQ(parse_new_address(b).instructions, "Code 4521B\nThird floor, left");
  b["line1"] = "10 rue\nde Rivoli";
  EXPECT_TRUE(has_error(errors_of(parse_new_address, json::serialize(b)), "line1", "control"));
}

TEST(UsersNewAddress, MassAssignmentIsRefused) {
  json::object b = body(kValidAddress);
  b["id"] = "0190f5d2-0000-7000-8000-000000000001";
  b["user_id"] = "0190f5d2-0000-7000-8000-000000000002";
  b["location"] = "POINT(0 0)";
  b["created_at"] = "2020-01-01T00:00:00Z";
  auto errors = errors_of(parse_new_address, json::serialize(b));
  for (const char* field : {"id", "user_id", "location", "created_at"}) {
    EXPECT_TRUE(has_error(errors, field, "not a known field")) << field << "\n" << dump(errors);
  }
}

TEST(UsersNewAddress, IsDefaultMustBeABoolean) {
  json::object b = body(kValidAddress);
  b["is_default"] = "true";
  EXPECT_TRUE(has_error(errors_of(parse_new_address, json::serialize(b)), "is_default", "boolean"));
  b["is_default"] = true;
  EXPECT_TRUE(parse_new_address(b).is_default);
}

// --- PATCH /users/me/addresses/{id} ---

TEST(UsersAddressPatch, ReadsASubsetAndTellsAbsentFromNull) {
  auto p = parse_address_patch(body(R"({"label": "Work", "line2": null, "is_default": true})"));
  EXPECT_EQ(p.label, "Work");
  ASSERT_TRUE(p.line2.has_value());
  EXPECT_FALSE(p.line2->has_value());
  EXPECT_FALSE(p.instructions.has_value());
  EXPECT_FALSE(p.city.has_value());
  EXPECT_EQ(p.is_default, true);
}

TEST(UsersAddressPatch, EmptyPatchAndUnknownFieldsAre422) {
  EXPECT_TRUE(has_error(errors_of(parse_address_patch, "{}"), "body", "at least one"));
  auto errors = errors_of(parse_address_patch, R"({"label": "x", "user_id": "0190f5d2-0000-7000-8000-000000000002"})");
  EXPECT_TRUE(has_error(errors, "user_id", "not a known field")) << dump(errors);
}

TEST(UsersAddressPatch, RequiredFieldsCannotBeNulled) {
  auto errors = errors_of(parse_address_patch,
                          R"({"label": null, "line1": null, "city": null, "postal_code": null, "country": null,
                              "is_default": null})");
  for (const char* field : {"label", "line1", "city", "postal_code", "country", "is_default"}) {
    EXPECT_TRUE(has_error(errors, field, "null")) << field << "\n" << dump(errors);
  }
}

TEST(UsersAddressPatch, CoordinatesMoveTogetherAndInRange) {
  EXPECT_TRUE(has_error(errors_of(parse_address_patch, R"({"lat": 10})"), "lng", "required"));
  EXPECT_TRUE(has_error(errors_of(parse_address_patch, R"({"lng": 10})"), "lat", "required"));
  EXPECT_TRUE(has_error(errors_of(parse_address_patch, R"({"lat": 91, "lng": 0})"), "lat", "between"));
  auto p = parse_address_patch(body(R"({"lat": -33.8688, "lng": 151.2093})"));
  EXPECT_EQ(p.lat, -33.8688);
  EXPECT_EQ(p.lng, 151.2093);
}

TEST(UsersAddressPatch, ValidatesValuesLikeCreation) {
  auto errors = errors_of(parse_address_patch, R"({"country": "UK", "label": "", "instructions": "\u0007"})");
  EXPECT_TRUE(has_error(errors, "country")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "label", "blank")) << dump(errors);
  EXPECT_TRUE(has_error(errors, "instructions", "control")) << dump(errors);
}

// --- ?limit=&cursor= ---

TEST(UsersPageRequest, DefaultsAndClamps) {
  EXPECT_EQ(parse_page_request(std::nullopt, std::nullopt).limit, kDefaultPageSize);
  EXPECT_EQ(parse_page_request("1", std::nullopt).limit, 1u);
  EXPECT_EQ(parse_page_request("100", std::nullopt).limit, 100u);
  EXPECT_EQ(parse_page_request("101", std::nullopt).limit, 100u);
  EXPECT_EQ(parse_page_request("99999999999999999999999", std::nullopt).limit, 100u);
  EXPECT_FALSE(parse_page_request(std::nullopt, "").after.has_value());
}

TEST(UsersPageRequest, RefusesBadLimitsAndCursors) {
  for (const char* limit : {"0", "-1", "abc", "", "10x", "1.5", " 5"}) {
    EXPECT_THROW(parse_page_request(limit, std::nullopt), ValidationError) << limit;
  }
  try {
    parse_page_request(std::nullopt, "not-a-cursor");
    ADD_FAILURE() << "accepted a forged cursor";
  } catch (const ValidationError& e) {
    EXPECT_TRUE(has_error(e.errors(), "cursor"));
  }
}

// --- output ---

TEST(UsersJson, TimestampsAreMillisecondsInUtc) {
  const Timestamp t = Timestamp(std::chrono::microseconds(1'764'079'407'512'345));
  EXPECT_EQ(format_timestamp(t), "2025-11-25T14:03:27.512Z");
  EXPECT_EQ(format_timestamp(Timestamp(std::chrono::seconds(0))), "1970-01-01T00:00:00.000Z");
}

TEST(UsersJson, AbsentOptionalsAreNull) {
  Address a;
  a.id = "0190f5d2-0000-7000-8000-000000000001";
  a.label = "Home";
  auto j = to_json(a);
  EXPECT_TRUE(j.at("line2").is_null());
  EXPECT_TRUE(j.at("instructions").is_null());
  EXPECT_FALSE(j.contains("user_id"));
  Profile p;
  EXPECT_TRUE(to_json(p).at("phone").is_null());
}

}  // namespace
}  // namespace nelo::users
