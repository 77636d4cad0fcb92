#pragma once
// Verifies a bearer access token. The auth module implements it (it owns the signing keys);
// the HTTP layer only depends on this contract.

#include <string_view>

#include "core/security/principal.hpp"

namespace nelo {

class AccessTokenVerifier {
 public:
  virtual ~AccessTokenVerifier() = default;
  // Returns the principal, or throws Unauthorized with a short, non-revealing detail.
  virtual Principal verify(std::string_view token) const = 0;
};

}  // namespace nelo
