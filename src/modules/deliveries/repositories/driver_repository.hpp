#pragma once
// Every SQL statement on deliveries.drivers.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "modules/deliveries/models.hpp"

namespace nelo::db {
class ModuleDb;
}  // namespace nelo::db

namespace nelo::deliveries {

class DriverRepository {
 public:
  explicit DriverRepository(db::ModuleDb& db) : db_(db) {}

  // Creates the driver's profile, or replaces its vehicle and capacity (online state kept).
  boost::asio::awaitable<SavedDriver> upsert(std::string user_id, DriverProfile profile);

  // nullopt when the user has no driver profile. `user_id` must be a UUID.
  boost::asio::awaitable<std::optional<Driver>> find(std::string user_id);

  // online = true (online_since kept when already online); nullopt when there is no profile.
  boost::asio::awaitable<std::optional<Driver>> set_online(std::string user_id);
  // online = false, online_since cleared; nullopt when there is no profile.
  boost::asio::awaitable<std::optional<Driver>> set_offline(std::string user_id);

  // The online flag alone; nullopt when there is no profile.
  boost::asio::awaitable<std::optional<bool>> is_online(std::string user_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::deliveries
