// core/request_fields.hpp: the request field readers every module's api/v1 layer shares. Each
// reads one field as its Presence says and records what is wrong under the field's path.

#include "core/request_fields.hpp"
#include "support/validator_errors.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace nelo {
namespace {

namespace json = boost::json;

json::object body(std::string_view text) { return parse_json_strict(text).as_object(); }

using test::errors_of;

std::string dump(const Validator& v) {
  std::string out;
  for (const auto& e : errors_of(v)) out += e.field + ": " + e.message + "\n";
  return out;
}

TEST(RequestFields, PresenceDecidesWhatAbsentAndNullMean) {
  const auto empty = body("{}");
  const auto null = body(R"({"name": null})");
  {
    Validator v;
    JsonReader r(empty, v);
    EXPECT_FALSE(read_string(r, "name", Presence::Required));
    EXPECT_EQ(dump(v), "name: is required\n");
  }
  for (Presence presence : {Presence::Optional, Presence::Patch}) {
    Validator v;
    JsonReader r(empty, v);
    EXPECT_FALSE(read_string(r, "name", presence));
    EXPECT_TRUE(v.ok()) << dump(v);
  }
  {
    Validator v;
    JsonReader r(null, v);
    EXPECT_FALSE(read_string(r, "name", Presence::Optional));
    EXPECT_TRUE(v.ok()) << dump(v);
  }
  {
    Validator v;
    JsonReader r(null, v);
    EXPECT_FALSE(read_string(r, "name", Presence::Patch));
    EXPECT_FALSE(read_bool(r, "name", Presence::Patch));
    EXPECT_FALSE(read_int(r, "name", Presence::Patch, 0, 1));
    EXPECT_EQ(dump(v), "name: must not be null\nname: must not be null\nname: must not be null\n");
  }
}

TEST(RequestFields, NullGivenNamesTheNestedPath) {
  const auto inner = body(R"({"amount": null})");
  Validator v;
  JsonReader r(inner, v, "price");
  EXPECT_TRUE(null_given(r, "amount"));
  EXPECT_FALSE(null_given(r, "currency"));
  EXPECT_EQ(dump(v), "price.amount: must not be null\n");
}

TEST(RequestFields, TextIsTrimmedAndChecked) {
  const auto b = body(R"({"a": "  Home \n", "b": "   ", "c": "x\ny", "d": "x\ny"})");
  Validator v;
  JsonReader r(b, v);
  EXPECT_EQ(read_text(r, "a", Presence::Required, 10), "Home");
  EXPECT_FALSE(read_text(r, "b", Presence::Required, 10));
  EXPECT_FALSE(read_text(r, "c", Presence::Required, 10));
  EXPECT_EQ(read_text(r, "d", Presence::Required, 10, TextKind::MultiLine), "x\ny");
  EXPECT_EQ(dump(v), "b: must not be blank\nc: must not contain control characters\n");
}

TEST(RequestFields, ClearableTellsAbsentFromNullFromAValue) {
  const auto b = body(R"({"set": "Ring twice", "cleared": null, "bad": 42})");
  Validator v;
  JsonReader r(b, v);
  EXPECT_FALSE(read_clearable_text(r, "absent", 20).has_value());
  auto cleared = read_clearable_text(r, "cleared", 20);
  ASSERT_TRUE(cleared.has_value());
  EXPECT_FALSE(cleared->has_value());
  EXPECT_EQ(read_clearable_text(r, "set", 20), std::optional<std::string>("Ring twice"));
  EXPECT_FALSE(read_clearable_text(r, "bad", 20).has_value()) << "invalid: left alone, and reported";
  EXPECT_EQ(dump(v).rfind("bad: must be a string", 0), 0u) << dump(v);
}

TEST(RequestFields, PhoneMessageShowsTheModulesExample) {
  const auto b = body(R"({"phone": "06 12 34 56 78", "ok": "+33612345678"})");
  Validator v;
  JsonReader r(b, v);
  EXPECT_FALSE(read_phone(r, "phone", Presence::Required, "+33142685300"));
  EXPECT_EQ(read_phone(r, "ok", Presence::Required, "+33142685300"), "+33612345678");
  EXPECT_EQ(dump(v), "phone: must be an E.164 phone number, e.g. +33142685300 ('+' then up to 15 digits, no spaces)\n");
}

TEST(RequestFields, NumbersAreRangeChecked) {
  const auto b = body(R"({"lat": 90.5, "lng": -180, "n": 7, "m": 2.5})");
  Validator v;
  JsonReader r(b, v);
  EXPECT_FALSE(read_coordinate(r, "lat", Presence::Required, 90));
  EXPECT_EQ(read_coordinate(r, "lng", Presence::Required, 180), -180.0);
  EXPECT_FALSE(read_int(r, "n", Presence::Required, 0, 5));
  EXPECT_FALSE(read_int(r, "m", Presence::Required, 0, 5));
  const auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 3u) << dump(v);
  EXPECT_EQ(errors[0].message, "must be between -90 and 90");
  EXPECT_EQ(errors[1].message, "must be between 0 and 5");
  EXPECT_EQ(errors[2].field, "m");
}

TEST(RequestFields, APatchNamesSomethingAndMovesAPointWhole) {
  {
    const auto b = body(R"({"other": 1})");
    Validator v;
    JsonReader r(b, v);
    require_some(r, {"name", "lat", "lng"});
    EXPECT_EQ(dump(v), "body: must contain at least one of: name, lat, lng\n");
  }
  {
    const auto b = body(R"({"lat": 1})");
    Validator v;
    JsonReader r(b, v);
    require_some(r, {"name", "lat", "lng"});
    require_both_coordinates(r);
    EXPECT_EQ(dump(v), "lng: is required when the other coordinate is given\n");
  }
  {
    const auto b = body(R"({"lat": 1, "lng": 2})");
    Validator v;
    JsonReader r(b, v);
    require_both_coordinates(r);
    EXPECT_TRUE(v.ok());
  }
}

TEST(RequestFields, PageLimitDefaultsAndClamps) {
  Validator v;
  EXPECT_EQ(read_page_limit(std::nullopt, v, 20, 100), 20u);
  EXPECT_EQ(read_page_limit("1", v, 20, 100), 1u);
  EXPECT_EQ(read_page_limit("100", v, 20, 100), 100u);
  EXPECT_EQ(read_page_limit("101", v, 20, 100), 100u);
  EXPECT_EQ(read_page_limit("99999999999999999999999", v, 20, 100), 100u);
  EXPECT_TRUE(v.ok()) << dump(v);
}

TEST(RequestFields, PageLimitRefusesWhatIsNoPositiveInteger) {
  for (const char* limit : {"0", "-1", "abc", "", "10x", "1.5", " 5"}) {
    Validator v;
    EXPECT_EQ(read_page_limit(limit, v, 20, 100), 20u) << limit;
    EXPECT_EQ(dump(v), "limit: must be a positive integer (at most 100 are returned)\n") << limit;
  }
}

}  // namespace
}  // namespace nelo
