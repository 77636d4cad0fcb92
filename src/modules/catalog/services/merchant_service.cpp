#include "modules/catalog/services/merchant_service.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/catalog/repositories/merchant_repository.hpp"
#include "modules/catalog/repositories/product_repository.hpp"
#include "modules/catalog/services/access.hpp"
#include "modules/catalog/services/time_zones.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

void apply(Merchant& m, const MerchantPatch& patch) {
  if (patch.name) m.name = *patch.name;
  if (patch.description) m.description = *patch.description;
  if (patch.address) m.address = *patch.address;
  if (patch.lat) m.lat = *patch.lat;
  if (patch.lng) m.lng = *patch.lng;
  if (patch.phone) m.phone = *patch.phone;
  if (patch.opening_hours) m.opening_hours = *patch.opening_hours;
  if (patch.time_zone) m.time_zone = *patch.time_zone;
  if (patch.prep_time_minutes) m.prep_time_minutes = *patch.prep_time_minutes;
  if (patch.min_order) m.min_order = *patch.min_order;
  if (patch.delivery_radius_m) m.delivery_radius_m = *patch.delivery_radius_m;
}

}  // namespace

asio::awaitable<void> MerchantService::check_time_zone(const std::string& time_zone) {
  const bool known = co_await time_zones_.is_known(time_zone);
  if (!known) throw ValidationError("time_zone", "must be an IANA time zone name such as Europe/Paris");
}

asio::awaitable<Merchant> MerchantService::create(const Actor& actor, const NewMerchant& merchant,
                                                  db::CommitStep<Merchant> commit) {
  co_await check_time_zone(merchant.time_zone);
  auto tx = co_await db_.begin();
  auto created = co_await merchants_.insert(tx, new_uuid_v7(), actor.user_id, merchant, clock_.now());
  co_await db::finish(tx, created, commit);
  co_return created;
}

asio::awaitable<Merchant> MerchantService::get(std::string merchant_id) {
  std::optional<Merchant> merchant;
  if (is_uuid(merchant_id)) merchant = co_await merchants_.find(merchant_id, clock_.now());
  if (!merchant) merchant_not_found(merchant_id);
  co_return std::move(*merchant);
}

asio::awaitable<Merchant> MerchantService::update(const Actor& actor, std::string merchant_id, const MerchantPatch& patch) {
  if (!is_uuid(merchant_id)) merchant_not_managed(merchant_id);
  if (patch.time_zone) co_await check_time_zone(*patch.time_zone);
  const Timestamp at = clock_.now();
  auto tx = co_await db_.begin();
  auto current = co_await merchants_.find_for_update(tx, merchant_id, at);
  if (!current || !may_manage(actor, current->owner_id)) merchant_not_managed(merchant_id);
  if (patch.min_order && patch.min_order->currency != current->min_order.currency) {
    // The merchant row is locked: no product can be added or repriced until this commits.
    const auto priced = co_await products_.count_in_other_currency(tx, merchant_id, patch.min_order->currency);
    if (priced > 0) {
      throw ValidationError("min_order.currency", "cannot change while " + std::to_string(priced) +
                                                      " product(s) are priced in " + current->min_order.currency +
                                                      "; reprice or delete them first");
    }
  }
  Merchant next = *current;
  apply(next, patch);
  auto updated = co_await merchants_.update(tx, next, at);
  co_await tx.commit();
  co_return updated;
}

asio::awaitable<MerchantSearchPage> MerchantService::search(const MerchantSearch& search) {
  // One more than asked tells whether another page follows.
  MerchantSearch query = search;
  query.limit = search.limit + 1;
  MerchantSearchPage page;
  page.items = co_await merchants_.search(query, clock_.now());
  if (page.items.size() > search.limit) {
    page.items.resize(search.limit);
    SearchKey key;
    key.distance_m = page.items.back().distance_m;
    key.id = page.items.back().merchant.id;
    page.next = std::move(key);
  }
  co_return page;
}

asio::awaitable<MerchantPage> MerchantService::list_owned(const Actor& actor, std::optional<std::string> after,
                                                          std::size_t limit) {
  MerchantPage page;
  if (!is_uuid(actor.user_id)) co_return page;
  page.items = co_await merchants_.list_by_owner(actor.user_id, after, limit + 1, clock_.now());
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_after = page.items.back().id;
  }
  co_return page;
}

}  // namespace nelo::catalog
