#include "modules/payments/sandbox/api/webhook_transport.hpp"

#include <spdlog/spdlog.h>

#include "core/http/outbound_client.hpp"

namespace nelo::payments {

WebhookTransport http_webhook_transport() {
  return [](std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
            std::chrono::milliseconds timeout) -> boost::asio::awaitable<int> {
    std::string failure;
    try {
      const auto response = co_await http::post(std::move(url), std::move(headers), std::move(body), timeout);
      co_return response.status;
    } catch (const http::OutboundError& e) {
      failure = e.what();
    }
    spdlog::debug("sandbox: webhook not delivered: {}", failure);
    co_return 0;
  };
}

}  // namespace nelo::payments
