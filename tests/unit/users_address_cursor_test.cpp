#include <gtest/gtest.h>

#include "modules/users/api/v1/address_cursor.hpp"

namespace nelo::users {
namespace {

AddressKey key(std::int64_t micros, std::string id) {
  AddressKey k;
  k.created_at = Timestamp(std::chrono::microseconds(micros));
  k.id = std::move(id);
  return k;
}

TEST(UsersAddressCursor, RoundTrips) {
  for (const AddressKey& k : {key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"),
                              key(0, "00000000-0000-0000-0000-000000000000"),
                              key(-5, "ffffffff-ffff-ffff-ffff-ffffffffffff")}) {
    const auto text = encode_address_cursor(k);
    auto back = decode_address_cursor(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, k);
  }
}

TEST(UsersAddressCursor, IsUrlSafe) {
  const auto text = encode_address_cursor(key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"));
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << text;
}

TEST(UsersAddressCursor, RejectsGarbage) {
  for (const char* text : {"", "!!!!", "a", "abcd", "====", "YTEuMTIzLm5vdC1hLXV1aWQ", "YTIuMS4w"}) {
    EXPECT_FALSE(decode_address_cursor(text).has_value()) << text;
  }
  EXPECT_FALSE(decode_address_cursor(std::string(200, 'A')).has_value());
}

TEST(UsersAddressCursor, RejectsTampering) {
  const auto valid = encode_address_cursor(key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"));
  for (std::size_t i = 0; i < valid.size(); ++i) {
    auto tampered = valid;
    tampered[i] = '!';
    EXPECT_FALSE(decode_address_cursor(tampered).has_value()) << tampered;
  }
}

}  // namespace
}  // namespace nelo::users
