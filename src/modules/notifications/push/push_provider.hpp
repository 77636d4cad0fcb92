#pragma once
// Where pushes go: a provider delivers one message to one device and says what happened. The
// sender (push_sender.hpp) records each attempt and decides what follows from the outcome.
// Providers: `webhook` (webhook_push_provider.hpp) and `log` (log_push_provider.hpp), chosen by
// NELO_NOTIFICATIONS_PUSH_PROVIDER.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "modules/notifications/models.hpp"

namespace nelo::notifications {

struct PushOutcome {
  enum class Kind {
    Delivered,     // the provider took it
    Retry,         // not now (timeout, unreachable, 5xx, 408, 429): try again later
    Failed,        // refused for good (another 4xx): never retried
    InvalidToken,  // the device's token is dead: the device is removed
  };
  Kind kind = Kind::Delivered;
  std::optional<int> http_status;
  std::string error;  // empty when delivered; never contains the token
};

class PushProvider {
 public:
  virtual ~PushProvider() = default;
  virtual std::string name() const = 0;
  // `message.token` is set (the sender drops pushes whose device is gone). Must not throw for
  // a delivery problem: it answers Retry or Failed instead.
  virtual boost::asio::awaitable<PushOutcome> send(const PushMessage& message) = 0;
};

}  // namespace nelo::notifications
