#include "core/uuid.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace nelo {
namespace {

TEST(Uuid, V4_IsCanonicalLowercaseWithVersionAndVariant) {
  for (int i = 0; i < 100; ++i) {
    auto id = new_uuid();
    ASSERT_TRUE(is_uuid(id)) << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    for (char c : id) EXPECT_FALSE(c >= 'A' && c <= 'F') << id;
  }
}

TEST(Uuid, V4_DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(new_uuid()).second);
}

TEST(Uuid, V7_CarriesVersionVariantAndTheCurrentTime) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  auto id = new_uuid_v7();
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '7') << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  long long ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after + 1);  // +1: the counter may borrow the next millisecond
}

TEST(Uuid, V7_IsStrictlyIncreasingEvenWithinOneMillisecond) {
  std::string previous = new_uuid_v7();
  for (int i = 0; i < 20000; ++i) {
    auto next = new_uuid_v7();
    ASSERT_LT(previous, next);
    previous = next;
  }
}

TEST(Uuid, V7_IsUniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& out : made) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 5000; ++i) out.push_back(new_uuid_v7());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 20000u);
}

TEST(Uuid, IsUuid_AcceptsAnyCaseAndRejectsEverythingElse) {
  EXPECT_TRUE(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(is_uuid("123E4567-E89B-12D3-A456-426614174000"));
  for (const char* bad : {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
                          "123e4567-e89b-12d3-a456-4266141740000", "123e4567-e89b-12d3-a456_426614174000",
                          "g23e4567-e89b-12d3-a456-426614174000", "{23e4567-e89b-12d3-a456-426614174000}",
                          "123e4567-e89b-12d3-a456-42661417400 "}) {
    EXPECT_FALSE(is_uuid(bad)) << bad;
  }
}

TEST(Uuid, CanonicalUuid_LowercasesAUuidAndRefusesAnythingElse) {
  EXPECT_EQ(canonical_uuid("123E4567-E89B-12D3-A456-426614174ABC"), "123e4567-e89b-12d3-a456-426614174abc");
  EXPECT_EQ(canonical_uuid("123e4567-e89b-12d3-a456-426614174abc"), "123e4567-e89b-12d3-a456-426614174abc");
  EXPECT_EQ(canonical_uuid("123e4567e89b12d3a456426614174abc"), std::nullopt);
  EXPECT_EQ(canonical_uuid(""), std::nullopt);
}

}  // namespace
}  // namespace nelo
