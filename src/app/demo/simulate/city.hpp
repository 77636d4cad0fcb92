#pragma once
// The simulated city as the simulator knows it, all of it learnt through the public API: the
// demo shops (with their owners signed in, to accept and prepare orders), the customers and
// their addresses, and the orders this run placed, followed from placement to hand-over.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/demo/simulate/geo.hpp"
#include "app/demo/simulate/session.hpp"

namespace nelo::app::demo::sim {

struct Product {
  std::string id;
  std::int64_t price = 0;  // minor units
};

struct Shop {
  std::string id;
  std::string name;
  GeoPoint at;
  double delivery_radius_m = 0;
  std::int64_t min_order = 0;
  int prep_time_minutes = 15;
  bool open = false;
  std::vector<Product> products;  // the available ones
  Session* owner = nullptr;
};

struct Address {
  std::string id;
  GeoPoint at;
};

struct Customer {
  explicit Customer(Session s) : session(std::move(s)) {}
  Session session;
  std::vector<Address> addresses;
};

// One order of this run. Shared by the customer's and the merchant's side (order_actor) and the
// driver who carries it (driver_actor); everything runs on one thread.
struct Order {
  using Clock = std::chrono::steady_clock;

  std::string id;
  Customer* customer = nullptr;
  Shop* shop = nullptr;
  Clock::time_point placed_at;
  Clock::time_point accepted_at;  // by the merchant: dispatch starts then
  std::string delivery_id;        // once the customer has seen it
  bool ready = false;             // the merchant marked it ready for pick-up
  bool assigned = false;
  bool handed_over = false;
  bool finished = false;          // delivered, failed or given up: nobody works on it any more
};

class City {
 public:
  Session* admin = nullptr;  // the demo admin: settles what the simulation leaves behind
  std::vector<std::unique_ptr<Session>> owners;
  std::vector<std::unique_ptr<Shop>> shops;
  std::vector<std::unique_ptr<Customer>> customers;

  std::shared_ptr<Order> add_order(std::string id, Customer& customer, Shop& shop);
  void set_delivery(Order& order, std::string delivery_id);
  std::shared_ptr<Order> order_of_delivery(const std::string& delivery_id) const;
  void finish(Order& order);

  // Placed and not yet finished.
  int in_flight() const noexcept { return static_cast<int>(orders_.size()); }
  // Every order of this run not finished, for the clean-up when the simulation stops.
  std::vector<std::shared_ptr<Order>> unfinished() const;

 private:
  std::unordered_map<std::string, std::shared_ptr<Order>> orders_;
  std::unordered_map<std::string, std::shared_ptr<Order>> by_delivery_;
};

}  // namespace nelo::app::demo::sim
