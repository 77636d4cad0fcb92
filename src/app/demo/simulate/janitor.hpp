#pragma once
// What a simulation leaves on the server when it stops (orders in flight, drivers holding
// deliveries), settled by the demo admin the way an operator would: the order is cancelled, which
// cancels its delivery as long as the parcel has not left the shop; a parcel already on its way is
// marked failed first (that frees its driver). Only simulated orders are touched: they carry
// kSimulatedOrderNote in their notes.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "app/demo/simulate/world.hpp"

namespace nelo::app::demo::sim {

inline constexpr const char* kSimulatedOrderNote = "Simulated order (nelo demo simulate)";

// One order, by id. False when the server answered something unexpected (counted).
boost::asio::awaitable<bool> settle_order(World& world, std::string order_id, std::string reason);

// At start: simulated orders an earlier run left unfinished (it was killed, or stopped while a
// parcel was on its way). Returns how many were settled.
boost::asio::awaitable<int> settle_leftovers(World& world);

}  // namespace nelo::app::demo::sim
