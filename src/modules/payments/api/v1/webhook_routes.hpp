#pragma once
// POST /api/v1/payments/webhooks/{provider}: where payment providers report what happened.

namespace nelo::http {
class Router;
}

namespace nelo::payments {

class WebhookIntake;

void register_webhook_routes(http::Router& router, WebhookIntake& intake);

}  // namespace nelo::payments
