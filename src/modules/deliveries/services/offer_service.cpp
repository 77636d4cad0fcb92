#include "modules/deliveries/services/offer_service.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

[[noreturn]] void offer_not_found(const std::string& offer_id) {
  throw NotFound(is_uuid(offer_id) ? "Offer " + offer_id + " does not exist" : std::string("The offer does not exist"));
}

// The offer, if it is this driver's and still open to an answer.
asio::awaitable<Offer> open_offer(OfferRepository& offers, db::Transaction& tx, const std::string& driver_id,
                                  const std::string& offer_id) {
  if (!is_uuid(offer_id)) offer_not_found(offer_id);
  auto offer = co_await offers.find(tx, offer_id);
  if (!offer || offer->driver_id != driver_id) offer_not_found(offer_id);
  if (offer->status != OfferStatus::Pending) {
    throw Conflict("offer-closed", "This offer is no longer open (it was " + std::string(to_string(offer->status)) + ")");
  }
  if (offer->expired) throw Conflict("offer-closed", "This offer is no longer open (it expired)");
  co_return std::move(*offer);
}

}  // namespace

asio::awaitable<std::vector<OfferView>> OfferService::open_offers(std::string driver_id) {
  co_return co_await offers_.open_offers(driver_id);
}

asio::awaitable<Delivery> OfferService::accept(std::string driver_id, std::string offer_id) {
  auto tx = co_await db_.begin();
  const Offer offer = co_await open_offer(offers_, tx, driver_id, offer_id);
  const auto driver = co_await offers_.lock_driver(tx, driver_id);
  if (!driver) throw Conflict("Set up your driver profile before accepting deliveries");
  const std::int64_t held = co_await offers_.active_count(tx, driver_id);
  if (held >= driver->capacity) {
    throw Conflict("at-capacity", "You already carry " + std::to_string(held) + " deliveries, your capacity");
  }
  // The database decides among concurrent accepts (assignments_one_active).
  co_await offers_.assign(tx, offer.delivery_id, driver_id, offer.id);
  auto delivery = co_await deliveries_.find_for_update(tx, offer.delivery_id);
  if (!delivery) offer_not_found(offer_id);
  Actor actor;
  actor.kind = ActorKind::Driver;
  actor.id = driver_id;
  co_await workflow_.apply(tx, *delivery, DeliveryAction::Assign, actor);
  const bool answered = co_await offers_.answer(tx, offer.id, OfferStatus::Accepted);
  if (!answered) throw Conflict("offer-closed", "This offer is no longer open");
  co_await offers_.withdraw_others(tx, offer.delivery_id, offer.id);
  co_await tx.commit();
  co_return std::move(*delivery);
}

asio::awaitable<void> OfferService::decline(std::string driver_id, std::string offer_id) {
  auto tx = co_await db_.begin();
  const Offer offer = co_await open_offer(offers_, tx, driver_id, offer_id);
  const bool answered = co_await offers_.answer(tx, offer.id, OfferStatus::Declined);
  if (!answered) throw Conflict("offer-closed", "This offer is no longer open");
  co_await tx.commit();
}

}  // namespace nelo::deliveries
