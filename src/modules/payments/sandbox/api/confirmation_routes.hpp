#pragma once
// The sandbox processor's 3-D Secure page, the `action_url` a tok_3ds authorization answers with:
// the page the customer's browser opens (GET) and the confirmation it posts (POST
// ?outcome=approve|refuse). The processor then reports the outcome by signed webhook, as a real
// one would. A route of the simulated processor, not of nelo's API proper.

namespace nelo::http {
class Router;
}

namespace nelo::payments {

class SandboxProcessor;

void register_sandbox_confirmation_routes(http::Router& router, SandboxProcessor& processor);

}  // namespace nelo::payments
