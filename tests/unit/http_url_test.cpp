// parse_http_url: the one reading of the plain http:// URLs nelo's HTTP clients are given.

#include <gtest/gtest.h>

#include "core/http_url.hpp"

namespace nelo {
namespace {

TEST(HttpUrl, ReadsHostPortPathAndQuery) {
  auto url = parse_http_url("http://gateway:8080/api/v1/payments/webhooks/sandbox?attempt=2");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "gateway");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->path, "/api/v1/payments/webhooks/sandbox");
  EXPECT_TRUE(url->has_query);
  EXPECT_EQ(url->query, "attempt=2");
  EXPECT_FALSE(url->has_fragment);
}

TEST(HttpUrl, PortEightyAndNoPathWhenTheUrlNamesNone) {
  auto url = parse_http_url("http://127.0.0.1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->path, "");
  EXPECT_FALSE(url->has_query);
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
