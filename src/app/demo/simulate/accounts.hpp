#pragma once
// The simulation's own accounts (sim-driver-NNNN@, sim-customer-NNNN@demo.nelo.example), made
// through the API as any client would: registration, and for drivers the role application the
// demo admin approves, as the seeder does for the demo's drivers. Accounts that exist are kept,
// so a second run registers nothing; the server's registration limit per client address
// (NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS, 20 an hour by default) stops the making, with a
// message, and the simulation goes on with the accounts it has.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "app/demo/simulate/world.hpp"

namespace nelo::app::demo::sim {

class AccountDesk {
 public:
  AccountDesk(World& world, Session& admin, std::string password);

  // Makes sure `email` exists and has `role` ("customer" or "driver"). False when it does not
  // exist and the server refuses to register more accounts from this address (429). Throws
  // std::runtime_error on any other unexpected answer.
  boost::asio::awaitable<bool> ensure(std::string email, std::string name, std::string role);

  bool registration_limited() const noexcept { return limited_; }
  // The server's 429, as it said it ("HTTP 429: Too many registrations ...").
  const std::string& limit_answer() const noexcept { return limit_answer_; }
  int registered() const noexcept { return registered_; }

 private:
  struct Found {
    bool exists = false;
    std::string id;
    bool has_role = false;
  };
  boost::asio::awaitable<Found> look_up(const std::string& email, const std::string& role);
  boost::asio::awaitable<void> approve(const std::string& application_id, const std::string& email);
  boost::asio::awaitable<void> grant_driver(const Found& account, const std::string& email);

  World& world_;
  Session& admin_;
  std::string password_;
  bool limited_ = false;
  std::string limit_answer_;
  int registered_ = 0;
};

}  // namespace nelo::app::demo::sim
