// http::Access: what a route acts on, its consistency rules, and how OpenAPI documents it.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/http/openapi.hpp"
#include "core/http/router.hpp"

namespace nelo::http {
namespace {

namespace json = boost::json;

Route route(std::string path, Policy policy, Access access) {
  Route r{"GET", std::move(path), std::move(policy),
          [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; }, "test", {}, 0, std::move(access)};
  r.doc.summary = "x";
  r.doc.responses = {{200, "OK", nullptr}};
  return r;
}

TEST(RouteAccess, DefaultIsUndeclaredAndRefused) {
  Route r{"GET", "/api/v1/x", Policy::authenticated(), {}, "test", {}, 0};
  EXPECT_EQ(r.access.kind(), Access::Kind::Undeclared);
  EXPECT_EQ(access_problems(r).size(), 1u);
}

TEST(RouteAccess, ConsistentDeclarationsPass) {
  EXPECT_TRUE(access_problems(route("/api/v1/users/me", Policy::authenticated(), Access::self())).empty());
  EXPECT_TRUE(access_problems(route("/api/v1/orders/{id}", Policy::roles({"customer"}),
                                    Access::owners_and_admins("order")))
                  .empty());
  EXPECT_TRUE(access_problems(route("/docs/{file}", Policy::public_access(), Access::none())).empty());
  EXPECT_TRUE(access_problems(route("/api/v1/admin/x/{id}", Policy::roles({"admin"}), Access::none())).empty());
  EXPECT_TRUE(
      access_problems(route("/api/v1/catalog/merchants/{id}", Policy::public_access(), Access::anyones("merchant"))).empty());
}

TEST(RouteAccess, InconsistentDeclarationsAreNamed) {
  EXPECT_EQ(access_problems(route("/api/v1/orders/{id}", Policy::authenticated(), Access::self())).size(), 1u);
  EXPECT_EQ(access_problems(route("/api/v1/orders/{id}", Policy::authenticated(), Access::none())).size(), 1u);
  EXPECT_EQ(access_problems(route("/api/v1/orders", Policy::authenticated(), Access::owners("order"))).size(), 1u);
  EXPECT_EQ(access_problems(route("/api/v1/orders/{id}", Policy::authenticated(), Access::owners(""))).size(), 1u);
  EXPECT_EQ(access_problems(route("/api/v1/orders/{id}", Policy::public_access(), Access::owners("order"))).size(), 1u);
}

TEST(RouteAccess, OpenApiDocumentsTheDeclarationAndTheAnswerItImplies) {
  Router router;
  router.add(route("/api/v1/orders/{id}", Policy::roles({"customer"}), Access::owners_and_admins("order")));
  router.add(route("/api/v1/things/{id}", Policy::authenticated(),
                   Access::object("thing", Access::Others::Forbidden, Access::Admins::LikeOthers)));
  router.add(route("/api/v1/users/me", Policy::authenticated(), Access::self()));
  auto doc = build_openapi(router, {"t", "1", ""});
  const auto& order = doc.at("paths").at("/api/v1/orders/{id}").at("get").as_object();
  EXPECT_EQ(order.at("x-access"),
            (json::value{{"scope", "object"}, {"object", "order"}, {"others", 404}, {"admins", "reach_all"}}));
  EXPECT_TRUE(order.at("responses").as_object().contains("404"));
  const auto& thing = doc.at("paths").at("/api/v1/things/{id}").at("get").as_object();
  EXPECT_EQ(thing.at("x-access").at("others"), json::value(403));
  EXPECT_EQ(thing.at("x-access").at("admins"), json::value("like_others"));
  EXPECT_TRUE(thing.at("responses").as_object().contains("403"));
  const auto& me = doc.at("paths").at("/api/v1/users/me").at("get").as_object();
  EXPECT_EQ(me.at("x-access"), (json::value{{"scope", "self"}}));
  EXPECT_FALSE(me.at("responses").as_object().contains("404"));
}

}  // namespace
}  // namespace nelo::http
