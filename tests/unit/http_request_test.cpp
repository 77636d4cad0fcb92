#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "core/http/protocol_errors.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace nelo::http {
namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = "POST";
  r.path = "/x";
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

TEST(Request, LooksUpHeadersQueryAndParams) {
  Request r;
  r.headers = {{"accept", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  r.query_params = {{"limit", "10"}, {"cursor", ""}};
  r.path_params = {{"id", "42"}};
  r.route_template = "/things/{id}";
  EXPECT_EQ(r.header("accept"), "application/json");
  EXPECT_EQ(r.header("x-a"), "1");
  EXPECT_FALSE(r.header("missing"));
  EXPECT_EQ(r.query("limit"), "10");
  EXPECT_EQ(r.query("cursor"), "");
  EXPECT_FALSE(r.query("other"));
  EXPECT_EQ(r.param("id"), "42");
  EXPECT_THROW(r.param("nope"), std::logic_error);
}

TEST(Request, JsonRequiresJsonContentType) {
  EXPECT_THROW(json_request("{}", "").json(), UnsupportedMediaType);
  EXPECT_THROW(json_request("{}", "text/plain").json(), UnsupportedMediaType);
  EXPECT_THROW(json_request("{}", "application/jsonx").json(), UnsupportedMediaType);
  EXPECT_THROW(json_request("{}", "application/json-patch+json").json(), UnsupportedMediaType);
  EXPECT_NO_THROW(json_request("{}", "Application/JSON; charset=utf-8").json());
  EXPECT_NO_THROW(json_request("{}", " application/json ;charset=UTF-8").json());
}

TEST(Request, JsonRejectsEmptyMalformedDuplicateAndDeepBodies) {
  EXPECT_THROW(json_request("").json(), BadRequest);
  EXPECT_THROW(json_request("{\"a\":").json(), BadRequest);
  EXPECT_THROW(json_request(R"({"a":1,"a":2})").json(), BadRequest);
  auto deep = json_request("[[[[1]]]]");
  deep.json_max_depth = 3;
  EXPECT_THROW(deep.json(), BadRequest);
  deep.json_max_depth = 4;
  EXPECT_NO_THROW(deep.json());
}

TEST(Request, JsonObjectRequiresAnObject) {
  EXPECT_EQ(json_request(R"({"a":1})").json_object().at("a").as_int64(), 1);
  try {
    json_request("[1]").json_object();
    FAIL() << "expected a ValidationError";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "body");
  }
}

TEST(Request, UserThrowsUnauthorizedWithoutPrincipal) {
  Request r;
  EXPECT_THROW(r.user(), Unauthorized);
  r.principal = Principal{"u-1", {"customer"}, "jti", ""};
  EXPECT_EQ(r.user().user_id, "u-1");
}

TEST(Request, IsJsonContentType) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("APPLICATION/JSON;charset=utf-8"));
  EXPECT_FALSE(is_json_content_type(""));
  EXPECT_FALSE(is_json_content_type("application/problem+json"));
  EXPECT_FALSE(is_json_content_type("text/json"));
}

TEST(Response, Helpers) {
  auto j = Response::json(boost::json::object{{"a", 1}}, 201);
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(j.body, R"({"a":1})");
  auto t = Response::text("hi");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "hi");
  auto n = Response::no_content();
  EXPECT_EQ(n.status, 204);
  EXPECT_TRUE(n.body.empty());
  EXPECT_TRUE(n.content_type.empty());
  n.with_header("X-A", "1");
  ASSERT_EQ(n.headers.size(), 1u);
}

}  // namespace
}  // namespace nelo::http
