#pragma once
// Who may manage a merchant and its products, and the 404s that hide what a caller may not touch.

#include <string>

#include "modules/catalog/models.hpp"

namespace nelo::catalog {

// The owner, or any admin.
inline bool may_manage(const Actor& actor, const std::string& owner_id) {
  return actor.is_admin || actor.user_id == owner_id;
}

// Another merchant's shop answers like a missing one (docs/api/README.md: ids cannot be probed).
[[noreturn]] void merchant_not_found(const std::string& merchant_id);
// For writes: a merchant that exists but is not the caller's gets the same status as a missing one.
[[noreturn]] void merchant_not_managed(const std::string& merchant_id);
[[noreturn]] void product_not_found(const std::string& product_id);

}  // namespace nelo::catalog
