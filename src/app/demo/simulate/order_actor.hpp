#pragma once
// The customers' and the merchants' side of the city. Customers order at --order-rate (a
// Poisson process: independent arrivals, exponential gaps), from an open shop that delivers to
// the chosen address, a basket that reaches its minimum order, paid in cash. The shop's owner
// accepts after a realistic delay, starts preparing, and marks the order ready after the shop's
// preparation time; the customer reads the delivery (and its PIN) in GET /orders/{id} as their
// app would. Simulated delays are divided by the speed-up; the server's own timers are not.

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "app/demo/simulate/world.hpp"

namespace nelo::app::demo::sim {

class WaitGroup;
struct Order;

// Until the simulation stops draining or stops: arrivals, each order followed by its own
// coroutine counted in `orders`.
boost::asio::awaitable<void> run_customers(World& world, WaitGroup& orders);

// The PIN of `order`'s delivery, as its customer reads it; empty (and counted) when unreadable.
boost::asio::awaitable<std::string> read_pin(World& world, const Order& order);

// After the hand-over: the customer reads the order until it says `delivered` (the delivery's
// event reaches the orders module through the bus), then the order is finished.
boost::asio::awaitable<void> confirm_delivered(World& world, std::shared_ptr<Order> order);

// Gives up on `order` (counted as failed): the admin settles it on the server.
boost::asio::awaitable<void> give_up(World& world, std::shared_ptr<Order> order, std::string why);

}  // namespace nelo::app::demo::sim
