#pragma once
// Domain types of the deliveries module's dispatch side (deliveries, offers; drivers have
// models.hpp): what its repositories return and its services work on. Points are WGS 84 degrees.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace nelo::deliveries {

enum class DeliveryStatus {
  Pending,    // waiting for a driver (nobody offered yet, or every offer declined / expired)
  Offered,    // an offer is out, with a deadline
  Assigned,   // one driver holds it
  AtPickup,
  PickedUp,
  AtDropoff,
  Delivered,
  Cancelled,  // the order was cancelled before pickup
  Failed,     // could not be delivered (reason kept)
};

// What is done to a delivery; each legal (status, action) pair is a row of the transition table
// (state_machine.hpp).
enum class DeliveryAction { Offer, Requeue, Assign, ArrivePickup, PickUp, ArriveDropoff, Deliver, Fail, Cancel };

// Who does it. `System` is the platform (dispatch, or a reaction to an order event).
enum class ActorKind { Driver, Admin, System };

struct Actor {
  ActorKind kind = ActorKind::System;
  std::string id;  // the user id; empty for System

  static Actor system() { return Actor{}; }
};

struct Point {
  double lat = 0;
  double lng = 0;
  bool operator==(const Point&) const = default;
};

// Where the parcel is collected: copied from the order when it was placed.
struct PickupSnapshot {
  std::string name;
  std::string phone;
  std::string address;
  Point point;
  bool operator==(const PickupSnapshot&) const = default;
};

// Where it goes: the customer's first name only (what a driver needs to ask for), the address and
// the customer's notes.
struct DropoffSnapshot {
  std::string customer_first_name;
  std::string address;
  std::optional<std::string> instructions;
  std::optional<std::string> notes;
  Point point;
  bool operator==(const DropoffSnapshot&) const = default;
};

// What deliveries keeps of an order from order.created until order.accepted makes a delivery of it.
struct OrderSnapshot {
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  PickupSnapshot pickup;
  DropoffSnapshot dropoff;
};

struct Delivery {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  DeliveryStatus status = DeliveryStatus::Pending;
  PickupSnapshot pickup;
  DropoffSnapshot dropoff;
  std::string pin;  // 4 digits, shown to the customer, asked by the driver at the door
  int pin_attempts = 0;
  std::optional<std::string> driver_id;
  std::optional<std::string> failure_reason;
  int version = 1;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> assigned_at;
  std::optional<Timestamp> picked_up_at;
  std::optional<Timestamp> delivered_at;
};

// Where a page of the delivery list stopped: the list runs newest first on (created_at, id).
struct DeliveryKey {
  Timestamp created_at{};
  std::string id;
};

// The admin list: `status` nullopt means every active delivery (neither delivered, cancelled nor
// failed); `driver_id` keeps those one driver holds or held.
struct DeliveryListQuery {
  std::optional<DeliveryStatus> status;
  std::optional<std::string> driver_id;
  std::size_t limit = 20;
  std::optional<DeliveryKey> after;
};

}  // namespace nelo::deliveries
