#pragma once
// The sandbox processor's HTTP edge outwards: its webhooks POSTed over real HTTP (core/http's
// outbound client). Here, in the sandbox's api/ layer, because only a module's api layer knows HTTP.

#include "modules/payments/sandbox/webhook_sender.hpp"

namespace nelo::payments {

// POSTs with core/http's outbound client; a delivery that gets no answer (refused connection,
// timeout) answers 0 and is logged at debug level.
WebhookTransport http_webhook_transport();

}  // namespace nelo::payments
