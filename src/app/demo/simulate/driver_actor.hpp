#pragma once
// A simulated driver: goes online, pings its position while online (every few simulated seconds
// on the move, less often when parked), sees offers by polling GET /deliveries/offers (there is
// no push channel yet), accepts most and declines some, drives to the shop at its vehicle's speed
// along a street-like route, waits for the order to be ready, picks it up, drives to the door and
// hands it over with the PIN the customer reads in their order. Pings carry the real time: the
// server refuses pings from the future or too old, whatever the speed-up.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <unordered_set>

#include "app/demo/simulate/geo.hpp"
#include "app/demo/simulate/session.hpp"
#include "app/demo/simulate/world.hpp"

namespace nelo::app::demo::sim {

class WaitGroup;

struct Vehicle {
  const char* name;  // the API's vehicle: bike, scooter, car
  double speed_kmh;  // in town; the server's ETA estimator assumes the same speeds
};
// Two bikes, two scooters and a car in every five drivers.
const Vehicle& vehicle_of(int index);

struct Driver {
  Driver(int index_, Session session_, GeoPoint start)
      : index(index_), session(std::move(session_)), vehicle(vehicle_of(index_)), at(start) {}

  int index;
  Session session;
  const Vehicle& vehicle;
  GeoPoint at;
  double heading = 0;
  bool online = false;
  bool busy = false;
  std::unordered_set<std::string> seen_offers;
};

// Profile (vehicle, capacity 1), online, first ping. False when refused (counted).
boost::asio::awaitable<bool> go_online(World& world, Driver& driver);
// Until the simulation stops: offers and deliveries. Hand-over confirmations run in `followups`.
boost::asio::awaitable<void> drive_shift(World& world, Driver& driver, WaitGroup& followups);
// True when offline; false when the server keeps the driver online (a delivery still held).
boost::asio::awaitable<bool> go_offline(World& world, Driver& driver);

}  // namespace nelo::app::demo::sim
