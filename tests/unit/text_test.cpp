// core/text.hpp: the free-text rules every module's request schemas apply (what a name, an
// address line or a note may hold), and E.164 phone numbers.

#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nelo {
namespace {

TEST(TextPhone, AcceptsE164) {
  for (const char* phone : {"+33612345678", "+12", "+123456789012345", "+441632960961"}) {
    EXPECT_TRUE(is_e164_phone(phone)) << phone;
  }
}

TEST(TextPhone, RejectsEverythingElse) {
  for (const char* phone : {"", "+", "+1", "33612345678", "+0612345678", "+33 6 12 34 56 78", "+33-612345678",
                            "+1234567890123456", "++33612345678", "+33612345678 ", "+3361234567a", "tel:+336"}) {
    EXPECT_FALSE(is_e164_phone(phone)) << phone;
  }
}

TEST(Text, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("Élodie"), 6u);
  EXPECT_EQ(utf8_length("東京"), 2u);
  EXPECT_EQ(utf8_length("🚲"), 1u);
  EXPECT_EQ(utf8_length("a\xF0\x9F\x94\x91" "b"), 3u);
  EXPECT_FALSE(text_problem(std::string(50, 'x'), 50));
  EXPECT_EQ(text_problem(std::string(51, 'x'), 50), "must be at most 50 characters");
  std::string accents;
  for (int i = 0; i < 50; ++i) accents += "é";  // 100 bytes, 50 characters
  EXPECT_FALSE(text_problem(accents, 50));
  EXPECT_FALSE(length_problem(accents, 50));
  EXPECT_EQ(length_problem(accents + "é", 50), "must be at most 50 characters");
}

TEST(Text, TrimsSpacesTabsAndLineBreaksOnly) {
  EXPECT_EQ(trimmed("  a b \t\r\n"), "a b");
  EXPECT_EQ(trimmed("\n\t "), "");
  EXPECT_EQ(trimmed(""), "");
  EXPECT_EQ(trimmed("\xc2\xa0" "a"), "\xc2\xa0" "a");  // U+00A0 is text
  // A view into its argument, not a copy.
  const std::string header = " t=1, v1=ab ";
  EXPECT_EQ(trimmed(header).data(), header.data() + 1);
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\r\n"));
  EXPECT_FALSE(is_blank(" . "));
}

TEST(Text, RefusesBlankAndControlCharacters) {
  EXPECT_EQ(text_problem("", 10), "must not be blank");
  EXPECT_EQ(text_problem("   ", 10), "must not be blank");
  EXPECT_EQ(text_problem("a\tb", 10), "must not contain control characters");
  EXPECT_TRUE(text_problem("a\nb", 10));
  EXPECT_TRUE(text_problem(std::string("a\0b", 3), 10));
  EXPECT_TRUE(text_problem("a\x7f", 10));
  EXPECT_TRUE(text_problem("a\xc2\x85", 10));  // U+0085 NEL
  EXPECT_FALSE(text_problem("a\xc2\xa0" "b", 10));  // U+00A0 no-break space is text
  EXPECT_FALSE(text_problem("Code 1234\nFloor 3\r\nLeft", 50, TextKind::MultiLine));
  EXPECT_TRUE(text_problem("a\rb", 10, TextKind::MultiLine));
  EXPECT_EQ(text_problem("\n\n", 10, TextKind::MultiLine), "must not be blank");
  // Control characters are reported before length.
  EXPECT_EQ(text_problem(std::string(20, 'x') + "\x01", 10), "must not contain control characters");
}

TEST(Text, EachKindAllowsItsOwnControlCharacters) {
  EXPECT_TRUE(has_control_characters("a\tb", TextKind::SingleLine));
  EXPECT_TRUE(has_control_characters("a\tb", TextKind::MultiLine));
  EXPECT_FALSE(has_control_characters("a\tb", TextKind::MultiLineWithTabs));
  EXPECT_TRUE(has_control_characters("a\nb", TextKind::SingleLine));
  EXPECT_FALSE(has_control_characters("a\r\nb", TextKind::MultiLine));
  EXPECT_FALSE(has_control_characters("a\r\n\tb", TextKind::MultiLineWithTabs));
  for (TextKind kind : {TextKind::SingleLine, TextKind::MultiLine, TextKind::MultiLineWithTabs}) {
    EXPECT_TRUE(has_control_characters("a\rb", kind));  // a lone CR is no line break
    EXPECT_TRUE(has_control_characters("a\x7f", kind));
    EXPECT_TRUE(has_control_characters("a\xc2\x9f", kind));  // U+009F, the last C1 control
    EXPECT_TRUE(has_control_characters(std::string("a\0", 2), kind));
    EXPECT_FALSE(has_control_characters("Élodie \xc2\xa0 東京 🚲", kind));
  }
}

}  // namespace
}  // namespace nelo
