#include "modules/deliveries/services/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/live/live_locations.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"
#include "modules/deliveries/services/delivery_events.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/services/eta_estimator.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

// Drivers asked of the live store per ring at first; when every one of them is busy or was asked
// already, the same ring is searched deeper (x4, up to kMaxCandidates) before it widens: around a
// busy shop the nearest drivers are those waiting there for food, and a wider ring's nearest are
// the same drivers.
constexpr std::size_t kCandidatesPerRing = 32;
constexpr std::size_t kMaxCandidates = 2048;

}  // namespace

Dispatcher::Dispatcher(db::ModuleDb& db, events::EventBus& bus, DeliveryRepository& deliveries,
                       OfferRepository& offers, DeliveryWorkflow& workflow, LiveLocations& live, EtaEstimator& eta,
                       const Clock& clock, DeliveriesSettings settings, LiveFeed* feed)
    : db_(db),
      bus_(bus),
      deliveries_(deliveries),
      offers_(offers),
      workflow_(workflow),
      live_(live),
      eta_(eta),
      clock_(clock),
      settings_(std::move(settings)),
      feed_(feed) {}

asio::awaitable<void> Dispatcher::run_once(int max_deliveries) {
  {
    auto tx = co_await db_.begin();
    const std::int64_t expired = co_await offers_.expire_due(tx);
    co_await tx.commit();
    if (expired > 0) spdlog::debug("deliveries: {} offer(s) expired", expired);
  }
  while (true) {
    const bool requeued = co_await requeue_one_orphan();
    if (!requeued) break;
  }
  for (int i = 0; i < max_deliveries; ++i) {
    const bool searched = co_await search_one_due();
    if (!searched) break;
  }
}

asio::awaitable<bool> Dispatcher::requeue_one_orphan() {
  auto tx = co_await db_.begin();
  const auto id = co_await offers_.claim_orphaned_offered(tx);
  if (!id) co_return false;
  auto delivery = co_await deliveries_.find_for_update(tx, *id);
  if (!delivery) co_return false;
  const Actor system = Actor::system();
  co_await workflow_.apply(tx, *delivery, DeliveryAction::Requeue, system);
  co_await tx.commit();
  co_return true;
}

asio::awaitable<bool> Dispatcher::search_one_due() {
  made_offers_.clear();  // a search() of a caller's transaction, not known to have committed
  auto tx = co_await db_.begin();
  const auto id = co_await offers_.claim_due(tx);
  if (!id) co_return false;
  co_await search(tx, *id);
  co_await tx.commit();
  // Committed: the drivers hear of their offers now, without polling (the real-time gateway).
  if (feed_) {
    for (const auto& offer : made_offers_) feed_->offer_made(offer);
  }
  made_offers_.clear();
  co_return true;
}

asio::awaitable<bool> Dispatcher::search(db::Transaction& tx, const std::string& delivery_id) {
  auto delivery = co_await deliveries_.find_for_update(tx, delivery_id);
  if (!delivery || delivery->status != DeliveryStatus::Pending) co_return false;
  const auto asked = co_await offers_.offered_drivers(tx, delivery_id);
  const std::set<std::string> already(asked.begin(), asked.end());
  const std::chrono::system_clock::time_point fresher_than = clock_.now() - settings_.driver_silence_timeout;
  const GeoPoint center{delivery->pickup.point.lat, delivery->pickup.point.lng};

  int radius = std::max(1, settings_.search_radius_start_m);
  const int max_radius = std::max(radius, settings_.search_radius_max_m);
  std::size_t wanted = kCandidatesPerRing;
  while (true) {
    const auto nearby = co_await live_.nearest(center, radius, wanted, fresher_than);
    std::vector<std::string> ids;
    for (const auto& n : nearby) {
      if (!already.contains(n.position.driver_id)) ids.push_back(n.position.driver_id);
    }
    const auto loads = co_await offers_.online_drivers(tx, ids);
    std::unordered_map<std::string, const DriverLoad*> free;
    for (const auto& l : loads) {
      if (l.load < l.capacity) free.emplace(l.driver_id, &l);
    }
    std::vector<EtaCandidate> candidates;
    for (const auto& n : nearby) {
      auto it = free.find(n.position.driver_id);
      if (it == free.end() || already.contains(n.position.driver_id)) continue;
      EtaCandidate c;
      c.driver_id = n.position.driver_id;
      c.vehicle = it->second->vehicle;
      c.position = {n.position.point.lat, n.position.point.lng};
      c.distance_m = n.distance_m;
      candidates.push_back(std::move(c));
    }
    if (!candidates.empty()) {
      const Point pickup = delivery->pickup.point;
      const auto etas = co_await eta_.estimate(pickup, candidates);
      std::vector<std::size_t> order(candidates.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return etas.at(a) < etas.at(b); });
      const std::size_t count = std::min(order.size(), static_cast<std::size_t>(std::max(1, settings_.offer_fanout)));
      for (std::size_t i = 0; i < count; ++i) {
        const EtaCandidate& c = candidates[order[i]];
        Offer offer;
        offer.id = new_uuid_v7();
        offer.delivery_id = delivery_id;
        offer.driver_id = c.driver_id;
        offer.distance_m = static_cast<int>(std::lround(c.distance_m));
        offer.eta_seconds = static_cast<int>(etas.at(order[i]).count());
        co_await offers_.insert(tx, offer, static_cast<int>(settings_.offer_timeout.count()));
        if (feed_) {
          LiveOfferDto live;
          live.offer_id = offer.id;
          live.delivery_id = delivery_id;
          live.driver_id = offer.driver_id;
          live.distance_m = offer.distance_m;
          live.eta_seconds = offer.eta_seconds;
          live.expires_at = to_rfc3339_millis(clock_.now() + settings_.offer_timeout);
          live.pickup_name = delivery->pickup.name;
          live.pickup_address = delivery->pickup.address;
          made_offers_.push_back(std::move(live));
        }
      }
      const Actor system = Actor::system();
      co_await workflow_.apply(tx, *delivery, DeliveryAction::Offer, system);
      co_return true;
    }
    // A full answer with nobody free: the ring may hold free drivers past the `wanted` nearest.
    if (nearby.size() >= wanted && wanted < kMaxCandidates) {
      wanted = std::min(wanted * 4, kMaxCandidates);
      continue;
    }
    if (radius >= max_radius) break;
    radius = std::min(radius * 2, max_radius);
  }

  // Nobody in range: search again later, and say so once it has waited too long.
  co_await offers_.reschedule(tx, delivery_id, radius, static_cast<int>(settings_.dispatch_retry_interval.count()));
  const auto waiting = co_await offers_.waiting(tx, delivery_id);
  if (!waiting.announced && waiting.waited_seconds >= settings_.unassigned_after.count()) {
    auto payload = delivery_unassigned_payload(*delivery, waiting.waited_seconds, radius);
    co_await bus_.publish(tx, std::string(kDeliveryUnassigned), kDeliveryEventVersion, std::move(payload));
    co_await offers_.mark_announced(tx, delivery_id);
    spdlog::info("deliveries: delivery {} unassigned after {} s (searched up to {} m)", delivery_id,
                 waiting.waited_seconds, radius);
  }
  co_return false;
}

}  // namespace nelo::deliveries
