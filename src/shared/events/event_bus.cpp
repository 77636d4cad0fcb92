#include "shared/events/event_bus.hpp"

namespace nelo::events {

BatchHandler one_at_a_time(Handler handler) {
  if (!handler) return {};
  return [one = std::move(handler)](db::Transaction& tx,
                                    std::span<const Event* const> events) -> boost::asio::awaitable<void> {
    for (const Event* event : events) co_await one(tx, *event);
  };
}

}  // namespace nelo::events
