#pragma once
// The hub's link to the other nelo processes: what this process sends is published on one Redis
// pub/sub channel (<NELO_REDIS_KEY_PREFIX>:realtime), in batches (everything queued since the last
// PUBLISH, one PUBLISH), and what the others publish there reaches this process's subscribers.
// Each process skips its own messages (it delivered them already). Pub/sub keeps nothing: a
// message published while a process is disconnected is lost for its clients, whose seq then shows
// no gap (numbers are per connection), so clients re-read their resources after a reconnect.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/redis/redis_client.hpp"
#include "core/redis/redis_subscriber.hpp"
#include "modules/realtime/services/hub.hpp"

namespace nelo::realtime {

class RedisRelay final : public Relay {
 public:
  RedisRelay(boost::asio::any_io_executor executor, std::string url, std::string channel, Hub& hub);
  ~RedisRelay() override;

  void send(const HubMessage& message) override;
  void start();
  void stop();

  // The wire form of a batch (pure, for tests): {"o": origin, "m": [{k, t, e, d, c, r}...]}.
  static std::string encode(const std::string& origin, const std::vector<HubMessage>& messages);
  // Empty `origin` on a payload that is not a batch.
  static std::vector<HubMessage> decode(const std::string& payload, std::string& origin);

 private:
  static boost::asio::awaitable<void> flush(std::shared_ptr<struct RelayState> state);

  std::shared_ptr<struct RelayState> state_;
  redis::Subscriber subscriber_;
};

}  // namespace nelo::realtime
