#pragma once
// A field of a partial update (PATCH) that may also be cleared.

#include <optional>

namespace nelo {

// Absent (leave it), null (clear it) or a value. Fields that cannot be cleared are a plain
// std::optional (absent or a value).
template <class T>
using Clearable = std::optional<std::optional<T>>;

}  // namespace nelo
