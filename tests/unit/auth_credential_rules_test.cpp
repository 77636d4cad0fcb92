// What users type: e-mail normalisation and syntax, password and name lengths in code points, roles.

#include "modules/auth/services/credential_rules.hpp"

#include <gtest/gtest.h>

namespace nelo::auth {
namespace {

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST(AuthEmail, NormaliseTrimsAndLowerCasesAsciiOnly) {
  EXPECT_EQ(normalize_email("  Ana.Lopez@Example.COM \t\n"), "ana.lopez@example.com");
  EXPECT_EQ(normalize_email("ANA@EXAMPLE.COM"), "ana@example.com");
  EXPECT_EQ(normalize_email(""), "");
  // Non-ASCII bytes are left alone (and then refused by email_problem).
  EXPECT_EQ(normalize_email("\xC3\x89lise@example.com"), "\xC3\x89lise@example.com");
}

TEST(AuthEmail, AcceptsOrdinaryAddresses) {
  for (const char* ok : {"a@b.co", "ana.lopez@example.com", "first+tag@sub.example.org", "o'brien@example.ie",
                         "x_y-z@my-domain.example", "1234@example.com"}) {
    EXPECT_EQ(email_problem(ok), std::nullopt) << ok;
  }
}

TEST(AuthEmail, RefusesWhatIsNotAnAddress) {
  for (const char* bad : {"", "plain", "@example.com", "ana@", "ana@@example.com", "ana@exa@mple.com", "ana@localhost",
                          "ana@example", "ana@10.0.0.1", ".ana@example.com", "ana.@example.com", "an..a@example.com",
                          "ana@-example.com", "ana@example-.com", "ana@exa_mple.com", "ana lopez@example.com",
                          "ana@example..com", "\xC3\xA9@example.com", "ana@example.com\n", "\"ana\"@example.com"}) {
    EXPECT_NE(email_problem(bad), std::nullopt) << bad;
  }
}

TEST(AuthEmail, LengthLimits) {
  EXPECT_EQ(email_problem(repeat("a", 64) + "@example.com"), std::nullopt);
  EXPECT_NE(email_problem(repeat("a", 65) + "@example.com"), std::nullopt);
  std::string long_domain = repeat(repeat("d", 60) + ".", 4) + "com";  // 247 characters
  EXPECT_EQ(email_problem("ab@" + long_domain), std::nullopt);
  EXPECT_EQ(email_problem(repeat("a", 8) + "@" + long_domain).value_or(""), "must be at most 254 characters");
}

TEST(AuthPassword, TwelveToOneHundredTwentyEightCodePoints) {
  EXPECT_EQ(password_problem(repeat("a", 11)).value_or(""), "must be at least 12 characters");
  EXPECT_EQ(password_problem(repeat("a", 12)), std::nullopt);
  EXPECT_EQ(password_problem(repeat("a", 128)), std::nullopt);
  EXPECT_EQ(password_problem(repeat("a", 129)).value_or(""), "must be at most 128 characters");
}

TEST(AuthPassword, MultiByteCharactersCountOnce) {
  const std::string key = "\xF0\x9F\x94\x91";  // 4 bytes, 1 code point
  // 11 emoji are 44 bytes but still too short; 128 are 512 bytes and fine; 129 are too long.
  EXPECT_NE(password_problem(repeat(key, 11)), std::nullopt);
  EXPECT_EQ(password_problem(repeat(key, 12)), std::nullopt);
  EXPECT_EQ(password_problem(repeat(key, 128)), std::nullopt);
  EXPECT_NE(password_problem(repeat(key, 129)), std::nullopt);
  EXPECT_EQ(password_problem(repeat("\xE6\x97\xA5", 12)), std::nullopt);  // 日 x 12
}

TEST(AuthPassword, AnythingGoesInside) {
  EXPECT_EQ(password_problem("            "), std::nullopt) << "spaces only, 12 of them";
  EXPECT_EQ(password_problem(std::string("with\0null byte", 14)), std::nullopt);
  EXPECT_EQ(password_problem("  leading and trailing  "), std::nullopt);
}

TEST(AuthName, TrimmedBoundedAndPrintable) {
  EXPECT_EQ(normalize_name("  Ana L\xC3\xB3pez \t"), "Ana L\xC3\xB3pez");
  EXPECT_EQ(name_problem("Ana"), std::nullopt);
  EXPECT_NE(name_problem(""), std::nullopt);
  EXPECT_EQ(name_problem(repeat("\xC3\xA9", 100)), std::nullopt);
  EXPECT_NE(name_problem(repeat("\xC3\xA9", 101)), std::nullopt);
  EXPECT_NE(name_problem("Ana\nLopez"), std::nullopt);
  EXPECT_NE(name_problem("Ana\x7F"), std::nullopt);
  EXPECT_NE(name_problem("Ana\xC2\x85"), std::nullopt) << "U+0085 is a C1 control";
  EXPECT_EQ(name_problem("Ana \xC2\xA0Lopez"), std::nullopt) << "U+00A0 is printable";
}

TEST(AuthRoles, KnownAndSelfAssignable) {
  for (const char* role : {"customer", "merchant", "driver", "admin"}) EXPECT_TRUE(is_known_role(role)) << role;
  EXPECT_FALSE(is_known_role("root"));
  EXPECT_FALSE(is_known_role("Admin"));
  EXPECT_TRUE(is_self_assignable_role("customer"));
  EXPECT_TRUE(is_self_assignable_role("merchant"));
  EXPECT_TRUE(is_self_assignable_role("driver"));
  EXPECT_FALSE(is_self_assignable_role("admin"));
  EXPECT_EQ(canonical_roles({"driver", "admin", "driver"}), (std::vector<std::string>{"admin", "driver"}));
}

}  // namespace
}  // namespace nelo::auth
