#pragma once
// The `log` push provider, for development: writes one log line per push (device id and
// platform, title; never the token) and calls it delivered.

#include "modules/notifications/push/push_provider.hpp"

namespace nelo::notifications {

class LogPushProvider final : public PushProvider {
 public:
  std::string name() const override { return "log"; }
  boost::asio::awaitable<PushOutcome> send(const PushMessage& message) override;
};

}  // namespace nelo::notifications
