#pragma once
// HTTP routes of the deliveries module's drivers part, /api/v1/deliveries/drivers/...: a driver's
// profile and availability, location pings (one, or a batch an app buffered), and for admins the
// drivers near a point.

namespace nelo::http {
class Router;
}

namespace nelo::deliveries {

class DriverService;
class PingService;
class DriverLocator;

// The services must outlive the router's use of these routes.
void register_driver_routes(http::Router& router, DriverService& drivers, PingService& pings, DriverLocator& locator);

}  // namespace nelo::deliveries
