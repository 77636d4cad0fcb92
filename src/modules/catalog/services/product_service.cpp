#include "modules/catalog/services/product_service.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/catalog/repositories/merchant_repository.hpp"
#include "modules/catalog/repositories/product_repository.hpp"
#include "modules/catalog/services/access.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

void require_merchant_currency(const Money& price, const MerchantRef& merchant) {
  if (price.currency != merchant.currency) {
    throw ValidationError("price.currency", "must be the merchant's currency, " + merchant.currency);
  }
}

void apply(Product& p, const ProductPatch& patch) {
  if (patch.name) p.name = *patch.name;
  if (patch.description) p.description = *patch.description;
  if (patch.price) p.price = *patch.price;
  if (patch.available) p.available = *patch.available;
  if (patch.category) p.category = *patch.category;
}

}  // namespace

asio::awaitable<ProductPage> ProductService::list(std::string merchant_id, std::optional<std::string> category,
                                                  std::optional<std::string> after, std::size_t limit) {
  if (!is_uuid(merchant_id)) merchant_not_found(merchant_id);
  const bool merchant_exists = co_await merchants_.exists(merchant_id);
  if (!merchant_exists) merchant_not_found(merchant_id);
  ProductPage page;
  // One more than asked tells whether another page follows.
  page.items = co_await products_.list(merchant_id, category, after, limit + 1);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_after = page.items.back().id;
  }
  co_return page;
}

asio::awaitable<Product> ProductService::get(std::string merchant_id, std::string product_id) {
  std::optional<Product> product;
  if (is_uuid(merchant_id) && is_uuid(product_id)) product = co_await products_.find(merchant_id, product_id);
  if (!product) product_not_found(product_id);
  co_return std::move(*product);
}

asio::awaitable<Product> ProductService::create(const Actor& actor, std::string merchant_id, const NewProduct& product,
                                                db::CommitStep<Product> commit) {
  if (!is_uuid(merchant_id)) merchant_not_managed(merchant_id);
  auto tx = co_await db_.begin();
  const auto merchant = co_await merchants_.find_ref_for_share(tx, merchant_id);
  if (!merchant || !may_manage(actor, merchant->owner_id)) merchant_not_managed(merchant_id);
  require_merchant_currency(product.price, *merchant);
  auto created = co_await products_.insert(tx, new_uuid_v7(), merchant_id, product);
  co_await db::finish(tx, created, commit);
  co_return created;
}

asio::awaitable<Product> ProductService::update(const Actor& actor, std::string merchant_id, std::string product_id,
                                                const ProductPatch& patch) {
  if (!is_uuid(merchant_id)) merchant_not_managed(merchant_id);
  if (!is_uuid(product_id)) product_not_found(product_id);
  auto tx = co_await db_.begin();
  const auto merchant = co_await merchants_.find_ref_for_share(tx, merchant_id);
  if (!merchant || !may_manage(actor, merchant->owner_id)) merchant_not_managed(merchant_id);
  auto current = co_await products_.find_for_update(tx, merchant_id, product_id);
  if (!current) product_not_found(product_id);
  if (patch.price) require_merchant_currency(*patch.price, *merchant);
  Product next = *current;
  apply(next, patch);
  auto updated = co_await products_.update(tx, next);
  co_await tx.commit();
  co_return updated;
}

asio::awaitable<void> ProductService::remove(const Actor& actor, std::string merchant_id, std::string product_id) {
  if (!is_uuid(merchant_id)) merchant_not_managed(merchant_id);
  if (!is_uuid(product_id)) product_not_found(product_id);
  auto tx = co_await db_.begin();
  const auto merchant = co_await merchants_.find_ref_for_share(tx, merchant_id);
  if (!merchant || !may_manage(actor, merchant->owner_id)) merchant_not_managed(merchant_id);
  const bool deleted = co_await products_.soft_delete(tx, merchant_id, product_id);
  if (!deleted) product_not_found(product_id);
  co_await tx.commit();
}

}  // namespace nelo::catalog
