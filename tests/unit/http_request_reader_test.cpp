#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/http/request_reader.hpp"

namespace nelo::http::detail {
namespace {

Request with_target(std::string target) {
  Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

TEST(RequestReader, ParsesAnOriginFormTarget) {
  Request r = with_target("/api/v1/catalog/merchants/a%2Fb?q=caf%C3%A9&limit=20&q=2");
  std::string_view encoded_path;
  ASSERT_TRUE(parse_target(r, encoded_path));
  EXPECT_EQ(encoded_path, "/api/v1/catalog/merchants/a%2Fb");
  EXPECT_EQ(r.path, "/api/v1/catalog/merchants/a/b");
  ASSERT_EQ(r.query_params.size(), 3u);
  EXPECT_EQ(r.query_params[0], (std::pair<std::string, std::string>{"q", "caf\xC3\xA9"}));
  EXPECT_EQ(r.query("limit"), "20");
}

TEST(RequestReader, ParsesAnAbsoluteFormTarget) {
  Request r = with_target("http://example.com/health/live?x=1");
  std::string_view encoded_path;
  ASSERT_TRUE(parse_target(r, encoded_path));
  EXPECT_EQ(encoded_path, "/health/live");
  EXPECT_EQ(r.query("x"), "1");
  Request bare = with_target("http://example.com");
  ASSERT_TRUE(parse_target(bare, encoded_path));
  EXPECT_EQ(encoded_path, "/");
  EXPECT_EQ(bare.path, "/");
}

TEST(RequestReader, RefusesATargetThatIsNotAUri) {
  std::string_view encoded_path;
  for (const char* bad : {"/a b", "/%ZZ", "a:\x81", "htTp:\x81", "/caf\xC3\xA9", "/x\x7f", "/x\ty", "t:?", "a:b",
                          "http:/x", "http:x?q=1", "*", ""}) {
    Request r = with_target(bad);
    EXPECT_FALSE(parse_target(r, encoded_path)) << bad;
  }
}

TEST(RequestReader, JoinsEveryForwardedForHeaderInOrder) {
  Request r;
  EXPECT_FALSE(forwarded_for(r));
  r.headers = {{"x-forwarded-for", "203.0.113.7, 10.0.0.2"}, {"accept", "*/*"}, {"x-forwarded-for", "10.0.0.1"}};
  EXPECT_EQ(forwarded_for(r), "203.0.113.7, 10.0.0.2,10.0.0.1");
}

}  // namespace
}  // namespace nelo::http::detail
