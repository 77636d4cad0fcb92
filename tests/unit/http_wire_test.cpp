#include <gtest/gtest.h>

#include <set>

#include "core/http/pipeline.hpp"
#include "core/http/request_id.hpp"
#include "core/http/wire.hpp"
#include "core/uuid.hpp"

namespace nelo::http {
namespace {

std::string head_of(const Response& r, HeadOptions o = {"rid", true, false}) {
  std::string out;
  append_response_head(out, r, o);
  return out;
}

TEST(ResponseHead, HasStatusLineFramingAndRequestId) {
  auto r = Response::json(boost::json::object{{"a", 1}}, 201);
  auto head = head_of(r);
  EXPECT_EQ(head.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Request-Id: rid\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(head.find("Server"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(ResponseHead, ConnectionHeaderFollowsKeepAliveAndVersion) {
  Response r;
  EXPECT_NE(head_of(r, {"rid", false, false}).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(head_of(r, {"rid", true, true}).find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHead, NoContentHasNoLengthOrType) {
  auto head = head_of(Response::no_content());
  EXPECT_EQ(head.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(head.find("Content-Type"), std::string::npos);
  EXPECT_FALSE(body_allowed(204));
  EXPECT_FALSE(body_allowed(304));
  EXPECT_FALSE(body_allowed(100));
  EXPECT_TRUE(body_allowed(200));
}

TEST(ResponseHead, HandlerHeadersCannotInjectLinesOrOverrideFraming) {
  Response r;
  r.with_header("X-Good", "yes")
      .with_header("X-Evil", "a\r\nSet-Cookie: stolen=1")
      .with_header("Bad Name", "x")
      .with_header("Content-Length", "999")
      .with_header("connection", "keep-alive")
      .with_header("X-Request-Id", "forged");
  auto head = head_of(r, {"rid", false, false});
  EXPECT_NE(head.find("\r\nX-Good: yes\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(head.find("Bad Name"), std::string::npos);
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("forged"), std::string::npos);
  EXPECT_EQ(head.find("keep-alive"), std::string::npos);
}

TEST(ResponseHead, UnknownStatusHasAnEmptyReason) {
  Response r;
  r.status = 299;
  EXPECT_EQ(head_of(r).rfind("HTTP/1.1 299 \r\n", 0), 0u);
}

TEST(RequestId, AcceptsOnlySafeClientIds) {
  EXPECT_TRUE(is_acceptable_request_id("abc-123_x.Y"));
  EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'a')));
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_acceptable_request_id("a b"));
  EXPECT_FALSE(is_acceptable_request_id("a\"b"));
  EXPECT_FALSE(is_acceptable_request_id("a\nb"));
  EXPECT_FALSE(is_acceptable_request_id("é"));
}

TEST(RequestId, GeneratesDistinctVersion4Uuids) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = generate_request_id();
    ASSERT_TRUE(is_uuid(id)) << id;
    ASSERT_EQ(id[14], '4') << id;
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(BearerToken, ParsesTheSchemeCaseInsensitively) {
  EXPECT_EQ(bearer_token("Bearer abc.def"), "abc.def");
  EXPECT_EQ(bearer_token("bearer   abc "), "abc");
  EXPECT_EQ(bearer_token("BEARER x"), "x");
  EXPECT_EQ(bearer_token("Bearer"), "");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(bearer_token("Bearerabc"), "");
  EXPECT_EQ(bearer_token("Bearer a b"), "");
}

}  // namespace
}  // namespace nelo::http
