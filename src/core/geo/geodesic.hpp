#pragma once
// Distances on the WGS 84 ellipsoid, computed in process: Karney's geodesic algorithm through
// GeographicLib, the algorithm PostGIS itself uses for ST_Distance between geography points, so
// both agree (to well under a millimetre; tests/integration/geodesic_pgtest.cpp checks it).

namespace nelo::geo {

// Metres along the shortest path on the WGS 84 ellipsoid between two points given in degrees
// (latitude in [-90, 90], longitude in [-180, 180]): a straight line, not a route.
double distance_m(double lat1, double lng1, double lat2, double lng2);

}  // namespace nelo::geo
