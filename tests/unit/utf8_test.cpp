#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nelo {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const std::string& text : {std::string(), std::string("plain ascii"), std::string("\xC3\xA9t\xC3\xA9"),
                                 std::string("\xE2\x82\xAC 12"), std::string("\xF0\x9F\x8D\x95"),
                                 std::string("nul \0 is ASCII", 14)}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
  }
}

TEST(Utf8, RefusesWhatIsNotText) {
  for (const std::string& text : {std::string("\xFF"), std::string("\xC3\x28"), std::string("\xC0\xAF"),  // overlong '/'
                                 std::string("\xED\xA0\x80"),                                           // a surrogate
                                 std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
                                 std::string("\xE2\x82"),          // truncated
                                 std::string("ok then \x80")}) {
    EXPECT_FALSE(is_valid_utf8(text)) << text;
  }
}

}  // namespace
}  // namespace nelo
