#pragma once
// Every SQL statement on catalog.products. Deleted products (deleted_at set) are invisible to
// every statement here: they exist only for history.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/catalog/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::catalog {

class ProductRepository {
 public:
  explicit ProductRepository(db::ModuleDb& db) : db_(db) {}

  // --- reads, each one statement in its own transaction; ids must be UUIDs ---

  // The merchant's products in creation order, after the id `after`, optionally of one category,
  // at most `limit`.
  boost::asio::awaitable<std::vector<Product>> list(std::string merchant_id, std::optional<std::string> category,
                                                    std::optional<std::string> after, std::size_t limit);

  boost::asio::awaitable<std::optional<Product>> find(std::string merchant_id, std::string product_id);

  // Those of `product_ids` that belong to the merchant, in one statement.
  boost::asio::awaitable<std::vector<Product>> find_many(std::string merchant_id, std::vector<std::string> product_ids);

  // --- inside a transaction that holds the merchant row (FOR SHARE or FOR UPDATE) ---

  boost::asio::awaitable<Product> insert(db::Transaction& tx, std::string id, std::string merchant_id,
                                         const NewProduct& product);

  boost::asio::awaitable<std::optional<Product>> find_for_update(db::Transaction& tx, std::string merchant_id,
                                                                 std::string product_id);

  // Writes every mutable field of `product` (found by id and merchant) and bumps updated_at.
  boost::asio::awaitable<Product> update(db::Transaction& tx, const Product& product);

  // Marks the product deleted; false when there was no such (live) product.
  boost::asio::awaitable<bool> soft_delete(db::Transaction& tx, std::string merchant_id, std::string product_id);

  // Live products priced in another currency than `currency`.
  boost::asio::awaitable<std::int64_t> count_in_other_currency(db::Transaction& tx, std::string merchant_id,
                                                               std::string currency);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::catalog
