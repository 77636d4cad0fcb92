#include <gtest/gtest.h>

#include <stdexcept>

#include "core/http/router.hpp"

namespace nelo::http {
namespace {

Handler noop() {
  return [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
}

Route route(std::string method, std::string path) {
  return Route{std::move(method), std::move(path), Policy::public_access(), noop(), "test", {}, 0};
}

std::vector<std::pair<std::string, std::string>> params(std::initializer_list<std::pair<std::string, std::string>> p) {
  return p;
}

TEST(Router, MatchesLiteralRouteAndReportsIt) {
  Router r;
  r.add(route("GET", "/health/live"));
  auto m = r.match("GET", "/health/live");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/health/live");
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allow.empty());
}

TEST(Router, ExtractsParametersByName) {
  Router r;
  r.add(route("GET", "/api/v1/orders/{order_id}/items/{item_id}"));
  auto m = r.match("GET", "/api/v1/orders/o-1/items/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params, params({{"order_id", "o-1"}, {"item_id", "42"}}));
}

TEST(Router, DecodesParameterValuesButSplitsOnRawSlashesOnly) {
  Router r;
  r.add(route("GET", "/files/{name}"));
  auto m = r.match("GET", "/files/a%20b%2Fc");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params, params({{"name", "a b/c"}}));
  EXPECT_EQ(r.match("GET", "/files/a/b").route, nullptr);
}

TEST(Router, BadPercentEscapeInParameterIsNotFound) {
  Router r;
  r.add(route("GET", "/files/{name}"));
  auto m = r.match("GET", "/files/%zz");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allow.empty());
}

TEST(Router, LiteralSegmentWinsOverParameter) {
  Router r;
  r.add(route("GET", "/orders/{id}"));
  r.add(route("GET", "/orders/mine"));
  auto m = r.match("GET", "/orders/mine");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/orders/mine");
  auto other = r.match("GET", "/orders/123");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(other.route->path, "/orders/{id}");
}

TEST(Router, LiteralWinsRegardlessOfRegistrationOrder) {
  Router r;
  r.add(route("GET", "/orders/mine"));
  r.add(route("GET", "/orders/{id}"));
  EXPECT_EQ(r.match("GET", "/orders/mine").route->path, "/orders/mine");
}

TEST(Router, BacktracksToParameterWhenTheLiteralBranchDeadEnds) {
  Router r;
  r.add(route("GET", "/a/b/c"));
  r.add(route("GET", "/a/{x}/d"));
  auto m = r.match("GET", "/a/b/d");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/a/{x}/d");
  EXPECT_EQ(m.params, params({{"x", "b"}}));
}

TEST(Router, FallsBackToParameterRouteWhenTheLiteralRouteLacksTheMethod) {
  Router r;
  r.add(route("GET", "/orders/{id}"));
  r.add(route("POST", "/orders/search"));
  auto m = r.match("GET", "/orders/search");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/orders/{id}");
  EXPECT_EQ(r.match("POST", "/orders/search").route->path, "/orders/search");
}

TEST(Router, UnknownPathIsNotFoundWithEmptyAllow) {
  Router r;
  r.add(route("GET", "/a"));
  auto m = r.match("GET", "/b");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allow.empty());
}

TEST(Router, OtherMethodGivesAllowListWithoutDuplicates) {
  Router r;
  r.add(route("GET", "/items/{id}"));
  r.add(route("DELETE", "/items/{id}"));
  r.add(route("GET", "/items/special"));
  r.add(route("PATCH", "/items/special"));
  auto m = r.match("POST", "/items/special");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET", "PATCH", "DELETE"}));
}

TEST(Router, HeadIsNotImplicitlyGet) {
  Router r;
  r.add(route("GET", "/a"));
  auto m = r.match("HEAD", "/a");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET"}));
}

TEST(Router, TrailingSlashIsADifferentPath) {
  Router r;
  r.add(route("GET", "/a"));
  r.add(route("GET", "/b/{id}"));
  EXPECT_EQ(r.match("GET", "/a/").route, nullptr);
  EXPECT_TRUE(r.match("GET", "/a/").allow.empty());
  EXPECT_EQ(r.match("GET", "/b/1/").route, nullptr);
  EXPECT_EQ(r.match("GET", "/b/").route, nullptr);  // an empty segment is no parameter value
}

TEST(Router, RootMatchesOnlyRoot) {
  Router r;
  r.add(route("GET", "/"));
  EXPECT_NE(r.match("GET", "/").route, nullptr);
  EXPECT_EQ(r.match("GET", "//").route, nullptr);
  EXPECT_EQ(r.match("GET", "").route, nullptr);
  EXPECT_EQ(r.match("GET", "/x").route, nullptr);
}

TEST(Router, EmptySegmentsNeverMatch) {
  Router r;
  r.add(route("GET", "/a/{x}/b"));
  EXPECT_EQ(r.match("GET", "/a//b").route, nullptr);
  EXPECT_EQ(r.match("GET", "//a/x/b").route, nullptr);
}

TEST(Router, PercentEncodedLiteralSegmentMatches) {
  Router r;
  r.add(route("GET", "/api/orders"));
  EXPECT_NE(r.match("GET", "/api/%6Frders").route, nullptr);
  EXPECT_EQ(r.match("GET", "/api/%6Frder").route, nullptr);
  EXPECT_EQ(r.match("GET", "/api/%6").route, nullptr);
}

TEST(Router, RejectsMalformedTemplates) {
  for (const char* bad : {"", "a", "/a/", "//", "/a//b", "/{id", "/a{id}", "/{id}x", "/{}", "/{1x}", "/{a-b}",
                          "/{id}/{id}", "/a b", "/a?x", "/a#x", "/a/%20", "/./a", "/a/..", "/{x}}"}) {
    Router r;
    EXPECT_THROW(r.add(route("GET", bad)), std::invalid_argument) << bad;
  }
}

TEST(Router, RejectsBadMethodsAndMissingHandlers) {
  Router r;
  EXPECT_THROW(r.add(route("get", "/a")), std::invalid_argument);
  EXPECT_THROW(r.add(route("", "/a")), std::invalid_argument);
  EXPECT_THROW(r.add(route("GE T", "/a")), std::invalid_argument);
  Route no_handler = route("GET", "/a");
  no_handler.handler = nullptr;
  EXPECT_THROW(r.add(no_handler), std::invalid_argument);
  EXPECT_TRUE(r.routes().empty());
}

TEST(Router, RejectsDuplicateMethodAndTemplate) {
  Router r;
  r.add(route("GET", "/a/{id}"));
  EXPECT_THROW(r.add(route("GET", "/a/{id}")), std::invalid_argument);
  EXPECT_THROW(r.add(route("GET", "/a/{other}")), std::invalid_argument);  // same shape is the same route
  EXPECT_NO_THROW(r.add(route("PUT", "/a/{other}")));
  EXPECT_EQ(r.routes().size(), 2u);
}

TEST(Router, SameShapeDifferentNamesPerMethodKeepTheirOwnNames) {
  Router r;
  r.add(route("GET", "/a/{id}"));
  r.add(route("PUT", "/a/{key}"));
  EXPECT_EQ(r.match("GET", "/a/1").params, params({{"id", "1"}}));
  EXPECT_EQ(r.match("PUT", "/a/1").params, params({{"key", "1"}}));
}

TEST(Router, AcceptsRfc3986SubDelimitersInLiterals) {
  Router r;
  EXPECT_NO_THROW(r.add(route("GET", "/a/b.json")));
  EXPECT_NO_THROW(r.add(route("GET", "/a/x:y@z~_-")));
  EXPECT_NE(r.match("GET", "/a/b.json").route, nullptr);
}

TEST(Router, KeepsRoutesInRegistrationOrder) {
  Router r;
  r.add(route("GET", "/b"));
  r.add(route("POST", "/a"));
  ASSERT_EQ(r.routes().size(), 2u);
  EXPECT_EQ(r.routes()[0].path, "/b");
  EXPECT_EQ(r.routes()[1].path, "/a");
}

TEST(Router, ManyRoutesStillResolveToTheRightOne) {
  Router r;
  for (int i = 0; i < 200; ++i) {
    r.add(route("GET", "/api/v1/m" + std::to_string(i) + "/{id}"));
    r.add(route("POST", "/api/v1/m" + std::to_string(i)));
  }
  auto m = r.match("GET", "/api/v1/m137/xyz");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/v1/m137/{id}");
  EXPECT_EQ(m.params, params({{"id", "xyz"}}));
  EXPECT_EQ(r.match("GET", "/api/v1/m137").allow, std::vector<std::string>{"POST"});
}

TEST(Policy, DescribesItself) {
  EXPECT_EQ(Policy::public_access().describe(), "public");
  EXPECT_EQ(Policy::authenticated().describe(), "authenticated");
  EXPECT_EQ(Policy::roles({"admin", "merchant"}).describe(), "roles: admin, merchant");
}

}  // namespace
}  // namespace nelo::http
