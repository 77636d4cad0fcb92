#pragma once
// Matching: finds drivers for deliveries waiting for one, and keeps offers' deadlines. Each run
// (a PeriodicTask, so after a restart too: everything it needs is in the database) expires offers
// past their deadline, puts deliveries whose offers all went unanswered back in the queue, then
// searches for each due delivery: online drivers with free capacity nearest to the pickup, in
// rings growing from search_radius_start_m to search_radius_max_m, ranked by the EtaEstimator.
// The best get an offer (offer_fanout of them); nobody in range: searched again after
// retry_interval, and once it waited unassigned_after, delivery.unassigned says so.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "shared/interfaces/live_feed.hpp"

#include "modules/deliveries/deliveries_settings.hpp"

namespace nelo {
class Clock;
}
namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db
namespace nelo::events {
class EventBus;
}

namespace nelo::deliveries {

class DeliveryRepository;
class DeliveryWorkflow;
class EtaEstimator;
class LiveLocations;
class OfferRepository;

class Dispatcher {
 public:
  Dispatcher(db::ModuleDb& db, events::EventBus& bus, DeliveryRepository& deliveries, OfferRepository& offers,
             DeliveryWorkflow& workflow, LiveLocations& live, EtaEstimator& eta, const Clock& clock,
             DeliveriesSettings settings, LiveFeed* feed = nullptr);

  // One pass over deadlines and the queue. At most `max_deliveries` searches.
  boost::asio::awaitable<void> run_once(int max_deliveries = 50);

  // Searches for one delivery now, inside `tx` which holds it locked (status pending). True when
  // offers went out.
  boost::asio::awaitable<bool> search(db::Transaction& tx, const std::string& delivery_id);

 private:
  boost::asio::awaitable<bool> requeue_one_orphan();
  boost::asio::awaitable<bool> search_one_due();

  db::ModuleDb& db_;
  events::EventBus& bus_;
  DeliveryRepository& deliveries_;
  OfferRepository& offers_;
  DeliveryWorkflow& workflow_;
  LiveLocations& live_;
  EtaEstimator& eta_;
  const Clock& clock_;
  DeliveriesSettings settings_;
  LiveFeed* feed_;
  std::vector<LiveOfferDto> made_offers_;  // by search(), told to feed_ once their transaction committed
};

}  // namespace nelo::deliveries
