#pragma once
// Operator endpoints of the event bus (admin role only): dead deliveries, replay, backlog.

namespace nelo::http {
class Router;
}

namespace nelo::events {

class OutboxEventBus;

// The bus must outlive the router's use of these routes.
void register_event_admin_routes(http::Router& router, OutboxEventBus& bus);

}  // namespace nelo::events
