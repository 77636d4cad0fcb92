#pragma once
// The HTTP side of the webhook push provider: core/http/outbound_client behind the WebhookPost
// signature (only an api/ folder of a module knows HTTP).

#include "modules/notifications/push/webhook_push_provider.hpp"

namespace nelo::notifications {

boost::asio::awaitable<WebhookReply> http_webhook_post(std::string url,
                                                       std::vector<std::pair<std::string, std::string>> headers,
                                                       std::string body, std::chrono::milliseconds timeout);

}  // namespace nelo::notifications
