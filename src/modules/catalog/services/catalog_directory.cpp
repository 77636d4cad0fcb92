#include "modules/catalog/services/catalog_directory.hpp"

#include <algorithm>

#include "core/uuid.hpp"
#include "modules/catalog/repositories/merchant_repository.hpp"
#include "modules/catalog/repositories/product_repository.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

MerchantDto to_dto(Merchant&& m) {
  MerchantDto dto;
  dto.id = std::move(m.id);
  dto.owner_id = std::move(m.owner_id);
  dto.name = std::move(m.name);
  dto.phone = std::move(m.phone);
  dto.address = std::move(m.address);
  dto.lat = m.lat;
  dto.lng = m.lng;
  dto.time_zone = std::move(m.time_zone);
  dto.prep_time_minutes = m.prep_time_minutes;
  dto.min_order = std::move(m.min_order);
  dto.delivery_radius_m = m.delivery_radius_m;
  dto.open = m.open_now;
  return dto;
}

ProductDto to_dto(Product&& p) {
  ProductDto dto;
  dto.id = std::move(p.id);
  dto.merchant_id = std::move(p.merchant_id);
  dto.name = std::move(p.name);
  dto.description = std::move(p.description);
  dto.price = std::move(p.price);
  dto.available = p.available;
  dto.category = std::move(p.category);
  return dto;
}

// The well-formed ids, lower-cased (the form the database returns) and without duplicates.
std::vector<std::string> usable_ids(std::vector<std::string> ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    if (auto canonical = canonical_uuid(id)) out.push_back(std::move(*canonical));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

asio::awaitable<std::optional<MerchantDto>> CatalogDirectory::get_merchant(std::string merchant_id, Timestamp at) {
  if (!is_uuid(merchant_id)) co_return std::nullopt;
  auto merchant = co_await merchants_.find(merchant_id, at);
  if (!merchant) co_return std::nullopt;
  co_return to_dto(std::move(*merchant));
}

asio::awaitable<std::vector<ProductDto>> CatalogDirectory::get_products(std::string merchant_id,
                                                                        std::vector<std::string> product_ids) {
  std::vector<ProductDto> out;
  if (!is_uuid(merchant_id)) co_return out;
  const std::vector<std::string> ids = usable_ids(std::move(product_ids));
  if (ids.empty()) co_return out;
  auto products = co_await products_.find_many(merchant_id, ids);
  out.reserve(products.size());
  for (auto& p : products) out.push_back(to_dto(std::move(p)));
  co_return out;
}

}  // namespace nelo::catalog
