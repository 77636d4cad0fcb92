#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "support/validator_errors.hpp"

namespace nelo {
namespace {

namespace json = boost::json;

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

std::string bad_request_detail(std::string_view text, std::size_t depth = 32) {
  try {
    parse_json_strict(text, depth);
  } catch (const BadRequest& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(ParseJsonStrict, ParsesDocuments) {
  auto v = parse_json_strict(R"({"a":[1,2.5,"x",true,null],"b":{"c":-3}})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("a").as_array().size(), 5u);
  EXPECT_EQ(v.at("b").at("c").as_int64(), -3);
  EXPECT_EQ(parse_json_strict("  42 ").as_int64(), 42);
  EXPECT_EQ(parse_json_strict("\"s\"").as_string(), "s");
  EXPECT_EQ(parse_json_strict("18446744073709551615").as_uint64(), 18446744073709551615ull);
}

TEST(ParseJsonStrict, RejectsMalformedInput) {
  for (const char* bad : {"", " ", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "nul", "'a'", "{a:1}", "[1 2]", "01", "NaN",
                          "\"\\x\""}) {
    EXPECT_THROW(parse_json_strict(bad), BadRequest) << bad;
  }
}

TEST(ParseJsonStrict, RejectsNumbersBeyondTheRangeOfADouble) {
  // Boost read them as infinities, written back as null (found by tests/fuzz/json_fuzz.cpp).
  for (const char* bad : {"1e400", "-2e1008", "[0,1.5e309]", "{\"lat\":1E99999}"}) {
    EXPECT_NE(bad_request_detail(bad).find("not valid JSON"), std::string::npos) << bad;
  }
  EXPECT_EQ(parse_json_strict("1.7976931348623157e308").as_double(), 1.7976931348623157e308);
  EXPECT_EQ(parse_json_strict("1e-400").as_double(), 0.0);  // underflow is a zero, still a number
}

TEST(ParseJsonStrict, RejectsTrailingData) {
  EXPECT_NE(bad_request_detail("{} {}").find("after the JSON document"), std::string::npos);
  EXPECT_THROW(parse_json_strict("1 x"), BadRequest);
}

TEST(ParseJsonStrict, RejectsCommentsAndInvalidUtf8) {
  EXPECT_THROW(parse_json_strict("[1 /* c */]"), BadRequest);
  EXPECT_THROW(parse_json_strict("\"\xC3\x28\""), BadRequest);
  EXPECT_THROW(parse_json_strict("\"\xED\xA0\x80\""), BadRequest);  // UTF-8 encoded surrogate
}

TEST(ParseJsonStrict, AcceptsDepthUpToTheLimitOnly) {
  EXPECT_NO_THROW(parse_json_strict(nested_arrays(32), 32));
  EXPECT_NO_THROW(parse_json_strict(nested_objects(32), 32));
  EXPECT_NE(bad_request_detail(nested_arrays(33), 32).find("deeper than 32"), std::string::npos);
  EXPECT_THROW(parse_json_strict(nested_objects(33), 32), BadRequest);
  EXPECT_THROW(parse_json_strict(nested_arrays(3), 2), BadRequest);
  EXPECT_THROW(parse_json_strict(nested_arrays(100000), 32), BadRequest);
}

TEST(ParseJsonStrict, RejectsDuplicateKeysAndNamesThem) {
  EXPECT_NE(bad_request_detail(R"({"a":1,"a":2})").find("duplicate key \"a\""), std::string::npos);
  EXPECT_THROW(parse_json_strict(R"({"x":{"b":1,"c":2,"b":3}})"), BadRequest);
  EXPECT_THROW(parse_json_strict(R"([{"ok":1},{"k":1,"k":1}])"), BadRequest);
}

TEST(ParseJsonStrict, ComparesKeysAfterUnescaping) {
  EXPECT_THROW(parse_json_strict(R"({"a":1,"\u0061":2})"), BadRequest);
  EXPECT_THROW(parse_json_strict(R"({"\u00e9t\u00e9":1,"été":2})"), BadRequest);
}

TEST(ParseJsonStrict, DetectsDuplicatesInLargeObjects) {
  std::string s = "{";
  for (int i = 0; i < 200; ++i) s += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  std::string ok = s + "\"last\":0}";
  EXPECT_EQ(parse_json_strict(ok).as_object().size(), 201u);
  std::string dup = s + "\"k137\":0}";
  EXPECT_NE(bad_request_detail(dup).find("\"k137\""), std::string::npos);
}

TEST(ParseJsonStrict, SameKeyInSiblingOrNestedObjectsIsFine) {
  auto v = parse_json_strict(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}],"c":{"b":1}})");
  EXPECT_EQ(v.at("a").at("a").at("a").as_int64(), 1);
  EXPECT_EQ(v.at("b").as_array()[1].at("a").as_int64(), 2);
}

TEST(ParseJsonStrict, LongKeysAndStringsSurvive) {
  std::string key(5000, 'k');
  std::string value(100000, 'v');
  auto v = parse_json_strict("{\"" + key + "\":\"" + value + "\",\"" + key + "x\":1}");
  EXPECT_EQ(v.at(key).as_string().size(), value.size());
  EXPECT_THROW(parse_json_strict("{\"" + key + "\":1,\"" + key + "\":2}"), BadRequest);
}

// ---- JsonReader -------------------------------------------------------------------------

using test::errors_of;

TEST(JsonReader, ReadsPresentFieldsOfTheRightType) {
  auto body = parse_json_strict(R"({"name":"Pizza","qty":3,"price":2.5,"open":true,"tags":["a"],"addr":{"x":1}})")
                  .as_object();
  Validator v;
  JsonReader r(body, v);
  EXPECT_EQ(r.required_string("name"), "Pizza");
  EXPECT_EQ(r.required_int("qty"), 3);
  EXPECT_DOUBLE_EQ(*r.required_number("price"), 2.5);
  EXPECT_DOUBLE_EQ(*r.required_number("qty"), 3.0);
  EXPECT_EQ(r.required_bool("open"), true);
  ASSERT_NE(r.required_array("tags"), nullptr);
  ASSERT_NE(r.required_object("addr"), nullptr);
  EXPECT_TRUE(v.ok());
}

TEST(JsonReader, MissingOrNullRequiredFieldsAreReportedByName) {
  auto body = parse_json_strict(R"({"b":null})").as_object();
  Validator v;
  JsonReader r(body, v);
  EXPECT_FALSE(r.required_string("a"));
  EXPECT_FALSE(r.required_int("b"));
  auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "a");
  EXPECT_EQ(errors[0].message, "is required");
  EXPECT_EQ(errors[1].field, "b");
}

TEST(JsonReader, MissingOrNullOptionalFieldsAreNotErrors) {
  auto body = parse_json_strict(R"({"b":null})").as_object();
  Validator v;
  JsonReader r(body, v);
  EXPECT_FALSE(r.optional_string("a"));
  EXPECT_FALSE(r.optional_int("b"));
  EXPECT_FALSE(r.optional_bool("c"));
  EXPECT_FALSE(r.optional_number("d"));
  EXPECT_EQ(r.optional_object("e"), nullptr);
  EXPECT_EQ(r.optional_array("f"), nullptr);
  EXPECT_TRUE(v.ok());
}

TEST(JsonReader, WrongTypesAreReportedWithWhatWasExpected) {
  auto body = parse_json_strict(R"({"s":1,"i":"2","f":2.0,"big":18446744073709551615,"b":"true","o":[],"a":{},"n":"1"})")
                  .as_object();
  Validator v;
  JsonReader r(body, v);
  EXPECT_FALSE(r.required_string("s"));
  EXPECT_FALSE(r.required_int("i"));
  EXPECT_FALSE(r.optional_int("f"));  // money and quantities are exact: 2.0 is not an integer
  EXPECT_FALSE(r.required_int("big"));
  EXPECT_FALSE(r.required_bool("b"));
  EXPECT_EQ(r.required_object("o"), nullptr);
  EXPECT_EQ(r.optional_array("a"), nullptr);
  EXPECT_FALSE(r.required_number("n"));
  auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 8u);
  EXPECT_EQ(errors[0].field, "s");
  EXPECT_EQ(errors[0].message, "must be a string, not a number");
  EXPECT_EQ(errors[1].message, "must be an integer, not a string");
  EXPECT_EQ(errors[2].field, "f");
  EXPECT_EQ(errors[4].message, "must be a boolean, not a string");
  EXPECT_EQ(errors[5].message, "must be an object, not an array");
}

TEST(JsonReader, RejectsUnknownFields) {
  auto body = parse_json_strict(R"({"name":"x","nmae":"y","extra":1})").as_object();
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"name", "price"});
  auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "nmae");
  EXPECT_EQ(errors[0].message, "is not a known field");
  EXPECT_EQ(errors[1].field, "extra");
}

TEST(JsonReader, NestedReadersReportFullPaths) {
  auto body = parse_json_strict(R"({"items":[{"qty":1},{"qty":"x","zz":0}]})").as_object();
  Validator v;
  JsonReader r(body, v);
  const auto* items = r.required_array("items");
  ASSERT_NE(items, nullptr);
  for (std::size_t i = 0; i < items->size(); ++i) {
    JsonReader item((*items)[i].as_object(), v, r.element("items", i));
    item.reject_unknown({"qty"});
    item.required_int("qty");
  }
  auto errors = errors_of(v);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, "items[1].zz");
  EXPECT_EQ(errors[1].field, "items[1].qty");
  JsonReader nested(body, v, "address");
  EXPECT_EQ(nested.field("city"), "address.city");
}

TEST(JsonNullable, AnAbsentValueIsWrittenAsNull) {
  EXPECT_TRUE(nullable(std::nullopt).is_null());
  EXPECT_EQ(nullable(std::optional<std::string>("Ring twice")), boost::json::value("Ring twice"));
  EXPECT_EQ(nullable(std::optional<std::string>("")), boost::json::value(""));
}

// PostgreSQL text cannot hold U+0000: a body carrying it must be refused by the reader (a 422
// naming the member), not reach a query and come back as a 500.
std::string nul_field(std::string_view text) {
  try {
    parse_json_strict(text);
  } catch (const ValidationError& e) {
    return e.errors().empty() ? "<no field>" : e.errors().front().field;
  } catch (const BadRequest&) {
    return "<bad request>";
  }
  return "<no error>";
}

TEST(ParseJsonStrict, RefusesNulInStringsAndNamesTheMember) {
  EXPECT_EQ(nul_field(R"({"email":"a@b.c","password":"x\u0000y"})"), "password");
  EXPECT_EQ(nul_field(R"({"email":"\u0000"})"), "email");
  EXPECT_EQ(nul_field(R"({"items":[{"note":"ok"},"\u0000"]})"), "items");
  EXPECT_EQ(nul_field(R"({"a":{"b":"c"},"d":["x\u0000"]})"), "d");
  EXPECT_EQ(nul_field(R"("\u0000")"), "body");
  EXPECT_EQ(nul_field(std::string("{\"a\":\"x") + '\0' + "\"}"), "<bad request>");  // raw NUL: not JSON at all
  EXPECT_EQ(nul_field(R"({"k\u0000":1})"), "<bad request>");
  EXPECT_NO_THROW(parse_json_strict(R"({"a":"\u0001 is fine here"})"));
}

}  // namespace
}  // namespace nelo
