#pragma once
// Distances computed by PostGIS, so that orders measure exactly as the catalog does for its
// delivery radius: ST_Distance between two geography points, in metres on the WGS 84 spheroid
// (a straight line, not a route). No table is read.

#include <boost/asio/awaitable.hpp>

#include "modules/orders/models.hpp"

namespace nelo::db {
class Pool;
}

namespace nelo::orders {

class GeoRepository {
 public:
  explicit GeoRepository(db::Pool& pool) : pool_(pool) {}

  boost::asio::awaitable<double> distance_m(GeoPoint from, GeoPoint to);

 private:
  db::Pool& pool_;
};

}  // namespace nelo::orders
