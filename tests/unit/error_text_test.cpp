#include <gtest/gtest.h>

#include "core/db/errors.hpp"
#include "core/error_text.hpp"

namespace nelo {
namespace {

TEST(ErrorText, PrefixesDatabaseErrorsWithTheirSqlstate) {
  auto text = error_text(std::make_exception_ptr(db::DatabaseError("42501", "permission denied for schema alpha")));
  EXPECT_EQ(text, "[42501] permission denied for schema alpha");
}

TEST(ErrorText, UsesWhatOfStandardExceptions) {
  EXPECT_EQ(error_text(std::make_exception_ptr(std::runtime_error("boom"))), "boom");
  EXPECT_EQ(error_text(std::make_exception_ptr(std::runtime_error(""))), "exception without message");
  EXPECT_EQ(error_text(std::make_exception_ptr(42)), "non-standard exception");
  EXPECT_EQ(error_text(nullptr), "unknown error");
}

TEST(ErrorText, ReplacesInvalidUtf8AndNul) {
  EXPECT_EQ(sanitize_error_text(std::string("a\0b", 3)), "a?b");
  EXPECT_EQ(sanitize_error_text("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(sanitize_error_text("bad \xff byte"), "bad ? byte");
  EXPECT_EQ(sanitize_error_text("cut \xe2\x82"), "cut ??");                  // truncated sequence
  EXPECT_EQ(sanitize_error_text("overlong \xc0\xaf"), "overlong ??");        // overlong '/'
  EXPECT_EQ(sanitize_error_text("surrogate \xed\xa0\x80"), "surrogate ???");  // U+D800
}

TEST(ErrorText, TruncatesOnACharacterBoundary) {
  const std::string euro = "\xe2\x82\xac";  // 3 bytes
  std::string text;
  for (int i = 0; i < 10; ++i) text += euro;
  EXPECT_EQ(sanitize_error_text(text, 7), euro + euro);  // never half a character
  EXPECT_EQ(sanitize_error_text(std::string(5000, 'x')).size(), kMaxErrorBytes);
}

}  // namespace
}  // namespace nelo
