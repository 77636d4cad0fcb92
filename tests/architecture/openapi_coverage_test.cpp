// GET /openapi.json describes every route the server serves, and nothing it does not.

#include <gtest/gtest.h>

#include "architecture/routes_check.hpp"

namespace nelo::arch {
namespace {

json::value nelo_json(const std::string& args) {
  auto result = run_nelo(args);
  if (result.exit_code != 0) throw std::runtime_error("`nelo " + args + "` exited " + std::to_string(result.exit_code));
  return json::parse(result.out);
}

TEST(OpenApi, DocumentIs31AndCoversEveryRoute) {
  auto doc = nelo_json("openapi");
  auto routes = nelo_json("routes --json");
  ASSERT_TRUE(routes.is_array());
  ASSERT_FALSE(routes.as_array().empty());
  auto problems = openapi_problems(doc, routes);
  EXPECT_TRUE(problems.empty()) << "OpenAPI problems:\n" << join(problems);
}

TEST(OpenApi, SelfCheck_CatchesMissingRouteSummaryResponseAndVersion) {
  json::value routes = json::array{
      {{"method", "GET"}, {"path", "/a"}, {"module", "platform"}, {"policy", {{"kind", "public"}}}},
      {{"method", "POST"}, {"path", "/b"}, {"module", "orders"}, {"policy", {{"kind", "authenticated"}}}}};
  auto op = [](const char* summary, json::value responses, json::value security) {
    return json::object{{"summary", summary}, {"responses", std::move(responses)}, {"security", std::move(security)}};
  };
  json::value good = {
      {"openapi", "3.1.0"},
      {"info", {{"title", "t"}, {"version", "1"}}},
      {"paths",
       {{"/a", {{"get", op("A", {{"200", {{"description", "OK"}}}}, json::array{})}}},
        {"/b", {{"post", op("B", {{"201", {{"description", "Created"}}}}, json::array{{{"bearerAuth", json::array{}}}})}}}}}};
  EXPECT_TRUE(openapi_problems(good, routes).empty()) << join(openapi_problems(good, routes));

  auto broken = [&](auto mutate) {
    json::value doc = good;
    mutate(doc.as_object());
    return openapi_problems(doc, routes).size();
  };
  EXPECT_EQ(broken([](json::object& d) { d["openapi"] = "3.0.3"; }), 1u);
  EXPECT_EQ(broken([](json::object& d) { d["paths"].as_object().erase("/b"); }), 1u);
  EXPECT_EQ(broken([](json::object& d) { d["paths"].at("/a").at("get").as_object()["summary"] = ""; }), 1u);
  EXPECT_EQ(broken([](json::object& d) { d["paths"].at("/a").at("get").as_object()["responses"] = json::object{{"500", {}}}; }), 1u);
  EXPECT_EQ(broken([](json::object& d) { d["paths"].at("/b").at("post").as_object()["security"] = json::array{}; }), 1u);
  EXPECT_EQ(broken([](json::object& d) { d["paths"].as_object()["/c"] = {{"get", {{"summary", "C"}}}}; }), 1u);
  // The declared access must be documented as x-access.
  json::value declared = routes;
  declared.as_array()[0].as_object()["access"] = {{"scope", "none"}};
  EXPECT_EQ(openapi_problems(good, declared).size(), 1u);
  json::value documented = good;
  documented.at("paths").at("/a").at("get").as_object()["x-access"] = {{"scope", "none"}};
  EXPECT_TRUE(openapi_problems(documented, declared).empty()) << join(openapi_problems(documented, declared));
}

}  // namespace
}  // namespace nelo::arch
