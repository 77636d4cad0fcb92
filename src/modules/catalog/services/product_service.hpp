#pragma once
// A merchant's products: listed and read by anyone (deleted ones never), created, changed and
// soft-deleted by the merchant's owner or an admin. Every write holds the merchant row (FOR SHARE)
// so that the "priced in the merchant's currency" rule cannot be raced by a currency change.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "modules/catalog/models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::catalog {

class MerchantRepository;
class ProductRepository;

class ProductService {
 public:
  ProductService(db::ModuleDb& db, MerchantRepository& merchants, ProductRepository& products)
      : db_(db), merchants_(merchants), products_(products) {}

  // In creation order, optionally one category. NotFound for an unknown merchant.
  boost::asio::awaitable<ProductPage> list(std::string merchant_id, std::optional<std::string> category,
                                           std::optional<std::string> after, std::size_t limit);

  boost::asio::awaitable<Product> get(std::string merchant_id, std::string product_id);

  // ValidationError when the price is not in the merchant's currency.
  // `commit` ends the creating transaction (default: a plain commit).
  boost::asio::awaitable<Product> create(const Actor& actor, std::string merchant_id, const NewProduct& product,
                                         db::CommitStep<Product> commit = {});

  boost::asio::awaitable<Product> update(const Actor& actor, std::string merchant_id, std::string product_id,
                                         const ProductPatch& patch);

  // Soft delete: the product vanishes from every read; a second delete is a NotFound.
  boost::asio::awaitable<void> remove(const Actor& actor, std::string merchant_id, std::string product_id);

 private:
  db::ModuleDb& db_;
  MerchantRepository& merchants_;
  ProductRepository& products_;
};

}  // namespace nelo::catalog
