#pragma once
// The caller's push devices: registering a token (idempotent per token), listing, removing.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::notifications {

class DeviceRepository;

class DeviceService {
 public:
  static constexpr std::int64_t kMaxDevicesPerUser = 20;

  DeviceService(db::ModuleDb& db, DeviceRepository& devices) : db_(db), devices_(devices) {}

  struct Registered {
    Device device;
    bool created = false;
  };
  // The same token again answers the same device (created false). Throws Conflict beyond
  // kMaxDevicesPerUser devices.
  boost::asio::awaitable<Registered> register_device(std::string user_id, const NewDevice& device);
  boost::asio::awaitable<std::vector<Device>> list(std::string user_id);
  // Throws NotFound unless it is the user's.
  boost::asio::awaitable<void> remove(std::string user_id, std::string device_id);

 private:
  db::ModuleDb& db_;
  DeviceRepository& devices_;
};

}  // namespace nelo::notifications
