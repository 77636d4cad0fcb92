// Only a module's api/ layer knows HTTP (status codes, headers, bodies, stored responses): its
// services, repositories and models speak in domain results and typed errors (core/errors.hpp),
// which the one problem mapper renders. module.cpp, the module's entry point, may include the
// router to register the api layer's routes, and nothing else of HTTP.

#include <gtest/gtest.h>

#include <regex>

#include "architecture/scan.hpp"

namespace nelo::arch {
namespace {

bool in_api_layer(const fs::path& file) {
  for (const auto& part : file) {
    if (part == "api") return true;
  }
  return false;
}

bool is_entry_point(const fs::path& file) {
  return file.filename() == "module.cpp" || file.filename() == "module.hpp";
}

// What a file outside api/ must not contain: HTTP headers included, HTTP types named. `file` lies
// under src/modules/<module>/.
std::vector<Violation> http_violations(const fs::path& file, std::string_view text) {
  std::vector<Violation> out;
  if (in_api_layer(file)) return out;
  const std::string code = lex_cpp(text).code;
  static const std::regex kInclude(R"re(#\s*include\s*[<"]([^">]+)[">])re");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kInclude); it != std::sregex_iterator(); ++it) {
    const std::string header = (*it)[1];
    const bool http = header.starts_with("core/http/") || header.starts_with("boost/beast") ||
                      header == "shared/idempotency/optional_key.hpp" ||
                      header == "shared/idempotency/keyed_request.hpp";
    if (!http) continue;
    if (is_entry_point(file) && header == "core/http/router.hpp") continue;
    out.push_back({file.string(), line_of(code, static_cast<std::size_t>(it->position())), "includes " + header});
  }
  if (is_entry_point(file)) return out;
  static const std::regex kName(R"re(\b(http::\w+|StoredResponse|Renderings|problem_response)\b)re");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kName); it != std::sregex_iterator(); ++it) {
    out.push_back({file.string(), line_of(code, static_cast<std::size_t>(it->position())), "names " + it->str()});
  }
  return out;
}

TEST(ServicesKnowNoHttp, OnlyTheApiLayerOfAModuleKnowsHttp) {
  std::size_t scanned = 0;
  std::vector<Violation> violations;
  for (const auto& module : kModules) {
    for (const auto& file : files_under(modules_root() / module, is_cpp_source)) {
      ++scanned;
      auto found = http_violations(file, read_file(file));
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GE(scanned, kModules.size());
  EXPECT_TRUE(violations.empty()) << "HTTP outside a module's api/ layer:\n" << describe(violations);
}

TEST(ServicesKnowNoHttp, SelfCheck_CatchesHttpInServicesAndRepositories) {
  const fs::path service = "/repo/src/modules/orders/services/order_placement.hpp";
  const fs::path repository = "/repo/src/modules/users/repositories/address_repository.cpp";
  auto count = [](const fs::path& file, const std::string& text) { return http_violations(file, text).size(); };

  EXPECT_EQ(count(service, "#include \"core/http/response.hpp\"\n"), 1u);
  EXPECT_EQ(count(service, "#include <boost/beast/http.hpp>\n"), 1u);
  EXPECT_EQ(count(service, "#include \"shared/idempotency/optional_key.hpp\"\n"), 1u);
  EXPECT_EQ(count(service, "struct R { std::function<idempotency::StoredResponse(const Order&)> created; };\n"), 1u);
  EXPECT_EQ(count(repository, "http::Response r;\n"), 1u);
  EXPECT_EQ(count(service, "auto r = http::problem_response(e, path, id);\n"), 1u);
  auto v = http_violations(service, "\n\n#include \"core/http/request.hpp\"\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
}

TEST(ServicesKnowNoHttp, SelfCheck_AllowsTheApiLayerTheEntryPointsRouterAndComments) {
  auto count = [](const fs::path& file, const std::string& text) { return http_violations(file, text).size(); };
  EXPECT_EQ(count("/repo/src/modules/orders/api/v1/routes.cpp",
                  "#include \"core/http/router.hpp\"\nhttp::Response r; idempotency::StoredResponse s;\n"),
            0u);
  EXPECT_EQ(count("/repo/src/modules/orders/module.cpp", "#include \"core/http/router.hpp\"\nhttp::Router& r;\n"), 0u);
  EXPECT_EQ(count("/repo/src/modules/orders/module.cpp", "#include \"core/http/response.hpp\"\n"), 1u);
  EXPECT_EQ(count("/repo/src/modules/orders/services/x.cpp", "// the api layer renders an http::Response\nint x;\n"),
            0u);
}

}  // namespace
}  // namespace nelo::arch
