#include "modules/notifications/repositories/device_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

// xmax = 0 tells a fresh insert from an update of an existing row.
constexpr std::string_view kUpsert =
    "INSERT INTO notifications.devices AS d (id, user_id, platform, token) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT ON CONSTRAINT devices_one_per_token DO UPDATE"
    " SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, updated_at = now()"
    " RETURNING d.id, d.user_id, d.platform, d.token, d.created_at, d.updated_at, (d.xmax = 0) AS inserted";

constexpr std::string_view kCountForUpdate =
    "SELECT count(*) AS devices, COALESCE(bool_or(token = $2), false) AS has_token FROM"
    " (SELECT token FROM notifications.devices WHERE user_id = $1 FOR UPDATE) d";

constexpr std::string_view kList =
    "SELECT id, user_id, platform, token, created_at, updated_at FROM notifications.devices"
    " WHERE user_id = $1 ORDER BY created_at, id";

constexpr std::string_view kRemove = "DELETE FROM notifications.devices WHERE id = $1 AND user_id = $2";
constexpr std::string_view kRemoveInvalid = "DELETE FROM notifications.devices WHERE id = $1";

Device read_device(const db::Row& row) {
  Device d;
  d.id = row.get<std::string>("id");
  d.user_id = row.get<std::string>("user_id");
  d.platform = row.get<std::string>("platform");
  d.token = row.get<std::string>("token");
  d.created_at = row.get<Timestamp>("created_at");
  d.updated_at = row.get<Timestamp>("updated_at");
  return d;
}

}  // namespace

asio::awaitable<DeviceRepository::Upserted> DeviceRepository::upsert(db::Transaction& tx, std::string id,
                                                                     std::string user_id, const NewDevice& device) {
  auto result = co_await tx.execute(kUpsert, db::params(id, user_id, device.platform, device.token));
  Upserted out;
  out.device = read_device(result.front());
  out.created = result.front().get<bool>("inserted");
  co_return out;
}

asio::awaitable<DeviceRepository::Count> DeviceRepository::count_for_update(db::Transaction& tx, std::string user_id,
                                                                           std::string token) {
  auto result = co_await tx.execute(kCountForUpdate, db::params(user_id, token));
  Count c;
  c.devices = result.front().get<std::int64_t>("devices");
  c.has_token = result.front().get<bool>("has_token");
  co_return c;
}

asio::awaitable<std::vector<Device>> DeviceRepository::list(std::string user_id) {
  auto result = co_await db_.execute(kList, db::params(user_id));
  std::vector<Device> out;
  for (auto row : result) out.push_back(read_device(row));
  co_return out;
}

asio::awaitable<bool> DeviceRepository::remove(std::string user_id, std::string device_id) {
  auto result = co_await db_.execute(kRemove, db::params(device_id, user_id));
  co_return result.affected_rows() == 1;
}

asio::awaitable<void> DeviceRepository::remove_invalid(db::Transaction& tx, std::string device_id) {
  co_await tx.execute(kRemoveInvalid, db::params(device_id));
}

}  // namespace nelo::notifications
