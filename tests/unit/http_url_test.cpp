// parse_http_url: the one reading of the plain http:// URLs nelo's HTTP clients are given.

#include <gtest/gtest.h>

#include "core/http_url.hpp"

namespace nelo {
namespace {

TEST(HttpUrl, ReadsHostPortPathAndQuery_PortEightyAndNoPathWhenNoneIsNamed) {
  struct Case {
    const char* text;
    const char* host;
    const char* port;
    const char* path;
    bool has_query;
    const char* query;
  };
  for (const Case& c : {Case{"http://gateway:8080/api/v1/payments/webhooks/sandbox?attempt=2", "gateway", "8080",
                             "/api/v1/payments/webhooks/sandbox", true, "attempt=2"},
                        Case{"http://127.0.0.1", "127.0.0.1", "80", "", false, ""}}) {
    auto url = parse_http_url(c.text);
    ASSERT_TRUE(url) << c.text;
    EXPECT_EQ(url->host, c.host) << c.text;
    EXPECT_EQ(url->port, c.port) << c.text;
    EXPECT_EQ(url->path, c.path) << c.text;
    EXPECT_EQ(url->has_query, c.has_query) << c.text;
    EXPECT_EQ(url->query, c.query) << c.text;
    EXPECT_FALSE(url->has_fragment) << c.text;
  }
}

TEST(HttpUrl, KeepsThePathPercentEncodedAndSaysWhetherAFragmentFollows) {
  auto url = parse_http_url("http://h/a%20b#top");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->path, "/a%20b");
  EXPECT_TRUE(url->has_fragment);
}

TEST(HttpUrl, RefusesOtherSchemesUrlsWithoutHostAndNonUrls) {
  for (const char* text : {"https://example.com", "ftp://example.com", "http://", "http:///path", "example.com:80",
                           "/api/v1", "", "http://exa mple.com"}) {
    EXPECT_FALSE(parse_http_url(text)) << text;
  }
}

}  // namespace
}  // namespace nelo
