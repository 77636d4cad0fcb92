// The probe's value generator (tests/support/schema_values.hpp): valid values keep to the schema,
// patterns are matched, and the hostile bodies each break the base in one place.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <random>
#include <regex>
#include <string>

#include "support/schema_values.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;

TEST(SchemaValues, PatternsOfTheRoutesAreMatched) {
  std::mt19937_64 rng(7);
  SchemaValues values(rng, {});
  for (const char* pattern : {"^[A-Z]{3}$", "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", "^\\+[1-9][0-9]{1,14}$",
                              "^[A-Za-z]{2}$"}) {
    for (int i = 0; i < 50; ++i) {
      std::string s = values.matching(pattern);
      EXPECT_TRUE(std::regex_match(s, std::regex(pattern))) << pattern << " gave " << s;
    }
  }
}

TEST(SchemaValues, ValidValuesKeepToBoundsLengthsAndRequiredFields) {
  std::mt19937_64 rng(11);
  SchemaValues values(rng, {{"merchant", "m-1"}});
  json::value schema = json::parse(R"({"type":"object","additionalProperties":false,"required":["n","merchant_id"],
    "properties":{"n":{"type":"integer","minimum":3,"maximum":5},
                  "s":{"type":["string","null"],"minLength":2,"maxLength":4},
                  "merchant_id":{"type":"string","format":"uuid"},
                  "tags":{"type":"array","minItems":1,"maxItems":2,"items":{"enum":["a","b"]}}}})");
  for (int i = 0; i < 100; ++i) {
    json::object v = values.valid(schema, {}, true).as_object();
    ASSERT_TRUE(v.contains("n") && v.contains("merchant_id") && v.contains("s") && v.contains("tags"));
    EXPECT_GE(v.at("n").as_int64(), 3);
    EXPECT_LE(v.at("n").as_int64(), 5);
    EXPECT_EQ(v.at("merchant_id").as_string(), "m-1");  // the known id, in a full body
    const auto& tags = v.at("tags").as_array();
    EXPECT_GE(tags.size(), 1u);
    EXPECT_LE(tags.size(), 2u);
  }
}

TEST(SchemaValues, EachHostileBodyDiffersFromTheValidBase) {
  std::mt19937_64 rng(3);
  SchemaValues values(rng, {});
  json::value schema = json::parse(R"({"type":"object","required":["q"],"properties":{"q":{"type":"integer","maximum":9}}})");
  auto bodies = values.hostile_bodies(schema);
  ASSERT_FALSE(bodies.empty());
  bool above_maximum = false, missing = false, unknown = false;
  for (const auto& b : bodies) {
    EXPECT_NE(b.text, R"({"q":0})");
    above_maximum |= b.label == "$.q: above maximum" && b.text == R"({"q":10})";
    missing |= b.label == "$: required q missing" && b.text == "{}";
    unknown |= b.label == "$: unknown property" && b.text.find("probe_unknown_field") != std::string::npos;
  }
  EXPECT_TRUE(above_maximum);
  EXPECT_TRUE(missing);
  EXPECT_TRUE(unknown);
}

TEST(SchemaValues, NounsComeFromIdsAndCollections) {
  EXPECT_EQ(noun_of("merchant_id"), "merchant");
  EXPECT_EQ(noun_of("merchants"), "merchant");
  EXPECT_EQ(noun_of("addresses"), "address");
  EXPECT_EQ(noun_of("id"), "");
}

}  // namespace
}  // namespace nelo::test
