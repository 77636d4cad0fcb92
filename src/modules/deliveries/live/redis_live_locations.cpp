#include "modules/deliveries/live/redis_live_locations.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "core/geo/geodesic.hpp"
#include "modules/deliveries/live/live_point_check.hpp"

namespace nelo::deliveries {

struct RedisLiveLocations::Script {
  int index;
  const char* source;
};

namespace {

using Clock = std::chrono::system_clock;

// Every script gets KEYS geo, details, seen.

// ARGV: driver id, lng, lat, recorded_at (us), details.
constexpr RedisLiveLocations::Script kUpdate{0, R"lua(
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held and tonumber(string.match(held, '^[^|]+')) > tonumber(ARGV[4]) then return 0 end
redis.call('GEOADD', KEYS[1], ARGV[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
)lua"};

// ARGV: lng, lat, radius (m), fresher than (us), how many fresh ones.
// Returns id, details, id, details... nearest first (by Redis' own distances), fresh ones only:
// asks GEOSEARCH for more while stale ones crowd the nearest.
constexpr RedisLiveLocations::Script kNearest{1, R"lua(
local wanted = tonumber(ARGV[5])
local fresher = tonumber(ARGV[4])
local count = wanted + 16
while true do
  local ids = redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', ARGV[1], ARGV[2], 'BYRADIUS', ARGV[3], 'm', 'ASC', 'COUNT', count)
  local out = {}
  for _, id in ipairs(ids) do
    local d = redis.call('HGET', KEYS[2], id)
    if d and tonumber(string.match(d, '^[^|]+')) >= fresher then
      out[#out + 1] = id
      out[#out + 1] = d
      if #out >= 2 * wanted then return out end
    end
  end
  if #ids < count then return out end
  count = count * 4
end
)lua"};

// ARGV: driver id.
constexpr RedisLiveLocations::Script kRemove{2, R"lua(
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
)lua"};

// ARGV: recorded before (us), at most how many. Forgets the oldest drivers fixed before the bound;
// returns how many. The caller repeats it while it forgets a whole batch, so that Redis is never
// held long by one script.
constexpr RedisLiveLocations::Script kPrune{3, R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
return #ids
)lua"};

constexpr std::size_t kPruneBatch = 500;

std::string number(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest exact form
  return std::string(buffer, end);
}

std::int64_t micros(Clock::time_point t) {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::string encode_details(const DriverPosition& p) {
  auto optional = [](const std::optional<double>& v) { return v ? number(*v) : std::string(); };
  return std::to_string(micros(p.recorded_at)) + '|' + number(p.point.lat) + '|' + number(p.point.lng) + '|' +
         optional(p.accuracy_m) + '|' + optional(p.heading_deg) + '|' + optional(p.speed_mps);
}

template <class T>
T parse_number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) throw std::runtime_error("Redis live locations: a malformed entry");
  return value;
}

DriverPosition decode_details(std::string driver_id, std::string_view text) {
  std::string_view fields[6];
  std::size_t n = 0;
  while (n < 6) {
    auto bar = text.find('|');
    fields[n++] = text.substr(0, bar);
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  if (n != 6) throw std::runtime_error("Redis live locations: a malformed entry");
  auto optional = [](std::string_view f) { return f.empty() ? std::nullopt : std::optional<double>(parse_number<double>(f)); };
  DriverPosition p;
  p.driver_id = std::move(driver_id);
  p.recorded_at = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::microseconds(parse_number<std::int64_t>(fields[0]))));
  p.point = GeoPoint{parse_number<double>(fields[1]), parse_number<double>(fields[2])};
  p.accuracy_m = optional(fields[3]);
  p.heading_deg = optional(fields[4]);
  p.speed_mps = optional(fields[5]);
  return p;
}

[[noreturn]] void fail(const redis::Reply& reply) {
  throw std::runtime_error("Redis live locations: " + (reply.is_error() ? reply.text : std::string("an unexpected reply")));
}

}  // namespace

RedisLiveLocations::RedisLiveLocations(std::shared_ptr<redis::Client> client, std::string key_prefix)
    : client_(std::move(client)),
      geo_key_("{" + key_prefix + "}:geo"),
      details_key_("{" + key_prefix + "}:details"),
      seen_key_("{" + key_prefix + "}:seen") {}

boost::asio::awaitable<redis::Reply> RedisLiveLocations::run(const Script& script, std::vector<std::string> args) {
  for (int attempt = 0;; ++attempt) {
    std::string sha;
    {
      std::lock_guard lock(shas_mutex_);
      sha = shas_[script.index];
    }
    if (sha.empty()) {
      std::vector<std::string> load{"SCRIPT", "LOAD", script.source};
      auto loaded = co_await client_->command(std::move(load));
      if (loaded.type != redis::Reply::Type::String) fail(loaded);
      sha = loaded.text;
      std::lock_guard lock(shas_mutex_);
      shas_[script.index] = sha;
    }
    std::vector<std::string> command{"EVALSHA", sha, "3", geo_key_, details_key_, seen_key_};
    command.insert(command.end(), args.begin(), args.end());
    auto reply = co_await client_->command(std::move(command));
    // A restarted Redis has forgotten the scripts: load it again, once.
    if (reply.is_error() && reply.text.rfind("NOSCRIPT", 0) == 0 && attempt == 0) {
      std::lock_guard lock(shas_mutex_);
      shas_[script.index].clear();
      continue;
    }
    if (reply.is_error()) fail(reply);
    co_return reply;
  }
}

boost::asio::awaitable<bool> RedisLiveLocations::update(DriverPosition position) {
  check_live_point(position.point);
  std::vector<std::string> args{position.driver_id, number(position.point.lng), number(position.point.lat),
                                std::to_string(micros(position.recorded_at)), encode_details(position)};
  auto reply = co_await run(kUpdate, std::move(args));
  if (reply.type != redis::Reply::Type::Integer) fail(reply);
  co_return reply.integer == 1;
}

boost::asio::awaitable<std::optional<DriverPosition>> RedisLiveLocations::get(std::string driver_id) {
  std::vector<std::string> command{"HGET", details_key_, driver_id};
  auto reply = co_await client_->command(std::move(command));
  if (reply.is_nil()) co_return std::nullopt;
  if (reply.type != redis::Reply::Type::String) fail(reply);
  co_return decode_details(std::move(driver_id), reply.text);
}

boost::asio::awaitable<std::vector<NearbyDriver>> RedisLiveLocations::nearest(GeoPoint center, double radius_m,
                                                                             std::size_t limit, Clock::time_point fresher_than) {
  check_live_point(center);
  std::vector<NearbyDriver> out;
  if (limit == 0 || !(radius_m >= 0)) co_return out;
  // Redis' sphere and geohash cells differ from WGS 84 by under 0.5 %: search a little wider and
  // take a few more, then measure and cut here.
  std::size_t wanted = 2 * limit + 8;
  std::vector<std::string> args{number(center.lng), number(center.lat), number(radius_m * 1.01 + 2),
                                std::to_string(micros(fresher_than)), std::to_string(wanted)};
  auto reply = co_await run(kNearest, std::move(args));
  if (reply.type != redis::Reply::Type::Array || reply.elements.size() % 2 != 0) fail(reply);
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    auto position = decode_details(std::move(reply.elements[i].text), reply.elements[i + 1].text);
    double distance = geo::distance_m(center.lat, center.lng, position.point.lat, position.point.lng);
    if (distance <= radius_m) out.push_back(NearbyDriver{std::move(position), distance});
  }
  std::sort(out.begin(), out.end(), [](const NearbyDriver& a, const NearbyDriver& b) {
    return std::tie(a.distance_m, a.position.driver_id) < std::tie(b.distance_m, b.position.driver_id);
  });
  if (out.size() > limit) out.resize(limit);
  co_return out;
}

boost::asio::awaitable<void> RedisLiveLocations::remove(std::string driver_id) {
  std::vector<std::string> args{std::move(driver_id)};
  auto reply = co_await run(kRemove, std::move(args));
  if (reply.is_error()) fail(reply);
}

boost::asio::awaitable<std::size_t> RedisLiveLocations::prune(Clock::time_point recorded_before) {
  std::size_t pruned = 0;
  while (true) {
    std::vector<std::string> args{std::to_string(micros(recorded_before)), std::to_string(kPruneBatch)};
    auto reply = co_await run(kPrune, std::move(args));
    if (reply.type != redis::Reply::Type::Integer || reply.integer < 0) fail(reply);
    pruned += static_cast<std::size_t>(reply.integer);
    if (static_cast<std::size_t>(reply.integer) < kPruneBatch) co_return pruned;
  }
}

}  // namespace nelo::deliveries
