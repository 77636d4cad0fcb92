// bench/run matching: finding the 10 drivers nearest a pickup among 100 000 online drivers
// spread over a Paris-sized square (20 x 20 km), while their pings stream in on another thread.
//   1. in process: the deliveries module's InProcessLiveLocations; one thread pings (each ping
//      moves a random driver a few metres, recorded now) at --ping-rate per second, the main
//      thread asks nearest-10 within 8 km of random points, one after the other, for --seconds;
//   2. PostgreSQL + PostGIS: the same points in a table with a GiST index on a geography column,
//      the same questions as one prepared KNN statement (ORDER BY location <-> $point LIMIT 10),
//      while the same pings are written behind once a second, coalesced into one UPDATE (as the
//      deliveries module writes positions behind the pings).
// Prints the latencies of each and their ratio, one `key=value` line at the end (bench/run
// records it).
//
// Usage: nelo_bench_matching --database-url URL [--drivers N] [--seconds S] [--ping-rate P]

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "modules/deliveries/live/in_process_live_locations.hpp"

namespace {

using nelo::deliveries::DriverPosition;
using nelo::deliveries::GeoPoint;
using nelo::deliveries::InProcessLiveLocations;
using SteadyClock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

constexpr GeoPoint kParis{48.8566, 2.3522};
constexpr double kHalfSideM = 10'000;  // 20 x 20 km
constexpr double kRadiusM = 8'000;     // dispatch's widest search
constexpr std::size_t kLimit = 10;

struct Options {
  std::string database_url;
  int drivers = 100'000;
  int seconds = 10;
  int ping_rate = 25'000;  // 100 000 drivers pinging every 4 s
};

GeoPoint offset(GeoPoint from, double north_m, double east_m) {
  return GeoPoint{from.lat + north_m / 111'132.0,
                  from.lng + east_m / (111'320.0 * std::cos(from.lat * std::numbers::pi / 180))};
}

// The drivers' current points, moved by the pings; each thread has its own generator.
class City {
 public:
  City(int drivers, unsigned seed) : random_(seed) {
    std::uniform_real_distribution<double> side(-kHalfSideM, kHalfSideM);
    for (int i = 0; i < drivers; ++i) points_.push_back(offset(kParis, side(random_), side(random_)));
  }
  static std::string id(int i) { return "driver-" + std::to_string(i); }
  int size() const { return static_cast<int>(points_.size()); }
  const GeoPoint& point(int i) const { return points_[i]; }

  // A ping: a random driver moved up to 30 m (kept in the square).
  int move_one() {
    int i = std::uniform_int_distribution<int>(0, size() - 1)(random_);
    std::uniform_real_distribution<double> step(-30, 30);
    auto moved = offset(points_[i], step(random_), step(random_));
    auto south_west = offset(kParis, -kHalfSideM, -kHalfSideM), north_east = offset(kParis, kHalfSideM, kHalfSideM);
    moved.lat = std::clamp(moved.lat, south_west.lat, north_east.lat);
    moved.lng = std::clamp(moved.lng, south_west.lng, north_east.lng);
    points_[i] = moved;
    return i;
  }

 private:
  std::mt19937 random_;
  std::vector<GeoPoint> points_;
};

struct Latencies {
  std::vector<double> ms;
  double seconds = 0;
  double percentile(double p) {
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) return 0;
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  }
  double per_second() const { return seconds > 0 ? static_cast<double>(ms.size()) / seconds : 0; }
};

// Calls `ping(i)` for about `rate` drivers a second until `stop`; returns how many.
template <class Ping>
long stream_pings(City& city, int rate, const std::atomic<bool>& stop, Ping ping) {
  long sent = 0;
  const auto start = SteadyClock::now();
  while (!stop.load(std::memory_order_relaxed)) {
    double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
    long due = static_cast<long>(elapsed * rate);
    while (sent < due && !stop.load(std::memory_order_relaxed)) {
      ping(city.move_one());
      ++sent;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return sent;
}

template <class Query>
Latencies measure(int seconds, unsigned seed, Query query) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> side(-kHalfSideM, kHalfSideM);
  Latencies out;
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::seconds(seconds);
  std::size_t found = 0;
  while (SteadyClock::now() < end) {
    auto center = offset(kParis, side(random), side(random));
    auto t0 = SteadyClock::now();
    found += query(center);
    out.ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
  }
  out.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (found < out.ms.size() * kLimit) {
    std::fprintf(stderr, "note: %zu drivers short over %zu answers (points near the square's edge)\n",
                 out.ms.size() * kLimit - found, out.ms.size());
  }
  return out;
}

// --- PostgreSQL ---------------------------------------------------------------------------

struct Pg {
  explicit Pg(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(conn));
  }
  ~Pg() { PQfinish(conn); }
  void exec(const std::string& sql) {
    PGresult* r = PQexec(conn, sql.c_str());
    auto status = PQresultStatus(r);
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error("PostgreSQL: " + error + sql);
  }
  PGconn* conn;
};

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9f", v);
  return buffer;
}

void load_pg(Pg& pg, const City& city) {
  pg.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  pg.exec("DROP TABLE IF EXISTS bench_driver_positions");
  pg.exec(
      "CREATE TABLE bench_driver_positions (driver_id text PRIMARY KEY, location geography(Point,4326) NOT NULL, "
      "recorded_at timestamptz NOT NULL)");
  {
    PGresult* r = PQexec(pg.conn, "COPY bench_driver_positions (driver_id, location, recorded_at) FROM STDIN");
    bool ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok) throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(pg.conn));
  }
  std::string rows;
  for (int i = 0; i < city.size(); ++i) {
    rows += City::id(i) + "\tSRID=4326;POINT(" + number(city.point(i).lng) + " " + number(city.point(i).lat) + ")\tnow\n";
  }
  if (PQputCopyData(pg.conn, rows.data(), static_cast<int>(rows.size())) != 1 || PQputCopyEnd(pg.conn, nullptr) != 1) {
    throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(pg.conn));
  }
  PGresult* r = PQgetResult(pg.conn);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string error = PQresultErrorMessage(r);
  PQclear(r);
  while ((r = PQgetResult(pg.conn))) PQclear(r);
  if (!ok) throw std::runtime_error("COPY: " + error);
  pg.exec("CREATE INDEX bench_driver_positions_location ON bench_driver_positions USING gist (location)");
  pg.exec("VACUUM ANALYZE bench_driver_positions");
}

constexpr const char* kKnn =
    "SELECT driver_id, ST_Distance(location, p.point) FROM bench_driver_positions, "
    "(SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography AS point) AS p "
    "WHERE recorded_at >= $3::timestamptz AND ST_DWithin(location, p.point, $4::float8) "
    "ORDER BY location <-> p.point LIMIT 10";

constexpr const char* kWriteBehind =
    "UPDATE bench_driver_positions AS b SET location = ST_SetSRID(ST_MakePoint(u.lng, u.lat), 4326)::geography, "
    "recorded_at = now() FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(id, lng, lat) WHERE b.driver_id = u.id";

std::size_t pg_nearest(Pg& pg, GeoPoint center, const std::string& fresher_than) {
  auto lng = number(center.lng), lat = number(center.lat), radius = number(kRadiusM);
  const char* values[] = {lng.c_str(), lat.c_str(), fresher_than.c_str(), radius.c_str()};
  PGresult* r = PQexecPrepared(pg.conn, "knn", 4, values, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("knn: " + error);
  }
  auto rows = static_cast<std::size_t>(PQntuples(r));
  PQclear(r);
  return rows;
}

// --- the two runs ----------------------------------------------------------------------------

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--database-url") o.database_url = value;
    else if (key == "--drivers") o.drivers = std::stoi(value);
    else if (key == "--seconds") o.seconds = std::stoi(value);
    else if (key == "--ping-rate") o.ping_rate = std::stoi(value);
    else throw std::invalid_argument("unknown option " + key);
  }
  if (o.database_url.empty()) throw std::invalid_argument("--database-url is required");
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  auto options = parse(argc, argv);
  std::printf("drivers=%d over 20 x 20 km around Paris, nearest %zu within %.0f m, %d s each, pings %d/s\n",
              options.drivers, kLimit, kRadiusM, options.seconds, options.ping_rate);

  // 1. In process.
  City city(options.drivers, 1);
  InProcessLiveLocations store;
  const auto loaded_at = WallClock::now();
  for (int i = 0; i < city.size(); ++i) {
    DriverPosition p;
    p.driver_id = City::id(i);
    p.point = city.point(i);
    p.recorded_at = loaded_at;
    store.update_now(std::move(p));
  }
  std::atomic<bool> stop{false};
  long in_process_pings = 0;
  std::thread pinger([&] {
    in_process_pings = stream_pings(city, options.ping_rate, stop, [&](int i) {
      DriverPosition p;
      p.driver_id = City::id(i);
      p.point = city.point(i);
      p.recorded_at = WallClock::now();
      store.update_now(std::move(p));
    });
  });
  auto fresher_than = loaded_at - std::chrono::minutes(1);
  auto in_process = measure(options.seconds, 2, [&](GeoPoint center) {
    return store.nearest_now(center, kRadiusM, kLimit, fresher_than).size();
  });
  stop = true;
  pinger.join();
  double in_process_ping_rate = static_cast<double>(in_process_pings) / in_process.seconds;
  std::printf("in process: %zu queries, %.0f/s, p50 %.3f ms, p99 %.3f ms, max %.3f ms; %.0f pings/s applied\n",
              in_process.ms.size(), in_process.per_second(), in_process.percentile(0.5), in_process.percentile(0.99),
              in_process.percentile(1.0), in_process_ping_rate);

  // 2. PostgreSQL + PostGIS, same points (as moved so far), same questions.
  Pg reader(options.database_url);
  load_pg(reader, city);
  {
    PGresult* r = PQprepare(reader.conn, "knn", kKnn, 4, nullptr);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) throw std::runtime_error("prepare: " + error);
  }
  Pg writer(options.database_url);
  stop = false;
  long pg_pings = 0;
  std::thread pg_pinger([&] {
    // Pings coalesced per driver and written once a second, in one statement.
    std::vector<int> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      std::sort(batch.begin(), batch.end());
      batch.erase(std::unique(batch.begin(), batch.end()), batch.end());
      std::string ids = "{", lngs = "{", lats = "{";
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const char* comma = k + 1 < batch.size() ? "," : "}";
        ids += City::id(batch[k]) + comma;
        lngs += number(city.point(batch[k]).lng) + comma;
        lats += number(city.point(batch[k]).lat) + comma;
      }
      const char* values[] = {ids.c_str(), lngs.c_str(), lats.c_str()};
      PGresult* r = PQexecParams(writer.conn, kWriteBehind, 3, nullptr, values, nullptr, nullptr, 0);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) std::fprintf(stderr, "write-behind: %s", PQresultErrorMessage(r));
      PQclear(r);
      batch.clear();
    };
    auto next_flush = SteadyClock::now() + std::chrono::seconds(1);
    pg_pings = stream_pings(city, options.ping_rate, stop, [&](int i) {
      batch.push_back(i);
      if (SteadyClock::now() >= next_flush) {
        flush();
        next_flush += std::chrono::seconds(1);
      }
    });
    flush();
  });
  // Every row is fresh, as in process: the filter is there to be evaluated, not to cut.
  const std::string pg_fresher_than = "epoch";
  auto pg = measure(options.seconds, 2, [&](GeoPoint center) { return pg_nearest(reader, center, pg_fresher_than); });
  stop = true;
  pg_pinger.join();
  std::printf("PostgreSQL: %zu queries, %.0f/s, p50 %.3f ms, p99 %.3f ms, max %.3f ms; %.0f pings/s written behind\n",
              pg.ms.size(), pg.per_second(), pg.percentile(0.5), pg.percentile(0.99), pg.percentile(1.0),
              static_cast<double>(pg_pings) / pg.seconds);

  double p50_ratio = pg.percentile(0.5) / std::max(1e-9, in_process.percentile(0.5));
  double p99_ratio = pg.percentile(0.99) / std::max(1e-9, in_process.percentile(0.99));
  double rate_ratio = in_process.per_second() / std::max(1e-9, pg.per_second());
  std::printf(
      "RESULT drivers=%d pings_per_s=%d in_process_qps=%.0f in_process_p50_ms=%.3f in_process_p99_ms=%.3f "
      "in_process_max_ms=%.3f pg_qps=%.0f pg_p50_ms=%.3f pg_p99_ms=%.3f pg_max_ms=%.3f p50_ratio=%.1f p99_ratio=%.1f "
      "qps_ratio=%.1f\n",
      options.drivers, options.ping_rate, in_process.per_second(), in_process.percentile(0.5),
      in_process.percentile(0.99), in_process.percentile(1.0), pg.per_second(), pg.percentile(0.5),
      pg.percentile(0.99), pg.percentile(1.0), p50_ratio, p99_ratio, rate_ratio);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "nelo_bench_matching: %s\n", e.what());
  return 1;
}
