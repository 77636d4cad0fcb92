#include "modules/deliveries/repositories/driver_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

// (xmax = 0): the row was inserted by this statement, not updated.
constexpr std::string_view kUpsert = R"sql(
INSERT INTO deliveries.drivers AS d (user_id, vehicle, capacity)
VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE
SET vehicle = EXCLUDED.vehicle, capacity = EXCLUDED.capacity, updated_at = now()
RETURNING user_id, vehicle, capacity, online, online_since, created_at, updated_at, (xmax = 0) AS created
)sql";

constexpr std::string_view kSelect = R"sql(
SELECT user_id, vehicle, capacity, online, online_since, created_at, updated_at
FROM deliveries.drivers
WHERE user_id = $1
)sql";

constexpr std::string_view kSetOnline = R"sql(
UPDATE deliveries.drivers
SET online_since = CASE WHEN online THEN online_since ELSE now() END,
    online = true,
    updated_at = now()
WHERE user_id = $1
RETURNING user_id, vehicle, capacity, online, online_since, created_at, updated_at
)sql";

constexpr std::string_view kSetOffline = R"sql(
UPDATE deliveries.drivers
SET online = false, online_since = NULL, updated_at = now()
WHERE user_id = $1
RETURNING user_id, vehicle, capacity, online, online_since, created_at, updated_at
)sql";

constexpr std::string_view kIsOnline = R"sql(
SELECT online FROM deliveries.drivers WHERE user_id = $1
)sql";

Driver read_driver(const db::Row& row) {
  Driver d;
  d.user_id = row.get<std::string>("user_id");
  d.vehicle = row.get<std::string>("vehicle");
  d.capacity = row.get<std::int32_t>("capacity");
  d.online = row.get<bool>("online");
  d.online_since = row.get<std::optional<Timestamp>>("online_since");
  d.created_at = row.get<Timestamp>("created_at");
  d.updated_at = row.get<Timestamp>("updated_at");
  return d;
}

std::optional<Driver> first(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return read_driver(result.front());
}

}  // namespace

asio::awaitable<SavedDriver> DriverRepository::upsert(std::string user_id, DriverProfile profile) {
  auto result = co_await db_.execute(kUpsert, db::params(user_id, profile.vehicle, profile.capacity));
  SavedDriver saved;
  saved.driver = read_driver(result.front());
  saved.created = result.front().get<bool>("created");
  co_return saved;
}

asio::awaitable<std::optional<Driver>> DriverRepository::find(std::string user_id) {
  auto result = co_await db_.execute_pipelined(kSelect, db::params(user_id));
  co_return first(result);
}

asio::awaitable<std::optional<Driver>> DriverRepository::set_online(std::string user_id) {
  auto result = co_await db_.execute(kSetOnline, db::params(user_id));
  co_return first(result);
}

asio::awaitable<std::optional<Driver>> DriverRepository::set_offline(std::string user_id) {
  auto result = co_await db_.execute(kSetOffline, db::params(user_id));
  co_return first(result);
}

asio::awaitable<std::optional<bool>> DriverRepository::is_online(std::string user_id) {
  auto result = co_await db_.execute_pipelined(kIsOnline, db::params(user_id));
  if (result.empty()) co_return std::nullopt;
  co_return result.front().get<bool>("online");
}

}  // namespace nelo::deliveries
