#include "modules/notifications/push/api/webhook_post.hpp"

#include "core/http/outbound_client.hpp"

namespace nelo::notifications {

boost::asio::awaitable<WebhookReply> http_webhook_post(std::string url,
                                                       std::vector<std::pair<std::string, std::string>> headers,
                                                       std::string body, std::chrono::milliseconds timeout) {
  auto response = co_await http::post(std::move(url), std::move(headers), std::move(body), timeout);
  co_return WebhookReply{response.status, std::move(response.body)};
}

}  // namespace nelo::notifications
