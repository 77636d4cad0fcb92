#include "modules/orders/repositories/geo_repository.hpp"

#include "core/db/pool.hpp"

namespace nelo::orders {
namespace {

// Points are built as (longitude, latitude): PostGIS's x/y order.
constexpr std::string_view kDistance =
    "SELECT ST_Distance(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography,"
    "                   ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326)::geography) AS distance_m";

}  // namespace

boost::asio::awaitable<double> GeoRepository::distance_m(GeoPoint from, GeoPoint to) {
  auto result = co_await pool_.execute("orders", kDistance, db::params(from.lng, from.lat, to.lng, to.lat));
  co_return result.front().get<double>("distance_m");
}

}  // namespace nelo::orders
