#include "support/problem_checks.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace nelo::test {

void expect_problem(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json") << r.body;
  const boost::json::value body = r.json();
  const auto* object = body.if_object();
  ASSERT_NE(object, nullptr) << r.body;
  const auto* repeated = object->if_contains("status");
  EXPECT_TRUE(repeated && repeated->is_int64() && repeated->as_int64() == status) << r.body;
  EXPECT_TRUE(object->contains("type")) << r.body;
  EXPECT_TRUE(object->contains("title")) << r.body;
}

std::vector<std::string> error_fields(const HttpResponse& r) {
  std::vector<std::string> fields;
  const boost::json::value body = r.json();
  if (const auto* errors = body.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) fields.emplace_back(e.at("field").as_string());
  }
  return fields;
}

}  // namespace nelo::test
