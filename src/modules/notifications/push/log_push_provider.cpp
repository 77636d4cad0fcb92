#include "modules/notifications/push/log_push_provider.hpp"

#include <spdlog/spdlog.h>

namespace nelo::notifications {

boost::asio::awaitable<PushOutcome> LogPushProvider::send(const PushMessage& message) {
  spdlog::info("notifications: push {} to device {} ({}) of user {}: {}", message.push_id, message.device_id,
               message.platform, message.user_id, message.title);
  co_return PushOutcome{};
}

}  // namespace nelo::notifications
