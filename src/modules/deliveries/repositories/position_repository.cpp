#include "modules/deliveries/repositories/position_repository.hpp"

#include <charconv>

#include "core/db/module_db.hpp"
#include "core/time.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

// One row per driver from parallel arrays; empty strings stand for absent optional values (the
// array parameters are text). The join skips drivers without a profile (no foreign-key error
// fails the whole batch); the WHERE of DO UPDATE keeps a later fix already stored.
constexpr std::string_view kWrite = R"sql(
INSERT INTO deliveries.driver_positions AS p
  (driver_id, location, accuracy_m, heading_deg, speed_mps, recorded_at, written_at)
SELECT u.driver_id,
       ST_SetSRID(ST_MakePoint(u.lng, u.lat), 4326)::geography,
       NULLIF(u.accuracy_m, '')::real,
       NULLIF(u.heading_deg, '')::real,
       NULLIF(u.speed_mps, '')::real,
       u.recorded_at,
       now()
FROM unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       AS u(driver_id, lat, lng, accuracy_m, heading_deg, speed_mps, recorded_at)
JOIN deliveries.drivers d ON d.user_id = u.driver_id
ON CONFLICT (driver_id) DO UPDATE
SET location = EXCLUDED.location,
    accuracy_m = EXCLUDED.accuracy_m,
    heading_deg = EXCLUDED.heading_deg,
    speed_mps = EXCLUDED.speed_mps,
    recorded_at = EXCLUDED.recorded_at,
    written_at = EXCLUDED.written_at
WHERE EXCLUDED.recorded_at > p.recorded_at
)sql";

constexpr std::string_view kOnlineSince = R"sql(
SELECT p.driver_id, ST_Y(p.location::geometry) AS lat, ST_X(p.location::geometry) AS lng,
       p.accuracy_m::float8 AS accuracy_m, p.heading_deg::float8 AS heading_deg, p.speed_mps::float8 AS speed_mps,
       p.recorded_at
FROM deliveries.driver_positions p
JOIN deliveries.drivers d ON d.user_id = p.driver_id
WHERE d.online AND p.recorded_at >= $1
)sql";

std::string number(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc() ? end : text);
}

std::string optional_number(const std::optional<double>& value) { return value ? number(*value) : std::string(); }

Timestamp micros(std::chrono::system_clock::time_point t) {
  return std::chrono::time_point_cast<std::chrono::microseconds>(t);
}

}  // namespace

asio::awaitable<std::int64_t> PositionRepository::write(const std::vector<DriverPosition>& positions) {
  if (positions.empty()) co_return 0;
  std::vector<std::string> ids, lats, lngs, accuracies, headings, speeds, times;
  for (auto* column : {&ids, &lats, &lngs, &accuracies, &headings, &speeds, &times}) column->reserve(positions.size());
  for (const auto& p : positions) {
    ids.push_back(p.driver_id);
    lats.push_back(number(p.point.lat));
    lngs.push_back(number(p.point.lng));
    accuracies.push_back(optional_number(p.accuracy_m));
    headings.push_back(optional_number(p.heading_deg));
    speeds.push_back(optional_number(p.speed_mps));
    times.push_back(to_rfc3339(micros(p.recorded_at)));
  }
  auto result = co_await db_.execute(kWrite, db::params(ids, lats, lngs, accuracies, headings, speeds, times));
  co_return result.affected_rows();
}

asio::awaitable<std::vector<DriverPosition>> PositionRepository::online_since(std::chrono::system_clock::time_point since) {
  auto result = co_await db_.execute(kOnlineSince, db::params(micros(since)));
  std::vector<DriverPosition> out;
  out.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) {
    DriverPosition p;
    p.driver_id = row.get<std::string>("driver_id");
    p.point.lat = row.get<double>("lat");
    p.point.lng = row.get<double>("lng");
    p.accuracy_m = row.get<std::optional<double>>("accuracy_m");
    p.heading_deg = row.get<std::optional<double>>("heading_deg");
    p.speed_mps = row.get<std::optional<double>>("speed_mps");
    p.recorded_at = row.get<Timestamp>("recorded_at");
    out.push_back(std::move(p));
  }
  co_return out;
}

}  // namespace nelo::deliveries
