#pragma once
// The catalog module's in-process implementation of CatalogInterface (what other modules, orders
// first, may ask): merchants with "open at" evaluated at the instant asked for, and products at
// their current price. Deleted products are never returned.

#include "shared/interfaces/catalog_interface.hpp"

namespace nelo::catalog {

class MerchantRepository;
class ProductRepository;

class CatalogDirectory final : public CatalogInterface {
 public:
  CatalogDirectory(MerchantRepository& merchants, ProductRepository& products)
      : merchants_(merchants), products_(products) {}

  boost::asio::awaitable<std::optional<MerchantDto>> get_merchant(std::string merchant_id, Timestamp at) override;
  boost::asio::awaitable<std::vector<ProductDto>> get_products(std::string merchant_id,
                                                               std::vector<std::string> product_ids) override;

 private:
  MerchantRepository& merchants_;
  ProductRepository& products_;
};

}  // namespace nelo::catalog
