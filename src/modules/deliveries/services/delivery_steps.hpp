#pragma once
// The driver's steps once they hold a delivery (arrived at pickup, picked up, arrived at drop-off,
// delivered with the customer's PIN, failed with a reason), and an admin's hand: each in its own
// transaction that locks the delivery, through the state machine.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::deliveries {

class DeliveryRepository;
class DeliveryWorkflow;

class DeliverySteps {
 public:
  DeliverySteps(db::ModuleDb& db, DeliveryRepository& deliveries, DeliveryWorkflow& workflow, int pin_max_attempts)
      : db_(db), deliveries_(deliveries), workflow_(workflow), pin_max_attempts_(pin_max_attempts) {}

  // arrive_pickup, pick_up, arrive_dropoff; fail (with `reason`). NotFound unless `actor` is the
  // driver holding the delivery or an admin; Conflict when the step does not apply now.
  boost::asio::awaitable<Delivery> perform(std::string delivery_id, DeliveryAction action, Actor actor,
                                           std::optional<std::string> reason = std::nullopt);

  // The hand-over. A driver gives the customer's PIN: a wrong one is a ValidationError on `pin`
  // (the try is counted and kept), and after pin_max_attempts wrong ones the delivery is locked
  // (Conflict, type pin-locked) until an admin confirms it. An admin confirms without a PIN, with
  // a reason kept in the history (the override is recorded).
  boost::asio::awaitable<Delivery> deliver(std::string delivery_id, Actor actor, std::optional<std::string> pin,
                                           std::optional<std::string> reason);

 private:
  db::ModuleDb& db_;
  DeliveryRepository& deliveries_;
  DeliveryWorkflow& workflow_;
  int pin_max_attempts_;
};

// Whether `actor` may act on (and read as its driver) `delivery`: the driver it is assigned to, or
// an admin.
bool may_act_on(const Delivery& delivery, const Actor& actor) noexcept;

}  // namespace nelo::deliveries
