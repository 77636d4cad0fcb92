#pragma once
// Every SQL statement on notifications.devices (push tokens).

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::notifications {

class DeviceRepository {
 public:
  explicit DeviceRepository(db::ModuleDb& db) : db_(db) {}

  struct Upserted {
    Device device;
    bool created = false;
  };
  // The device of this token, made the user's (a token names one app installation: if it was
  // another account's, the phone changed hands and the token follows the account now signed in).
  boost::asio::awaitable<Upserted> upsert(db::Transaction& tx, std::string id, std::string user_id,
                                          const NewDevice& device);
  // How many devices the user has, and whether `token` is one of them (locks the user's rows).
  struct Count {
    std::int64_t devices = 0;
    bool has_token = false;
  };
  boost::asio::awaitable<Count> count_for_update(db::Transaction& tx, std::string user_id, std::string token);

  boost::asio::awaitable<std::vector<Device>> list(std::string user_id);
  // True when it was the user's and is gone.
  boost::asio::awaitable<bool> remove(std::string user_id, std::string device_id);
  // A token the push provider reported invalid.
  boost::asio::awaitable<void> remove_invalid(db::Transaction& tx, std::string device_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::notifications
