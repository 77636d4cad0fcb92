#include "modules/notifications/services/device_service.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/notifications/repositories/device_repository.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

asio::awaitable<DeviceService::Registered> DeviceService::register_device(std::string user_id, const NewDevice& device) {
  if (!is_uuid(user_id)) throw NotFound("No such user");
  auto tx = co_await db_.begin();
  const auto count = co_await devices_.count_for_update(tx, user_id, device.token);
  if (!count.has_token && count.devices >= kMaxDevicesPerUser) {
    throw Conflict("too-many-devices", "An account can register at most " + std::to_string(kMaxDevicesPerUser) +
                                           " devices; remove one first");
  }
  auto upserted = co_await devices_.upsert(tx, new_uuid_v7(), user_id, device);
  co_await tx.commit();
  co_return Registered{std::move(upserted.device), upserted.created};
}

asio::awaitable<std::vector<Device>> DeviceService::list(std::string user_id) {
  if (!is_uuid(user_id)) co_return std::vector<Device>{};
  co_return co_await devices_.list(user_id);
}

asio::awaitable<void> DeviceService::remove(std::string user_id, std::string device_id) {
  bool removed = false;
  if (is_uuid(user_id) && is_uuid(device_id)) removed = co_await devices_.remove(user_id, device_id);
  if (!removed) throw NotFound("No such device among yours");
}

}  // namespace nelo::notifications
