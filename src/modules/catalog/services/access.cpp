#include "modules/catalog/services/access.hpp"

#include "core/errors.hpp"
#include "core/uuid.hpp"

namespace nelo::catalog {

// Ids are echoed only when they are well-formed UUIDs (never arbitrary client text).
void merchant_not_found(const std::string& merchant_id) {
  throw NotFound(is_uuid(merchant_id) ? "Merchant " + merchant_id + " does not exist"
                                      : std::string("The merchant does not exist"));
}

void merchant_not_managed(const std::string& merchant_id) {
  throw NotFound(is_uuid(merchant_id) ? "You manage no merchant " + merchant_id
                                      : std::string("You manage no such merchant"));
}

void product_not_found(const std::string& product_id) {
  throw NotFound(is_uuid(product_id) ? "Product " + product_id + " does not exist"
                                     : std::string("The product does not exist"));
}

}  // namespace nelo::catalog
