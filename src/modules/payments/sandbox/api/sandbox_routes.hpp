#pragma once
// The HTTP API of `nelo sandbox-processor` (sandbox_wire.hpp), on its own port: a payment
// provider's API (authorize, capture, void, refund, the list of its records) for nelo, with an
// API key when one is set, and the 3-D Secure confirmation page a customer's browser opens
// (GET /3ds/{reference}; its two forms post to .../approve and .../refuse).

#include <string>

namespace nelo::http {
class Router;
}

namespace nelo::payments {

class SandboxProcessor;

// `api_key` empty: the provider API asks for none. The processor must outlive the router.
void register_sandbox_routes(http::Router& router, SandboxProcessor& processor, std::string api_key);

}  // namespace nelo::payments
