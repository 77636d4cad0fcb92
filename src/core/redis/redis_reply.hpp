#pragma once
// One Redis reply (RESP2), copied out of hiredis so that no header but the client's sees it.

#include <cstdint>
#include <string>
#include <vector>

namespace nelo::redis {

struct Reply {
  enum class Type { Nil, Integer, String, Status, Error, Array };

  Type type = Type::Nil;
  std::int64_t integer = 0;  // Integer
  std::string text;          // String, Status, Error
  std::vector<Reply> elements;  // Array

  bool is_nil() const noexcept { return type == Type::Nil; }
  bool is_error() const noexcept { return type == Type::Error; }
};

}  // namespace nelo::redis
