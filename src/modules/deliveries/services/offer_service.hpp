#pragma once
// A driver's side of dispatch: the offers open to them, and their answer. Accepting is where
// exactly one driver gets a delivery: each accept runs in its own transaction that locks the
// driver's row (capacity cannot be raced) and inserts the assignment, and the unique partial index
// on the active assignment lets one of concurrent accepts win; the others get a 409.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "modules/deliveries/delivery_models.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::deliveries {

class DeliveryRepository;
class DeliveryWorkflow;

class OfferService {
 public:
  OfferService(db::ModuleDb& db, DeliveryRepository& deliveries, OfferRepository& offers, DeliveryWorkflow& workflow)
      : db_(db), deliveries_(deliveries), offers_(offers), workflow_(workflow) {}

  // The driver's offers still open, soonest deadline first.
  boost::asio::awaitable<std::vector<OfferView>> open_offers(std::string driver_id);

  // The driver takes the delivery (delivery.assigned): the delivery as it is now. NotFound when
  // the offer is not this driver's; Conflict when it is no longer open (answered, withdrawn,
  // expired), another driver took the delivery, or the driver is at capacity.
  boost::asio::awaitable<Delivery> accept(std::string driver_id, std::string offer_id);
  // The driver declines: the dispatcher offers the delivery to the next driver.
  boost::asio::awaitable<void> decline(std::string driver_id, std::string offer_id);

 private:
  db::ModuleDb& db_;
  DeliveryRepository& deliveries_;
  OfferRepository& offers_;
  DeliveryWorkflow& workflow_;
};

}  // namespace nelo::deliveries
