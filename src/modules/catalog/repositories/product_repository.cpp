#include "modules/catalog/repositories/product_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

#define NELO_CATALOG_PRODUCT_COLUMNS \
  "id, merchant_id, name, description, price_amount, currency, available, category, created_at, updated_at"

constexpr std::string_view kList =
    "SELECT " NELO_CATALOG_PRODUCT_COLUMNS
    " FROM catalog.products"
    " WHERE merchant_id = $1 AND deleted_at IS NULL"
    "   AND ($2::text IS NULL OR category = $2::text)"
    "   AND ($3::uuid IS NULL OR id > $3::uuid)"
    " ORDER BY id"
    " LIMIT $4";

constexpr std::string_view kSelectOne =
    "SELECT " NELO_CATALOG_PRODUCT_COLUMNS
    " FROM catalog.products"
    " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL";

constexpr std::string_view kSelectOneForUpdate =
    "SELECT " NELO_CATALOG_PRODUCT_COLUMNS
    " FROM catalog.products"
    " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL"
    " FOR UPDATE";

// One statement whatever the number of ids (what an order with many lines needs).
constexpr std::string_view kSelectMany =
    "SELECT " NELO_CATALOG_PRODUCT_COLUMNS
    " FROM catalog.products"
    " WHERE merchant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL";

constexpr std::string_view kInsert =
    "INSERT INTO catalog.products (id, merchant_id, name, description, price_amount, currency, available, category)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " RETURNING " NELO_CATALOG_PRODUCT_COLUMNS;

constexpr std::string_view kUpdate =
    "UPDATE catalog.products"
    " SET name = $3, description = $4, price_amount = $5, currency = $6, available = $7, category = $8,"
    "     updated_at = now()"
    " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL"
    " RETURNING " NELO_CATALOG_PRODUCT_COLUMNS;

constexpr std::string_view kSoftDelete =
    "UPDATE catalog.products SET deleted_at = now(), updated_at = now()"
    " WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL";

constexpr std::string_view kCountInOtherCurrency =
    "SELECT count(*) AS count FROM catalog.products"
    " WHERE merchant_id = $1 AND deleted_at IS NULL AND currency <> $2";

#undef NELO_CATALOG_PRODUCT_COLUMNS

Product read_product(const db::Row& row) {
  Product p;
  p.id = row.get<std::string>("id");
  p.merchant_id = row.get<std::string>("merchant_id");
  p.name = row.get<std::string>("name");
  p.description = row.get<std::optional<std::string>>("description");
  p.price.amount = row.get<std::int64_t>("price_amount");
  p.price.currency = row.get<std::string>("currency");
  p.available = row.get<bool>("available");
  p.category = row.get<std::optional<std::string>>("category");
  p.created_at = row.get<Timestamp>("created_at");
  p.updated_at = row.get<Timestamp>("updated_at");
  return p;
}

std::vector<Product> read_products(const db::Result& result) {
  std::vector<Product> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) items.push_back(read_product(row));
  return items;
}

}  // namespace

asio::awaitable<std::vector<Product>> ProductRepository::list(std::string merchant_id,
                                                              std::optional<std::string> category,
                                                              std::optional<std::string> after, std::size_t limit) {
  auto result = co_await db_.execute(kList, db::params(merchant_id, category, after, limit));
  co_return read_products(result);
}

asio::awaitable<std::optional<Product>> ProductRepository::find(std::string merchant_id, std::string product_id) {
  auto result = co_await db_.execute_pipelined(kSelectOne, db::params(product_id, merchant_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_product(result.front());
}

asio::awaitable<std::vector<Product>> ProductRepository::find_many(std::string merchant_id,
                                                                   std::vector<std::string> product_ids) {
  auto result = co_await db_.execute_pipelined(kSelectMany, db::params(merchant_id, product_ids));
  co_return read_products(result);
}

asio::awaitable<Product> ProductRepository::insert(db::Transaction& tx, std::string id, std::string merchant_id,
                                                   const NewProduct& p) {
  db::Params values =
      db::params(id, merchant_id, p.name, p.description, p.price.amount, p.price.currency, p.available, p.category);
  auto result = co_await tx.execute(kInsert, values);
  co_return read_product(result.front());
}

asio::awaitable<std::optional<Product>> ProductRepository::find_for_update(db::Transaction& tx,
                                                                          std::string merchant_id,
                                                                          std::string product_id) {
  auto result = co_await tx.execute(kSelectOneForUpdate, db::params(product_id, merchant_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_product(result.front());
}

asio::awaitable<Product> ProductRepository::update(db::Transaction& tx, const Product& p) {
  db::Params values = db::params(p.id, p.merchant_id, p.name, p.description, p.price.amount, p.price.currency,
                                 p.available, p.category);
  auto result = co_await tx.execute(kUpdate, values);
  if (result.empty()) throw std::logic_error("ProductRepository::update: the locked product vanished");
  co_return read_product(result.front());
}

asio::awaitable<bool> ProductRepository::soft_delete(db::Transaction& tx, std::string merchant_id,
                                                     std::string product_id) {
  auto result = co_await tx.execute(kSoftDelete, db::params(product_id, merchant_id));
  co_return result.affected_rows() == 1;
}

asio::awaitable<std::int64_t> ProductRepository::count_in_other_currency(db::Transaction& tx,
                                                                         std::string merchant_id,
                                                                         std::string currency) {
  auto result = co_await tx.execute(kCountInOtherCurrency, db::params(merchant_id, currency));
  co_return result.front().get<std::int64_t>("count");
}

}  // namespace nelo::catalog
