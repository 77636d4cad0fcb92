#pragma once
// Merchants: created by a merchant user (who owns it), changed by its owner or an admin, read and
// searched by anyone. "Open now" is evaluated at the clock's current instant in the merchant's
// own time zone.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "core/time.hpp"
#include "modules/catalog/models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::catalog {

class MerchantRepository;
class ProductRepository;
class TimeZones;

class MerchantService {
 public:
  MerchantService(db::ModuleDb& db, MerchantRepository& merchants, ProductRepository& products, TimeZones& time_zones,
                  const Clock& clock)
      : db_(db), merchants_(merchants), products_(products), time_zones_(time_zones), clock_(clock) {}

  // Owned by the actor. ValidationError on an unknown time zone.
  // `commit` ends the creating transaction (default: a plain commit).
  boost::asio::awaitable<Merchant> create(const Actor& actor, const NewMerchant& merchant,
                                          db::CommitStep<Merchant> commit = {});

  // NotFound for an unknown or malformed id.
  boost::asio::awaitable<Merchant> get(std::string merchant_id);

  // Atomic: the row is locked, the patch applied to it and written back in one transaction.
  // NotFound unless the actor owns the merchant or is an admin. Changing the currency (in
  // min_order) is refused while products are priced in the current one.
  boost::asio::awaitable<Merchant> update(const Actor& actor, std::string merchant_id, const MerchantPatch& patch);

  // Nearest first; `search.limit` must be at least 1.
  boost::asio::awaitable<MerchantSearchPage> search(const MerchantSearch& search);

  // The merchants the actor owns, in creation order.
  boost::asio::awaitable<MerchantPage> list_owned(const Actor& actor, std::optional<std::string> after, std::size_t limit);

 private:
  boost::asio::awaitable<void> check_time_zone(const std::string& time_zone);

  db::ModuleDb& db_;
  MerchantRepository& merchants_;
  ProductRepository& products_;
  TimeZones& time_zones_;
  const Clock& clock_;
};

}  // namespace nelo::catalog
