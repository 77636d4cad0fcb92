#pragma once
// Every SQL statement on catalog.merchants. Positions are a PostGIS geography(Point, 4326) (the
// rest of the module sees lat/lng in degrees); opening hours are stored twice, as shown to clients
// (jsonb) and compiled into week minutes (int4multirange) for "open at instant t", which every
// read evaluates in SQL at the instant it is given.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "modules/catalog/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::catalog {

class MerchantRepository {
 public:
  explicit MerchantRepository(db::ModuleDb& db) : db_(db) {}

  // --- reads, each one statement in its own transaction; ids must be UUIDs ---

  boost::asio::awaitable<std::optional<Merchant>> find(std::string id, Timestamp at);

  // Within `search.radius_m` of the point, nearest first (ties by id), after `search.after`,
  // at most `search.limit` of them.
  boost::asio::awaitable<std::vector<FoundMerchant>> search(const MerchantSearch& search, Timestamp at);

  // The owner's merchants in creation order, after the id `after`, at most `limit`.
  boost::asio::awaitable<std::vector<Merchant>> list_by_owner(std::string owner_id, std::optional<std::string> after,
                                                              std::size_t limit, Timestamp at);

  // --- writes ---

  boost::asio::awaitable<Merchant> insert(db::Transaction& tx, std::string id, std::string owner_id,
                                          const NewMerchant& merchant, Timestamp at);

  // Locks the row until `tx` ends (FOR UPDATE): the merchant's writes run one at a time.
  boost::asio::awaitable<std::optional<Merchant>> find_for_update(db::Transaction& tx, std::string id, Timestamp at);

  // Writes every mutable field of `merchant` (found by id) and bumps updated_at.
  boost::asio::awaitable<Merchant> update(db::Transaction& tx, const Merchant& merchant, Timestamp at);

  // Owner and currency, locked against a concurrent merchant update (FOR SHARE) until `tx` ends,
  // so a product is never priced in a currency the merchant is leaving.
  boost::asio::awaitable<std::optional<MerchantRef>> find_ref_for_share(db::Transaction& tx, std::string id);

  // Whether the merchant exists (one statement).
  boost::asio::awaitable<bool> exists(std::string id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::catalog
