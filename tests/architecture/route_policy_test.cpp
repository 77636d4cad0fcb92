// Every route registered declares who may call it, and public routes are the exception.

#include <gtest/gtest.h>

#include "architecture/routes_check.hpp"

namespace nelo::arch {
namespace {

json::value nelo_routes() {
  auto result = run_nelo("routes --json");
  if (result.exit_code != 0) throw std::runtime_error("`nelo routes --json` exited " + std::to_string(result.exit_code));
  return json::parse(result.out);
}

TEST(RoutePolicy, EveryRouteHasAnExplicitPolicyAndPublicRoutesAreAllowListed) {
  auto routes = nelo_routes();
  ASSERT_TRUE(routes.is_array());
  EXPECT_GE(routes.as_array().size(), kPublicRoutes.size()) << "fewer routes than the platform's own";
  auto problems = route_policy_problems(routes, kPublicRoutes);
  EXPECT_TRUE(problems.empty()) << "route policy problems:\n" << join(problems);
}

TEST(RoutePolicy, RoutesListMatchesTheTableOutput) {
  // `nelo routes` (table) and `--json` come from the same router: same number of routes.
  auto routes = nelo_routes();
  auto table = run_nelo("routes");
  ASSERT_EQ(table.exit_code, 0);
  for (const auto& r : routes.as_array()) {
    const auto& path = r.as_object().at("path").as_string();
    EXPECT_NE(table.out.find(std::string(path)), std::string::npos) << path << " missing from `nelo routes`";
  }
}

TEST(RouteAccess, EveryRouteDeclaresWhatItActsOn) {
  auto routes = nelo_routes();
  auto problems = route_access_problems(routes);
  EXPECT_TRUE(problems.empty()) << "route access problems:\n" << join(problems);
}

TEST(RouteAccess, SelfCheck_CatchesUndeclaredAndInconsistentAccess) {
  auto with = [](const char* path, json::value policy, json::value access) {
    json::object r{{"method", "GET"}, {"path", path}, {"module", "orders"}, {"policy", std::move(policy)}};
    if (!access.is_null()) r["access"] = std::move(access);
    return route_access_problems(json::array{r});
  };
  const json::value customer = {{"kind", "roles"}, {"roles", json::array{"customer"}}};
  const json::value admin = {{"kind", "roles"}, {"roles", json::array{"admin"}}};
  const json::value open = {{"kind", "public"}, {"roles", json::array{}}};
  const json::value order = {{"scope", "object"}, {"object", "order"}, {"others", 404}, {"admins", "reach_all"}};
  EXPECT_TRUE(with("/api/v1/orders/{id}", customer, order).empty());
  EXPECT_TRUE(with("/api/v1/orders", customer, {{"scope", "self"}}).empty());
  EXPECT_TRUE(with("/api/v1/admin/x/{id}", admin, {{"scope", "none"}}).empty());
  EXPECT_EQ(with("/api/v1/orders", customer, nullptr).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders", customer, {{"scope", "undeclared"}}).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders/{id}", customer, {{"scope", "self"}}).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders/{id}", customer, {{"scope", "none"}}).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders", customer, order).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders/{id}", open, order).size(), 1u);
  json::value bad_others = order;
  bad_others.as_object()["others"] = 200;
  EXPECT_EQ(with("/api/v1/orders/{id}", customer, bad_others).size(), 1u);
  EXPECT_EQ(with("/api/v1/orders/{id}", customer, {{"scope", "anything"}}).size(), 1u);
}

json::value route(const char* method, const char* path, json::value policy) {
  return {{"method", method}, {"path", path}, {"module", "orders"}, {"policy", std::move(policy)}};
}

TEST(RoutePolicy, SelfCheck_CatchesMissingBadAndUnlistedPolicies) {
  std::set<std::pair<std::string, std::string>> allow = {{"GET", "/health/live"}};
  json::value ok = json::array{route("GET", "/health/live", {{"kind", "public"}, {"roles", json::array{}}}),
                               route("GET", "/api/v1/orders", {{"kind", "authenticated"}, {"roles", json::array{}}})};
  EXPECT_TRUE(route_policy_problems(ok, allow).empty()) << join(route_policy_problems(ok, allow));

  auto problems_with = [&](json::value extra) {
    json::value routes = ok;
    routes.as_array().push_back(std::move(extra));
    return route_policy_problems(routes, allow);
  };
  EXPECT_EQ(problems_with(json::object{{"method", "GET"}, {"path", "/api/v1/orders/{id}"}, {"module", "orders"}}).size(), 1u);
  EXPECT_EQ(problems_with(route("POST", "/api/v1/orders", {{"kind", "anyone"}})).size(), 1u);
  EXPECT_EQ(problems_with(route("POST", "/api/v1/orders", {{"kind", "roles"}, {"roles", json::array{}}})).size(), 1u);
  EXPECT_EQ(problems_with(route("POST", "/api/v1/orders", {{"kind", "roles"}, {"roles", json::array{"admins"}}})).size(), 1u);
  EXPECT_EQ(problems_with(route("GET", "/api/v1/orders/all", {{"kind", "public"}})).size(), 1u);
  EXPECT_EQ(problems_with(route("GET", "/api/v1/admin/x", {{"kind", "authenticated"}})).size(), 1u);
  EXPECT_TRUE(problems_with(route("GET", "/api/v1/admin/x", {{"kind", "roles"}, {"roles", json::array{"admin"}}})).empty());
  // A stale allow-list entry is reported too.
  allow.insert({"GET", "/gone"});
  EXPECT_EQ(route_policy_problems(ok, allow).size(), 1u);
}

}  // namespace
}  // namespace nelo::arch
