#pragma once
// GET /api/v1/realtime: the WebSocket of the real-time gateway (docs/realtime.md).

#include "modules/realtime/api/v1/realtime_connection.hpp"

namespace nelo::http {
class Router;
}

namespace nelo::realtime {

// `parts` must outlive the router's server.
void register_realtime_routes(http::Router& router, const GatewayParts& parts);

}  // namespace nelo::realtime
